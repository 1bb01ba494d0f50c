"""The embedded PostgreSQL: shared by every process, repaired after a reboot, quiet on import."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from healtorture import embedded_db

BASE_DIR = Path(settings.BASE_DIR)
embedded_only = pytest.mark.skipif(
    not settings.EMBEDDED_DATABASE, reason="DATABASE_URL is set: the embedded server is not used"
)


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "healtorture.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@embedded_only
@pytest.mark.django_db
def test_a_second_process_reuses_the_running_server():
    pgdata = Path(settings.DATABASES["default"]["OPTIONS"]["pgdata"])
    before = embedded_db.read_postmaster_pid(pgdata)
    assert before is not None

    result = run_python(
        "import django; django.setup(); from django.db import connection; "
        "connection.ensure_connection(); "
        "from healtorture import embedded_db; from django.conf import settings; "
        "i = embedded_db.read_postmaster_pid("
        "__import__('pathlib').Path(settings.DATABASES['default']['OPTIONS']['pgdata'])); "
        "print(i.pid, i.start_time)"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(before.pid), str(before.start_time)]
    # ...and the server is still there after that process exited.
    assert embedded_db.can_connect(embedded_db.read_postmaster_pid(pgdata))


@pytest.fixture
def scratch_pgdata(tmp_path):
    """A separate data folder, so that these tests never stop the shared server."""
    pgdata = tmp_path / "pgdata"
    yield pgdata
    embedded_db.stop_server(pgdata)


def write_postmaster_pid_with(pgdata: Path, pid: int) -> None:
    path = pgdata / "postmaster.pid"
    lines = path.read_text().splitlines() if path.exists() else None
    assert lines, "expected the postmaster.pid of the stopped server to be recreated"
    lines[0] = str(pid)
    path.write_text("\n".join(lines) + "\n")


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.mark.slow
@pytest.mark.parametrize("owner", ["another live process", "no process"])
def test_a_stale_postmaster_pid_is_recovered(scratch_pgdata, owner):
    first = embedded_db.ensure_server(scratch_pgdata)
    saved = (scratch_pgdata / "postmaster.pid").read_text()
    assert embedded_db.stop_server(scratch_pgdata)
    assert not (scratch_pgdata / "postmaster.pid").exists()

    # As after a reboot: the file is back, naming a PID that is not this server.
    (scratch_pgdata / "postmaster.pid").write_text(saved)
    stale_pid = os.getpid() if owner == "another live process" else dead_pid()
    write_postmaster_pid_with(scratch_pgdata, stale_pid)

    second = embedded_db.ensure_server(scratch_pgdata)

    assert second.pid not in {stale_pid, first.pid}
    assert embedded_db.can_connect(second)


def test_the_folders_pgserver_would_widen_as_root_are_named(tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (private / "var").mkdir()

    widened = embedded_db.folders_pgserver_would_widen(private / "var" / "pgdata")

    assert private in widened
    assert private / "var" not in widened  # already readable by all


def test_using_the_embedded_server_gives_no_runtime_dir_warning():
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c",
         "from healtorture import embedded_db; print(embedded_db.bin_path())"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "XDG_RUNTIME_DIR" not in result.stderr
    assert (Path(result.stdout.strip()) / "pg_dump").exists()


def test_healthz_answers_503_when_the_database_is_unreachable():
    result = run_python(
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code)",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "503"
