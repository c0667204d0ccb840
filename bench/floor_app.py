"""The stack's floor for a registration, served by gunicorn exactly like Rakor.

The least the brief's stack does for one: a Flask-WTF form with its CSRF token in the
signed session cookie, the mobile number parsed by phonenumbers, one SQLAlchemy Core INSERT
committed in the bench's own database, and a redirect. No event, capacity, duplicates,
language, log line or security headers: what is left when everything Rakor adds costs
nothing. It shows how much of the gap to the bare endpoint the stack takes by itself.
"""

import contextlib
import os
import secrets

import phonenumbers
import sqlalchemy as sa
from flask import Flask, redirect, render_template_string
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

app = Flask(__name__)
app.config["SECRET_KEY"] = "bench-floor"
engine = sa.create_engine(os.environ["DATABASE_URL"])
registrations = sa.Table(
    "bench_floor_registrations",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("organisation", sa.String(200)),
    sa.Column("phone", sa.String(20)),
    sa.Column("email", sa.String(200)),
    sa.Column("link_token", sa.String(64), nullable=False),
)

if engine.dialect.name == "sqlite":

    @sa.event.listens_for(engine, "connect")
    def _like_rakor(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA busy_timeout=5000")


with contextlib.suppress(sa.exc.DatabaseError):  # the other worker process created it first
    registrations.metadata.create_all(engine)


class RegistrationForm(FlaskForm):
    full_name = StringField(validators=[DataRequired(), Length(max=200)])
    organisation = StringField(validators=[Length(max=200)])
    phone = StringField(validators=[Length(max=40)])
    email = EmailField(validators=[Optional(), Length(max=200)])


PAGE = "<form method=post>{{ form.csrf_token }}{{ form.full_name }}{{ form.phone }}</form>"


@app.route("/register", methods=["GET", "POST"])
def register():
    form = RegistrationForm()
    if form.validate_on_submit():
        number = phonenumbers.parse(form.phone.data, "ID")
        phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        token = secrets.token_urlsafe(32)
        with engine.begin() as connection:
            connection.execute(
                registrations.insert(),
                {
                    "full_name": form.full_name.data,
                    "organisation": form.organisation.data,
                    "phone": phone,
                    "email": form.email.data or None,
                    "link_token": token,
                },
            )
        return redirect(f"/r/{token}")
    return render_template_string(PAGE, form=form)
