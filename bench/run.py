"""Run every benchmark; print a table and write bench/results.json.

Each web load runs against the app served by gunicorn on 127.0.0.1 and against a bare Flask
JSON endpoint served the same way in the same run; figures are medians of the repetitions.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench import letters, paperwork, phone_pages
from bench.install import runtime_venv
from bench.self_checkin import self_checkins

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ON_POSTGRESQL = "postgresql" in os.environ.get("DATABASE_URL", "")
# SQLite has one writer at a time; within a process writers queue on a lock
# (coordination/sqlite.py), between the two processes SQLite's busy handler decides.
# PostgreSQL takes more processes (BENCH_WORKERS overrides either).
WORKERS = os.environ.get("BENCH_WORKERS", "4" if ON_POSTGRESQL else "2")
THREADS = os.environ.get("BENCH_THREADS", "8")
GUNICORN = [
    PYTHON,
    "-m",
    "gunicorn",
    # Not the production gunicorn.conf.py (access log, worker recycling): the same bare
    # settings for Rakor and the baseline, with production's thread switch interval.
    "--config",
    str(Path(__file__).with_name("gunicorn_bench.py")),
    "--workers",
    WORKERS,
    "--worker-class",
    "gthread",
    "--threads",
    THREADS,
    "--log-level",
    "warning",
]

# Both set-ups: the bench organiser and an event; {when} and {extra} fill in the rest.
SETUP_COMMON = """
import json
from datetime import timedelta
from app import app
from coordination.auth.services import create_user, user_by_email
from coordination.door import access, services as door
from coordination.events.services import EventData, create_event
from coordination.extensions import db, utcnow
from coordination.registration.models import Registration
with app.app_context():
    user = user_by_email("bench@example.org") or create_user(
        "bench@example.org", "organiser", "bench-password")
    now = utcnow()
    event = create_event(EventData(
        title="Bench", slug="{{slug}}", organising_body="Bench", venue_name="Aula",
        starts_at=now + timedelta(hours={when}), ends_at=now + timedelta(hours={when} + 3),
        capacity={{count}}{extra}), user)
"""
SETUP_EVENT = (
    SETUP_COMMON.format(when=24 * 7, extra=", registration_opens_at=now - timedelta(days=1)")
    + """
    db.session.commit()
"""
)
COUNT_CONFIRMED = """
import sqlalchemy as sa
from app import app
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Registration
with app.app_context():
    print(db.session.scalar(sa.select(sa.func.count(Registration.id)).join(
        Event, Event.id == Registration.event_id).where(
        Event.slug == "{slug}", Registration.status == "confirmed")))
"""
SETUP_DOOR = (
    SETUP_COMMON.format(when=-1, extra="")
    + """
    db.session.flush()
    people = [Registration(event_id=event.id, full_name=f"Peserta {{n}}",
                           organisation=f"Koperasi {{n % 97}}", phone=f"+62813{{n:08d}}")
              for n in range({count})]
    db.session.add_all(people)
    checkin_list = door.default_list(event)
    link, pin = access.create_link(event, "Pintu Bench")
    db.session.commit()
    print(json.dumps({{"codes": [p.checkin_code for p in people], "token": link.token,
                      "pin": pin, "list": checkin_list.id}}))
"""
)
COUNT_CHECKINS = """
import sqlalchemy as sa
from app import app
from coordination.door.models import Checkin, CheckinList
from coordination.events.models import Event
from coordination.extensions import db
with app.app_context():
    rows = sa.select(Checkin.registration_id).join(CheckinList).join(
        Event, Event.id == CheckinList.event_id).where(Event.slug == "{slug}")
    total = db.session.scalar(sa.select(sa.func.count()).select_from(rows.subquery()))
    distinct = db.session.scalar(sa.select(sa.func.count(sa.distinct(Checkin.registration_id)))
        .join(CheckinList).join(Event, Event.id == CheckinList.event_id)
        .where(Event.slug == "{slug}"))
    print(total, distinct)
