"""Static files served compressed, and cached for a year under names that change with them.

WhiteNoise answers /static/ before Flask sees the request, under `flask run` and gunicorn
alike: the gzip and brotli copies that `flask compress-static` makes (`make run` does it),
ETags, and Cache-Control. `url_for("static", filename=...)` names each file with a hash of its
content (css/app.3f2a9c1b7d0e.css), which is cached as immutable for a year: a phone on a slow
hall network fetches a stylesheet once, and a new version has a new name. The plain name is
still served, with a short max-age, for what a script or stylesheet names by itself.
"""

import hashlib
import os
import re
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

HASH_LENGTH = 12
_HASHED_URL = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}(\.[A-Za-z0-9]+)?$")
# A year, for names that change with their content; a few minutes for plain names.
IMMUTABLE_MAX_AGE = 365 * 24 * 60 * 60
PLAIN_MAX_AGE = 5 * 60
# The PDFs' fonts are read from disk by WeasyPrint and never sent to a browser: a brotli copy of
# the 4 MB Chinese font would cost `make run` seconds for nothing.
NOT_COMPRESSED = ("wasm", "ttf", "otf")


# Each app (the tests make hundreds) hashes only files that changed since the last one did.
_digests: dict[str, tuple[float, int, str]] = {}


def _digest(path: str) -> str:
    stat = Path(path).stat()
    known = _digests.get(path)
    if known and known[:2] == (stat.st_mtime, stat.st_size):
        return known[2]
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:HASH_LENGTH]
    _digests[path] = (stat.st_mtime, stat.st_size, digest)
    return digest


def hashed_name(name: str, digest: str) -> str:
    """css/app.css -> css/app.<12 hex digits of its SHA-256>.css"""
    stem, dot, suffix = name.rpartition(".")
    if not dot or "/" in suffix:
        return f"{name}.{digest}"
    return f"{stem}.{digest}.{suffix}"


def _add_headers(headers, _path, _url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


class VersionedStatic(WhiteNoise):
    """WhiteNoise that also serves every file under its content-hashed name."""

    def __init__(self, application, root: str, prefix: str, max_age: int):
        self.versions: dict[str, str] = {}
        self._prefix = "/" + prefix.strip("/") + "/"
        super().__init__(
            application,
            root=root,
            prefix=prefix,
            max_age=max_age,
            immutable_file_test=lambda _path, url: bool(_HASHED_URL.search(url)),
            add_headers_function=_add_headers,
        )

    def get_static_file(self, path, url, stat_cache=None):
        """Compressed copies older than their file are left out: after an update without
        `flask compress-static`, a phone gets today's stylesheet, not yesterday's gzip."""
        stats = {}
        for candidate in (path, path + ".gz", path + ".br"):
            try:
                stats[candidate] = (stat_cache or {}).get(candidate) or os.stat(candidate)
            except OSError:
                continue
        if path in stats:
            newest = stats[path].st_mtime
            stats = {name: st for name, st in stats.items() if st.st_mtime >= newest}
        return super().get_static_file(path, url, stat_cache=stats)

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        super().add_file_to_dictionary(url, path, stat_cache=stat_cache)
        if self.is_compressed_variant(path, stat_cache=stat_cache):
            return
        name = url[len(self._prefix) :]
        versioned = hashed_name(name, _digest(path))
        self.versions[name] = versioned
        super().add_file_to_dictionary(self._prefix + versioned, path, stat_cache=stat_cache)


def init_app(app: Flask) -> None:
    static = VersionedStatic(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=PLAIN_MAX_AGE,
    )
    app.wsgi_app = static
    app.extensions["static_versions"] = static.versions

    @app.url_defaults
    def versioned_static(endpoint, values):
        if endpoint == "static" and (name := values.get("filename")) in static.versions:
            values["filename"] = static.versions[name]


def compress(root: str | Path) -> int:
    """Write .gz and .br copies beside every compressible file that lacks a fresh one."""
    # Not the barcode decoder's .wasm: the door page keeps it for offline use, and a copy kept
    # from a compressed answer never let the door say it was ready (the browser test hung).
    skip = (*Compressor.SKIP_COMPRESS_EXTENSIONS, *NOT_COMPRESSED)
    compressor = Compressor(extensions=skip, quiet=True)
    written = 0
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file() or not compressor.should_compress(str(path)):
            continue
        fresh = any(
            alt.exists() and alt.stat().st_mtime >= path.stat().st_mtime
            for alt in (path.with_name(path.name + ".gz"), path.with_name(path.name + ".br"))
        )
        if not fresh:
            written += len(list(compressor.compress(str(path))))
    return written
