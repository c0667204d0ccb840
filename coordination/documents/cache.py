"""Rendered documents kept by the data that shaped them.

The key is a hash of everything the template reads (rows, event details, language, options),
so downloading again while nothing changed costs a query and a lookup, and any change to a
participant, a check-in or the minutes yields a new key, hence a fresh rendering.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256

from flask import current_app

from coordination.extensions import cache

from . import estimate
from .parallel import Progress

log = logging.getLogger(__name__)


def document_key(*parts) -> str:
    return "doc:" + sha256(repr(parts).encode()).hexdigest()


def cached_document(key: str, render: Callable[[], bytes]) -> bytes:
    """The kept copy, or a fresh rendering (also when the cache, Redis, is away)."""
    found = _cache_call(cache.get, key)
    if found is not None:
        return found
    content = render()
    _cache_call(cache.set, key, content)
    return content


def _cache_call(method, *args):
    """A cache that is away is a cache that misses: the document is rendered instead."""
    try:
        return method(*args)
    except Exception as error:  # redis.RedisError, without importing Redis for SimpleCache
        log.warning("document cache unavailable: %s", type(error).__name__)
        return None


@dataclass
class Document:
    """A PDF known by its key before anyone renders it, with a guess of what rendering costs."""

    key: str
    seconds: float  # estimate.py: in this process, its engine cold or warm
    render: Callable[[Progress | None], bytes]
    kind: str = ""  # estimate.COSTS's: what a render teaches the estimate
    units: int = 0

    def cached(self) -> bytes | None:
        return _cache_call(cache.get, self.key)

    def content(self, progress: Progress | None = None) -> bytes:
        return cached_document(self.key, lambda: self._timed(progress))

    def _timed(self, progress: Progress | None) -> bytes:
        watch = estimate.Stopwatch()
        content = self.render(progress)
        if current_app.config.get("DOCUMENT_ESTIMATE_LEARNS", True):
            watch.stop(self.kind, self.units)
        return content


def estimated(
    key: str, kind: str, units: int, render: Callable[[Progress | None], bytes]
) -> Document:
    """A document of `kind` whose size is `units` (estimate.COSTS), its cost estimated."""
    return Document(key, estimate.seconds(kind, units), render, kind, units)
