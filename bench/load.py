"""Concurrent HTTP load from a process of its own: ``python bench/load.py --seconds 10
--concurrency 8 URL [URL ...]``. Each thread cycles through the URLs until time is up. Prints
one JSON line: requests, errors (non-2xx/3xx or failed connections), requests per second, and
latency percentiles in ms. Only for servers on this machine."""

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit


def worker(urls, deadline, latencies, errors, lock):
    index = 0
    mine, failed = [], 0
    while time.monotonic() < deadline:
        url = urlsplit(urls[index % len(urls)])
        index += 1
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            conn.request("GET", url.path + (f"?{url.query}" if url.query else ""))
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status >= 400:
                failed += 1
        except OSError:
            failed += 1
        mine.append((time.perf_counter() - started) * 1000)
    with lock:
        latencies.extend(mine)
        errors.append(failed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    for url in args.urls:
        if urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise SystemExit(f"Refusing to load a host that is not this machine: {url}")
    latencies, errors, lock = [], [], threading.Lock()
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        threading.Thread(target=worker, args=(args.urls, deadline, latencies, errors, lock))
        for _ in range(args.concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1)

    print(json.dumps({
        "requests": len(latencies),
        "errors": sum(errors),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": pct(0.95) if latencies else None,
        "p99_ms": pct(0.99) if latencies else None,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
