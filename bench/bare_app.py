"""The baseline: a bare Flask JSON endpoint, served by gunicorn exactly like Rakor."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify(ok=True)
