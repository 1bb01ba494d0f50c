"""Concurrent HTTP load from a process of its own: ``python bench/load.py --seconds 10
--concurrency 16 URL [URL ...]``, cycling through the URLs until time is up. Prints one JSON
line: requests, errors (any answer but 2xx, and failed connections), requests per second, and
latency percentiles in ms of the 2xx answers only. Only for servers on this machine.

With wrk installed (``apt-get install wrk``) it drives wrk, whose C client is never the limit;
otherwise Python threads, each keeping its connection alive while the server does (gunicorn's
sync workers close it after each answer: the thread then opens another)."""

import argparse
import http.client
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %%d, \\"socket_errors\\": %%d, \\"non2xx\\": %%d, "
    .. "\\"p50_us\\": %%d, \\"p95_us\\": %%d, \\"p99_us\\": %%d}\\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status, latency:percentile(50),
    latency:percentile(95), latency:percentile(99)))
end
"""


def worker(urls, deadline, latencies, errors, lock):
    index = 0
    mine, failed = [], 0
    conn = None
    while time.monotonic() < deadline:
        url = urlsplit(urls[index % len(urls)])
        index += 1
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            conn.request("GET", url.path + (f"?{url.query}" if url.query else ""))
            response = conn.getresponse()
            response.read()
            if response.will_close:
                conn.close()
                conn = None
            if 200 <= response.status < 300:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
            conn = None
    with lock:
        latencies.extend(mine)
        errors.append(failed)


def with_threads(urls, seconds, concurrency) -> dict:
    latencies, errors, lock = [], [], threading.Lock()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=worker, args=(urls, deadline, latencies, errors, lock))
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1)

    return {
        "client": "python",
        "requests": len(latencies) + sum(errors),
        "errors": sum(errors),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": pct(0.95) if latencies else None,
        "p99_ms": pct(0.99) if latencies else None,
    }


def with_wrk(wrk, urls, seconds, concurrency) -> dict:
    base = urlsplit(urls[0])
    paths = ", ".join(
        json.dumps(urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else ""))
        for u in urls
    )
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT % paths)
        out = subprocess.run(
            [wrk, "--threads", "2", "--connections", str(concurrency), "--duration",
             f"{max(1, round(seconds))}s", "--timeout", "30s", "--script", str(script),
             f"{base.scheme}://{base.netloc}/"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    found = json.loads(out.stdout.split("JSON ", 1)[1].splitlines()[0])
    elapsed = float(re.search(r"requests in ([\d.]+)(m?s)", out.stdout).group(1))
    if re.search(r"requests in [\d.]+ms", out.stdout):
        elapsed /= 1000
    errors = found["socket_errors"] + found["non2xx"]
    return {
        "client": "wrk",
        "requests": found["requests"],
        "errors": errors,
        "rps": round((found["requests"] - errors) / elapsed, 1),
        "p50_ms": round(found["p50_us"] / 1000, 1),
        "p95_ms": round(found["p95_us"] / 1000, 1),
        "p99_ms": round(found["p99_us"] / 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    for url in args.urls:
        if urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise SystemExit(f"Refusing to load a host that is not this machine: {url}")
    wrk = shutil.which("wrk") if args.client != "python" else None
    if args.client == "wrk" and not wrk:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    if wrk:
        report = with_wrk(wrk, args.urls, args.seconds, args.concurrency)
    else:
        report = with_threads(args.urls, args.seconds, args.concurrency)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
