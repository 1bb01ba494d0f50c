"""`make bench`, part three: importing a catalogue through the admin, as a moderator does it.

From the bench database (the demo content plus the synthetic resources), the organisations' CSV
and the first N synthetic resources of the resources' CSV are exported (their titles numbered:
the generator repeats titles, and a repeated title is a duplicate that would not be written).
Each N is then imported into a new, separate database (``healtorture_bench_import``: migrated,
the demo content, the synthetic vocabulary, no synthetic organisation or resource), in a fresh
process, through the admin's own views: the organisations first, then the resources' preview
(the dry run) and their confirmation, each timed, with the process's peak memory above what it
held before the resources' upload. The targets: at most 60 s for 10,000 rows, and memory that
does not grow with the rows beyond the file itself.

Environment: BENCH_IMPORT_SIZES (default "5000,10000"). Needs the embedded PostgreSQL (a
DATABASE_URL names one database: this part is skipped then).

Run alone: ``BENCH_PARTS=import .venv/bin/python bench/run.py`` (after a bench run prepared the
database) or, inside Django, ``python bench/imports.py export DIR N...`` and ``python
bench/imports.py import ORGANISATIONS_CSV RESOURCES_CSV``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = [int(n) for n in os.environ.get("BENCH_IMPORT_SIZES", "5000,10000").split(",") if n]
TARGET = "healtorture_bench_import"
TARGET_SECONDS = 60


def measure(env: dict) -> dict:
    """Export the files from the bench database, then import each size into a new database."""
    if os.environ.get("DATABASE_URL"):
        print("\nImport: skipped (DATABASE_URL is set; the import needs a second database)")
        return {}
    folder = BASE / "var" / "bench-import"
    folder.mkdir(parents=True, exist_ok=True)
    run([PYTHON, __file__, "export", str(folder), *map(str, SIZES)], env)
    target = {**env, "HEALTORTURE_DATABASE_NAME": TARGET}
    report = {}
    for size in SIZES:
        fresh_database(env, target)
        out = run([PYTHON, __file__, "import", str(folder / "organizations.csv"),
                   str(folder / f"resources-{size}.csv")], target)  # fmt: skip
        report[size] = json.loads(out.strip().splitlines()[-1])
    print_report(report)
    return report


def run(command: list[str], env: dict) -> str:
    out = subprocess.run(command, cwd=BASE, env=env, check=True, capture_output=True, text=True)
    return out.stdout


def fresh_database(env: dict, target: dict) -> None:
    """Drop the import database and make it again: migrated, the demo content and the synthetic
    vocabulary (topics, regions) that the exported rows name, without synthetic rows."""
    code = (f"from django.db import connection\nwith connection._nodb_cursor() as c:\n"
            f"    c.execute('DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)')")  # fmt: skip
    run([PYTHON, "manage.py", "shell", "-c", code], env)
    for args in (["migrate", "--no-input", "-v", "0"], ["createcachetable"],
                 ["load_demo", "-v", "0"], ["generate_resources", "--resources", "1"],
                 ["generate_resources", "--replace", "--resources", "0"]):  # fmt: skip
        run([PYTHON, "manage.py", *args], target)


def print_report(report: dict) -> None:
    print("\nImporting resources through the admin (a new database each time; seconds; peak "
          "memory of the process above what it held before the upload):")  # fmt: skip
    print(f"{'rows':>7}{'file MB':>9}{'preview':>9}{'confirm':>9}{'total':>8}{'peak MB':>9}"
          f"{'imported':>10}{'dry run alone':>15}{'its peak MB':>13}")  # fmt: skip
    for size, r in report.items():
        total = r["preview_s"] + r["confirm_s"]
        note = "" if total <= TARGET_SECONDS else f"  over {TARGET_SECONDS} s"
        print(f"{size:>7}{r['file_mb']:>9}{r['preview_s']:>9}{r['confirm_s']:>9}{total:>8.1f}"
              f"{r['peak_mb']:>9}{r['imported']:>10}{r['alone_s']:>15}{r['alone_peak_mb']:>13}"
              f"{note}")  # fmt: skip
    for size, r in report.items():
        print(f"  {size:,} rows, the preview said: {r['counts']}")
    print(f"  (load average while it ran: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


# --- Inside Django --------------------------------------------------------------------------


def setup() -> None:
    sys.path.insert(0, str(BASE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healtorture.settings")
    import django

    django.setup()


def export(folder: Path, sizes: list[int]) -> None:
    """The organisations' CSV, and the first N synthetic rows of the resources' CSV."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    (folder / "organizations.csv").write_bytes(
        b"".join(client.get("/organizations.csv").streaming_content)
    )
    text = b"".join(client.get("/resources.csv", {"sort": "title"}).streaming_content).decode()
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    rows = [row for row in reader if row["slug"].startswith("synthetic-")][: max(sizes)]
    for n, row in enumerate(rows, 1):
        row["title"] = f"{row['title']} ({n})"
    for size in sizes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(rows[:size])
        (folder / f"resources-{size}.csv").write_text("\ufeff" + out.getvalue())


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def post_import(client, model: str, path: Path):
    """The admin's two steps for one file: the preview, then the confirmation."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    started = time.perf_counter()
    preview = client.post(reverse(f"admin:{model}_import"), {
        "import_file": SimpleUploadedFile(path.name, path.read_bytes()), "format": "0",
        "resource": "0", "status": "published", "skip_invalid": "on"})  # fmt: skip
    previewed = time.perf_counter()
    if "confirm_form" not in preview.context:
        raise SystemExit(f"No confirmation offered for {path.name}: {preview.context['report']}")
    data = {field.name: field.value() for field in preview.context["confirm_form"]}
    done = client.post(reverse(f"admin:{model}_process_import"),
                       {k: v for k, v in data.items() if v not in (None, False)})  # fmt: skip
    if done.status_code != 302:
        raise SystemExit(f"The import of {path.name} failed: {done.status_code}")
    confirmed = time.perf_counter()
    counts = dict(preview.context["report"].counts)
    return round(previewed - started, 1), round(confirmed - previewed, 1), counts


def import_files(organizations: Path, resources: Path) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from resources.models import Resource

    setup_test_environment()  # responses keep their context: the preview's counts and form

    user = get_user_model().objects.filter(username="bench-importer").first()
    user = user or get_user_model().objects.create_superuser("bench-importer", "b@example.org")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    post_import(client, "organizations_organization", organizations)
    before = Resource.objects.published().count()
    alone = import_alone(resources, user)
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    baseline = rss_kb()
    preview_s, confirm_s, counts = post_import(client, "resources_resource", resources)
    print(json.dumps({
        "file_mb": round(resources.stat().st_size / 1e6, 1), "preview_s": preview_s,
        "confirm_s": confirm_s, "peak_mb": round((peak_kb() - baseline) / 1024, 1),
        "imported": Resource.objects.published().count() - before, "counts": counts, **alone,
    }))  # fmt: skip


def import_alone(path: Path, user) -> dict:
    """The import's own work without the admin's handling of the upload: the file's bytes in
    memory, its dry run through the import class (everything but the writes), timed, with the
    peak memory above what the process held with the bytes."""
    from opendata.import_files import RESOURCE_FORMATS
    from opendata.resource_import import ResourceImport

    data = path.read_bytes()
    Path("/proc/self/clear_refs").write_text("5")
    baseline, started = rss_kb(), time.perf_counter()
    dataset = RESOURCE_FORMATS[0]().create_dataset(data)
    ResourceImport(status="published").import_data(dataset, dry_run=True, user=user,
                                                   file_name=path.name)  # fmt: skip
    return {"alone_s": round(time.perf_counter() - started, 1),
            "alone_peak_mb": round((peak_kb() - baseline) / 1024, 1)}  # fmt: skip


if __name__ == "__main__":
    setup()
    if sys.argv[1] == "export":
        export(Path(sys.argv[2]), [int(n) for n in sys.argv[3:]])
    else:
        import_files(Path(sys.argv[2]), Path(sys.argv[3]))
