"""The load generators of the benchmark, each run as a process of its own.

`run_wrk` drives wrk (Debian's package `wrk`, written in C): on a machine of two cores the
client shares the CPU with the two gunicorn workers it measures, and wrk's one thread costs a
small fraction of what Python threads cost for the same requests, so more of the machine is
left to the server. When wrk is not installed, this module itself is the client:

    python -m network_crm.bench.load --port 8123 --path / --cookie "sessionid=…" \
        --seconds 10 --connections 8

Each thread keeps a connection open while the server allows it (gunicorn's sync workers close
after every response, so the thread reconnects) and sends GETs back to back for a bounded time.
Both print or return the same figures: requests answered 200, errors, requests per second,
latency percentiles. Only 127.0.0.1 is ever targeted.
"""

import argparse
import http.client
import json
import math
import shutil
import subprocess
import tempfile
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
        "client": f"Python http.client, {connections} threads",
        "requests": len(latencies),
        "errors": sum(errors),
        "seconds": round(elapsed, 3),
        "connections": connections,
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
    }


# Counts every answer that is not a 200 (a sign-in redirect would otherwise count as served),
# and prints the figures as one JSON line at the end. wrk's latencies are in microseconds.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format(
    '{"answered": %d, "not_ok": %d, "socket_errors": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d}\\n',
    summary.requests, not_ok, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95)))
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(port: int, path: str, cookie: str, seconds: float, connections: int) -> dict:
    """The same figures as `run`, measured by wrk with one thread."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        output = subprocess.run(
            ["wrk", "--threads", "1", "--connections", str(connections),
             "--duration", f"{max(1, round(seconds))}s", "--timeout", "30s",
             "--script", script.name, "--header", f"Cookie: {cookie}",
             f"http://{HOST}:{port}{path}"],
            capture_output=True, text=True, timeout=seconds + 120, check=True,
        ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    elapsed = figures["duration_us"] / 1e6
    served = figures["answered"] - figures["not_ok"]
    return {
        "client": "wrk, 1 thread",
        "requests": served,
        "errors": figures["not_ok"] + figures["socket_errors"],
        "seconds": round(elapsed, 3),
        "connections": connections,
        "rps": round(served / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p95_ms": round(figures["p95_us"] / 1000, 2),
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
