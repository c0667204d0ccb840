"""Large PDFs in parts, on every core: this thread renders parts from the front while render
processes take them from the back; pikepdf joins them in order (join.py).

WeasyPrint is pure Python, so a second thread would only share the first one's core; a process
renders beside it. A part belongs to whoever first creates its claim file (O_EXCL): no part is
rendered twice, and the two ends meet wherever the work balances, however long a process takes
to start. If a process cannot start, stalls or dies, this thread renders what it left.

A render process runs this file by path (`python .../parallel.py WORKDIR`), reads
{"css": name, "parts": n} on stdin and writes {"done": i} and {"refused": url} lines on stdout,
then {"peak_mb": n}. It is not started as coordination.documents.parallel: importing the
package would load the whole app, half a second more before its first page.
"""

import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

if __package__:
    from .engine import StaticOnlyFetcher, html_to_pdf
    from .join import join_parts
else:  # a render process, run by path: it renders, it does not join
    from engine import StaticOnlyFetcher, html_to_pdf

Progress = Callable[[int, int], None]
# A render process that reports nothing for this long is stopped; this thread takes over.
STALL_SECONDS = 120
log = logging.getLogger(__name__)


def tapered(items: Sequence, size: int) -> list[Sequence]:
    """`items` cut into parts of `size` on average, bigger at both ends and smaller towards the
    middle, where this thread and a render process meet: whichever finishes first then waits
    for a small part, not a big one."""
    count = max(1, round(len(items) / size))
    if count < 3:
        return [items[start : start + size] for start in range(0, len(items), size)] or [items]
    middle = (count - 1) / 2
    weights = [1 + abs(n - middle) for n in range(count)]
    parts, start, done = [], 0, 0.0
    for weight in weights:
        done += weight
        end = round(len(items) * done / sum(weights))
        if end > start:
            parts.append(items[start:end])
        start = end
    return parts


def default_processes() -> int:
    """Render processes beside the calling thread: one per further core, at most three."""
    return max(0, min(os.cpu_count() or 1, 4) - 1)


def render_parts(
    parts: Iterable[str],
    css: str,
    fetcher: StaticOnlyFetcher | None = None,
    progress: Progress | None = None,
    processes: int = 0,
    stamps: Sequence[str] = (),
    stamp_of: Sequence[int | None] | None = None,
) -> bytes:
    """The PDF of HTML parts in their order; progress(done, total) after each part.

    Each of `stamps`, the HTML of one page, is rendered once and drawn under the pages whose
    entry in `stamp_of` names it (every page gets the first when `stamp_of` is None): what
    pages share (a letterhead, column heads) is laid out and embedded once, not on each page.
    """
    fetcher = fetcher or StaticOnlyFetcher()
    with tempfile.TemporaryDirectory(prefix="rakor-pdf-") as name:
        workdir = Path(name)
        # Started first, so they import WeasyPrint while the parts are written.
        helpers = [_start(workdir, n) for n in range(processes)]
        helpers = [helper for helper in helpers if helper is not None]
        total = 0
        for total, html in enumerate(parts, start=1):
            (workdir / f"{total - 1}.html").write_text(html, encoding="utf-8")
        for number, stamp in enumerate(stamps):
            (workdir / f"stamp-{number}.pdf").write_bytes(html_to_pdf(stamp, css, fetcher))
        counter = _Counter(total, progress)
        watchers = [_watch(helper, total, css, fetcher, counter) for helper in helpers]
        for index in range(total):
            if _claim(workdir, index):
                fetcher.refused += _render_part(workdir, index, css)
                counter.add()

        # WeasyPrint leaves its box trees behind as cyclic garbage: collected now, while a
        # render process may still be finishing, rather than by some later request.
        gc.collect()

        def finished() -> bool:
            return all((workdir / f"{index}.pdf").exists() for index in range(total))

        for number, (helper, watcher) in enumerate(zip(helpers, watchers, strict=True)):
            _finish(helper, watcher, counter, finished, workdir / f"process-{number}.log")
        for index in range(total):
            if not (workdir / f"{index}.pdf").exists():  # left by a render process that failed
                fetcher.refused += _render_part(workdir, index, css)
                counter.add()
        paths = [workdir / f"{index}.pdf" for index in range(total)]
        stamp_paths = [workdir / f"stamp-{number}.pdf" for number in range(len(stamps))]
        if len(paths) == 1 and not stamps:
            content = paths[0].read_bytes()
        else:
            content = join_parts(paths, stamp_paths, stamp_of)
    return content


