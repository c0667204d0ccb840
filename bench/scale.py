"""A provincial event of 10,000 registrations: page times, and server CPU per API check-in.

Served by gunicorn as bench/run.py serves Rakor (bench.run.Server), on SQLite, and on
PostgreSQL when BENCH_POSTGRES_URL names a server on which the bench may create a database
of its own (e.g. postgresql://postgres@127.0.0.1:5432/test).

Pages: one organiser logged in asks each page in turn (keep-alive, as a browser does);
p95 of the requests after a warm-up. CPU: the gunicorn workers' user + system time from
/proc, read before and after a run of API check-ins by 8 door clients with bearer tokens,
divided by the check-ins; /healthz is measured the same way beside it.

    .venv/bin/python -m bench.scale            # both parts, printed as a table
    .venv/bin/python -m bench.scale --pages    # pages only (or --cpu; --db sqlite)

BENCH_DOORS (8) sets how many door clients check people in for the CPU figure.
"""

import argparse
import asyncio
import http.client
import json
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

from bench.run import PYTHON, ROOT, Server, app_env, percentile, python

PEOPLE = 10_000
INVITED = 10_000
TARGET_MS = 150
SETUP = """
import json
from datetime import timedelta
import sqlalchemy as sa
from app import app
from coordination.api.services import create_token
from coordination.auth.services import create_user
from coordination.door import services as door
from coordination.door.models import Checkin, CheckinLogEntry
from coordination.events.services import EventData, create_event
from coordination.extensions import db, utcnow
from coordination.names import name_key
from coordination.registration.models import (
    Invitation, Registration, new_checkin_code, new_link_token)
with app.app_context():
    user = create_user("bench@example.org", "organiser", "bench-password")
    now = utcnow()
    event = create_event(EventData(
        title="Rakor Koperasi Se-Jawa Timur", slug="{slug}", organising_body="Dekopinwil",
        venue_name="Aula", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5),
        capacity={people}), user)
    checkin_list = door.default_list(event)
    db.session.flush()
    statuses = ["confirmed"] * 96 + ["waiting"] * 2 + ["cancelled"] * 2
    rows = []
    for n in range({people}):
        name = f"Peserta Rakor {{n:05d}} Koperasi"
        rows.append(dict(
            event_id=event.id, full_name=name, sort_name=name_key(name),
            organisation=f"Koperasi Serba Usaha {{n % 997}}", position="Ketua",
            phone=f"+62812{{n:08d}}", email=f"peserta{{n}}@example.org",
            status=statuses[n % 100], link_token=new_link_token(),
            checkin_code=new_checkin_code(),
            created_at=now - timedelta(days=30, seconds=-n * 60),
            status_changed_at=now - timedelta(days=30, seconds=-n * 60)))
    db.session.execute(sa.insert(Registration), rows)
    ids = db.session.scalars(sa.select(Registration.id).where(
        Registration.event_id == event.id).order_by(Registration.id)).all()
    invitations = []
    for n in range({invited}):
        name = f"Undangan {{n:05d}}"
        linked = n < 6000
        invitations.append(dict(
            event_id=event.id, full_name=name, sort_name=name_key(name),
            organisation=f"Dinas {{n % 211}}", position="Kepala",
            phone=f"+62813{{n:08d}}", email=None, token=new_link_token(),
            status="registered" if linked else ("declined" if n < 7000 else "invited"),
            registration_id=ids[n] if linked else None, created_at=now))
    db.session.execute(sa.insert(Invitation), invitations)
    # The first half came in already: half the rows of the list and the log.
    came = [dict(list_id=checkin_list.id, registration_id=rid,
                 checked_in_at=now - timedelta(seconds=n), recorded_at=now - timedelta(seconds=n),
                 source="scan", door_name="Pintu Utara", nonce=f"seed-{{n}}",
                 whole_event=True)
            for n, rid in enumerate(ids[: {people} // 2])]
    db.session.execute(sa.insert(Checkin), came)
    db.session.execute(sa.insert(CheckinLogEntry), [
        dict(event_id=event.id, list_id=checkin_list.id, registration_id=row["registration_id"],
             action="check_in", at=row["recorded_at"], checked_in_at=row["checked_in_at"],
             actor="Pintu Utara", source="scan") for row in came])
    tokens = [create_token(event, "door", f"Pintu {{n}}")[1] for n in range(8)]
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load: without statistics the
        # planner takes 10,000 rows for one and sorts instead of reading an index.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    codes = db.session.scalars(sa.select(Registration.checkin_code).where(
        Registration.event_id == event.id, Registration.status == "confirmed",
        Registration.id.not_in(ids[: {people} // 2])).order_by(Registration.id)).all()
    print(json.dumps({{"codes": codes, "tokens": tokens, "list": checkin_list.id}}))
"""


