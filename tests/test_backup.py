"""manage.py backup and restore: a backup restored into an empty database has everything."""

import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from healtorture import pg_client
from resources.models import Resource
from submissions import moderation
from submissions.models import ContactMessage, DecisionRecord, Submission

from .factories import make_organization, make_resource

BASE_DIR = Path(settings.BASE_DIR)


def submit(title: str) -> Submission:
    resource = make_resource(title=title, status=Resource.Status.PENDING)
    return Submission.objects.create(resource=resource, name="Amina Farah", email="a@example.org")


@pytest.fixture
def empty_database(django_db_blocker):
    """A new, empty database on the same server as the test database; dropped afterwards."""
    name = f"healtorture_restore_{os.getpid()}"
    params = {**pg_client.database_parameters(), "dbname": "postgres"}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {**params, "dbname": name}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def settings_environment(dbname: str) -> dict:
    """The environment of a manage.py whose configured database is ``dbname``."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "healtorture.settings"}
    if settings.EMBEDDED_DATABASE:
        env["HEALTORTURE_DATABASE_NAME"] = dbname
    else:
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{dbname}"))
    return env


@pytest.mark.slow
# Committed rows (pg_dump reads from its own connection). serialized_rollback: the flush after
# this test then leaves the tables empty for the next serialized test (the browser test) instead
# of recreating content types under new ids that its reload would collide with.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restored_into_an_empty_database_has_everything(tmp_path, empty_database):
    moderator = get_user_model().objects.create_user("moira", "moira@example.org", "x")
    organization = make_organization(name="Center for Victims of Torture")
    make_resource(title="Interpreters in trauma therapy", organizations=[organization])
    make_resource(title="Istanbul Protocol explained — “التعذيب”")
    approved, rejected, waiting = submit("Approved one"), submit("Rejected one"), submit("Waiting")
    moderation.approve(approved, moderator)
    moderation.reject(rejected, moderator, "Not about torture survivors.")
    ContactMessage.objects.create(name="Jonas", email="j@example.org", subject="Hi", message="?")
    expected = {
        "resources": sorted(Resource.objects.values_list("pk", "title", "status")),
        "submissions": sorted(Submission.objects.values_list("pk", "resource_id", "decision")),
        "decisions": sorted(DecisionRecord.objects.values_list("submission_id", "decision")),
    }
    assert len(expected["resources"]) == 5 and len(expected["decisions"]) == 2
    dump = tmp_path / "site.dump"

    call_command("backup", output=dump)

    assert dump.read_bytes().startswith(b"PGDMP")
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600  # submitters' addresses are in it
    restore = [sys.executable, "manage.py", "restore", str(dump), "--no-input"]
    environment = settings_environment(empty_database["dbname"])
    # Into the empty database, then again over what is now there: replaced, not added to.
    for _ in range(2):
        result = subprocess.run(
            restore, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stderr
        assert "Restored" in result.stdout
    with psycopg.connect(**empty_database) as restored:
        found = {
            "resources": sorted(
                restored.execute("SELECT id, title, status FROM resources_resource").fetchall()
            ),
            "submissions": sorted(
                restored.execute(
                    "SELECT id, resource_id, decision FROM submissions_submission"
                ).fetchall()
            ),
            "decisions": sorted(
                restored.execute(
                    "SELECT submission_id, decision FROM submissions_decisionrecord"
                ).fetchall()
            ),
        }
        (reason,) = restored.execute(
            "SELECT reason FROM submissions_decisionrecord WHERE decision = 'rejected'"
        ).fetchone()
        (questions,) = restored.execute(
            "SELECT count(*) FROM submissions_contactmessage"
        ).fetchone()
        # "Did you mean" knows the restored words.
        vocabulary = restored.execute(
            "SELECT ndoc FROM resources_vocabulary WHERE word = 'interpreters'"
        ).fetchone()
    assert found == expected
    assert reason == "Not about torture survivors."
    assert questions == 1
    assert vocabulary == (1,)
    assert waiting.pk in {pk for pk, _resource, _decision in found["submissions"]}


@pytest.mark.django_db
def test_a_backup_goes_to_var_backups_by_default(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path

    call_command("backup")

    (dump,) = (tmp_path / "backups").glob("healtorture-*.dump")
    assert dump.read_bytes().startswith(b"PGDMP")
    assert str(dump) in capsys.readouterr().out
    assert not list((tmp_path / "backups").glob("*.partial"))


@pytest.mark.django_db
def test_the_password_goes_through_the_environment_never_the_command_line(monkeypatch, tmp_path):
    params = {**pg_client.database_parameters(), "password": "correct horse battery"}
    monkeypatch.setattr(pg_client, "database_parameters", lambda alias="default": params)
    monkeypatch.setenv("PGPASSWORD", "someone else's")
    calls = []

    def fake_run(command, env, **kwargs):
        calls.append((command, env))
        Path(next(a for a in command if a.startswith("--file=")).removeprefix("--file=")).touch()
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_run)

    call_command("backup", output=tmp_path / "x.dump")

    ((command, env),) = calls
    assert not any("correct horse" in argument for argument in command)
    assert env["PGPASSWORD"] == "correct horse battery"
    assert env["PGDATABASE"] == params["dbname"]


@pytest.mark.django_db
@pytest.mark.parametrize("answer", ["no", "", "y", EOFError])
def test_restore_asks_and_changes_nothing_without_yes(monkeypatch, tmp_path, answer):
    dump = tmp_path / "site.dump"
    dump.write_bytes(b"PGDMP" + b"\0" * 100)

    def reply(question):
        assert "Type 'yes'" in question and connection.settings_dict["NAME"] in question
        if answer is EOFError:
            raise EOFError
        return answer

    monkeypatch.setattr("builtins.input", reply)
    monkeypatch.setattr(pg_client, "run", lambda *a: pytest.fail("pg_restore must not run"))

    with pytest.raises(CommandError, match="Restore cancelled: nothing was changed"):
        call_command("restore", str(dump))


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_dump = tmp_path / "notes.sql"
    not_a_dump.write_text("DROP TABLE resources_resource;")
    with pytest.raises(CommandError, match="not a backup in pg_dump's custom format"):
        call_command("restore", str(not_a_dump), interactive=False)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("restore", str(tmp_path / "missing.dump"), interactive=False)
