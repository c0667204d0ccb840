"""The pages a phone opens, timed in Chromium under phone conditions.

Run by bench/run.py against Rakor on gunicorn (static files compressed, as in production).
Every page load runs with the conditions of a cheap phone on a hall's Wi-Fi, set through the
DevTools protocol on the page and on the door's service worker alike: a 400 ms round trip,
400 kbit/s down and up, and the processor slowed six times. Figures (medians in ms, and the
bytes the browser received):
- the public registration page, cold (a fresh profile, empty cache) and warm (opened again);
- the door link's PIN page, cold;
- the door page reloaded on a phone that has opened it before (its service worker answers);
- the participant's personal page (/r/<token>), cold and warm.
Each beside the baseline of the same run: a bare static HTML page of the same server, loaded
under the same conditions (cold, then warm). Times are the browser's own Navigation Timing, from
the start of the navigation to the end of the load event, so the harness adds nothing.
"""

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
# DevTools' units: bytes per second and milliseconds.
KBIT = 1000 / 8
PHONE_NETWORK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * KBIT,
    "uploadThroughput": 400 * KBIT,
}
CPU_SLOWDOWN = 6

# What the page itself measured: its navigation from start to the end of the load event, and
# the bytes that came over the network for it (headers and compressed bodies; 0 from a cache).
MEASURED = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  return {
    ms: nav.loadEventEnd - nav.startTime,
    bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    requests: 1 + resources.length,
  };
}"""


def available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


class Throttle:
    """The phone's conditions on a page and its network on every worker it starts: the door's
    service worker fetches the page itself, and throttling the page alone left that fetch fast
    (a door reload measured 0.5 s instead of 0.8). DevTools slows the processor of pages only
    ("Operation is only supported for pages, not workers"), so the worker's own code runs at
    full speed."""

    def __init__(self, context, page):
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", PHONE_NETWORK)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        self.workers: set[str] = set()
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": False},
        )

    def _attached(self, params):
        session = params["sessionId"]
        if params["targetInfo"]["type"] not in ("service_worker", "worker", "shared_worker"):
            return
        self.workers.add(params["targetInfo"]["type"])
        for n, (method, args) in enumerate(
            (
                ("Network.enable", {}),
                ("Network.emulateNetworkConditions", PHONE_NETWORK),
            )
        ):
            message = {"id": 1000 + n, "method": method, "params": args}
            self.cdp.send(
                "Target.sendMessageToTarget",
                {"sessionId": session, "message": json.dumps(message)},
            )


def _load(page, url: str | None = None, reload: bool = False) -> dict:
    if reload:
        page.reload(wait_until="load")
    else:
        page.goto(url, wait_until="load")
    return page.evaluate(MEASURED)


def _cold(browser, base_url: str, path: str) -> tuple[object, object, dict]:
    """A fresh profile (empty cache) on a phone, the page opened once: (context, page, figures)."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, is_mobile=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    Throttle(context, page)
    return context, page, _load(page, path)


def measure(base_url: str, pages: dict[str, str], pin: str, runs: int) -> dict:
    """{figure: [{"ms", "bytes", "requests"} per run]} for the pages and their baseline.

    pages: "baseline", "register", "pin" (the door link), "door", "personal" -> path.
    """
    from playwright.sync_api import sync_playwright

    out: dict[str, list[dict]] = {}

    def keep(name: str, figures: dict) -> None:
        out.setdefault(name, []).append(figures)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for _ in range(runs):
            for name in ("baseline", "register", "personal"):
                context, page, cold = _cold(browser, base_url, pages[name])
                keep(f"{name} cold", cold)
                keep(f"{name} warm", _load(page, pages[name]))
                context.close()
            # The door: a volunteer opens the link, types the PIN, and the door page opens
            # (and keeps its copy for offline); later the volunteer reloads it.
            context, page, cold = _cold(browser, base_url, pages["pin"])
            keep("pin cold", cold)
            page.fill("#pin", pin)
            page.locator("#pin").press("Enter")
            page.wait_for_url(f"**{pages['door']}")
            page.wait_for_load_state("load")
            keep("door first open", page.evaluate(MEASURED))
            page.locator('#door[data-offline-ready="1"]').wait_for(state="attached")
            keep("door warm reload", _load(page, reload=True))
            context.close()
            print(
                "  phone pages run {}: registration cold {:.0f} ms, warm {:.0f} ms; door reload"
                " {:.0f} ms; bare page cold {:.0f} ms, warm {:.0f} ms".format(
                    len(out["door warm reload"]),
                    *(
                        out[key][-1]["ms"]
                        for key in (
                            "register cold",
                            "register warm",
                            "door warm reload",
                            "baseline cold",
                            "baseline warm",
                        )
                    ),
                ),
                file=sys.stderr,
            )
        browser.close()
    return out


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


