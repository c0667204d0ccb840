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

The queue is never the only copy of an e-mail: the outbox row is. A delivery that could not
be queued (Redis away), or that died with its process, is found again by the mail sweep
(`mail.services.requeue_stuck`), which runs every MAIL_SWEEP_SECONDS while workers run: on
RQ's cron inside `flask worker`, or on a thread of each app process without Redis. (A big
document's job is not swept: its page reports it stalled, and asking again starts another.)
"""

import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from functools import cache

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from coordination.extensions import db
from coordination.ops import logs

QUEUE = "rakor"
# The sweep's own queue, which workers serve first: it never waits behind a backlog of mail.
SWEEP_QUEUE = "rakor-sweep"
PENDING = "rakor_pending_tasks"
IN_TASK = "rakor_in_task"
SWEEP = "coordination.mail.services:requeue_stuck"
RETRY_INTERVALS = [10, 60, 300]
JOB_TIMEOUT = 180  # RQ stops a job running longer (a document for a large event takes ~60 s)
log = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None
_running: set[Future] = set()
_local: set[str] = set()  # job ids waiting or running on this process's threads
_sweeper_pid: int | None = None
_sweeper_stop = threading.Event()


def task_path(function: Callable) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def enqueue(
    function: Callable, *args, job_id: str | None = None, timeout: int = JOB_TIMEOUT
) -> None:
    """Run function(*args) after the commit of the current transaction.

    `job_id` names the task so a sweep can tell whether it is still waiting somewhere; on
    RQ, a run longer than `timeout` seconds is stopped (and counts as failed)."""
    app = current_app._get_current_object()
    path = task_path(function)
    if app.config.get("TASKS_EAGER"):
        function(*args)
        return
    db.session.info.setdefault(PENDING, []).append((app, path, args, job_id, timeout))


def commit_progress() -> None:
    """In a background task, commit the work so far: a step that must outlive a crash of
    this process. Run inline (TASKS_EAGER, inside a request) it only flushes."""
    if db.session.info.get(IN_TASK):
        db.session.commit()
    else:
        db.session.flush()


def _after_commit(session: Session) -> None:
    for app, path, args, job_id, timeout in session.info.pop(PENDING, []):
        try:
            _dispatch(app, path, args, job_id, timeout)
        except Exception as error:
            # The commit stands, and what it wrote says the work is still to do: the next
            # sweep queues it again once the queue is back.
            log.warning(
                "could not queue task %s%r (%s: %s); the sweep will queue it again",
                path,
                args,
                type(error).__name__,
                error,
            )


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _dispatch(
    app: Flask, path: str, args: tuple, job_id: str | None = None, timeout: int = JOB_TIMEOUT
) -> None:
    if redis_url := app.config.get("REDIS_URL"):
        from rq import Queue, Retry

        queue = Queue(QUEUE, connection=redis_connection(redis_url))
        queue.enqueue(
            run_task,
            path,
            *args,
            job_id=job_id,
            job_timeout=timeout,
            retry=Retry(max=3, interval=RETRY_INTERVALS),
        )
    else:
        _submit(app, path, args, job_id)


def task_alive(job_id: str, started_after: datetime) -> bool:
    """Whether the task of this id is on its way: on a queue, due for a retry since
    `started_after` at the latest, or running since then.

    False when it was lost: Redis restarted empty, its worker died, no scheduler is left to
    queue its retry, or it never left this process."""
    app = current_app._get_current_object()
    if app.config.get("TASKS_EAGER"):
        return False
    if not (redis_url := app.config.get("REDIS_URL")):
        return job_id in _local
    from rq import Queue
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus
    from rq.registry import ScheduledJobRegistry

    connection = redis_connection(redis_url)
    try:
        job = Job.fetch(job_id, connection=connection)
        status = job.get_status()
    except NoSuchJobError:
        return False
    if status == JobStatus.QUEUED:
        return connection.lpos(Queue(job.origin, connection=connection).key, job_id) is not None
    if status == JobStatus.SCHEDULED:
        try:
            due = ScheduledJobRegistry(job.origin, connection=connection).get_scheduled_time(job)
        except NoSuchJobError:
            return False
        return _aware(due) > started_after
    if status == JobStatus.STARTED and job.started_at is not None:
        return _aware(job.started_at) > started_after
    return status == JobStatus.DEFERRED


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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


def _submit(app: Flask, path: str, args: tuple, job_id: str | None = None) -> None:
    future = _thread_pool(app).submit(_run_in_app, app, path, args)
    if job_id:
        _local.add(job_id)
        future.add_done_callback(lambda _future: _local.discard(job_id))
    _track(future)


def _track(future: Future) -> None:
    _running.add(future)
    future.add_done_callback(_running.discard)


def _start_sweeper(app: Flask) -> None:
    """Without Redis: a thread of this process queues the mail sweep every MAIL_SWEEP_SECONDS,
    so what a killed process left undelivered goes out while the others run."""
    global _sweeper_pid
    interval = app.config.get("MAIL_SWEEP_SECONDS", 0)
    if _sweeper_pid == os.getpid() or interval <= 0:
        return
    if app.config.get("TASKS_EAGER") or app.config.get("REDIS_URL"):
        return
    _sweeper_pid = os.getpid()
    _sweeper_stop.clear()

    def sweep_now_and_then() -> None:
        while not _sweeper_stop.wait(interval):
            try:
                _submit(app, SWEEP, ())
            except RuntimeError:  # the pool is shutting down with the process
                return

    threading.Thread(target=sweep_now_and_then, name="rakor-sweep", daemon=True).start()


def wait_for_threads() -> None:
    """Let thread tasks finish, and those they queue in turn (tests, a clean shutdown)."""
    global _pool, _sweeper_pid
    _sweeper_stop.set()
    _sweeper_pid = None
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
        db.session.info[IN_TASK] = True
        function(*args)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        db.session.remove()


@cache
def redis_connection(url: str):
    """One client per process and URL that gives up fast: when Redis is away, a request
    waits at most about a second for it, never the client's default ten retries."""
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Redis.from_url(
        url, socket_connect_timeout=1, socket_timeout=2, retry=Retry(NoBackoff(), 1)
    )


