"""Background work on procrastinate: e-mail sent by workers, never by a request; the periodic
jobs that replace cron, each run once a tick however many workers run; and what the admin shows
of the queue's health. Every job runs through procrastinate's own worker on the real database."""

import asyncio
import datetime as dt
import html
import logging
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import DjangoApp, app
from procrastinate.contrib.django.models import ProcrastinateJob

from common import outbox
from common.models import JobFailure, OutboxMessage, Subscriber
from common.tasks import delete_old_jobs, retry_outbox, retry_stalled_jobs
from digest.models import DigestSubscription
from digest.tasks import send_quarterly_digest
from resources.models import LinkCheck, Resource
from submissions.models import Submission
from submissions.tasks import purge_submitters
from upkeep import tasks as upkeep_tasks

from .factories import make_resource
from .jobs import jobs_of, run_jobs
from .test_report_problem import report

pytestmark = pytest.mark.django_db

# What runs when (UTC), as the README's table says.
PERIODIC = {
    "common.tasks.retry_outbox": "*/5 * * * *",
    "common.tasks.retry_stalled_jobs": "*/10 * * * *",
    "upkeep.tasks.plan_link_checks": "0 1 * * *",
    "submissions.tasks.purge_submitters": "0 3 * * *",
    "common.tasks.delete_old_jobs": "30 4 * * *",
    "digest.tasks.send_quarterly_digest": "0 6 1 1,4,7,10 *",
    "digest.tasks.forget_unconfirmed_digest_sign_ups": "20 5 * * *",
    "alerts.tasks.forget_unconfirmed_sign_ups": "15 5 * * *",
    "alerts.tasks.send_daily_alerts": "0 6 * * *",
    "alerts.tasks.send_weekly_alerts": "0 6 * * 1",
}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def tick(*args) -> int:
    """The timestamp a periodic job is given: the tick it runs for (UTC)."""
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp())


def test_the_periodic_jobs_are_the_ones_the_readme_lists():
    registered = {name: periodic.cron for (name, _), periodic in
                  app.periodic_registry.periodic_tasks.items()}  # fmt: skip
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")

    assert registered == PERIODIC
    for name, cron in PERIODIC.items():
        assert re.search(rf"\| `{re.escape(name)}` \|[^\n]*`{re.escape(cron)}`", readme), name
    assert "crontab" not in readme and "(cron, a systemd timer)" not in readme


# --- E-mail leaves the request -------------------------------------------------------------------