# An event two hours ahead with registration open, one participant, and a door link with its PIN.
SETUP = """
import json
from datetime import timedelta
from app import app
from coordination.auth.services import create_user, user_by_email
from coordination.door import access
from coordination.events.services import EventData, create_event
from coordination.extensions import db, utcnow
from coordination.registration.models import Registration
with app.app_context():
    user = user_by_email("bench@example.org") or create_user(
        "bench@example.org", "organiser", "bench-password")
    now = utcnow()
    event = create_event(EventData(
        title="Rakor Bersama Sinkronisasi Program Pemberdayaan Koperasi", slug="{slug}",
        organising_body="Dekopinda Kabupaten Probolinggo", venue_name="Aula Bale Hinggil",
        starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=5), capacity=200,
        registration_opens_at=now - timedelta(days=1)), user)
    db.session.flush()
    person = Registration(event_id=event.id, full_name="Siti Aminah",
                          organisation="Koperasi Sejahtera", phone="+6281200000001")
    db.session.add(person)
    link, pin = access.create_link(event, "Pintu Utara")
    db.session.commit()
    print(json.dumps({{"personal": person.link_token, "door_link": link.token, "pin": pin}}))
"""
NAMES = {
    "register cold": "public registration page, cold (empty cache)",
    "register warm": "public registration page, warm (opened again)",
    "pin cold": "door link: PIN page, cold",
    "door first open": "door page, first open (after the PIN)",
    "door warm reload": "door page, warm reload (its service worker)",
    "personal cold": "participant's personal page /r/<token>, cold",
    "personal warm": "participant's personal page /r/<token>, warm",
}
TARGETS = {"register cold": 2000, "register warm": 800, "door warm reload": 1000}


def figures(runs: int = 5) -> list[dict]:
    """bench/run.py's rows: each page's median time and bytes beside the bare page's."""
    import subprocess

    from bench.run import PYTHON, ROOT, Server, app_env, python

    prefix = "phone "
    if not available():
        return [
            {
                "name": prefix + NAMES[key],
                "value": "not measured (no Chromium)",
                "unit": "",
                "baseline": None,
                "ratio": None,
                "target": f"< {TARGETS[key]} ms",
                "met": False,
            }
            for key in TARGETS
        ]
    with tempfile.TemporaryDirectory() as tmp:
        env = app_env(Path(tmp))
        for command in (["compress-static"], ["db", "upgrade"]):
            subprocess.run(
                [PYTHON, "-m", "flask", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        slug = f"bench-phone-{os.getpid()}"
        setup = json.loads(python(SETUP.format(slug=slug), env))
        pages = {
            "baseline": "/bench/baseline.html",
            "register": f"/e/{slug}",
            "pin": f"/d/{setup['door_link']}",
            "door": f"/events/{slug}/door",
            "personal": f"/r/{setup['personal']}",
        }
        with Server("bench.phone_app:app", env, "/login") as server:
            measured = measure(server.url, pages, setup["pin"], runs)
    base_cold = median(measured["baseline cold"], "ms")
    base_warm = median(measured["baseline warm"], "ms")
    results = []
    for key, name in NAMES.items():
        value = median(measured[key], "ms")
        baseline = base_cold if "cold" in key or "first" in key else base_warm
        limit = TARGETS.get(key)
        results.append(
            {
                "name": f"{prefix}{name}",
                "value": round(value),
                "unit": "ms",
                "baseline": round(baseline),
                "ratio": round(value / baseline, 2),
                "target": f"< {limit} ms (baseline: bare page)" if limit else "reported",
                "met": value < limit if limit else True,
            }
        )
        results.append(
            {
                "name": f"  {name.split(',')[0]}: bytes received, {key.split(' ', 1)[1]}",
                "value": round(median(measured[key], "bytes") / 1024, 1),
                "unit": "KB",
                "baseline": round(
                    median(measured["baseline " + ("warm" if "warm" in key else "cold")], "bytes")
                    / 1024,
                    1,
                ),
                "ratio": None,
                "target": "reported",
                "met": True,
            }
        )
    return results


if __name__ == "__main__":
    # python -m bench.phone_pages: these figures alone.
    from bench.run import format_table

    print(format_table(figures()))
