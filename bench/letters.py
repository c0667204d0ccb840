"""The surat undangan for 500 invitees and the certificates of everyone present: cold, cached,
peak memory, and how far the estimate that sends them to the background is from the truth.

  python -m bench.letters --invitees 500 [--certificates 200]

Loads the Bale Hinggil demo (its letterhead and signer) into a fresh app, invites that many
people, and prints JSON: seconds cold and cached, the estimate, and peak RSS of this process
and of its largest render process. `figures()` runs it in fresh processes for bench/run.py.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(invitees: int, present: int):
    from coordination import create_app
    from coordination.config import TestConfig
    from coordination.demo.services import load_demo
    from coordination.door import services as door
    from coordination.extensions import db
    from coordination.registration.models import Invitation, Registration

    workdir = tempfile.mkdtemp()
    app = create_app(TestConfig(f"sqlite:///{workdir}/bench.sqlite3"))
    app.config["PUBLIC_BASE_URL"] = "https://rakor.dekopinda.example"
    context = app.test_request_context()
    context.push()
    db.create_all()
    event = load_demo()
    for n in range(invitees):
        db.session.add(
            Invitation(
                event_id=event.id,
                full_name=f"Ketua Koperasi Sumber Rejeki Nomor {n + 1}",
                organisation=f"KUD Sumber Rejeki {n + 1}, Kecamatan Kraksaan",
                position="Ketua Pengurus",
            )
        )
    main = door.default_list(event)
    people = db.session.scalars(
        db.select(Registration).where(Registration.event_id == event.id).limit(present)
    ).all()
    for person in people:
        door.admit(event, main, person, door.DoorActor("Pintu Utara"))
    db.session.commit()
    return event


def measure(kind: str, invitees: int, present: int) -> dict:
    from bench.render_memory import watch

    render_processes = watch()  # their own high-water marks, as they report them
    event = prepare(invitees, present)
    if kind == "letters":
        from coordination.letterheads.letters import letters_document

        def build():
            return letters_document(event, "https://rakor.dekopinda.example/i/{token}")
    else:
        from coordination.paperwork.certificates import certificates_document

        def build():
            return certificates_document(event)

    started = time.perf_counter()
    document = build()
    pdf = document.content()
    seconds = time.perf_counter() - started
    again = time.perf_counter()
    assert build().content() == pdf
    cached = time.perf_counter() - again
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    helper = max(render_processes.peaks, default=0)
    return {
        "seconds": seconds,
        "cached_seconds": cached,
        "estimate": document.seconds,
        "peak_rss_mb": own + helper,
        "bytes": len(pdf),
    }


def figures(invitees: int, repetitions: int) -> list[dict]:
    """Median figures of `repetitions` fresh processes, as bench/run.py lists them."""
    results = []
    for kind, count in (("letters", invitees), ("certificates", 50)):
        runs = []
        for n in range(repetitions):
            out = subprocess.run(
                [sys.executable, "-m", "bench.letters", "--kind", kind, "--count", str(count)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout))
            print(
                f"  {kind} run {n + 1}: {runs[-1]['seconds']:.2f} s "
                f"(estimated {runs[-1]['estimate']:.2f} s), "
                f"cached {1000 * runs[-1]['cached_seconds']:.1f} ms",
                file=sys.stderr,
            )
        seconds = statistics.median(r["seconds"] for r in runs)
        cached = statistics.median(r["cached_seconds"] for r in runs)
        estimate = runs[0]["estimate"]
        peak = max(r["peak_rss_mb"] for r in runs)
        name = (
            f"surat undangan: {count} invitees"
            if kind == "letters"
            else f"certificates: {count} present"
        )
        results += [
            {
                "name": f"{name}, cold: time",
                "value": round(seconds, 2),
                "unit": "s",
                "baseline": None,
                "ratio": None,
                "target": "recorded",
                "met": True,
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
                "baseline": None,
                "ratio": None,
                "target": "< 300 MB",
                "met": peak < 300,
            },
            {
                "name": f"{name}: estimated / real seconds",
                "value": round(estimate / seconds, 2),
                "unit": "x",
                "baseline": round(seconds, 2),
                "ratio": None,
                # Too low sends a slow render into the request; too high only a quick one to
                # the background.
                "target": "0.7 - 2",
                "met": 0.7 <= estimate / seconds <= 2,
            },
        ]
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=("letters", "certificates"), default="letters")
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    invitees = args.count if args.kind == "letters" else 0
    present = args.count if args.kind == "certificates" else 0
    print(json.dumps(measure(args.kind, invitees, present)))
