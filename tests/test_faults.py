"""The database goes away: friendly 503 pages, forms kept with what was typed, and recovery
without restarting anything (in-process, then end to end with gunicorn and a real PostgreSQL)."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections
from django.test import RequestFactory
from django.urls import reverse

from healtorture import embedded_db
from healtorture.views import server_error
from submissions.models import ContactMessage, Submission
from thesaurus.models import Topic

from .factories import make_organization, make_resource
from .test_share import PDF, proposal

BASE_DIR = Path(settings.BASE_DIR)
UNAVAILABLE_PAGE = "Back in a minute"
NOTHING_SAVED = "Nothing was saved: our database is not answering just now."


def refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@contextlib.contextmanager
def database_down():
    """Connecting and every statement fail as they do when the server has gone: nothing may
    reach it."""
    gone = OperationalError("connection refused: is the server running?")
    with (
        mock.patch.object(connections["default"], "ensure_connection", side_effect=gone),
        connection.execute_wrapper(refuse_every_query),
    ):
        yield


@pytest.fixture
def content(db):
    organization = make_organization(name="Center for Victims of Torture")
    resource = make_resource(title="Interpreters in trauma therapy", organizations=[organization])
    return {"resource": resource, "organization": organization}


@pytest.fixture(autouse=True)
def _generous_rates(settings):
    settings.SHARE_RATE = "100/h"
    settings.CONTACT_RATE = "100/h"


def public_urls(content) -> list[str]:
    return [
        reverse("home"),
        reverse("search:list") + "?q=interpreters",
        content["resource"].get_absolute_url(),
        reverse("organizations:list"),
        content["organization"].get_absolute_url(),
        reverse("search:topics"),
        reverse("opendata:events"),
        reverse("opendata:search-feed"),
        reverse("resources-json"),
        reverse("resources-csv"),
        reverse("organizations-csv"),
        reverse("submissions:share"),
        reverse("sitemap"),
    ]


@pytest.mark.django_db
def test_every_page_answers_the_friendly_503_without_touching_the_database(client, content):
    for url in public_urls(content):
        with database_down():
            response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "60"
        assert response["Cache-Control"] == "no-store"
        text = response.content.decode()
        assert UNAVAILABLE_PAGE in text, url
        assert "Traceback" not in text


@pytest.mark.django_db
def test_the_health_check_says_503_and_pages_recover_at_once(client, content):
    with database_down():
        assert client.get(reverse("healthz")).status_code == 503
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_a_failure_outside_any_view_is_the_503_page_not_a_500():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert UNAVAILABLE_PAGE in response.content.decode()

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


@pytest.mark.django_db
def test_a_proposal_sent_while_the_database_is_down_comes_back_with_everything_typed(client):
    Topic.objects.create(name="Interpreting", slug="interpreting")
    client.get(reverse("submissions:share"))  # the form as a visitor first saw it
    data = proposal(topics="interpreting", date="2025-03-01")

    with database_down():
        response = client.post(reverse("submissions:share"), data)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert NOTHING_SAVED in page
    assert "please send it again in a minute" in page
    for field in ("title", "summary", "email", "name", "message", "other_topics", "date"):
        assert data[field] in page, field
    assert re.search(r'value="interpreting"[^>]*checked', page)
    assert 'name="started" value="' + data["started"] in page
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_a_past_sessions_recording_is_kept_while_the_database_is_down(client):
    data = proposal(kind="webinar", date="2019-03-01", recording_url="https://example.org/rec")

    with database_down():
        response = client.post(reverse("submissions:share"), data)

    assert response.status_code == 503
    page = response.content.decode()
    assert 'value="https://example.org/rec"' in page
    assert page.index('id="id_date"') < page.index('name="recording_url"')


@pytest.mark.django_db
def test_a_ticked_topic_is_kept_even_when_no_choices_were_ever_read(client, monkeypatch):
    monkeypatch.setattr("submissions.forms._known_choices", {"topics": [], "audiences": []})
    with database_down():
        response = client.post(reverse("submissions:share"), proposal(topics="torture-survivors"))
    assert response.status_code == 503
    assert re.search(r'value="torture-survivors"[^>]*checked', response.content.decode())


@pytest.mark.django_db
def test_an_attached_file_must_be_chosen_again_and_the_form_says_so(client):
    upload = SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf")
    with database_down():
        response = client.post(reverse("submissions:share"), proposal(url="", file=upload))
    assert response.status_code == 503
    page = response.content.decode()
    assert "The file you attached could not be kept: choose it again before you send." in page
    assert "Give a link to the resource" not in page  # the file was there: no false error


@pytest.mark.django_db
def test_a_question_sent_while_the_database_is_down_comes_back_with_everything_typed(client):
    data = {
        "name": "Jonas Weber",
        "email": "jonas@example.org",
        "organization": "A law clinic",
        "subject": "Istanbul Protocol training",
        "message": "Is there a course in German & French? <b>soon</b>",
        "website": "",
        "started": proposal()["started"],
    }
    with database_down():
        response = client.post(reverse("submissions:contact"), data)
    assert response.status_code == 503
    page = response.content.decode()
    assert NOTHING_SAVED in page
    assert "Is there a course in German &amp; French? &lt;b&gt;soon&lt;/b&gt;" in page
    assert data["subject"] in page and data["email"] in page
    assert ContactMessage.objects.count() == 0


# --- the embedded server stopped under a running process ----------------------------------------


def server_user() -> str | None:
    """As root, pgserver runs PostgreSQL as its own system user (initdb refuses root)."""
    embedded_db.bin_path()  # sets up pgserver's environment before it is imported
    if os.geteuid() != 0:
        return None
    from pgserver.utils import ensure_user_exists

    ensure_user_exists("pgserver")
    return "pgserver"


def pg_ctl_as_owner(args: list[str], pgdata: Path) -> None:
    from pgserver._commands import pg_ctl

    pg_ctl(args, pgdata=pgdata, user=server_user(), timeout=60)


@pytest.fixture
def scratch_dir():
    """A folder of its own for a PostgreSQL server. Not pytest's tmp_path: as root the server runs
    as the pgserver user, who must traverse every parent folder, and each pytest session that
    starts (another developer's, say) makes /tmp/pytest-of-root private again."""
    path = Path(tempfile.mkdtemp(prefix="healtorture-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.slow
def test_the_embedded_backend_starts_a_stopped_server_again(scratch_dir, django_db_blocker):
    """A process whose embedded server stops (make db-stop, a crash) answers one failure, then
    finds the server gone and starts it again: no restart of the process."""
    from healtorture.db.base import DatabaseWrapper

    pgdata = scratch_dir / "pgdata"
    wrapper = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "NAME": "postgres",
            "OPTIONS": {"pgdata": str(pgdata), "connect_timeout": 5},
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    )
    try:
        django_db_blocker.unblock()
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
        wrapper.close()
        pg_ctl_as_owner(["-w", "-m", "fast", "stop"], pgdata)  # as another process would

        with pytest.raises(OperationalError):
            wrapper.ensure_connection()
        with wrapper.cursor() as cursor:  # the next request
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        wrapper.close()
        django_db_blocker.restore()
        embedded_db.stop_server(pgdata)


# --- end to end: gunicorn, and a PostgreSQL that stops and comes back ---------------------------

RECOVERY_BOUND_SECONDS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScratchPostgres:
    """A PostgreSQL server of its own in ``tmp_path``, on a TCP port with a password, as a
    ``DATABASE_URL`` server would be, made with the binaries pgserver ships."""

    def __init__(self, root: Path):
        self.pgdata, self.port = root / "pgdata", free_port()
        self.pgdata.mkdir(parents=True)
        self.password = "s3cret-" + os.urandom(4).hex()
        user = server_user()
        if user:
            from pgserver.utils import ensure_prefix_permissions

            ensure_prefix_permissions(self.pgdata)
            shutil.chown(self.pgdata, user, user)
        pwfile = root / "pwfile"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o644)
        from pgserver._commands import initdb

        initdb(
            ["-U", "postgres", f"--pwfile={pwfile}", "--auth=scram-sha-256", "--encoding=utf8"],
            pgdata=self.pgdata,
            user=user,
        )
        pwfile.unlink()

    @property
    def url(self) -> str:
        return f"postgres://postgres:{self.password}@127.0.0.1:{self.port}/healtorture"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.pgdata}"
        pg_ctl_as_owner(["-w", "-o", options, "-l", str(self.pgdata / "log"), "start"], self.pgdata)

    def stop(self) -> None:
        pg_ctl_as_owner(["-w", "-m", "fast", "stop"], self.pgdata)


