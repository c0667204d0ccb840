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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = [
    PYTHON,
    "-m",
    "gunicorn",
    "--workers",
    "2",
    "--worker-class",
    "gthread",
    "--threads",
    "8",
    "--log-level",
    "warning",
]

SETUP_EVENT = """
from datetime import timedelta
from app import app
from coordination.auth.services import create_user, user_by_email
from coordination.events.services import EventData, create_event
from coordination.extensions import db, utcnow
with app.app_context():
    user = user_by_email("bench@example.org") or create_user(
        "bench@example.org", "organiser", "bench-password")
    now = utcnow()
    event = create_event(EventData(
        title="Bench", slug="{slug}", organising_body="Bench", venue_name="Aula",
        starts_at=now + timedelta(days=7), ends_at=now + timedelta(days=7, hours=3),
        capacity={capacity}, registration_opens_at=now - timedelta(days=1)), user)
    db.session.commit()
"""
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving an app on a free loopback port, stopped on exit."""

    def __init__(self, app_spec: str, env: dict, probe: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{self.port}", app_spec], cwd=ROOT, env=env
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

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def load(url: str, mode: str, clients: int, requests: int) -> dict:
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


def python(code: str, env: dict) -> str:
    return subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def registration_burst(requests: int, seats: int, clients: int, repetitions: int) -> list[dict]:
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        env = app_env(Path(tmp))
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
            for n in range(repetitions):
                slug = f"bench-{os.getpid()}-{n}"
                python(SETUP_EVENT.format(slug=slug, capacity=seats), env)
                baseline = load(bare.url + "/ping", "get", clients, requests)
                result = load(f"{app.url}/e/{slug}", "register", clients, requests)
                confirmed = int(python(COUNT_CONFIRMED.format(slug=slug), env))
                lat, base_lat = result["latencies_ms"], baseline["latencies_ms"]
                runs.append(
                    {
                        "throughput": requests / result["measured_s"],
                        "baseline_throughput": requests / baseline["measured_s"],
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
            "target": ">= 0.3 x bare Flask",
            "met": ratio >= 0.3,
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
            out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
            runs[kind].append(json.loads(out.stdout))
        print(
            f"  badges run {n + 1}: {runs['rakor'][-1]['seconds']:.2f} s, "
            f"naive {runs['naive'][-1]['seconds']:.2f} s",
            file=sys.stderr,
        )
    seconds = statistics.median(r["seconds"] for r in runs["rakor"])
    naive = statistics.median(r["seconds"] for r in runs["naive"])
    peak = max(r["peak_rss_mb"] for r in runs["rakor"])
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
            "name": f"{name}: peak RSS",
            "value": round(peak),
            "unit": "MB",
            "baseline": round(naive_peak),
            "ratio": round(peak / naive_peak, 2),
            "target": "< 400 MB",
            "met": peak < 400,
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
    results = registration_burst(requests, seats, clients=50, repetitions=repetitions)
    results += badge_sheets(200 if args.quick else 800, repetitions)
    print(format_table(results))
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}; medians of {repetitions} runs")


if __name__ == "__main__":
    main()
