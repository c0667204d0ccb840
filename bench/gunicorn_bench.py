"""The gunicorn settings the bench gives Rakor and the bare baseline alike.

Not the production gunicorn.conf.py (access log, worker recycling), but its thread
switch interval, which decides how long a thread back from the database waits for the GIL.
"""

import sys

switch_interval = 0.0005  # as in gunicorn.conf.py


def post_fork(_server, _worker):
    sys.setswitchinterval(switch_interval)
