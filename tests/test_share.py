"""Sharing a resource and asking a question, as a visitor and as someone abusing the forms."""

import datetime as dt
import re
import smtplib
import time

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from common.models import OutboxMessage
from resources.models import Resource
from submissions.forms import TIMESTAMP_SALT
from submissions.models import ContactMessage, Submission
from thesaurus.models import Topic

from .factories import make_resource
from .jobs import run_jobs

pytestmark = pytest.mark.django_db
SHARE = reverse("submissions:share")
CONTACT = reverse("submissions:contact")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


def started(seconds_ago: float = 30) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def proposal(**overrides) -> dict:
    data = {
        "title": "Working with interpreters in trauma therapy",
        "url": "https://example.org/interpreters",
        "kind": "guide",
        "summary": "A short guide for clinicians who work through interpreters.",
        "organizations": "Center for Victims of Torture",
        "other_topics": "interpreting, supervision",
        "language": "en",
        "name": "Amina Farah",
        "email": "amina@example.org",
        "organization": "A treatment centre",
        "role": "Psychologist",
        "message": "Used it with our new staff.",
        "consent_to_contact": "on",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(autouse=True)
def _moderators(settings):
    settings.MODERATOR_EMAILS = ["moderators@example.org"]
    settings.SHARE_RATE = "100/h"
    settings.CONTACT_RATE = "100/h"


def test_the_form_explains_itself_and_hides_the_honeypot(client):
    response = client.get(SHARE)

    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert '<label for="id_title">Title</label>' in response.text
    assert 'aria-hidden="true"' in response.text and 'name="website"' in response.text
    assert "We tell you what we decide" in response.text


def test_a_valid_proposal_is_stored_pending_and_both_e_mails_go(
    client, django_capture_on_commit_callbacks
):
    topic = Topic.objects.create(name="Interpreting", slug="interpreting")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SHARE, proposal(topics=[topic.slug], audiences=["interpreters"]))
    run_jobs()

    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:share-thanks")
    resource = Resource.objects.get()
    assert resource.status == Resource.Status.PENDING
    assert list(resource.topics.values_list("name", flat=True)) == ["Interpreting"]
    submission = Submission.objects.get()
    assert submission.resource == resource
    assert submission.proposed_topics == "interpreting, supervision"
    assert submission.email == "amina@example.org"
    assert sorted(m.to[0] for m in mail.outbox) == ["amina@example.org", "moderators@example.org"]
    assert OutboxMessage.objects.filter(status="sent").count() == 2
    thanks = client.get(response["Location"])
    assert "What happens next" in thanks.text
    assert "Working with interpreters in trauma therapy" in thanks.text


def test_a_pending_proposal_appears_nowhere_public(client):
    client.post(SHARE, proposal(title="Zygomatic secret proposal", other_topics=""))
    resource = Resource.objects.get()

    search = reverse("search:list")
    for url in [reverse("home"), search, f"{search}?q=zygomatic", reverse("opendata:search-feed"),
                reverse("search:topics"), reverse("organizations:list"),
                reverse("resources:guides")]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Zygomatic" not in response.text, url
    assert client.get(resource.get_absolute_url()).status_code == 404


def test_a_session_time_is_read_in_its_own_time_zone(client):
    response = client.post(SHARE, proposal(
        kind="webinar", starts_at="2099-03-29T10:00", ends_at="2099-03-29T11:30",
        timezone="Europe/Copenhagen", registration_url="https://example.org/register",
    ))  # fmt: skip

    assert response.status_code == 302
    resource = Resource.objects.get()
    # Copenhagen moves to summer time (UTC+2) at 01:00 UTC that morning (the last Sunday of March).
    assert resource.starts_at == dt.datetime(2099, 3, 29, 8, 0, tzinfo=dt.UTC)
    assert resource.ends_at == dt.datetime(2099, 3, 29, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("title", "", "This field is required."),
        ("url", "not a link", "Enter a valid URL."),
        ("email", "amina@", "Enter a valid email address."),
        ("kind", "spaceship", "Select a valid choice."),
        ("timezone", "Mars/Olympus", "Choose a time zone from the list"),
        ("summary", "x" * 601, "Ensure this value has at most 600 characters"),
    ],
)
def test_errors_are_shown_beside_the_field_and_nothing_typed_is_lost(client, field, value,
                                                                     message):  # fmt: skip
    data = proposal(**{field: value}, starts_at="2026-05-01T10:00" if field == "timezone" else None)

    response = client.post(SHARE, data)

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert message in response.text
    assert 'value="Amina Farah"' in response.text
    assert "Used it with our new staff." in response.text
    assert not Resource.objects.exists()