def pages(slug: str) -> dict[str, str]:
    """The pages of the issue, by the name the table shows."""
    base = f"/events/{slug}"
    return {
        "participant list, first page": f"{base}/participants",
        "participant list, page 150": f"{base}/participants?page=150",
        "participant list, search by name": f"{base}/participants?q=rakor+0777",
        "participant list, search by mobile": f"{base}/participants?q=0812000077",
        "participant list, filter waiting": f"{base}/participants?status=waiting",
        "participant list, filter came": f"{base}/participants?present=yes&page=40",
        "participant list, filter invited": f"{base}/participants?invited=yes&page=60",
        "participant list, sort by organisation": f"{base}/participants?sort=organisation&page=90",
        "participant list, sort newest": f"{base}/participants?sort=newest&page=120",
        "dashboard": f"{base}/attendance",
        "dashboard JSON": f"{base}/attendance.json",
        "door page": f"{base}/door",
        "door page, search": f"{base}/door?q=rakor+0777",
        "invitation list": f"{base}/invitations",
        "invitation list, late page": f"{base}/invitations?page=90",
    }


class Browser:
    """One keep-alive connection with a cookie jar: an organiser's browser."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data

    def login(self, email: str, password: str) -> None:
        from urllib.parse import urlencode

        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token.decode(), "email": email, "password": password, "next": ""}
        status, _ = self.request("POST", "/login", urlencode(form))
        assert status == 302, f"login failed: {status}"


def measure_pages(url: str, slug: str, requests: int) -> dict[str, dict]:
    browser = Browser(url)
    browser.login("bench@example.org", "bench-password")
    figures = {}
    for name, path in pages(slug).items():
        for _ in range(3):  # warm: the first request of a path compiles its templates
            browser.request("GET", path)
        latencies, statuses = [], set()
        for _ in range(requests):
            started = time.perf_counter()
            status, _body = browser.request("GET", path)
            latencies.append((time.perf_counter() - started) * 1000)
            statuses.add(status)
        figures[name] = {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "ok": statuses == {200},
            "statuses": sorted(statuses),
        }
    return figures


# --- CPU per check-in --------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int], kinds: tuple[int, ...] = (11, 12)) -> float:
    """User + system time of these processes (all their threads), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(fields[kind]) for kind in kinds)  # 11 utime, 12 stime
    return total / ticks


async def _check_in(url: str, tokens: list[str], codes: list[str], list_id: int) -> dict:
    import aiohttp

    queue: asyncio.Queue = asyncio.Queue()
    for n, code in enumerate(codes):
        queue.put_nowait((n, code))
    statuses, latencies = [], []

    async def door(session, token):
        headers = {"Authorization": f"Bearer {token}"}
        while not queue.empty():
            n, code = queue.get_nowait()
            # A nonce per scan, as a door phone makes: one per run would repeat across runs,
            # and each repeat takes the path of a faulty phone (two inserts and a lookup).
            body = {"code": code, "nonce": f"cpu-{code}", "list_id": list_id}
            started = time.perf_counter()
            async with session.post(url, json=body, headers=headers) as response:
                await response.read()
                statuses.append(response.status)
            latencies.append((time.perf_counter() - started) * 1000)

    async def get(session, n):
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
                statuses.append(response.status)
            latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=len(tokens))
    async with aiohttp.ClientSession(connector=connector) as session:
        if list_id:
            await asyncio.gather(*(door(session, token) for token in tokens))
        else:
            await asyncio.gather(*(get(session, n) for n in range(len(tokens))))
    return {"statuses": statuses, "latencies": latencies}


def settle(server: Server, quiet: float = 0.02, longest: float = 60) -> None:
    """Wait until the workers are idle: less than `quiet` CPU seconds in a second."""
    pids = worker_pids(server.process.pid)
    deadline = time.monotonic() + longest
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = cpu_seconds(pids)
        if now - before < quiet:
            return
        before = now


def cpu_run(server: Server, path: str, tokens, codes, list_id: int) -> dict:
    pids = worker_pids(server.process.pid)
    before, system_before = cpu_seconds(pids), cpu_seconds(pids, (12,))
    started = time.perf_counter()
    result = asyncio.run(_check_in(server.url + path, tokens, codes, list_id))
    wall = time.perf_counter() - started
    used = cpu_seconds(pids) - before
    count = len(result["statuses"])
    return {
        "cpu_ms": 1000 * used / count,
        "system_ms": 1000 * (cpu_seconds(pids, (12,)) - system_before) / count,
        "throughput": count / wall,
        "p95": percentile(result["latencies"], 95),
        "errors": sum(1 for s in result["statuses"] if s not in (200, 201)),
    }


# --- Databases ---------------------------------------------------------------------------


