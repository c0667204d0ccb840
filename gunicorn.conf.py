"""gunicorn for production: `gunicorn app:app` picks this file up from the working directory.

Logs are JSON lines on stderr (LOG_FORMAT=plain for text).

SQLite (the embedded default) wants few processes, since one writer goes at a time;
PostgreSQL takes more. WEB_CONCURRENCY and WEB_THREADS override the guesses below.
"""

import multiprocessing
import os

_postgres = "postgresql" in os.environ.get("DATABASE_URL", "")
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(
    os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1 if _postgres else 2)
)
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 8))
timeout = 60  # a large badge sheet can take this long; longer work belongs in a worker
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then, so a slow leak never grows
max_requests_jitter = 200
# No access log of gunicorn's own: its request line carries /r/<secret> paths and query
# strings. The app writes one line per request itself (coordination/ops/logs.py).
accesslog = None
errorlog = "-"
if os.environ.get("LOG_FORMAT", "json") == "json":
    # gunicorn's own lines (workers booting, timeouts) as JSON too, one object per line.
    logconfig_dict = {
        "root": {"level": "WARNING", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "formatters": {"json": {"()": "coordination.ops.logs.JsonLines"}},
    }
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# A thread whose database call returns waits for the GIL until the running thread yields it,
# after up to the switch interval (5 ms by default). On SQLite a door's write holds the
# writers' queue for that wait, so eight doors queued behind it: 0.5 ms keeps it short.
switch_interval = float(os.environ.get("PYTHON_SWITCH_INTERVAL", "0.0005"))


def post_fork(_server, _worker):
    import sys

    sys.setswitchinterval(switch_interval)
