"""`make bench-share`: concurrent visitors sending the share form, against gunicorn.

Serves the bench database (see run.py) with gunicorn, then from a second process (bench/load.py's
sibling: threads here, each a visitor with its own cookies) sends proposals as fast as the server
takes them for a bounded time, twice:

1. with a rate limit too high to reach: every proposal must be answered 302 and arrive exactly
   once (counted in the database afterwards);
2. with a limit of ``BENCH_SHARE_LIMIT`` proposals an hour from the one address all visitors share
   here: exactly that many arrive, every other answer is a 429 that says why and keeps the form.

Anything else (a 5xx, a lost or doubled proposal) is an error, and the run exits non-zero.
Environment: BENCH_SECONDS (default 10), BENCH_CONCURRENCY (8), BENCH_SHARE_LIMIT (25), WORKERS (3).
"""

import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BASE, ENV, PYTHON, WORKERS, free_port, manage

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
LIMIT = int(os.environ.get("BENCH_SHARE_LIMIT", "25"))
WORDS = [
    "sleep", "interpreting", "supervision", "asylum", "children", "documentation", "families",
    "trauma", "courts", "nightmares", "detention", "forensic", "medicine", "housing", "grief",
    "resilience", "school", "teachers", "youth", "refugees", "women", "memory", "testimony",
    "therapy", "groups", "burnout", "clinicians", "lawyers", "rights",
]  # fmt: skip


def serve(rate: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**ENV, "HEALTORTURE_SHARE_RATE": rate, "HEALTORTURE_FORM_MIN_SECONDS": "0",
           "DJANGO_LOG_LEVEL": "ERROR"}  # fmt: skip
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "healtorture.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", WORKERS, "--log-level", "warning"],
        cwd=BASE, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).read()
            return process, url
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def visitor(url, marker, deadline, results, lock):
    """One person at a time: open the form (cookies, CSRF token, signed start time), send it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    mine = []
    while time.monotonic() < deadline:
        try:
            form = opener.open(f"{url}/en/share/", timeout=30).read().decode()
        except OSError:  # HTTPError included: the form itself must always open
            mine.append((0, False, "", 0.0))
            continue
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        # Titles unlike each other, so that none is held back as a near-duplicate of another.
        words = random.sample(WORDS, 4)
        title = f"{marker} {' '.join(words).capitalize()} {uuid.uuid4().hex[:8]}"
        data = {
            **fields,
            "title": title,
            "url": f"https://example.org/{marker}/{uuid.uuid4().hex}",
            "kind": "guide",
            "summary": "A proposal sent by the share-form benchmark.",
            "language": "en",
            "name": "Bench Visitor",
            "email": "bench@example.org",
            "website": "",
        }
        started = time.perf_counter()
        request = urllib.request.Request(
            f"{url}/en/share/", data=urllib.parse.urlencode(data).encode(), method="POST",
            headers={"Referer": f"{url}/en/share/"},
        )  # fmt: skip
        try:
            with opener.open(request, timeout=30) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        except OSError:
            status, body = 0, ""
        ok = status == 302 or (status == 429 and f'value="{title}"' in body)
        mine.append((status, ok, title, (time.perf_counter() - started) * 1000))
    with lock:
        results.extend(mine)


def arrived(marker: str) -> list[str]:
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c",
         "import json; from submissions.models import Submission; print(json.dumps(list("
         f"Submission.objects.filter(resource__title__startswith='{marker}')"
         ".values_list('resource__title', flat=True))))"],
        cwd=BASE, env=ENV, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def forget(marker: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c",
         "from resources.models import Resource; "
         f"Resource.objects.filter(title__startswith='{marker}').delete()"],
        cwd=BASE, env=ENV, check=True,
    )  # fmt: skip


def phase(name: str, rate: str) -> dict:
    marker = f"bench-{uuid.uuid4().hex[:8]}"
    # Start each phase with no proposal counted against this address (an earlier run's count
    # would otherwise still hold for up to an hour).
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c",
         "from django.core.cache import cache; cache.clear()"],
        cwd=BASE, env=ENV, check=True,
    )  # fmt: skip
    process, url = serve(rate)
    try:
        results, lock = [], threading.Lock()
        begun = time.monotonic()
        deadline = begun + SECONDS
        threads = [
            threading.Thread(target=visitor, args=(url, marker, deadline, results, lock))
            for _ in range(CONCURRENCY)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - begun
    finally:
        process.terminate()
        process.wait(timeout=30)
    accepted = [title for status, _ok, title, _ms in results if status == 302]
    stored = arrived(marker)
    forget(marker)
    latencies = sorted(ms for *_rest, ms in results)
    report = {
        "phase": name,
        "posts": len(results),
        "accepted_302": len(accepted),
        "limited_429": sum(status == 429 for status, *_ in results),
        "errors": sum(not ok for _status, ok, *_ in results),
        "error_statuses": sorted({status for status, ok, *_ in results if not ok}),
        "arrived": len(stored),
        "arrived_exactly_once": sorted(stored) == sorted(accepted),
        "posts_per_s": round(len(results) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
    }
    print(
        f"  {name:<28} {report['posts']:>5} posts  {report['posts_per_s']:>6}/s  "
        f"302: {report['accepted_302']:>4}  429: {report['limited_429']:>4}  "
        f"errors: {report['errors']} {report['error_statuses'] or ''}  "
        f"arrived: {report['arrived']} "
        f"({'each exactly once' if report['arrived_exactly_once'] else 'MISMATCH'})  "
        f"p50 {report['p50_ms']} ms  p95 {report['p95_ms']} ms",
        flush=True,
    )
    return report


def main():
    manage("migrate", "--no-input", "-v", "0", env=ENV)
    manage("createcachetable", env=ENV)
    manage("collectstatic", "--no-input", "-v", "0")
    print(
        f"\nShare form under concurrent load ({CONCURRENCY} visitors, {SECONDS:.0f} s each phase, "
        f"{WORKERS} gunicorn workers):",
        flush=True,
    )
    reports = [
        phase("no limit reached", "1000000/h"),
        phase(f"limit {LIMIT}/h from one address", f"{LIMIT}/h"),
    ]
    failed = [r for r in reports if r["errors"] or not r["posts"] or not r["arrived_exactly_once"]]
    if reports[1]["accepted_302"] != LIMIT:
        failed.append(reports[1])
        print(f"  expected exactly {LIMIT} accepted under the limit")
    out = BASE / "var" / "bench-share.json"
    out.write_text(json.dumps(reports, indent=2))
    print(f"Figures saved in {out.relative_to(BASE)}")
    if failed:
        raise SystemExit("share-form load: errors or lost/doubled proposals (see above)")


if __name__ == "__main__":
    main()
