"""Self check-in through the hall QR: participants' phones, 50 at once, against gunicorn.

  python -m bench.self_checkin [--quick]

Each participant's phone does what a real one does: opens the hall QR's link (a token for the
current 30-second window, as the projector shows it), loads the check-in page, posts their
mobile number and the last four characters of their code, and signs (strokes like a finger's,
sent as the pad sends them). The rate limiter stays on, as in a hall where everyone shares the
Wi-Fi's one address. Reports the wall time for everyone, the p50/p95 of a check-in (the post
that answers green) and of the whole phone flow, errors, and the stored signatures' sizes.
"""

import argparse
import asyncio
import json
import math
import random
import re
import statistics
import sys
import time

import aiohttp

PEOPLE = 500
AT_ONCE = 50
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

SETUP = """
import json
from datetime import timedelta
from app import app
from coordination.auth.services import create_user, user_by_email
from coordination.door import services as door
from coordination.events.services import EventData, create_event
from coordination.extensions import db, utcnow
from coordination.registration.models import Registration
from coordination.selfcheckin import services as self_checkin
with app.app_context():
    user = user_by_email("bench@example.org") or create_user(
        "bench@example.org", "organiser", "bench-password")
    now = utcnow()
    event = create_event(EventData(
        title="Bench", slug="{slug}", organising_body="Bench", venue_name="Aula",
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3),
        capacity={count}), user)
    db.session.flush()
    people = [Registration(event_id=event.id, full_name=f"Peserta {{n}}",
                           organisation=f"Koperasi {{n % 97}}", phone=f"+62813{{n:08d}}")
              for n in range({count})]
    db.session.add_all(people)
    hall = door.default_list(event)
    self_checkin.set_self_checkin(hall, True, walk_in=False)
    self_checkin.set_signature_required(event, True)
    db.session.commit()
    print(json.dumps({{"list": hall.id, "people": [
        ["0" + p.phone.removeprefix("+62"), self_checkin.confirmation_of(p)] for p in people]}}))
"""

RESULTS = """
import json
import sqlalchemy as sa
from app import app
from coordination.door.models import Checkin
from coordination.extensions import db
from coordination.selfcheckin.models import Signature
with app.app_context():
    rows = db.session.execute(sa.select(Checkin.registration_id, Checkin.source).where(
        Checkin.list_id == {list_id})).all()
    sizes = db.session.scalars(sa.select(sa.func.length(Signature.path))).all()
    print(json.dumps({{"checkins": len(rows), "people": len({{r[0] for r in rows}}),
                      "self": sum(1 for r in rows if r[1] == "self"), "sizes": sizes}}))
"""

# The record of arrivals with everyone's signature, rendered cold in a process of its own.
RECORD = """
import json, time
from app import app
from coordination.door.models import CheckinList
from coordination.events.models import Event
from coordination.extensions import db
from coordination.paperwork.documents import attendance_pdf
with app.test_request_context():
    event = db.session.get(Event, db.session.get(CheckinList, {list_id}).event_id)
    started = time.perf_counter()
    pdf = attendance_pdf(event, kind="record")
    print(json.dumps({{"seconds": time.perf_counter() - started, "bytes": len(pdf)}}))
"""


def finger_strokes(rng: random.Random) -> str:
    """A signature as a phone's pad samples it (about 60 points a second for 2-3 seconds)."""
    strokes = []
    x = rng.uniform(20, 60)
    for _ in range(rng.randint(2, 5)):
        stroke = []
        length = rng.randint(30, 90)
        phase, size = rng.uniform(0, 6), rng.uniform(20, 50)
        for step in range(length):
            x = min(x + rng.uniform(0.8, 3.2), 395)
            y = 80 + size * math.sin(phase + step / rng.uniform(3, 6)) + rng.uniform(-1.5, 1.5)
            stroke += [round(x, 1), round(y, 1)]
        strokes.append(stroke)
        x += rng.uniform(5, 20)
    return json.dumps(strokes)