@contextmanager
def database(kind: str, workdir: Path):
    """A DATABASE_URL of a fresh, upgraded database of this kind."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'scale.sqlite3'}"
        return
    import psycopg

    admin = os.environ["BENCH_POSTGRES_URL"]
    name = f"rakor_scale_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_database(kind: str, do_pages: bool, do_cpu: bool, repetitions: int) -> list[dict]:
    results = []
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"
    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp)) as url:
        env = app_env(Path(tmp))
        env["DATABASE_URL"] = url
        if kind != "sqlite":
            env["BENCH_WORKERS"] = env.get("BENCH_WORKERS", "4")
        import subprocess

        subprocess.run(
            [PYTHON, "-m", "flask", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        slug = "rakor-jatim"
        started = time.perf_counter()
        setup = json.loads(
            python(SETUP.format(slug=slug, people=PEOPLE, invited=INVITED), env).splitlines()[-1]
        )
        print(
            f"  {label}: {PEOPLE} people set up in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        import bench.run as run

        workers = "4" if kind != "sqlite" else run.WORKERS
        saved = list(run.GUNICORN)
        run.GUNICORN[run.GUNICORN.index("--workers") + 1] = workers
        try:
            with Server("app:app", env, "/login") as app:
                if do_pages:
                    results += page_figures(app, slug, label, repetitions)
                if do_cpu:
                    results += cpu_figures(app, slug, setup, label, repetitions)
        finally:
            run.GUNICORN[:] = saved
    return results


def page_figures(app, slug: str, label: str, repetitions: int) -> list[dict]:
    runs = [measure_pages(app.url, slug, 40) for _ in range(repetitions)]
    rows = []
    for name in runs[0]:
        p95 = statistics.median(run[name]["p95"] for run in runs)
        p50 = statistics.median(run[name]["p50"] for run in runs)
        ok = all(run[name]["ok"] for run in runs)
        rows.append(
            {
                "name": f"10,000 people ({label}): {name}: p95",
                "value": round(p95, 1),
                "unit": "ms",
                "baseline": round(p50, 1),  # the median request, beside it
                "ratio": None,
                "target": f"< {TARGET_MS} ms (baseline: p50)",
                "met": ok and p95 < TARGET_MS,
            }
        )
        print(
            f"  {rows[-1]['name']}: {p95:.1f} ms (p50 {p50:.1f})"
            + ("" if ok else f" statuses {runs[0][name]['statuses']}"),
            file=sys.stderr,
        )
    return rows


def cpu_figures(app, slug: str, setup: dict, label: str, repetitions: int) -> list[dict]:
    codes, tokens = setup["codes"], setup["tokens"][: int(os.environ.get("BENCH_DOORS", 8))]
    per_run = min(1000, len(codes) // (repetitions + 1))
    path = f"/api/v1/events/{slug}/checkins"
    # Warm every worker and thread on a few codes first, and let each worker's one-off
    # warm-up (the PDF engine, on its first request) finish before counting.
    cpu_run(app, path, tokens, codes[:64], setup["list"])
    settle(app)
    checkins, floors = [], []
    for n in range(repetitions):
        batch = codes[64 + n * per_run : 64 + (n + 1) * per_run]
        checkins.append(cpu_run(app, path, tokens, batch, setup["list"]))
        floors.append(cpu_run(app, "/healthz", tokens, batch, 0))
        print(
            f"  {label} run {n + 1}: {checkins[-1]['cpu_ms']:.2f} ms CPU per check-in "
            f"({checkins[-1]['system_ms']:.2f} system), "
            f"{checkins[-1]['throughput']:.0f}/s, p95 {checkins[-1]['p95']:.1f} ms, "
            f"errors {checkins[-1]['errors']}; /healthz {floors[-1]['cpu_ms']:.2f} ms",
            file=sys.stderr,
        )
    cpu = statistics.median(run["cpu_ms"] for run in checkins)
    floor = statistics.median(run["cpu_ms"] for run in floors)
    errors = max(run["errors"] for run in checkins)
    return [
        {
            "name": f"server CPU per API check-in, 8 doors ({label})",
            "value": round(cpu, 2),
            "unit": "ms",
            "baseline": round(floor, 2),
            "ratio": round(cpu / floor, 2),
            "target": "<= 3 ms (baseline: /healthz)",
            "met": cpu <= 3 and errors == 0,
        },
        {
            "name": f"API check-ins, 8 doors ({label}): throughput",
            "value": round(statistics.median(run["throughput"] for run in checkins)),
            "unit": "/s",
            "baseline": round(statistics.median(run["throughput"] for run in floors)),
            "ratio": None,
            "target": "reported (baseline: /healthz)",
            "met": errors == 0,
        },
    ]


def figures(do_pages: bool = True, do_cpu: bool = True, repetitions: int = 3) -> list[dict]:
    """Every figure of this module on SQLite, and on PostgreSQL when it is set up."""
    results = run_database("sqlite", do_pages, do_cpu, repetitions)
    if os.environ.get("BENCH_POSTGRES_URL"):
        results += run_database("postgresql", do_pages, do_cpu, repetitions)
    return results


def main() -> None:
    from bench.run import format_table

    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", action="store_true")
    parser.add_argument("--cpu", action="store_true")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    do_pages = args.pages or not args.cpu
    do_cpu = args.cpu or not args.pages
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and not os.environ.get("BENCH_POSTGRES_URL"):
        kinds.remove("postgresql")
    results = []
    for kind in kinds:
        results += run_database(kind, do_pages, do_cpu, args.repetitions)
    print(format_table(results))


if __name__ == "__main__":
    main()
