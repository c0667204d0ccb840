"""Load generator, run as its own process: N concurrent clients, a fixed number of requests.

Modes:
  get       GET the URL (the bare Flask baseline)
  register  each client fetches the registration form once (session and CSRF token), then
            posts registrations with distinct mobile numbers
Prints one JSON object: the latencies (ms) of the measured requests, statuses, and wall time.
"""

import argparse
import asyncio
import json
import re
import time

import aiohttp

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


async def _client(session, args, queue, latencies, statuses, spans):
    token = None
    if args.mode == "register":
        async with session.get(args.url) as response:
            token = TOKEN.search(await response.text()).group(1)
    while True:
        try:
            n = queue.get_nowait()
        except asyncio.QueueEmpty:
            return
        started = time.perf_counter()
        if args.mode == "get":
            async with session.get(args.url) as response:
                await response.read()
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
        statuses.append(response.status)
        spans.append((started, ended))


async def main(args) -> dict:
    queue = asyncio.Queue()
    for n in range(args.requests):
        queue.put_nowait(n)
    latencies, statuses, spans = [], [], []
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
            *(_client(s, args, queue, latencies, statuses, spans) for s in sessions)
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
    parser.add_argument("--mode", choices=["get", "register"], default="get")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=120)
    arguments = parser.parse_args()
    if not arguments.url.startswith(("http://127.", "http://localhost")):
        raise SystemExit("the load generator only targets this machine")
    print(json.dumps(asyncio.run(main(arguments))))
