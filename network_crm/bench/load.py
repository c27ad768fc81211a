"""A small HTTP load generator, run as its own process by the benchmark:

    python -m network_crm.bench.load --port 8123 --path / --cookie "sessionid=…" \
        --seconds 10 --connections 8

Each thread keeps a connection open while the server allows it (gunicorn's sync workers close
after every response, so the thread reconnects) and sends GETs back to back for a bounded time.
Prints one JSON line: requests, errors, requests per second, latency percentiles. Only
127.0.0.1 is ever targeted.
"""

import argparse
import http.client
import json
import math
import threading
import time

HOST = "127.0.0.1"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of `values` (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _worker(port, path, headers, deadline, latencies, errors, lock):
    connection = None
    mine, failed = [], 0
    while time.monotonic() < deadline:
        if connection is None:
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
            connection = None
            time.sleep(0.01)
            continue
        if response.status == 200:
            mine.append(time.perf_counter() - started)
        else:
            failed += 1
        if response.will_close:
            connection.close()
            connection = None
    if connection is not None:
        connection.close()
    with lock:
        latencies.extend(mine)
        errors.append(failed)


def run(port: int, path: str, cookie: str, seconds: float, connections: int) -> dict:
    headers = {"Cookie": cookie, "Host": f"{HOST}:{port}", "Connection": "keep-alive"}
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=_worker, args=(port, path, headers, deadline, latencies, errors, lock)
        )
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "requests": len(latencies),
        "errors": sum(errors),
        "seconds": round(elapsed, 3),
        "connections": connections,
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.port, args.path, args.cookie, args.seconds, args.connections)))


if __name__ == "__main__":
    main()