@pytest.fixture
def silent_mail_server():
    """A mail server that accepts connections and never says a word: whoever talks to it waits
    until the timeout."""
    server = socket.create_server(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


def test_a_request_never_waits_for_the_mail_server(client, settings, silent_mail_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_mail_server
    settings.EMAIL_TIMEOUT = 10
    settings.MODERATOR_EMAILS = ["moderators@example.org"]
    resource = make_resource(title="Interpreting in trauma therapy", url="https://example.org/x")

    started = time.monotonic()
    response = client.post(reverse("upkeep:report-problem", args=[resource.slug]), report())
    elapsed = time.monotonic() - started

    # The visitor is answered at once; the e-mail waits in the outbox for a worker.
    assert response.status_code == 302
    assert elapsed < 5, f"the request took {elapsed:.1f} s"
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.QUEUED and message.attempts == 0
    (job,) = jobs_of("common.tasks.send_message")
    assert (job.status, job.args) == ("todo", {"message_id": message.pk})
    assert mail.outbox == []

    settings.EMAIL_BACKEND = LOCMEM  # the mail server is back
    run_jobs()

    assert [m.subject for m in mail.outbox] == ["Problem reported: Interpreting in trauma therapy"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 1)
    assert jobs_of("common.tasks.send_message").get().status == "succeeded"


def test_a_refused_e_mail_is_sent_by_the_periodic_retry(settings):
    settings.EMAIL_BACKEND = "tests.test_share.FailingBackend"
    message = outbox.store(["ana@example.org"], "Your proposal", "Thank you.")
    run_jobs()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error == "SMTPServerDisconnected: mail server is down"

    settings.EMAIL_BACKEND = LOCMEM
    retry_outbox.defer(timestamp=tick(2026, 5, 4, 10, 5))
    run_jobs()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 2)
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert jobs_of("common.tasks.retry_outbox").get().status == "succeeded"


def test_a_message_goes_out_once_when_its_job_and_the_retry_both_run():
    outbox.store(["ana@example.org"], "Your proposal", "Thank you.")
    retry_outbox.defer(timestamp=tick(2026, 5, 4, 10, 5))

    run_jobs()

    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().attempts == 1


def test_a_transaction_that_fails_leaves_neither_the_message_nor_its_job():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.store(["ana@example.org"], "Your proposal", "Thank you.")
        raise RuntimeError("the form's data could not be saved")

    assert not OutboxMessage.objects.exists()
    assert not jobs_of("common.tasks.send_message").exists()


# --- The periodic jobs ---------------------------------------------------------------------------


class Ok(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site(settings):
    """A web server on 127.0.0.1 that every link of these tests points to."""
    settings.LINKCHECK_ALLOWED_ADDRESSES = ["127.0.0.1"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_nightly_link_check_is_spread_over_the_night(local_site, monkeypatch):
    monkeypatch.setattr(upkeep_tasks, "BATCH_SIZE", 10)
    resources = [make_resource(url=f"{local_site}/{n}") for n in range(25)]
    make_resource(url=f"{local_site}/draft", status=Resource.Status.PENDING)

    before = timezone.now()
    upkeep_tasks.plan_link_checks.defer(timestamp=tick(2026, 5, 5, 1))
    run_jobs()

    after = timezone.now()
    # Three batches, every published resource in one of them, starting 80 minutes apart.
    batches = list(jobs_of("upkeep.tasks.check_links"))
    assert [len(job.args["resource_ids"]) for job in batches] == [10, 10, 5]
    assert sorted(i for job in batches for i in job.args["resource_ids"]) == [
        r.pk for r in resources
    ]
    first, second, third = (job.scheduled_at for job in batches)
    assert first is None  # at once
    assert before + dt.timedelta(minutes=80) <= second <= after + dt.timedelta(minutes=80)
    assert third - second == dt.timedelta(minutes=80)
    assert {job.lock for job in batches} == {"upkeep.check_links"}
    # The first batch was due, and ran; the others wait for their time.
    assert [job.status for job in batches] == ["succeeded", "todo", "todo"]
    checked = set(LinkCheck.objects.values_list("resource_id", flat=True))
    assert checked == set(batches[0].args["resource_ids"])
    assert set(LinkCheck.objects.values_list("status_code", flat=True)) == {200}


def test_submitters_are_forgotten_every_night(settings):
    settings.PURGE_SUBMITTERS_AFTER_DAYS = 180
    long_ago = timezone.now() - dt.timedelta(days=200)
    old = Submission.objects.create(
        resource=make_resource(), name="Ana Pereira", email="ana@example.org",
        decision=Submission.Decision.APPROVED, decided_at=long_ago,
    )  # fmt: skip
    recent = Submission.objects.create(
        resource=make_resource(), name="Li Wei", email="li@example.org",
        decision=Submission.Decision.APPROVED, decided_at=timezone.now(),
    )  # fmt: skip

    purge_submitters.defer(timestamp=tick(2026, 5, 5, 3))
    run_jobs()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.email, old.contact_purged_at is not None) == ("", "", True)
    assert (recent.name, recent.email) == ("Li Wei", "li@example.org")


def subscribe_to_digest(email: str, language: str = "en", *, confirmed: bool = True):
    subscriber = Subscriber.objects.create(email=email)
    return DigestSubscription.objects.create(
        subscriber=subscriber, language=language,
        confirmed_at=timezone.now() - dt.timedelta(days=30) if confirmed else None,
    )  # fmt: skip


def test_the_quarterly_digest_goes_to_its_subscribers_through_the_outbox():
    subscribe_to_digest("a@example.org")
    subscribe_to_digest("b@example.org")
    subscribe_to_digest("not.yet@example.org", confirmed=False)
    make_resource(title="New video on sleep", kind=Resource.Kind.VIDEO,
                  published_at=dt.datetime(2026, 5, 2, tzinfo=dt.UTC))  # fmt: skip

    send_quarterly_digest.defer(timestamp=tick(2026, 7, 1, 6))
    run_jobs()

    # The past quarter's digest, one message per confirmed address, HTML with a plain-text
    # alternative.
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert {m.subject for m in mail.outbox} == {"HealTorture digest, April–June 2026"}
    assert "New video on sleep" in mail.outbox[0].body
    ((html_body, mimetype),) = mail.outbox[0].alternatives
    assert mimetype == "text/html" and "New video on sleep" in html_body
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 2
    assert set(DigestSubscription.objects.values_list("last_quarter", flat=True)) == {"2026-q2", ""}


def test_no_digest_goes_out_without_subscribers():
    subscribe_to_digest("not.yet@example.org", confirmed=False)
    make_resource(published_at=dt.datetime(2026, 5, 2, tzinfo=dt.UTC))

    send_quarterly_digest.defer(timestamp=tick(2026, 7, 1, 6))
    run_jobs()

    assert not OutboxMessage.objects.exists()
    job = jobs_of("digest.tasks.send_quarterly_digest").get()
    assert job.status == "succeeded"


def test_old_jobs_are_deleted_but_each_periodic_jobs_last_run_is_kept():
    outbox.store(["ana@example.org"], "Your proposal", "Thank you.")
    retry_outbox.defer(timestamp=tick(2026, 3, 1, 10, 0))
    run_jobs()
    retry_outbox.defer(timestamp=tick(2026, 3, 1, 10, 5))
    run_jobs()
    last_retry = jobs_of("common.tasks.retry_outbox").last()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_events SET at = now() - interval '40 days'")

    delete_old_jobs.defer(timestamp=tick(2026, 4, 10, 4, 30))
    run_jobs()

    assert not jobs_of("common.tasks.send_message").exists()
    assert list(jobs_of("common.tasks.retry_outbox")) == [last_retry]
    assert jobs_of("common.tasks.delete_old_jobs").get().status == "succeeded"
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT  # the outbox stays


def test_the_job_of_a_worker_that_died_is_queued_again():
    outbox.store(["ana@example.org"], "Your proposal", "Thank you.")
    (job,) = jobs_of("common.tasks.send_message")
    with connection.cursor() as cursor:  # a worker took the job, then its host was lost
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) "
            "VALUES (now() - interval '5 minutes') RETURNING id"
        )
        (dead,) = cursor.fetchone()
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
            [dead, job.pk],
        )

    retry_stalled_jobs.defer(timestamp=tick(2026, 5, 4, 10, 10))
    run_jobs()

    # Queued again for any worker (it runs once due: the test's transaction keeps one clock).
    job = jobs_of("common.tasks.send_message").get()
    assert (job.status, job.worker_id, job.attempts) == ("todo", None, 1)
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.QUEUED