def test_a_link_or_a_file_is_needed(client):
    response = client.post(SHARE, proposal(url=""))

    assert response.status_code == 400
    assert "Give a link to the resource, or attach it as a file." in response.text


def test_a_pdf_can_be_attached_and_is_served_only_once_published(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("manual.pdf", PDF, content_type="application/pdf")

    assert client.post(SHARE, proposal(url="", file=upload)).status_code == 302
    resource = Resource.objects.get()
    attached = resource.files.get()
    assert attached.content_type == "application/pdf"
    assert client.get(attached.get_absolute_url()).status_code == 404

    resource.status = Resource.Status.PUBLISHED
    resource.save()
    response = client.get(attached.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_a_file_is_judged_by_its_content_not_its_name(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("slides.pdf", b"<html><script>alert(1)</script></html>",
                              content_type="application/pdf")  # fmt: skip

    response = client.post(SHARE, proposal(url="", file=fake))

    assert response.status_code == 400
    assert "is not a PDF, Word, PowerPoint or OpenDocument file" in response.text
    assert not Resource.objects.exists()


def test_an_oversized_file_is_refused_with_its_size(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 4096, content_type="application/pdf")

    response = client.post(SHARE, proposal(url="", file=big))

    assert response.status_code == 400
    assert "the largest we accept is 0 MB" in response.text


def test_a_request_body_larger_than_any_form_accepts_is_refused_before_reading(client, settings):
    settings.MAX_REQUEST_BYTES = 10_000
    response = client.post(SHARE, proposal(message="x" * 20_000))

    assert response.status_code == 413
    assert "too large" in response.text


def test_ten_megabytes_of_text_gets_a_clear_400(client):
    response = client.post(SHARE, proposal(summary="x" * (10 * 1024 * 1024)))

    assert response.status_code in {400, 413}
    assert not Resource.objects.exists()


def test_markup_and_control_characters_are_neutralised(client):
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    data = proposal(title=f"Interpreters {evil}\x07\x1b[31m", summary=f"Summary {evil}",
                    organizations=evil, name=f"Name {evil}", message=evil)  # fmt: skip

    response = client.post(SHARE, data, follow=True)

    assert response.status_code == 200
    resource = Resource.objects.get()
    assert "\x07" not in resource.title and "\x1b" not in resource.title
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert" in response.text


@pytest.mark.parametrize(
    "link",
    [
        "http://example.org/guide",  # another scheme
        "https://www.example.org/guide",  # www.
        "https://example.org/guide/",  # trailing slash
        "https://example.org/guide?utm_source=newsletter&fbclid=abc",  # tracking parameters
        "HTTPS://EXAMPLE.ORG/guide#section",  # case and fragment
    ],
)
def test_the_same_link_is_recognised_and_the_visitor_sent_to_it(client, link):
    existing = make_resource(title="A guide to something else", url="https://example.org/guide")

    response = client.post(SHARE, proposal(url=link))

    assert response.status_code == 409
    assert "We already have this one" in response.text
    assert existing.get_absolute_url() in response.text
    assert Resource.objects.count() == 1


def test_a_link_already_waiting_for_review_is_recognised(client):
    make_resource(title="Pending guide", url="https://example.org/guide",
                  status=Resource.Status.PENDING)  # fmt: skip

    response = client.post(SHARE, proposal(url="https://example.org/guide/"))

    assert response.status_code == 409
    assert "already waiting for review" in response.text


def test_a_near_identical_title_asks_before_sending_and_moderators_see_the_match(client):
    existing = make_resource(title="Working with Interpreters in Trauma Therapy!",
                             url="https://elsewhere.example/a")  # fmt: skip

    first = client.post(SHARE, proposal())
    assert first.status_code == 409
    assert "Is it one of these?" in first.text
    assert 'name="not_duplicate"' in first.text

    second = client.post(SHARE, proposal(not_duplicate="on"))
    assert second.status_code == 302
    assert Submission.objects.get().duplicate_of == existing


def test_the_honeypot_refuses_with_a_clear_message(client):
    response = client.post(SHARE, proposal(website="https://spam.example"))

    assert response.status_code == 400
    assert "This form could not be accepted." in response.text
    assert not Resource.objects.exists()


def test_a_form_sent_back_too_fast_is_refused_and_kept(client):
    response = client.post(SHARE, proposal(started=started(seconds_ago=0.5)))

    assert response.status_code == 400
    assert "quicker than a person" in response.text
    assert 'value="Working with interpreters in trauma therapy"' in response.text


def test_a_tampered_timestamp_is_refused(client):
    response = client.post(SHARE, proposal(started="1700000000"))

    assert response.status_code == 400
    assert "expired or was changed" in response.text


def test_too_many_proposals_from_one_address_get_a_429_with_the_form(client, settings):
    settings.SHARE_RATE = "2/h"
    for i in range(2):
        assert client.post(SHARE, proposal(title=["Safety planning", "Group work"][i],
                                           url=f"https://a.example/{i}")
                           ).status_code == 302  # fmt: skip

    response = client.post(SHARE, proposal(title="Third", url="https://a.example/3"))

    assert response.status_code == 429
    assert "wait an hour" in response.text
    assert 'value="Third"' in response.text
    assert Resource.objects.count() == 2


def test_csrf_is_enforced(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SHARE, proposal()).status_code == 403


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server is down")


def test_a_failing_mail_server_loses_nothing_and_the_outbox_retries(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_share.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SHARE, proposal())
    run_jobs()

    assert response.status_code == 302
    assert Submission.objects.count() == 1
    assert OutboxMessage.objects.filter(status="failed").count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox")
    assert OutboxMessage.objects.filter(status="sent").count() == 2
    assert len(mail.outbox) == 2


def contact_data(**overrides) -> dict:
    data = {"name": "Li Wei", "email": "li@example.org", "subject": "Interpreters",
            "message": "How do you brief an interpreter?", "website": "",
            "started": started()}  # fmt: skip
    data.update(overrides)
    return data


def test_a_question_is_kept_and_e_mailed_to_staff(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT, contact_data())
    run_jobs()

    assert response.status_code == 302
    assert ContactMessage.objects.get().subject == "Interpreters"
    assert [m.to for m in mail.outbox] == [["moderators@example.org"]]
    assert "How do you brief an interpreter?" in mail.outbox[0].body


@pytest.mark.parametrize(
    "overrides,status,text",
    [
        ({"website": "x"}, 400, "could not be accepted"),
        ({"started": "just now"}, 400, "quicker than a person"),
        ({"email": "nope"}, 400, "Enter a valid email address."),
        ({"message": ""}, 400, "This field is required."),
    ],
)
def test_the_question_form_has_the_same_protections(client, overrides, status, text):
    if overrides.get("started") == "just now":
        overrides = {"started": started(seconds_ago=0)}
    response = client.post(CONTACT, contact_data(**overrides))

    assert response.status_code == status
    assert text in response.text
    assert not ContactMessage.objects.exists()


def test_an_error_on_a_group_of_checkboxes_is_tied_to_each_box(client):
    """Screen readers announce the message when any box of the group has the focus, and the
    summary's link leads to it."""
    Topic.objects.create(name="Interpreting", slug="interpreting")

    response = client.post(SHARE, proposal(topics=["no-such-topic"]))

    assert response.status_code == 400
    assert 'id="id_topics_error"' in response.text
    assert 'href="#id_topics_error"' in response.text
    box = re.search(r'<input type="checkbox" name="topics"[^>]*>', response.text).group(0)
    assert "id_topics_error" in box
    assert '<fieldset aria-describedby="id_topics_error">' in response.text


# --- A live session that is over -------------------------------------------------------------


QUESTION = "This session is over: share its recording?"


def test_a_past_session_is_asked_for_its_recording_beside_its_date(client):
    past = proposal(
        kind="webinar", title="Grief work with families", starts_at="2020-05-12T14:00",
        timezone="Europe/Copenhagen", registration_url="https://example.org/register",
    )  # fmt: skip
    response = client.post(SHARE, past)

    # Neither refused nor taken as upcoming: asked, with everything typed kept.
    assert response.status_code == 400
    assert not Resource.objects.exists()
    text = response.text
    assert f'<p class="error" id="id_starts_at_error">{QUESTION} </p>' in text
    assert 'value="2020-05-12T14:00"' in text and 'value="Grief work with families"' in text
    # The recording is asked for right after the session's start, before its end.
    assert text.index('id="id_starts_at"') < text.index('name="recording_url"')
    assert text.index('name="no_recording"') < text.index('id="id_ends_at"')
    assert f'<a href="#id_starts_at_error">Session starts</a>: {QUESTION}' in text  # summary

    with_recording = {**past, "recording_url": "https://example.org/recording"}
    response = client.post(SHARE, with_recording)

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.recording_url == "https://example.org/recording"
    assert resource.starts_at == dt.datetime(2020, 5, 12, 12, tzinfo=dt.UTC)
    assert not resource.is_upcoming


def test_a_past_day_without_a_time_is_asked_about_too_and_can_be_confirmed(client):
    past = proposal(kind="e-consultation", date="2019-03-01", title="Peer consultation")
    response = client.post(SHARE, past)

    assert response.status_code == 400
    text = response.text
    assert f'<p class="error" id="id_date_error">{QUESTION} </p>' in text
    assert text.index('id="id_date"') < text.index('name="recording_url"')
    assert text.index('name="no_recording"') < text.index("Topics and audience")

    # A link that is not one is said so, beside it, and the question is not asked twice.
    response = client.post(SHARE, {**past, "recording_url": "not a link"})
    assert response.status_code == 400
    assert 'id="id_recording_url_error">Enter a valid URL.' in response.text
    assert QUESTION not in response.text
    assert 'value="not a link"' in response.text

    response = client.post(SHARE, {**past, "no_recording": "on"})
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.date, resource.recording_url) == (dt.date(2019, 3, 1), "")


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "guide", "date": "2019-03-01"},  # not a live session: its date is a date
        {"kind": "webinar", "date": "2099-03-01"},  # ahead
        {"kind": "webinar", "starts_at": "2099-05-12T14:00", "timezone": "Europe/Paris"},
    ],
)
def test_what_is_not_a_past_session_is_not_asked_about(client, fields):
    response = client.post(SHARE, proposal(**fields))

    assert response.status_code == 302, response.text
    assert QUESTION not in client.get(SHARE).text


def test_the_moderators_e_mail_links_to_the_sites_configured_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://directory.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SHARE, proposal())
    run_jobs()

    (to_moderators,) = [m for m in mail.outbox if m.to == ["moderators@example.org"]]
    admin = reverse("admin:submissions_submission_change", args=[Submission.objects.get().pk])
    assert f"Review it in the admin: https://directory.example.org{admin}" in to_moderators.body
    assert not any("127.0.0.1" in m.body for m in mail.outbox)


def test_a_recording_typed_in_is_kept_when_the_rate_limit_refuses_the_form(client, settings):
    settings.SHARE_RATE = "1/h"
    assert client.post(SHARE, proposal(url="https://a.example/1")).status_code == 302

    response = client.post(SHARE, proposal(
        title="Second", url="https://a.example/2", kind="webinar", date="2019-03-01",
        recording_url="https://example.org/recording-2019",
    ))  # fmt: skip

    assert response.status_code == 429
    assert 'value="https://example.org/recording-2019"' in response.text
    assert response.text.index('id="id_date"') < response.text.index('name="recording_url"')
