"""Work that must not hold up a request: e-mail now, big documents too.

`enqueue(function, *args)` runs `function(*args)` once the current transaction has committed,
so a registration that rolls back never sends its e-mail, and a committed one always has its
job. Where it runs:

- with REDIS_URL: on the RQ queue "rakor", served by any number of `flask worker` processes
  beside any number of app servers; a failed job is retried three times;
- without Redis: on a small thread pool inside the app process (one machine, nothing to run);
- with TASKS_EAGER (the test suite): at once, in the caller's session.

Functions are named by import path, take plain values (ids, strings), and do their own
database work; the runner commits after them and rolls back on failure.
"""

import importlib
import logging
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from coordination.extensions import db
from coordination.ops import logs

QUEUE = "rakor"
PENDING = "rakor_pending_tasks"
SWEEP = "coordination.mail.services:requeue_stuck"
RETRY_INTERVALS = [10, 60, 300]
log = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None
_running: set[Future] = set()


def task_path(function: Callable) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def enqueue(function: Callable, *args) -> None:
    """Run function(*args) after the commit of the current transaction."""
    app = current_app._get_current_object()
    path = task_path(function)
    if app.config.get("TASKS_EAGER"):
        function(*args)
        return
    db.session.info.setdefault(PENDING, []).append((app, path, args))


def _after_commit(session: Session) -> None:
    for app, path, args in session.info.pop(PENDING, []):
        try:
            _dispatch(app, path, args)
        except Exception:  # the commit stands; the job is logged for the operator
            log.exception("could not queue task %s%r", path, args)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _dispatch(app: Flask, path: str, args: tuple) -> None:
    if redis_url := app.config.get("REDIS_URL"):
        from rq import Queue, Retry

        queue = Queue(QUEUE, connection=redis_connection(redis_url))
        queue.enqueue(run_task, path, *args, retry=Retry(max=3, interval=RETRY_INTERVALS))
    else:
        _submit(app, path, args)


def _thread_pool(app: Flask) -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rakor-task")
    if not app.extensions.get("rakor_swept"):
        # Without Redis nothing else resends what a crashed process left queued: the first
        # task of each app process sweeps for it.
        app.extensions["rakor_swept"] = True
        _track(_pool.submit(_run_in_app, app, SWEEP, ()))
    return _pool


def _submit(app: Flask, path: str, args: tuple) -> None:
    _track(_thread_pool(app).submit(_run_in_app, app, path, args))


def _track(future: Future) -> None:
    _running.add(future)
    future.add_done_callback(_running.discard)


def wait_for_threads() -> None:
    """Let thread tasks finish, and those they queue in turn (tests, a clean shutdown)."""
    global _pool
    while _running:
        wait(list(_running))
    if _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None


def _run_in_app(app: Flask, path: str, args: tuple) -> None:
    with app.app_context():
        try:
            run_task(path, *args)
        except Exception:
            log.exception("task %s%r failed", path, args)


def named(path: str) -> Callable:
    """The function a task path names ("module:function")."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run_task(path: str, *args) -> None:
    """What a worker executes: the named function, then one commit (or a rollback)."""
    function = named(path)
    try:
        function(*args)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        db.session.remove()


def redis_connection(url: str):
    from redis import Redis

    return Redis.from_url(url)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run queued e-mails and documents (needs REDIS_URL)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        click.echo(
            "REDIS_URL is not set: without Redis the app runs its tasks itself, "
            "no worker is needed.",
            err=True,
        )
        sys.exit(1)
    from rq import Queue, SimpleWorker

    # Messages left behind by a process that died between its commit and the queue.
    if stuck := named(SWEEP)():
        click.echo(f"{stuck} undelivered message(s) queued again")
    db.session.commit()
    connection = redis_connection(url)
    # RQ's own lines (jobs started, done, failed) in the app's format, not RQ's coloured text.
    logs.route("rq")
    # SimpleWorker runs jobs in this process, inside the app context `flask` set up.
    worker = SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_rollback", _after_rollback)
        sa.event.listen(Session, "after_soft_rollback", _after_rollback_soft)


def _after_rollback_soft(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)