class _Counter:
    """Parts done, reported from this thread and from the threads reading render processes."""

    def __init__(self, total: int, progress: Progress | None):
        self.total, self.done, self.progress = total, 0, progress
        self.lock = threading.Lock()
        self.last = time.monotonic()

    def add(self) -> None:
        with self.lock:
            self.done += 1
            self.last = time.monotonic()
            if self.progress:
                self.progress(min(self.done, self.total), self.total)


def _claim(workdir: Path, index: int) -> bool:
    try:
        os.close(os.open(workdir / f"{index}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _render_part(workdir: Path, index: int, css: str) -> list[str]:
    """Renders part `index` to index.pdf; returns the URLs its fetcher refused."""
    fetcher = StaticOnlyFetcher()
    html = (workdir / f"{index}.html").read_text(encoding="utf-8")
    partial = workdir / f"{index}.pdf.partial"
    partial.write_bytes(html_to_pdf(html, css, fetcher))
    partial.rename(workdir / f"{index}.pdf")
    return fetcher.refused


def _start(workdir: Path, number: int) -> subprocess.Popen | None:
    try:
        with open(workdir / f"process-{number}.log", "wb") as errors:
            return subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), str(workdir)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                close_fds=True,
            )
    except OSError:
        log.exception("could not start a PDF render process; rendering in one thread")
        return None


def _watch(helper: subprocess.Popen, total: int, css: str, fetcher, counter) -> threading.Thread:
    """Hands the render process its work, then counts the parts it reports."""

    def read() -> None:
        try:
            helper.stdin.write(json.dumps({"css": css, "parts": total}).encode())
            helper.stdin.close()
        except OSError:
            return  # it died before reading; its parts stay unclaimed or are redone
        for line in helper.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                log.info("PDF render process %s said: %r", helper.pid, line)
                continue
            if "refused" in message:
                fetcher.refused.append(message["refused"])
                log.warning("PDF rendering refused to fetch %s", message["refused"])
            elif "peak_mb" in message:
                log.debug(
                    "PDF render process %s peaked at %s MB",
                    helper.pid,
                    message["peak_mb"],
                    # The processes of one render run together, renders one after another.
                    extra={"peak_mb": message["peak_mb"], "render_dir": helper.args[-1]},
                )
            else:
                helper.parts_done += 1
                counter.add()

    helper.parts_done = 0
    watcher = threading.Thread(target=read, name="rakor-pdf-watch", daemon=True)
    watcher.start()
    return watcher


def _finish(helper: subprocess.Popen, watcher, counter: _Counter, finished, errors: Path) -> None:
    """Waits for the render process while it has a part to finish; one that is still starting
    when every part is done is not waited for."""
    while helper.poll() is None:
        if finished() and not helper.parts_done:
            helper.kill()
            break
        watcher.join(timeout=0.05)
        if time.monotonic() - counter.last > STALL_SECONDS:
            log.error("PDF render process %s stalled; stopping it", helper.pid)
            helper.kill()
    helper.wait()
    watcher.join()
    if helper.returncode not in (0, -9):
        said = errors.read_text(errors="replace")[-2000:] if errors.exists() else ""
        log.error("PDF render process %s ended with %s: %s", helper.pid, helper.returncode, said)


def _serve(workdir: Path) -> None:
    """A render process: parts from the back until the calling thread's claims are met."""
    job = json.loads(sys.stdin.read())
    for index in reversed(range(job["parts"])):
        if _claim(workdir, index):
            for url in _render_part(workdir, index, job["css"]):
                print(json.dumps({"refused": url}), flush=True)
            print(json.dumps({"done": index}), flush=True)
    print(json.dumps({"peak_mb": _peak_mb()}), flush=True)


def _peak_mb() -> int:
    """This process's peak resident memory since it started this program.

    Not getrusage's ru_maxrss: after a vfork and exec it still counts the parent's pages."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) // 1024
    except (OSError, IndexError, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


if __name__ == "__main__":
    _serve(Path(sys.argv[1]))