# --- Several workers -----------------------------------------------------------------------------


@pytest.mark.slow
# No migration data is needed, so no serialized rollback: reloading it fails after a
# transactional test that flushed without it (tests/test_replicas.py).
@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_tick_of_a_periodic_job_once(caplog):
    """Two hosts, each with its own connections and its own worker, both deferring a job that
    is due every second: each second is deferred, and run, exactly once."""
    caplog.set_level(logging.DEBUG, logger="procrastinate.periodic")
    ran = []

    def host() -> DjangoApp:
        host_app = DjangoApp(connector=app.connector.get_worker_connector())

        @host_app.periodic(cron="* * * * * *")
        @host_app.task(name="tests.every_second", pass_context=True)
        def every_second(context, timestamp):
            ran.append((timestamp, context.worker_name))

        return host_app

    hosts = [host(), host()]

    async def run_both() -> int:
        async with hosts[0].open_async(), hosts[1].open_async():
            workers = [
                asyncio.create_task(
                    host_app.run_worker_async(
                        name=f"host-{n}", install_signal_handlers=False, concurrency=2
                    )
                )
                for n, host_app in enumerate(hosts)
            ]
            await asyncio.sleep(2)
            registered = await hosts[0].connector.execute_query_one_async(
                "SELECT count(*) AS n FROM procrastinate_workers"
            )
            await asyncio.sleep(3)
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            return registered["n"]

    assert asyncio.run(run_both()) == 2

    deferred = sorted(job.args["timestamp"] for job in jobs_of("tests.every_second"))
    assert len(deferred) >= 4
    assert deferred == list(range(deferred[0], deferred[-1] + 1))  # every second, once
    run_ticks = [timestamp for timestamp, _ in ran]
    assert len(run_ticks) >= 3 and len(set(run_ticks)) == len(run_ticks)
    # Both workers tried to defer the same ticks; the database refused the second one.
    refused = [r for r in caplog.records if getattr(r, "action", "") ==
               "periodic_task_already_deferred"]  # fmt: skip
    assert refused


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def moderator_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "moderator", "mod@example.org", "a-long-passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return client