"""
DOOR_PAGE_FILES = [
    "vendor/pico/pico.rakor.css",
    "css/app.css",
    "js/door.js",
    "vendor/barcode-detector/ponyfill.js",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving an app on a free loopback port, stopped on exit."""

    def __init__(self, app_spec: str, env: dict, probe: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The app logs a line per request, as in production: to a scratch file, not the screen.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{self.port}", app_spec],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + probe, timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{app_spec} did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def load(url: str, mode: str, clients: int, requests: int, *extra: str) -> dict:
    out = subprocess.run(
        [
            PYTHON,
            "-m",
            "bench.load",
            url,
            "--mode",
            mode,
            "--clients",
            str(clients),
            "--requests",
            str(requests),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def app_env(workdir: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    env.update(
        SECRET_KEY="bench-secret",
        RATELIMIT_ENABLED="0",
        FLASK_APP="app",
        OUTBOX_DIR=str(workdir / "outbox"),
        PYTHONPATH=str(ROOT),
    )
    env.pop("MAIL_SERVER", None)
    return env


def fresh_process(args: list[str]) -> dict:
    """One cold document benchmark in its own process: the JSON it prints."""
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def python(code: str, env: dict) -> str:
    return subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


@contextmanager
def served():
    """A fresh database, and Rakor and the bare baseline on gunicorn: (workdir, env, bare, app)."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = app_env(workdir)
        subprocess.run(
            [PYTHON, "-m", "flask", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        with (
            Server("bench.bare_app:app", env, "/ping") as bare,
            Server("app:app", env, "/login") as app,
        ):
            yield workdir, env, bare, app


def registration_burst(requests: int, seats: int, clients: int, repetitions: int) -> list[dict]:
    runs = []
    with (
        served() as (_workdir, env, bare, app),
        Server("bench.floor_app:app", env, "/register") as floor,
    ):
        for n in range(repetitions):
            slug = f"bench-{os.getpid()}-{n}"
            python(SETUP_EVENT.format(slug=slug, count=seats), env)
            baseline = load(bare.url + "/ping", "get", clients, requests)
            floor_result = load(floor.url + "/register", "register", clients, requests)
            result = load(f"{app.url}/e/{slug}", "register", clients, requests)
            confirmed = int(python(COUNT_CONFIRMED.format(slug=slug), env))
            lat, base_lat = result["latencies_ms"], baseline["latencies_ms"]
            runs.append(
                {
                    "throughput": requests / result["measured_s"],
                    "baseline_throughput": requests / baseline["measured_s"],
                    "floor_throughput": requests / floor_result["measured_s"],
                    "floor_errors": sum(1 for s in floor_result["statuses"] if s != 302),
                    "p50": percentile(lat, 50),
                    "p95": percentile(lat, 95),
                    "p99": percentile(lat, 99),
                    "base_p50": percentile(base_lat, 50),
                    "base_p95": percentile(base_lat, 95),
                    "base_p99": percentile(base_lat, 99),
                    "errors": sum(1 for s in result["statuses"] if s != 302),
                    "confirmed": confirmed,
                }
            )
            print(
                f"  registration run {n + 1}: {runs[-1]['throughput']:.0f} req/s, "
                f"bare {runs[-1]['baseline_throughput']:.0f} req/s, "
                f"stack floor {runs[-1]['floor_throughput']:.0f} req/s, "
                f"confirmed {confirmed}",
                file=sys.stderr,
            )
    med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    worst_confirmed = [run["confirmed"] for run in runs]
    ratio = med["throughput"] / med["baseline_throughput"]
    name = f"registration burst ({requests} from {clients} clients, {seats} seats)"
    return [
        {
            "name": f"{name}: throughput",
            "value": round(med["throughput"], 1),
            "unit": "req/s",
            "baseline": round(med["baseline_throughput"], 1),
            "ratio": round(ratio, 3),
            # Issue #22 retired the ratio to a bare endpoint as a target: reported beside it.
            "target": "reported (baseline: bare Flask)",
            "met": max(run["errors"] for run in runs) == 0,
        },
        {
            # The same posts to bench/floor_app.py: the brief's stack with nothing of Rakor's.
            "name": "stack floor (form with CSRF, phonenumbers, one INSERT): throughput",
            "value": round(med["floor_throughput"], 1),
            "unit": "req/s",
            "baseline": round(med["baseline_throughput"], 1),
            "ratio": round(med["floor_throughput"] / med["baseline_throughput"], 3),
            "target": "reported (the stack's floor)",
            "met": max(run["floor_errors"] for run in runs) == 0,
        },
        *[
            {
                "name": f"{name}: {p} latency",
                "value": round(med[p], 1),
                "unit": "ms",
                "baseline": round(med[f"base_{p}"], 1),
                "ratio": round(med[p] / med[f"base_{p}"], 2),
                "target": "reported",
                "met": True,
            }
            for p in ("p50", "p95", "p99")
        ],
        {
            "name": f"{name}: errors",
            "value": max(run["errors"] for run in runs),
            "unit": "count",
            "baseline": 0,
            "ratio": None,
            "target": "0",
            "met": all(r["errors"] == 0 for r in runs),
        },
        {
            "name": f"{name}: confirmed",
            "value": min(worst_confirmed),
            "unit": "count",
            "baseline": seats,
            "ratio": round(min(worst_confirmed) / seats, 3),
            "target": f"exactly {seats} in every run",
            "met": all(c == seats for c in worst_confirmed),
        },
    ]


def _door_run(app, env, workdir: Path, count: int, doors: int, tag: str) -> dict:
    """One fresh event of `count` people checked in by `doors` concurrent door phones."""
    slug = f"bench-door-{os.getpid()}-{tag}"
    setup = json.loads(python(SETUP_DOOR.format(slug=slug, count=count), env))
    codes = workdir / f"codes-{tag}.json"
    codes.write_text(json.dumps(setup["codes"]))
    result = load(
        f"{app.url}/events/{slug}/door/scan",
        "scan",
        doors,
        count,
        "--codes",
        str(codes),
        "--door-link",
        f"{app.url}/d/{setup['token']}",
        "--pin",
        setup["pin"],
        "--list",
        str(setup["list"]),
    )
    total, distinct = map(int, python(COUNT_CHECKINS.format(slug=slug), env).split())
    lat = result["latencies_ms"]
    return {
        "throughput": count / result["measured_s"],
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "p99": percentile(lat, 99),
        "errors": sum(1 for status in result["statuses"] if status != 200),
        "duplicates": total - distinct,
        "checked_in": distinct,
    }


def door_checkins(count: int, doors: int, repetitions: int, curve: list[int]) -> list[dict]:
    """Door phones checking people in through the scan endpoint, beside bare Flask."""
    runs, baselines, by_doors, floors = [], [], {}, []
    with served() as (workdir, env, bare, app):
        for n in range(repetitions):
            baseline = load(bare.url + "/ping", "get", doors, count)
            # Rakor's own floor: /healthz touches no database, but passes every hook a
            # request passes (session, CSRF check, language, log line, headers).
            floors.append(count / load(app.url + "/healthz", "get", doors, count)["measured_s"])
            base_lat = baseline["latencies_ms"]
            baselines.append(
                {
                    "throughput": count / baseline["measured_s"],
                    "p50": percentile(base_lat, 50),
                    "p95": percentile(base_lat, 95),
                    "p99": percentile(base_lat, 99),
                }
            )
            runs.append(_door_run(app, env, workdir, count, doors, f"main-{n}"))
            print(
                f"  door run {n + 1}: {runs[-1]['throughput']:.0f} scans/s, "
                f"p95 {runs[-1]['p95']:.1f} ms, bare {baselines[-1]['throughput']:.0f} "
                f"req/s, errors {runs[-1]['errors']}, duplicates {runs[-1]['duplicates']}",
                file=sys.stderr,
            )
        for level in curve:
            samples = [
                _door_run(app, env, workdir, max(100, count // 4), level, f"c{level}-{n}")
                for n in range(repetitions)
            ]
            by_doors[level] = {
                p: statistics.median(sample[p] for sample in samples)
                for p in ("p50", "p95", "p99", "throughput")
            }
            print(
                f"  {level:>2} doors: p95 {by_doors[level]['p95']:.1f} ms, "
                f"{by_doors[level]['throughput']:.0f} scans/s",
                file=sys.stderr,
            )
    med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    base = {key: statistics.median(b[key] for b in baselines) for key in baselines[0]}
    floor = statistics.median(floors)
    name = f"door: {count} check-ins by {doors} doors"
    chart = door_chart(by_doors) if by_doors else None
    results = [
        {
            # Beside the app's own /healthz (issue #22): no ratio to a bare endpoint is a target.
            "name": f"{name}: throughput",
            "value": round(med["throughput"], 1),
            "unit": "scans/s",
            "baseline": round(floor, 1),
            "ratio": round(med["throughput"] / floor, 3),
            "target": "reported (baseline: /healthz)",
            "met": True,
        },
        *[
            {
                "name": f"{name}: {p} latency",
                "value": round(med[p], 1),
                "unit": "ms",
                "baseline": round(base[p], 1),
                "ratio": round(med[p] / base[p], 2),
                "target": "p95 < 25 ms" if p == "p95" else "reported",
                "met": med[p] < 25 if p == "p95" else True,
            }
            for p in ("p50", "p95", "p99")
        ],
        {
            "name": f"{name}: errors",
            "value": max(run["errors"] for run in runs),
            "unit": "count",
            "baseline": 0,
            "ratio": None,
            "target": "0",
            "met": all(run["errors"] == 0 for run in runs),
        },
        {
            "name": f"{name}: duplicate check-ins",
            "value": max(run["duplicates"] for run in runs),
            "unit": "count",
            "baseline": 0,
            "ratio": None,
            "target": f"0, and {count} checked in",
            "met": all(run["duplicates"] == 0 and run["checked_in"] == count for run in runs),
        },
    ]
    results.append(
        {
            "name": f"Rakor's /healthz (no database), {doors} clients: throughput",
            "value": round(floor, 1),
            "unit": "req/s",
            "baseline": round(base["throughput"], 1),
            "ratio": round(floor / base["throughput"], 3),
            "target": "reported (the app's floor)",
            "met": True,
        }
    )
    for level, figures in by_doors.items():
        results.append(
            {
                "name": f"door: p95 latency with {level} concurrent doors",
                "value": round(figures["p95"], 1),
                "unit": "ms",
                "baseline": None,
                "ratio": None,
                "target": "reported (chart)",
                "met": True,
            }
        )
    if chart:
        print(f"  chart: {chart.relative_to(ROOT)}", file=sys.stderr)
    return results


def door_chart(by_doors: dict[int, dict]) -> Path:
    """Door latency against concurrent doors, for the README."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = sorted(by_doors)
    figure, axis = plt.subplots(figsize=(7, 4), dpi=110)
    for p, style in (("p50", "o-"), ("p95", "s-"), ("p99", "^--")):
        axis.plot(levels, [by_doors[n][p] for n in levels], style, label=p)
    axis.axhline(25, color="#a3190f", linewidth=1, linestyle=":", label="target p95 25 ms")
    axis.set_xscale("log", base=2)
    axis.set_xticks(levels, [str(n) for n in levels])
    axis.set_xlabel("concurrent door phones")
    axis.set_ylabel("scan latency (ms)")
    database = "PostgreSQL" if "postgresql" in os.environ.get("DATABASE_URL", "") else "SQLite"
    axis.set_title(f"Rakor door: check-in latency by concurrent doors ({database}, gunicorn)")
    axis.grid(True, alpha=0.3)
    axis.legend()
    figure.tight_layout()
    out = ROOT / "docs" / "bench-door-latency.png"
    out.parent.mkdir(exist_ok=True)
    figure.savefig(out)
    plt.close(figure)
    return out


def door_page_weight() -> list[dict]:
    """What a door phone downloads to open the door page (the .wasm decoder excepted)."""
    import gzip

    workdir = Path(tempfile.mkdtemp())
    env = app_env(workdir)
    env["DATABASE_URL"] = f"sqlite:///{workdir / 'weight.sqlite3'}"  # any database will do
    code = (
        "from app import app\n"
        "from coordination.demo.services import load_demo, ORGANISER, DEMO_SLUG\n"
        "from coordination.extensions import db\n"
        "app.config['WTF_CSRF_ENABLED'] = False\n"
        "with app.app_context():\n"
        "    db.create_all(); load_demo(); db.session.commit()\n"
        "client = app.test_client()\n"
        "client.post('/login', data={'email': ORGANISER.email, 'password': ORGANISER.password})\n"
        "print(client.get(f'/events/{DEMO_SLUG}/door').get_data(as_text=True))\n"
    )
    page = python(code, env).encode()
    assert b'id="door"' in page, "the door page did not render"
    parts = [page] + [(ROOT / "static" / name).read_bytes() for name in DOOR_PAGE_FILES]
    raw = sum(len(part) for part in parts)
    packed = sum(len(gzip.compress(part, 6)) for part in parts)
    wasm = (ROOT / "static/vendor/zxing-wasm/zxing_reader.wasm").read_bytes()
    return [
        {
            "name": "door page first load, compressed (gzip), .wasm excepted",
            "value": round(packed / 1024, 1),
            "unit": "KB",
            "baseline": round(raw / 1024, 1),
            "ratio": round(packed / raw, 2),
            "target": "< 400 KB",
            "met": packed < 400 * 1024,
        },
        {
            "name": "door page: zxing .wasm fallback, compressed (gzip)",
            "value": round(len(gzip.compress(wasm, 6)) / 1024, 1),
            "unit": "KB",
            "baseline": round(len(wasm) / 1024, 1),
            "ratio": None,
            "target": "reported (only without native detector)",
            "met": True,
        },
    ]


def door_offline_figures(scans: int) -> list[dict]:
    """What a volunteer waits for on a phone, online and offline (bench/door_offline.py)."""
    from bench import door_offline

    targets = {
        "offline_scan_6x": ("door offline: scan to verdict, phone CPU 6x slower", 100),
        "online_scan_rtt400": ("door online: scan to verdict, 400 ms round trip", 400 + 150),
        "offline_reload": ("door page reloaded offline from the phone's copy", 500),
        "first_open_offline": ("door: first open until it works offline", 3000),
    }
    baselines = {
        "offline_scan_6x": "CPU not slowed",
        "online_scan_rtt400": "no added latency",
        "offline_reload": "reloaded online",
        "first_open_offline": "until it can scan",
    }
    if not door_offline.available():
        return [
            {
                "name": name,
                "value": "not measured (no Chromium)",
                "unit": "",
                "baseline": None,
                "ratio": None,
                "target": f"< {limit} ms",
                "met": False,
            }
            for name, limit in targets.values()
        ]
    with served() as (_workdir, env, _bare, app):
        slug = f"bench-door-offline-{os.getpid()}"
        setup = json.loads(python(SETUP_DOOR.format(slug=slug, count=4 * scans + 20), env))
        measured = door_offline.measure(
            app.url, slug, setup["token"], setup["pin"], setup["codes"], scans
        )
    results = []
    for key, (name, limit) in targets.items():
        value, baseline = measured[key]
        results.append(
            {
                "name": name,
                "value": round(value),
                "unit": "ms",
                "baseline": round(baseline),
                "ratio": round(value / baseline, 2) if baseline else None,
                "target": f"< {limit} ms (baseline: {baselines[key]})",
                "met": value < limit,
            }
        )
    return results


def badge_sheets(count: int, repetitions: int) -> list[dict]:
    """Cold renders, each in a fresh process: Rakor's path and the naive one, alternating."""
    runs = {"rakor": [], "naive": []}
    for n in range(repetitions):
        for kind in ("rakor", "naive"):
            args = [
                PYTHON,
                "-m",
                "bench.badges",
                *(["--naive"] if kind == "naive" else []),
                str(count),
            ]
            runs[kind].append(fresh_process(args))
        print(
            f"  badges run {n + 1}: {runs['rakor'][-1]['seconds']:.2f} s, "
            f"naive {runs['naive'][-1]['seconds']:.2f} s",
            file=sys.stderr,
        )
    seconds = statistics.median(r["seconds"] for r in runs["rakor"])
    naive = statistics.median(r["seconds"] for r in runs["naive"])
    peak, helpers = peaks(runs["rakor"])
    naive_peak = max(r["peak_rss_mb"] for r in runs["naive"])
    name = f"badges: {count} on A4 sheets (A6), cold"
    return [
        {
            "name": f"{name}: time",
            "value": round(seconds, 2),
            "unit": "s",
            "baseline": round(naive, 2),
            "ratio": round(seconds / naive, 2),
            "target": "< 4 s" if count == 800 else "reported",
            "met": seconds < 4 or count != 800,
        },
        {
            "name": f"{name}: peak RSS, with its render processes",
            "value": round(peak),
            "unit": "MB",
            "baseline": round(naive_peak),
            "ratio": round(peak / naive_peak, 2),
            "target": "< 400 MB",
            "met": peak < 400,
        },
        helpers,
    ]


def peaks(runs: list[dict]) -> tuple[float, dict]:
    """The worst peak RSS of the benchmark process plus its render processes, and a row for the
    render processes alone (they run beside the process, so their peaks add up)."""
    total = max(
        r["peak_rss_mb"] + r["render_processes"] * r["render_process_peak_rss_mb"] for r in runs
    )
    helper = max(r["render_process_peak_rss_mb"] for r in runs)
    return total, {
        "name": f"  of which each of {max(r['render_processes'] for r in runs)} render process(es)",
        "value": round(helper),
        "unit": "MB",
        "baseline": None,
        "ratio": None,
        "target": "reported",
        "met": True,
    }


def attendance_lists(count: int, repetitions: int) -> list[dict]:
    """The daftar hadir of `count` attendees: cold in fresh processes, then from the cache."""
    runs = {"rakor": [], "naive": []}
    for n in range(repetitions):
        for kind in ("rakor", "naive"):
            args = [PYTHON, "-m", "bench.attendance", *(["--naive"] if kind == "naive" else [])]
            runs[kind].append(fresh_process([*args, str(count)]))
        print(
            f"  daftar hadir run {n + 1}: {runs['rakor'][-1]['seconds']:.2f} s, "
            f"cached {1000 * runs['rakor'][-1]['cached_seconds']:.0f} ms, "
            f"naive {runs['naive'][-1]['seconds']:.2f} s",
            file=sys.stderr,
        )
    seconds = statistics.median(r["seconds"] for r in runs["rakor"])
    cached = statistics.median(r["cached_seconds"] for r in runs["rakor"])
    naive = statistics.median(r["seconds"] for r in runs["naive"])
    peak, helpers = peaks(runs["rakor"])
    naive_peak = max(r["peak_rss_mb"] for r in runs["naive"])
    name = f"daftar hadir: {count} attendees"
    return [
        {
            "name": f"{name}, cold: time",
            "value": round(seconds, 2),
            "unit": "s",
            "baseline": round(naive, 2),
            "ratio": round(seconds / naive, 2),
            "target": "<= 0.4 x naive <table>",
            "met": seconds <= 0.4 * naive,
        },
        {
            "name": f"{name}, cached: time",
            "value": round(cached * 1000, 1),
            "unit": "ms",
            "baseline": round(seconds * 1000),
            "ratio": round(cached / seconds, 3),
            "target": "< 50 ms",
            "met": cached < 0.05,
        },
        {
            "name": f"{name}, cold: peak RSS, with its render processes",
            "value": round(peak),
            "unit": "MB",
            "baseline": round(naive_peak),
            "ratio": round(peak / naive_peak, 2),
            "target": "< 300 MB",
            "met": peak < 300,
        },
        helpers,
    ]


def minutes_document(repetitions: int) -> list[dict]:
    """The demo meeting's minutes PDF (45 present), beside the attendance list it appends."""
    runs = {"minutes": [], "attachment": []}
    for n in range(repetitions):
        for kind in runs:
            extra = ["--attachment-only"] if kind == "attachment" else []
            runs[kind].append(fresh_process([PYTHON, "-m", "bench.minutes", *extra]))
        print(
            f"  minutes run {n + 1}: {runs['minutes'][-1]['seconds']:.2f} s, "
            f"cached {1000 * runs['minutes'][-1]['cached_seconds']:.1f} ms, "
            f"attachment alone {runs['attachment'][-1]['seconds']:.2f} s",
            file=sys.stderr,
        )
    seconds = statistics.median(r["seconds"] for r in runs["minutes"])
    cached = statistics.median(r["cached_seconds"] for r in runs["minutes"])
    alone = statistics.median(r["seconds"] for r in runs["attachment"])
    peak = max(r["peak_rss_mb"] for r in runs["minutes"])
    return [
        {
            "name": "minutes PDF of the demo meeting, cold: time",
            "value": round(seconds, 2),
            "unit": "s",
            "baseline": round(alone, 2),
            "ratio": round(seconds / alone, 2),
            # Rendered in the request: it must stay under the 2 s that sends work to the background.
            "target": "< 2 s (baseline: its list)",
            "met": seconds < 2,
        },
        {
            "name": "minutes PDF of the demo meeting, cached: time",
            "value": round(cached * 1000, 1),
            "unit": "ms",
            "baseline": round(seconds * 1000),
            "ratio": round(cached / seconds, 3),
            "target": "< 50 ms",
            "met": cached < 0.05,
        },
        {
            "name": "minutes PDF of the demo meeting, cold: peak RSS",
            "value": round(peak),
            "unit": "MB",
            "baseline": None,
            "ratio": None,
            "target": "< 300 MB",
            "met": peak < 300,
        },
    ]


def format_table(results: list[dict]) -> str:
    header = f"{'figure':<70} {'median':>14} {'baseline':>10} {'ratio':>7}  {'target':<28} met"
    lines = [header, "-" * len(header)]
    for r in results:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        value = f"{r['value']} {r['unit']}"
        lines.append(
            f"{r['name']:<70} {value:>14} {r['baseline']!s:>10} {ratio:>7}  {r['target']:<28} "
            + ("yes" if r["met"] else "NO")
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller loads, for development")
    args = parser.parse_args()
    repetitions = 3
    requests, seats = (300, 240) if args.quick else (1000, 800)
    print(
        f"database: {os.environ.get('DATABASE_URL', 'SQLite (embedded default)')}", file=sys.stderr
    )
    results = runtime_venv()
    results += door_page_weight()
    results += door_offline_figures(10 if args.quick else 25)
    results += phone_pages.figures(runs=1 if args.quick else 5)
    results += door_checkins(
        300 if args.quick else 1000,
        doors=8,
        repetitions=repetitions,
        # The doors curve only feeds the README's chart, which full runs draw.
        curve=[] if args.quick else [1, 2, 4, 8, 16],
    )
    results += registration_burst(requests, seats, clients=50, repetitions=repetitions)
    # 10,000 registrations: page p95s and server CPU per API check-in (bench/scale.py).
    from bench import scale

    results += scale.figures(repetitions=repetitions)
    results += badge_sheets(100 if args.quick else 800, repetitions)
    results += attendance_lists(100 if args.quick else 1000, repetitions)
    results += minutes_document(repetitions)
    from bench import laporan

    results += laporan.figures(200 if args.quick else 1000, repetitions)
    results += self_checkins(quick=args.quick)
    results += paperwork.figures(args.quick, repetitions)
    results += letters.figures(100 if args.quick else 500, repetitions)
    print(format_table(results))
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}; medians of {repetitions} runs")


if __name__ == "__main__":
    main()
