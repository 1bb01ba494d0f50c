"""`make bench`: the search page's speed with 10,000 and 100,000 published resources, every other
page's, and importing 5,000 and 10,000 resources through the admin (``bench/imports.py``).

For each size it fills a separate database (``healtorture_bench`` on the embedded server, or the
one DATABASE_URL names) with the demo content plus synthetic resources, serves it with gunicorn,
and reports for a fixed set of searches the server time (median and p95, from the
``Server-Timing`` header) with the result caches off ("uncached": every request computes the
search) and on ("cached": what repeat searches cost), then the requests per second that a second
process gets under concurrent load, next to ``/healthz`` in the same run.

Environment: BENCH_SIZES (default "10000,100000"), BENCH_SECONDS (load duration, default 10),
BENCH_CONCURRENCY (default 8), BENCH_REPEAT (requests per query, default 20), WORKERS (3),
BENCH_PARTS (default "search,pages,import"), BENCH_IMPORT_SIZES (default "5000,10000").
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import imports
import pages as other_pages

BASE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Each query as a practitioner sends it: its page (with the interface language) and parameters.
QUERIES = {
    "common word": "/en/resources/?q=torture",
    "rare word": "/en/resources/?q=photovoice",
    "phrase": "/en/resources/?q=%22istanbul+protocol%22",
    "prefix": "/en/resources/?q=rehab",
    "filters only": "/en/resources/?kind=webinar&language=en&access=free",
    "words + 3 filters": "/en/resources/?q=survivors&kind=webinar&topic=mental-health&language=en",
    # Query understanding: a synonym and an acronym expanded through the thesaurus, a query in
    # another language, a typo corrected, words that match only in part.
    "synonym (expanded)": "/en/resources/?q=post-traumatic+stress",
    "acronym (expanded)": "/en/resources/?q=cbt",
    "French (expanded)": "/fr/resources/?q=trauma+des+r%C3%A9fugi%C3%A9s",
    "typo (corrected)": "/en/resources/?q=istambul+protocol",
    "partial match": "/en/resources/?q=torture+survivors+children+zebra",
    "every filter ticked": (
        "/en/resources/?q=torture&kind=webinar&kind=video&topic=mental-health&audience=clinicians"
        "&language=en&organization=irct&region=global&year=2024&access=free&has=recording"
    ),
    "deep page": "/en/resources/?q=torture&page=200",
}
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if n]
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
WORKERS = os.environ.get("WORKERS", "3")
# What to measure: the search page ("search"), every other public page and the CSV ("pages"),
# importing a catalogue through the admin ("import", into a database of its own).
PARTS = os.environ.get("BENCH_PARTS", "search,pages,import").split(",")

ENV = {
    **os.environ,
    "HEALTORTURE_DATABASE_NAME": "healtorture_bench",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def manage(*args, env=None):
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE, env=env or ENV, check=True)


def synthetic_count() -> int:
    return int(
        shell(
            "from resources.models import Resource; "
            "print(Resource.objects.filter(slug__startswith='synthetic-').count())"
        )
    )


def shell(code: str) -> str:
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=BASE, env=ENV, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def database() -> dict:
    """Which database the run used, and how many published resources it held."""
    found = shell(
        "import json; from django.db import connection; from resources.models import Resource; "
        "s = connection.settings_dict; "
        "print(json.dumps({'database': s['NAME'], 'host': s.get('HOST') or 'embedded', "
        "'published': Resource.objects.published().count()}))"
    )
    return json.loads(found)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the bench database, with the result caches on or off."""

    def __init__(self, cached: bool):
        self.port = free_port()
        env = {**ENV, "HEALTORTURE_SEARCH_CACHE": "1" if cached else "0",
               "HEALTORTURE_SEARCH_PAGE_CACHE": "600" if cached else "0"}  # fmt: skip
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "healtorture.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", WORKERS, "--log-level", "warning"],
            cwd=BASE, env=env,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers: list[int] = []
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        # Steady state: every worker has imported, compiled its templates and connected.
        for _ in range(4 * int(WORKERS)):
            for path in ("/en/", "/en/resources/", "/en/resources/?q=warm+up"):
                urllib.request.urlopen(f"{self.url}{path}", timeout=60).read()
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        self.workers = [int(pid) for pid in children.read_text().split()]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def server_times(url: str, repeat: int) -> tuple[list[float], int]:
    """Server times of ``repeat`` requests (urlopen raises on any answer but 2xx and 3xx; a
    redirect would be followed, and then timed: the bench's addresses never redirect)."""
    times, total = [], 0
    for _ in range(repeat):
        with urllib.request.urlopen(url, timeout=60) as response:
            if response.status != 200 or response.url != url:
                raise SystemExit(f"{url} answered {response.status} at {response.url}")
            body = response.read()
            times.append(float(response.headers["Server-Timing"].split("dur=")[1]))
        marker = b'class="result-count">'
        if marker in body:
            total = int(body.split(marker)[1].split(b" ")[0])
    return times, total


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def load(urls: list[str]) -> dict:
    out = subprocess.run(
        [PYTHON, str(BASE / "bench" / "load.py"), "--seconds", str(SECONDS),
         "--concurrency", str(CONCURRENCY), *urls],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def prepare(size: int) -> None:
    manage("migrate", "--no-input", "-v", "0")
    manage("createcachetable")
    manage("load_demo", "-v", "0")
    have = synthetic_count()
    if have > size:
        manage("generate_resources", "--replace", "--resources", str(size))
    elif have < size:
        manage("generate_resources", "--resources", str(size - have), "--seed", str(have + 1))
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c",
         "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"],
        cwd=BASE, env=ENV, check=True,
    )  # fmt: skip


