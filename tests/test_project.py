"""Project-wide guarantees: migrations match the models, settings are safe by default."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from io import StringIO

import httpx
import psutil
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

SETTINGS_PREFIXES = ("DJANGO_", "HEALTORTURE_SITE_URL")
PUBLIC = {
    "DJANGO_ALLOWED_HOSTS": "healtorture.example",
    "HEALTORTURE_SITE_URL": "https://healtorture.example",
}


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:
        pytest.fail(f"Missing migrations (exit {exit.code}):\n{out.getvalue()}")


def settings_in_subprocess(expression: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    return subprocess.run(
        [sys.executable, "-c", f"from healtorture import settings as s; print({expression})"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_unless_asked_for():
    assert settings_in_subprocess("s.DEBUG").stdout.strip() == "False"
    assert settings_in_subprocess("s.DEBUG", DJANGO_DEBUG="1").stdout.strip() == "True"


def test_a_public_host_without_a_secret_key_refuses_to_start():
    result = settings_in_subprocess("s.SECRET_KEY", DJANGO_ALLOWED_HOSTS="healtorture.example")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_public_host_uses_the_secret_key_it_is_given():
    result = settings_in_subprocess(
        "s.SECRET_KEY == 'k' * 60", DJANGO_SECRET_KEY="k" * 60, **PUBLIC
    )
    assert result.stdout.strip() == "True", result.stderr


def test_a_local_run_keeps_its_generated_key(tmp_path):
    env = {"HEALTORTURE_VAR_DIR": str(tmp_path)}
    first = settings_in_subprocess("s.SECRET_KEY", **env).stdout.strip()
    second = settings_in_subprocess("s.SECRET_KEY", **env).stdout.strip()

    assert len(first) > 40
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_is_used_when_set():
    result = settings_in_subprocess(
        "s.DATABASES['default']['HOST'], s.DATABASES['default']['NAME']",
        DATABASE_URL="postgres://u:p@db.internal:5433/directory",
    )
    assert result.stdout.split() == ["db.internal", "directory"]


def test_static_files_use_the_compressed_manifest_storage():
    result = settings_in_subprocess("s.STORAGES['staticfiles']['BACKEND']")
    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_public_deployment_passes_djangos_deploy_checks():
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 30 + "Yz7-" * 10,
        **PUBLIC,
    }
    clean = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_each_production_default_can_be_turned_off():
    public = {**PUBLIC, "DJANGO_SECRET_KEY": "k" * 60}
    on = settings_in_subprocess("s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE", **public)
    off = settings_in_subprocess("s.SECURE_SSL_REDIRECT", DJANGO_SSL_REDIRECT="0", **public)
    local = settings_in_subprocess("s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS")

    assert on.stdout.split() == ["True", "True"]
    assert off.stdout.strip() == "False"
    assert local.stdout.split() == ["False", "0"]


def test_emails_link_to_the_address_the_site_is_given():
    """E-mails link to HEALTORTURE_SITE_URL; a public host refuses to start without it; a local
    run links to where it serves."""
    given = settings_in_subprocess(
        "s.SITE_URL", HEALTORTURE_SITE_URL="https://directory.example.org/", **{
            "DJANGO_ALLOWED_HOSTS": "directory.example.org", "DJANGO_SECRET_KEY": "k" * 60,
        }
    )  # fmt: skip
    missing = settings_in_subprocess(
        "s.SITE_URL", DJANGO_ALLOWED_HOSTS="directory.example.org", DJANGO_SECRET_KEY="k" * 60
    )
    malformed = settings_in_subprocess("s.SITE_URL", HEALTORTURE_SITE_URL="directory.example.org")

    assert given.stdout.strip() == "https://directory.example.org", given.stderr
    assert missing.returncode != 0
    assert "HEALTORTURE_SITE_URL must be set" in missing.stderr
    assert malformed.returncode != 0 and "with its scheme" in malformed.stderr
    assert settings_in_subprocess("s.SITE_URL").stdout.strip() == "http://127.0.0.1:8000"


def test_make_run_gives_the_site_the_address_it_serves():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}

    def dry_run(*args, **env) -> str:
        result = subprocess.run(
            ["make", "--dry-run", "run", *args], cwd=settings.BASE_DIR, env={**clean, **env},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return next(line for line in result.stdout.splitlines() if "honcho" in line)

    assert "HEALTORTURE_SITE_URL='http://127.0.0.1:8000' " in dry_run()
    served = dry_run("PORT=9000")
    assert "HEALTORTURE_SITE_URL='http://127.0.0.1:9000' " in served and "PORT=9000 " in served
    given = dry_run(HEALTORTURE_SITE_URL="https://healtorture.example")
    assert "HEALTORTURE_SITE_URL='https://healtorture.example' " in given


def the_test_database_for_a_subprocess() -> dict:
    """The environment that points a subprocess of the project at this run's test database."""
    name = connection.settings_dict["NAME"]
    if settings.EMBEDDED_DATABASE:
        return {"HEALTORTURE_DATABASE_NAME": name}
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return {"DATABASE_URL": url._replace(path=f"/{name}").geturl()}


def registered_workers() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_workers")
        return cursor.fetchone()[0]


@pytest.mark.slow
# No migration data is needed, so no serialized rollback: reloading it fails after a
# transactional test that flushed without it (tests/test_replicas.py).
@pytest.mark.django_db(transaction=True)
def test_make_run_serves_the_site_with_a_worker_and_ctrl_c_stops_both():
    """What `make run` starts once it has set everything up (`make serve`): gunicorn and a
    procrastinate worker; Ctrl-C (SIGINT to the foreground process group) stops both, and the
    worker says goodbye to the database."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    make = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}", "WORKERS=1"],
        cwd=settings.BASE_DIR, env={**clean, **the_test_database_for_a_subprocess()},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        answered = None
        while time.monotonic() < deadline and make.poll() is None:
            try:
                answered = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
            except httpx.TransportError:
                answered = None
            if answered == 200 and registered_workers() == 1:
                break
            time.sleep(0.5)
        assert answered == 200, "the site did not answer"
        assert registered_workers() == 1, "no worker registered"
        started = psutil.Process(make.pid).children(recursive=True)
        commands = [" ".join(p.cmdline()) for p in started if p.is_running()]
        assert any("gunicorn healtorture.wsgi" in c for c in commands), commands
        assert any("manage.py procrastinate worker" in c for c in commands), commands

        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        output, _ = make.communicate(timeout=60)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()

    _, alive = psutil.wait_procs(started, timeout=15)
    assert alive == [], [p.cmdline() for p in alive]
    assert registered_workers() == 0  # stopped gracefully: it unregistered
    assert "web.1" in output and "worker.1" in output
    assert "Stopped worker" in output