def _wait_for_redis(connection, stopping: threading.Event) -> None:
    delay = 1.0
    while not stopping.is_set():
        try:
            connection.ping()
            return
        except Exception:
            stopping.wait(delay)
            delay = min(delay * 2, 10.0)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run queued e-mails and documents (needs REDIS_URL)."""
    app = current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if not url:
        click.echo(
            "REDIS_URL is not set: without Redis the app runs its tasks itself, "
            "no worker is needed.",
            err=True,
        )
        sys.exit(1)
    from rq import Queue, SimpleWorker

    # RQ's own lines (jobs started, done, failed) in the app's format, not RQ's coloured text.
    logs.route("rq")
    from redis import Redis

    # The worker's own client: RQ sets its read timeout above its blocking wait for jobs.
    connection = Redis.from_url(url, socket_connect_timeout=5)
    stopping = threading.Event()

    class Worker(SimpleWorker):
        def request_stop(self, signum, frame):
            stopping.set()
            super().request_stop(signum, frame)

    if burst:
        # Messages left behind by a process that died between its commit and the queue.
        if stuck := named(SWEEP)():
            click.echo(f"{stuck} undelivered message(s) queued again")
        db.session.commit()
    else:
        _start_cron(app, connection, stopping)

    # A worker that RQ gives up on (Redis went away at the wrong moment) is replaced by a new
    # one as soon as Redis answers again; so is RQ's scheduler, which the worker looks after.
    while not stopping.is_set():
        # SimpleWorker runs jobs in this process, inside the app context `flask` set up.
        queues = [Queue(name, connection=connection) for name in (SWEEP_QUEUE, QUEUE)]
        worker = Worker(queues, connection=connection, maintenance_interval=60)
        cause = "RQ gave up"
        try:
            worker.work(burst=burst, with_scheduler=True)
        except Exception as error:  # Redis away as the worker started, or as it stopped
            cause = f"{type(error).__name__}: {error}"
        if burst or stopping.is_set():
            break
        log.warning("worker stopped (%s); a new one starts when Redis answers", cause)
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
        _wait_for_redis(connection, stopping)


def _start_cron(app: Flask, connection, stopping: threading.Event) -> None:
    """RQ's cron, on a thread of the worker: queues the mail sweep every MAIL_SWEEP_SECONDS.

    RQ's own `rq cron` process dies with the first Redis error; this one starts again."""
    from rq.cron import CronScheduler

    class Cron(CronScheduler):
        def _install_signal_handlers(self):
            pass  # the worker's main thread owns SIGTERM; this thread ends with the process

    interval = max(1, int(app.config.get("MAIL_SWEEP_SECONDS") or 30))

    def run() -> None:
        while not stopping.is_set():
            cron = Cron(connection)
            cron.register(
                run_task,
                SWEEP_QUEUE,
                args=(SWEEP,),
                interval=interval,
                job_timeout=JOB_TIMEOUT,
                result_ttl=interval,
                ttl=2 * interval,  # a sweep that waited this long is replaced by a newer one
                failure_ttl=24 * 3600,
            )
            try:
                cron.start()
            except Exception as error:
                log.warning("mail sweep schedule paused: %s: %s", type(error).__name__, error)
            _wait_for_redis(connection, stopping)

    threading.Thread(target=run, name="rakor-cron", daemon=True).start()


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.before_request(lambda: _start_sweeper(app))
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_rollback", _after_rollback)
        sa.event.listen(Session, "after_soft_rollback", _after_rollback_soft)


def _after_rollback_soft(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)
