"""The door phone, measured in Chromium: what a volunteer waits for, online and offline.

Run by bench/run.py against Rakor on gunicorn: a persistent Chromium profile on a phone
viewport opens a door link with its PIN, then measures (each beside its baseline):
- scan-to-verdict offline, the phone's CPU slowed 6x (baseline: not slowed);
- scan-to-verdict online with a 400 ms round trip (baseline: no added latency);
- the door page reloaded from the phone's own copy while offline (baseline: reloaded online);
- from the first open of the door page until it works offline (baseline: until it can scan).
Times are the page's own (performance.now()), so the harness adds nothing to them.
"""

import os
import statistics
import tempfile
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


def _scan_latencies(page, codes: list[str]) -> list[float]:
    door = page.locator("#door")
    out = []
    for code in codes:
        page.evaluate("delete document.getElementById('door').dataset.lastLatencyMs")
        page.locator("#code").fill(code)
        page.locator("#code").press("Enter")
        page.locator("#door[data-last-latency-ms]").wait_for(state="attached")
        out.append(float(door.get_attribute("data-last-latency-ms")))
        page.locator("#door-verdict").click()  # the volunteer taps to continue
    return out


def _reload_ready(page, times: int) -> list[float]:
    out = []
    for _ in range(times):
        page.reload(wait_until="domcontentloaded")
        page.locator("#door[data-ready-ms]").wait_for(state="attached")
        out.append(float(page.locator("#door").get_attribute("data-ready-ms")))
    return out


def measure(base_url: str, slug: str, token: str, pin: str, codes: list[str], scans: int) -> dict:
    """Medians in ms: {figure: (value, baseline)}."""
    from playwright.sync_api import sync_playwright

    codes = iter(codes)
    take = lambda n: [next(codes) for _ in range(n)]  # noqa: E731 - a fresh badge per scan
    door = f"/events/{slug}/door?camera=0"
    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            viewport=PHONE,
            base_url=base_url,
            args=ARGS,
        )
        context.set_default_timeout(30_000)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"/d/{token}")
        page.fill("#pin", pin)
        page.locator("#pin").press("Enter")
        page.wait_for_selector("#door")
        page.goto(door)  # the first open of the door page (without the camera)
        page.locator('#door[data-offline-ready="1"]').wait_for(state="attached")
        first_offline = float(page.locator("#door").get_attribute("data-offline-ready-ms"))
        first_ready = float(page.locator("#door").get_attribute("data-ready-ms"))

        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        online = _scan_latencies(page, take(scans))
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        online_rtt = _scan_latencies(page, take(scans))
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )

        # Scans typed (a hardware scanner): the camera's decoder would measure itself instead.
        context.set_offline(True)
        offline = _scan_latencies(page, take(scans))
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 6})
        offline_slow = _scan_latencies(page, take(scans))
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})

        context.set_offline(False)
        reload_online = _reload_ready(page, 5)
        context.set_offline(True)
        reload_offline = _reload_ready(page, 5)
        context.close()
    median = statistics.median
    return {
        "offline_scan_6x": (median(offline_slow), median(offline)),
        "online_scan_rtt400": (median(online_rtt), median(online)),
        "offline_reload": (median(reload_offline), median(reload_online)),
        "first_open_offline": (first_offline, first_ready),
    }
