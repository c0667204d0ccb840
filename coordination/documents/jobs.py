"""Documents too big to wait for: rendered in the background, with their progress.

submit() records a job in the cache beside the documents (`job:<id>`) and hands its id to a
worker thread of this process. The thread rebuilds the document from plain values (the event's
id, a builder named by import path, its options, the language), renders it in parts, writes
the parts done into the record as it goes, and leaves the PDF in the document cache under its
key. Since the record lives in the cache, any app process can answer the progress page when
the cache is Redis. run(job_id) is the whole of the background work and takes only the id:
with REDIS_URL it goes on the RQ queue (coordination.tasks) and `flask worker` runs it.

A job id is 128 random bits and belongs to one event: the pages serve it only to an organiser
of that event, as they would the document itself.
"""

import importlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from flask import Flask, current_app
from flask_babel import force_locale, get_locale

from coordination import tasks
from coordination.extensions import cache, db

from .cache import Document

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# Kept this long after the last change: enough to come back to a finished download.
RECORD_SECONDS = 2 * 60 * 60
# A job that has not moved for this long was lost with its process (a restart, a crash):
# a running one reports every part, a queued one may wait behind others of its process.
STALL_SECONDS = {RUNNING: 2 * 60, QUEUED: 10 * 60}
log = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


@dataclass
class Job:
    id: str
    event_id: int
    kind: str  # what the pages call it: attendance, badges, certificates
    builder: str  # "module:function" of (event, **options) -> Document
    options: dict
    filename: str
    locale: str
    key: str  # the document's cache key
    source: str = ""  # where the document was asked for: "try again" goes there
    state: str = QUEUED
    done: int = 0
    total: int = 0
    updated: float = field(default_factory=time.time)

    @property
    def failed(self) -> bool:
        stalled = time.time() - self.updated > STALL_SECONDS.get(self.state, float("inf"))
        return self.state == FAILED or stalled

    @property
    def ready(self) -> bool:
        return self.state == DONE


def submit(
    event_id: int,
    kind: str,
    builder: Callable[..., Document],
    options: dict,
    filename: str,
    key: str,
    source: str = "",
    locale: str | None = None,
) -> Job:
    """The job rendering this document: one already under way, or a new one.

    It renders in `locale`, by default the language of the request that asks."""
    earlier = _load(cache.get(f"job-of:{key}") or "")
    usable = earlier and not earlier.failed and (not earlier.ready or kept(earlier))
    if usable and earlier.event_id == event_id:
        return earlier
    job = Job(
        id=secrets.token_urlsafe(16),
        event_id=event_id,
        kind=kind,
        builder=f"{builder.__module__}:{builder.__qualname__}",
        options=options,
        filename=filename,
        locale=locale or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        key=key,
        source=source,
    )
    _save(job)
    cache.set(f"job-of:{key}", job.id, timeout=RECORD_SECONDS)
    if current_app.config.get("REDIS_URL") and not current_app.config.get("TASKS_EAGER"):
        # An RQ worker (flask worker) renders it; any app server answers the progress page.
        tasks.enqueue(run, job.id)
        db.session.commit()  # the task leaves on commit; this request may have nothing else
    else:
        _worker().submit(_run_in_app, current_app._get_current_object(), job.id)
    return job


def job_of(event_id: int, job_id: str) -> Job | None:
    """The event's job by its id; None for an unknown id or another event's job."""
    job = _load(job_id)
    return job if job and job.event_id == event_id else None


def result(job: Job) -> bytes | None:
    """The finished document, while the cache still holds it."""
    return cache.get(job.key) if job.ready else None


def kept(job: Job) -> bool:
    """Whether the finished document is still in the cache (it may have been evicted)."""
    return job.ready and cache.has(job.key)


def run(job_id: str) -> None:
    """Render a queued job's document into the cache, recording progress and the outcome."""
    job = _load(job_id)
    if job is None or job.state != QUEUED:
        return
    job.state = RUNNING
    _save(job)
    lock = threading.Lock()
    app = current_app._get_current_object()

    def progress(done: int, total: int) -> None:
        """Also called from the threads that watch render processes: no app context there."""
        with lock, app.app_context():
            job.done, job.total = max(job.done, done), total
            _save(job)

    try:
        from coordination.events.models import Event

        with force_locale(job.locale):
            event = db.session.get(Event, job.event_id)
            if event is None:
                raise LookupError(f"event {job.event_id} is gone")
            document = _builder(job.builder)(event, **job.options)
            document.content(progress)
        with lock:
            job.key, job.state = document.key, DONE
            job.done = job.total = max(job.total, 1)
            _save(job)
    except Exception:
        log.exception("rendering %s for event %s failed", job.kind, job.event_id)
        with lock:
            job.state = FAILED
            _save(job)
    finally:
        db.session.remove()


def _builder(path: str) -> Callable[..., Document]:
    module, _, name = path.partition(":")
    if not module.startswith("coordination."):
        raise ValueError(f"not a document builder: {path}")
    return getattr(importlib.import_module(module), name)


def _save(job: Job) -> None:
    job.updated = time.time()
    cache.set(f"job:{job.id}", asdict(job), timeout=RECORD_SECONDS)


def _load(job_id: str) -> Job | None:
    record = cache.get(f"job:{job_id}") if job_id else None
    return Job(**record) if isinstance(record, dict) else None


def _run_in_app(app: Flask, job_id: str) -> None:
    with app.app_context():
        run(job_id)


def _worker() -> ThreadPoolExecutor:
    """One rendering at a time per process: each already uses every core."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rakor-document")
        return _pool


def wait_for_jobs() -> None:
    """Let the jobs handed to this process's thread finish (tests, and a clean shutdown)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