def bench_size(size: int) -> dict:
    print(f"\n== {size:,} synthetic resources (plus the demo content) ==", flush=True)
    if os.environ.get("BENCH_PREPARE", "1") != "0":  # 0: the database is ready (re-runs)
        prepare(size)
    report = {"size": size, "queries": {}, **database()}
    print(f"   database {report['database']} ({report['host']}), "
          f"{report['published']:,} published resources", flush=True)  # fmt: skip
    for cached in (False, True):
        if cached and "search" not in PARTS:
            continue
        server = Server(cached)
        try:
            if "search" in PARTS:
                measure_search(server, report, cached)
            if not cached and "pages" in PARTS:
                found = other_pages.discover(shell)
                report["pages"] = other_pages.measure(server.url, found, max(5, REPEAT // 2))
                report["csv"] = other_pages.csv_export(server.url, server.workers)
        finally:
            server.stop()
    print_report(report)
    return report


def measure_search(server: Server, report: dict, cached: bool) -> None:
    label = "cached" if cached else "uncached"
    for name, query in QUERIES.items():
        url = f"{server.url}{query}"
        server_times(url, 1)  # warm this worker's connection and (if on) its cache
        times, total = server_times(url, REPEAT if cached else max(5, REPEAT // 4))
        row = report["queries"].setdefault(name, {"results": total})
        row[label] = {"median_ms": round(statistics.median(times), 1),
                      "p95_ms": round(p95(times), 1)}  # fmt: skip
    urls = [f"{server.url}{q}" for q in QUERIES.values()]
    if cached:
        report["load_search"] = load(urls)
        report["load_healthz"] = load([f"{server.url}/healthz"])
    else:
        report["load_search_uncached"] = load(urls)


def print_report(report: dict) -> None:
    if report["queries"]:
        print_search(report)
    if "pages" in report:
        print(
            f"\nEvery other public page, {report['published']:,} published resources, caches "
            "off (ms; KB of HTML with its stylesheets and scripts, before compression):"
        )
        report["page_misses"] = other_pages.print_report(report["pages"], report["csv"])


def print_search(report: dict) -> None:
    print(f"\nSearch page server time, {report['size']:,} synthetic resources, "
          f"{report['published']:,} published in {report['database']} "
          f"(ms; uncached = every request computes the search)")  # fmt: skip
    print(f"{'query':<20}{'results':>9}{'uncached p50':>14}{'p95':>8}{'cached p50':>12}{'p95':>8}")
    for name, row in report["queries"].items():
        print(
            f"{name:<20}{row['results']:>9}{row['uncached']['median_ms']:>14}"
            f"{row['uncached']['p95_ms']:>8}{row['cached']['median_ms']:>12}{row['cached']['p95_ms']:>8}"
        )
    client = report["load_healthz"].get("client", "python")
    print(f"\nConcurrent load from a second process ({client}, {CONCURRENCY} connections, "
          f"{SECONDS:.0f} s, {WORKERS} gunicorn workers; errors: any answer but 2xx):")  # fmt: skip
    for name, key in [("search, uncached", "load_search_uncached"),
                      ("search, cached", "load_search"), ("/healthz", "load_healthz")]:  # fmt: skip
        r = report[key]
        print(
            f"  {name:<18} {r['rps']:>8} req/s  errors {r['errors']}  "
            f"p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  ({r['requests']} requests)"
        )
    ratio = report["load_search"]["rps"] / report["load_healthz"]["rps"]
    print(f"  cached search / healthz throughput: {ratio:.2f}")


def main():
    manage("collectstatic", "--no-input", "-v", "0")
    reports = [bench_size(size) for size in SIZES if PARTS != ["import"]]
    if "import" in PARTS:
        if not reports and os.environ.get("BENCH_PREPARE", "1") != "0":
            prepare(max(imports.SIZES))
        reports.append({"import": imports.measure(ENV)})
    out = BASE / "var" / "bench.json"
    out.write_text(json.dumps(reports, indent=2))
    print(f"\nFigures saved in {out.relative_to(BASE)}")
    errors = sum(r[k]["errors"] for r in reports for k in r if k.startswith("load_"))
    errors += sum(r.get("page_errors", 0) for r in reports)
    if errors:
        raise SystemExit(f"{errors} requests failed (an answer other than 2xx, or no answer)")
    # Pages over their time, weight or the sitemap protocol's limits are reported, not fatal:
    # the bench measures (see bench/NOTES.md for the targets); it fails only on errors.


if __name__ == "__main__":
    main()
