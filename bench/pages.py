"""`make bench`, part two: every other public page, the CSV export and the sitemaps, with the
bench's resources behind them and every cache off.

Each page is requested ``REPEAT`` times: its server time (p50, p95, from ``Server-Timing``), its
weight (HTML plus the stylesheets and scripts it loads, before compression: the 60 KB budget of
tests/test_budget.py, checked here on data as large as the bench's), and for sitemaps how many
URLs and bytes a file holds (the protocol's limits: 50,000 URLs, 50 MB). The CSV of every
published resource is streamed once: rows a second, and the serving worker's peak memory before
and after (flat memory: a CSV of 100,000 rows must not hold them all).
"""

from __future__ import annotations

import json
import re
import statistics
import time
import urllib.request
from pathlib import Path

BUDGET = 60 * 1024
SITEMAP_URLS, SITEMAP_BYTES = 50_000, 50 * 1024 * 1024
ASSET = re.compile(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def discover(shell) -> dict:
    """Addresses of the largest topic, organisation and guide, a resource, and a past page."""
    code = (
        "import json; from django.db.models import Count; "
        "from resources.models import Resource, Guide; from thesaurus.models import Topic; "
        "from organizations.models import Organization; "
        "pub = Resource.objects.published(); "
        "t = Topic.objects.annotate(n=Count('resource_items')).order_by('-n').first(); "
        "o = Organization.objects.published().annotate(n=Count('resources'))"
        ".order_by('-n').first(); "
        "g = Guide.objects.published().order_by('pk').first(); "
        "r = pub.order_by('-published_at').first(); "
        "print(json.dumps({'topic': t.slug, 'organization': o.slug, 'guide': g and g.slug, "
        "'resource': r.slug, 'published': pub.count()}))"
    )
    return json.loads(shell(code))


def pages(found: dict) -> dict[str, str]:
    topic, org, guide = found["topic"], found["organization"], found["guide"]
    last_json = max(1, -(-found["published"] // 100))
    urls = {
        "home": "/en/",
        "topics": "/en/topics/",
        f"topic ({topic})": f"/en/topics/{topic}/",
        "guides": "/en/guides/",
        "organisations": "/en/organizations/",
        f"organisation ({org})": f"/en/organizations/{org}/",
        "events (upcoming, past p.1)": "/en/events/",
        "events (past, p.50)": "/en/events/?page=50",
        "a resource": f"/en/resources/{found['resource']}/",
        "feed: a search": "/feeds/resources/?q=torture",
        f"feed: topic ({topic})": f"/feeds/topics/{topic}/",
        "digest": "/en/digest/",
        "calendar (.ics)": "/events.ics",
        "JSON: q=torture": "/resources.json?q=torture",
        "JSON: last page": f"/resources.json?page={last_json}",
        "sitemap index": "/sitemap.xml",
    }
    if guide:
        urls[f"guide ({guide})"] = f"/en/guides/{guide}/"
    return urls


def resolve(url: str) -> str:
    """Where an address leads (the latest digest redirects to its quarter's page)."""
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.url


def fetch(url: str) -> tuple[float, bytes, dict]:
    with urllib.request.urlopen(url, timeout=120) as response:
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} answered {response.status} at {response.url}")
        body = response.read()
        timing = float(response.headers["Server-Timing"].split("dur=")[1])
        return timing, body, dict(response.headers)


def weight(base: str, body: bytes, seen: dict[str, int]) -> int:
    total = len(body)
    for asset in ASSET.findall(body):
        path = asset.decode()
        if path not in seen:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                seen[path] = len(response.read())
        total += seen[path]
    return total


def sitemap_files(base: str) -> dict[str, str]:
    """Every sitemap file the index lists."""
    _t, body, _h = fetch(base + "/sitemap.xml")
    locations = re.findall(rb"<loc>([^<]+)</loc>", body)
    return {
        "sitemap " + loc.decode().split("/")[-1]: loc.decode().replace("http://testserver", "")
        for loc in locations
    }


def measure(base: str, found: dict, repeat: int) -> dict:
    report, assets = {}, {}
    urls = pages(found)
    for name, location in sitemap_files(base).items():
        urls[name] = location if location.startswith("/") else "/" + location.split("/", 3)[3]
    for name, path in urls.items():
        url = resolve(base + path)  # and this worker's connection warm
        times, body = [], b""
        for _ in range(max(1, repeat if not name.startswith("sitemap ") else repeat // 4)):
            timing, body, headers = fetch(url)
            times.append(timing)
        row = {
            "path": url.removeprefix(base),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
            "bytes": len(body),
        }
        if "html" in headers.get("Content-Type", ""):
            row["weight"] = weight(base, body, assets)
        if name.startswith("sitemap") and name != "sitemap index":
            row["urls"] = body.count(b"<url>")
        report[name] = row
    return report


def worker_peaks(pids: list[int]) -> dict[int, int]:
    peaks = {}
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = int(line.split()[1])
    return peaks


def csv_export(base: str, pids: list[int]) -> dict:
    """The CSV of every published resource: rows a second, and the workers' peak memory."""
    before = worker_peaks(pids)
    started = time.perf_counter()
    rows = size = 0
    with urllib.request.urlopen(base + "/resources.csv", timeout=600) as response:
        while chunk := response.read(1 << 16):
            size += len(chunk)
            rows += chunk.count(b"\r\n")
    seconds = time.perf_counter() - started
    after = worker_peaks(pids)
    growth = max((after[pid] - before.get(pid, after[pid]) for pid in after), default=0)
    return {
        "rows": rows - 1,
        "seconds": round(seconds, 2),
        "rows_per_s": round((rows - 1) / seconds),
        "megabytes": round(size / 1e6, 1),
        "peak_memory_growth_mb": round(growth / 1024, 1),
    }


def print_report(report: dict, csv: dict) -> int:
    """Prints the table; returns how many pages miss a target (time, weight, sitemap limits)."""
    misses = 0
    print(f"\n{'page':<32}{'p50':>8}{'p95':>8}{'KB':>8}  note")
    for name, row in report.items():
        notes = []
        if row["p95_ms"] >= 100:
            notes.append("p95 >= 100 ms")
        if row.get("weight", 0) > BUDGET:
            notes.append(f"{row['weight'] / 1024:.0f} KB with assets > 60 KB")
        if "urls" in row:
            notes.append(f"{row['urls']:,} URLs")
            if row["urls"] > SITEMAP_URLS or row["bytes"] > SITEMAP_BYTES:
                notes.append("over the sitemap protocol's limits")
        misses += any(n.startswith(("p95", "over")) or "> 60" in n for n in notes)
        size = row.get("weight", row["bytes"]) / 1024
        print(f"{name:<32}{row['p50_ms']:>8}{row['p95_ms']:>8}{size:>8.0f}  {'; '.join(notes)}")
    print(
        f"\nCSV of every published resource: {csv['rows']:,} rows in {csv['seconds']} s "
        f"({csv['rows_per_s']:,} rows/s, {csv['megabytes']} MB); the serving worker's peak "
        f"memory grew by {csv['peak_memory_growth_mb']} MB"
    )
    return misses