def manage(*args: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


class Browser:
    """Plain HTTP requests with a cookie jar, to a server on this machine."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        url = self.base + path  # always http://127.0.0.1:<port>
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def cookie(self, name: str) -> str:
        handler = next(
            h for h in self.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)
        )
        return next(c.value for c in handler.cookiejar if c.name == name)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def worker_pids(master: subprocess.Popen) -> set[int]:
    import psutil

    return {child.pid for child in psutil.Process(master.pid).children()}


@pytest.mark.slow
def test_gunicorn_answers_503_while_postgres_is_down_and_recovers_without_a_restart(scratch_dir):
    postgres = ScratchPostgres(scratch_dir)
    postgres.start()
    var = scratch_dir / "var"
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "HEALTORTURE_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "healtorture.settings",
        "HEALTORTURE_FORM_MIN_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }
    env.pop("DJANGO_DEBUG", None)
    gunicorn = None
    try:
        # The application's database on the server.
        subprocess.run(
            [str(embedded_db.bin_path() / "createdb"), "-h", "127.0.0.1", "-p",
             str(postgres.port), "-U", "postgres", "healtorture"],
            env={**env, "PGPASSWORD": postgres.password}, check=True, timeout=60,
        )  # fmt: skip
        # One process (Django starts once): schema, cache table, a little content, static files.
        slug = manage(
            "shell", "-c",
            "from django.core.management import call_command as run; "
            "run('migrate', interactive=False, verbosity=0); run('createcachetable'); "
            "run('collectstatic', interactive=False, verbosity=0); "
            "from tests.factories import make_organization, make_resource; "
            "org = make_organization(name='Center for Victims of Torture'); "
            "print(make_resource(title='Interpreters in trauma therapy', "
            "organizations=[org]).slug)",
            env=env,
        ).splitlines()[-1]  # fmt: skip

        port = free_port()
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "healtorture.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"],
            cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        browser = Browser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                if browser.request(reverse("healthz"))[0] == 200:
                    break
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)

        pages = [
            reverse("home"),
            reverse("search:list") + "?q=interpreters",
            reverse("resources:detail", kwargs={"slug": slug}),
        ]
        # Each page twice, so that both workers hold a connection that the stop will break.
        for path in pages * 2:
            assert browser.request(path)[0] == 200, path
        status, _headers, form_page = browser.request(reverse("submissions:share"))
        assert status == 200
        started = re.search(r'name="started" value="([^"]+)"', form_page).group(1)
        workers = worker_pids(gunicorn)
        assert len(workers) == 2

        postgres.stop()

        for path in pages * 2:
            status, headers, body = browser.request(path)
            assert status == 503, path
            assert headers["Retry-After"] == "60"
            assert UNAVAILABLE_PAGE in body
        assert browser.request(reverse("healthz"))[0] == 503
        typed = {
            **proposal(started=started),
            "title": "Supervision for interpreters — “vicarious trauma”",
            "csrfmiddlewaretoken": browser.cookie("csrftoken"),
        }
        status, headers, body = browser.request(
            reverse("submissions:share"),
            typed,
            headers={"Referer": browser.base + reverse("submissions:share")},
        )
        assert status == 503
        assert headers["Retry-After"] == "60"
        assert NOTHING_SAVED in body
        for field in ("summary", "email", "name", "message", "organizations"):
            assert typed[field] in body, field
        assert "Supervision for interpreters — “vicarious trauma”" in body

        asked = time.monotonic()
        postgres.start()  # returns once the server accepts connections
        accepting = time.monotonic()
        while browser.request(reverse("home"))[0] != 200:
            assert time.monotonic() - asked < RECOVERY_BOUND_SECONDS, "no recovery"
            time.sleep(0.05)
        recovered = time.monotonic()
        print(
            f"\nPages answered 200 again {recovered - asked:.2f} s after PostgreSQL was started "
            f"({recovered - accepting:.2f} s after it accepted connections)"
        )
        assert recovered - asked < RECOVERY_BOUND_SECONDS

        for path in [*pages * 3, reverse("healthz")]:
            assert browser.request(path)[0] == 200, path
        assert gunicorn.poll() is None
        assert worker_pids(gunicorn) == workers  # the same processes, none restarted

        # A DATABASE_URL server with a password: the backup reaches it (password in the
        # environment, see test_backup.py).
        dump = scratch_dir / "site.dump"
        manage("backup", "--output", str(dump), env=env)
        assert dump.read_bytes().startswith(b"PGDMP")
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        with contextlib.suppress(Exception):
            postgres.stop()
