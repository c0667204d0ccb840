"""Load generator, run as its own process: N concurrent clients, a fixed number of requests.

Modes:
  get       GET the URL (the bare Flask baseline)
  register  each client fetches the registration form once (session and CSRF token); once
            all have it, they post registrations with distinct mobile numbers, so the
            measured burst is the posts alone
  scan      each client opens the door link with its PIN once (a door phone), then posts
            the badge codes from --codes (a JSON list), each code once across all clients
Prints one JSON object: the latencies (ms) of the measured requests, statuses, and wall time.
"""

import argparse
import asyncio
import json
import re
import time
from pathlib import Path

import aiohttp

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
DOOR_TOKEN = re.compile(r'data-csrf="([^"]+)"')


async def _open_door(session, args) -> str:
    """Like a volunteer's phone: open the door link, type the PIN, land on the door page."""
    async with session.get(args.door_link) as response:
        token = TOKEN.search(await response.text()).group(1)
    async with session.post(args.door_link, data={"csrf_token": token, "pin": args.pin}) as page:
        return DOOR_TOKEN.search(await page.text()).group(1)


async def _client(session, args, queue, latencies, statuses, spans, codes, ready):
    token = None
    if args.mode == "scan":
        token = await _open_door(session, args)
    if args.mode == "register":
        async with session.get(args.url) as response:
            token = TOKEN.search(await response.text()).group(1)
        await ready.wait()
    while True:
        try:
            n = queue.get_nowait()
        except asyncio.QueueEmpty:
            return
        started = time.perf_counter()
        if args.mode == "get":
            async with session.get(args.url) as response:
                await response.read()
        elif args.mode == "scan":
            payload = {"code": codes[n], "nonce": f"bench-{n}", "list": args.list}
            headers = {"X-CSRFToken": token}
            async with session.post(args.url, json=payload, headers=headers) as response:
                answer = await response.json() if response.status == 200 else {}
            # A scan counts as good only when it checked the person in.
            statuses.append(200 if answer.get("code") == "checked_in" else response.status or 599)
        else:
            data = {
                "csrf_token": token,
                "full_name": f"Peserta Bench {n}",
                "organisation": f"Koperasi {n % 97}",
                "phone": f"0812{9 * 10**7 + n:08d}",
            }
            async with session.post(args.url, data=data, allow_redirects=False) as response:
                await response.read()
        ended = time.perf_counter()
        latencies.append((ended - started) * 1000)
        if args.mode != "scan":
            statuses.append(response.status)
        spans.append((started, ended))


async def main(args) -> dict:
    codes = json.loads(Path(args.codes).read_text()) if args.codes else []
    if args.mode == "scan":
        args.requests = min(args.requests, len(codes))
    queue = asyncio.Queue()
    for n in range(args.requests):
        queue.put_nowait(n)
    latencies, statuses, spans = [], [], []
    ready = asyncio.Barrier(args.clients)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    connector = aiohttp.TCPConnector(limit=args.clients)
    started = time.perf_counter()
    sessions = [
        aiohttp.ClientSession(
            timeout=timeout,
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
        )
        for _ in range(args.clients)
    ]
    try:
        await asyncio.gather(
            *(_client(s, args, queue, latencies, statuses, spans, codes, ready) for s in sessions)
        )
    finally:
        for session in sessions:
            await session.close()
        await connector.close()
    # Throughput counts the measured requests only, not the clients' first form fetch.
    measured = max(e for _, e in spans) - min(s for s, _ in spans) if spans else 0.0
    wall = time.perf_counter() - started
    return {"latencies_ms": latencies, "statuses": statuses, "wall_s": wall, "measured_s": measured}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--mode", choices=["get", "register", "scan"], default="get")
    parser.add_argument("--codes", help="scan: a JSON file with the badge codes to scan")
    parser.add_argument("--door-link", help="scan: the door link's address")
    parser.add_argument("--pin", help="scan: the door link's PIN")
    parser.add_argument("--list", type=int, help="scan: the check-in list")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=120)
    arguments = parser.parse_args()
    if not arguments.url.startswith(("http://127.", "http://localhost")):
        raise SystemExit("the load generator only targets this machine")
    print(json.dumps(asyncio.run(main(arguments))))