async def _phone(session, base, list_id, person, n, secret, outcome):
    """One participant: scan, check in, sign. Appends (flow ms, check-in post ms, ok)."""
    from coordination.selfcheckin import services

    phone, confirmation = person
    started = time.perf_counter()
    token = services.hall_token(secret, list_id, int(time.time()) // services.WINDOW_SECONDS)
    ok = False
    checkin_ms = math.nan
    try:
        async with session.get(f"{base}/hadir/{list_id}/{token}") as response:
            page = await response.text()
        csrf = TOKEN.search(page).group(1)
        posted = time.perf_counter()
        data = {"csrf_token": csrf, "phone": phone, "confirmation": confirmation}
        async with session.post(f"{base}/hadir/{list_id}", data=data) as response:
            page = await response.text()
        checkin_ms = (time.perf_counter() - posted) * 1000
        green = response.status == 200 and "verdict-ok" in page
        csrf = TOKEN.search(page).group(1)
        data = {"csrf_token": csrf, "strokes": finger_strokes(random.Random(n))}
        async with session.post(f"{base}/hadir/{list_id}/signature", data=data) as response:
            await response.read()
        ok = green and response.status == 200
    except (TimeoutError, aiohttp.ClientError, AttributeError):
        ok = False
    outcome.append(((time.perf_counter() - started) * 1000, checkin_ms, ok))


async def _crowd(base: str, list_id: int, people: list, secret: str) -> tuple[list, float]:
    queue = list(enumerate(people))
    outcome: list = []
    connector = aiohttp.TCPConnector(limit=AT_ONCE)
    timeout = aiohttp.ClientTimeout(total=120)

    async def worker():
        while queue:
            n, person = queue.pop()
            # A phone of its own: its own cookies (session, hall pass).
            async with aiohttp.ClientSession(
                connector=connector,
                connector_owner=False,
                timeout=timeout,
                cookie_jar=aiohttp.CookieJar(unsafe=True),
            ) as session:
                await _phone(session, base, list_id, person, n, secret, outcome)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(AT_ONCE)))
    wall = time.perf_counter() - started
    await connector.close()
    return outcome, wall


def self_checkins(quick: bool = False) -> list[dict]:
    """The bench lines of self check-in (see the module's docstring)."""
    from bench import run as harness

    count = 100 if quick else PEOPLE
    with harness.served() as (_workdir, env, _bare, _app):
        # Rakor again, with the rate limiter on: everyone shares the hall Wi-Fi's address.
        limited = dict(env, RATELIMIT_ENABLED="1")
        with harness.Server("app:app", limited, "/login") as app:
            slug = f"bench-self-{int(time.time())}"
            setup = json.loads(harness.python(SETUP.format(slug=slug, count=count), env))
            outcome, wall = asyncio.run(
                _crowd(app.url, setup["list"], setup["people"], env["SECRET_KEY"])
            )
            stored = json.loads(harness.python(RESULTS.format(list_id=setup["list"]), env))
            record = json.loads(harness.python(RECORD.format(list_id=setup["list"]), env))
    flows = [flow for flow, _checkin, _ok in outcome]
    checkins = [ms for _flow, ms, _ok in outcome if not math.isnan(ms)]
    errors = sum(1 for *_rest, ok in outcome if not ok)
    sizes = stored["sizes"] or [0]
    name = f"self check-in: {count} phones through the hall QR, {AT_ONCE} at once"
    print(
        f"  self check-in: {count} in {wall:.1f} s, errors {errors}, "
        f"check-ins {stored['people']} (self {stored['self']})",
        file=sys.stderr,
    )
    lines = [
        {
            "name": f"{name}: wall time for all",
            "value": round(wall, 1),
            "unit": "s",
            "baseline": None,
            "ratio": None,
            "target": "<= 300 s (5 minutes)",
            "met": wall <= 300,
        },
        *[
            {
                "name": f"{name}: check-in {p} latency",
                "value": round(harness.percentile(checkins, int(p[1:])), 1) if checkins else None,
                "unit": "ms",
                "baseline": None,
                "ratio": None,
                "target": "reported",
                "met": bool(checkins),
            }
            for p in ("p50", "p95")
        ],
        {
            "name": f"{name}: whole phone flow (scan, check in, sign) p95",
            "value": round(harness.percentile(flows, 95), 1),
            "unit": "ms",
            "baseline": None,
            "ratio": None,
            "target": "reported",
            "met": True,
        },
        {
            "name": f"{name}: errors",
            "value": errors,
            "unit": "count",
            "baseline": 0,
            "ratio": None,
            "target": "0, and each person checked in once, as Mandiri",
            "met": errors == 0 and stored["people"] == stored["self"] == count,
        },
        {
            "name": "signature stored size: median",
            "value": statistics.median(sizes),
            "unit": "bytes",
            "baseline": None,
            "ratio": None,
            "target": "reported (cap 8000)",
            "met": max(sizes) <= 8000,
        },
        {
            "name": "signature stored size: max",
            "value": max(sizes),
            "unit": "bytes",
            "baseline": None,
            "ratio": None,
            "target": "<= 8000 (the cap)",
            "met": max(sizes) <= 8000,
        },
        {
            "name": f"record of arrivals with {count} signatures: cold render",
            "value": round(record["seconds"], 2),
            "unit": "s",
            "baseline": None,
            "ratio": None,
            "target": "reported",
            "met": True,
        },
        {
            "name": f"record of arrivals with {count} signatures: file size",
            "value": round(record["bytes"] / 1024),
            "unit": "KB",
            "baseline": None,
            "ratio": None,
            "target": "reported",
            "met": True,
        },
    ]
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    lines = self_checkins(parser.parse_args().quick)
    for line in lines:
        print(f"{line['name']}: {line['value']} {line['unit']} (target {line['target']})")