@pytest.fixture
def refused_task():
    """A job that fails, as a job whose mail server refuses it would."""

    @app.task(name="tests.refused")
    def refused():
        raise ConnectionRefusedError("the mail server said no")

    yield refused
    del app.tasks["tests.refused"]


def test_the_admin_front_page_shows_the_queues_health(moderator_client, refused_task):
    retry_outbox.defer(timestamp=tick(2026, 5, 4, 10, 5))
    refused_task.defer()
    run_jobs()
    jobs = reverse("admin:procrastinate_procrastinatejob_changelist")

    page = moderator_client.get(reverse("admin:index")).text

    panel = page[page.index('id="background-work"') :]
    assert (
        f'<a href="{jobs}?status__exact=failed"><strong>1</strong> failed job, with its error'
        in (panel)
    )
    assert "No worker is running" in panel
    retry_row = re.search(r"Retry the e-mails the mail server refused</a></th>(.*?)</tr>", panel,
                          re.S).group(1)  # fmt: skip
    assert "now" in retry_row and "✓" in retry_row
    assert "Forget the submitters of old decisions</a>" in panel
    digest_row = re.search(r"to its subscribers</a></th>\s*<td>(.*?)</td>", panel).group(1)
    assert digest_row == "not run yet"

    failed = moderator_client.get(f"{jobs}?status__exact=failed")
    assert failed.status_code == 200
    assert "ConnectionRefusedError: the mail server said no" in failed.text
    assert failed.context["action_form"] is None  # retrying and cancelling: superusers only
    job = ProcrastinateJob.objects.get(status="failed")
    detail = moderator_client.get(reverse("admin:procrastinate_procrastinatejob_change",
                                          args=[job.pk])).text  # fmt: skip
    assert "Traceback (most recent call last)" in detail
    assert 'raise ConnectionRefusedError("the mail server said no")' in html.unescape(detail)
    assert JobFailure.objects.get().job_id == job.pk


def test_the_error_of_a_coroutine_task_is_kept_too():
    @app.task(name="tests.refused_async")
    async def refused_async():
        raise TimeoutError("the mail server did not answer")

    try:
        refused_async.defer()
        run_jobs()
    finally:
        del app.tasks["tests.refused_async"]

    failure = JobFailure.objects.get()
    assert failure.error == "TimeoutError: the mail server did not answer"
    assert failure.job_id == ProcrastinateJob.objects.get(status="failed").pk


def test_the_panel_is_for_those_who_may_see_jobs(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw-long-enough", is_staff=True)
    client.force_login(user)

    assert 'id="background-work"' not in client.get(reverse("admin:index")).text
