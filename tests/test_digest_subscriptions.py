"""The quarterly digest by e-mail: signing up from the digest page, confirming by e-mail, the
quarterly sending to confirmed subscribers in their language, leaving in one click, abuse, and
privacy. (The digest's content: test_digest.py; the periodic job: test_tasks.py.)"""

import datetime as dt
import re
import time
from urllib.parse import quote, urlsplit

import pytest
from django.contrib import admin
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from alerts.models import Alert
from common.forms import TIMESTAMP_SALT
from common.models import OutboxMessage, Subscriber
from digest import signup
from digest.digest import Quarter
from digest.mailing import send_to_subscribers
from digest.models import DigestSubscription
from digest.tasks import forget_unconfirmed_digest_sign_ups, send_quarterly_digest
from resources.models import Resource

from .factories import make_resource
from .jobs import run_jobs
from .test_properties import BOUNDED

pytestmark = pytest.mark.django_db
ADDRESS = "amina.farah@example.org"
ONE_CLICK = "List-Unsubscribe=One-Click"
SPRING = Quarter(2026, 2)


def url_in(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def started(seconds_ago: float = 30) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def sign_up(client, language: str = "en", **fields):
    data = {"email": ADDRESS, "website": "", "started": started(), **fields}
    return client.post(url_in(language, "digest:subscribe"), data)


def link_in(body: str, name: str) -> str:
    """The path of the first link to ``/<lang>/digest/<name>/...`` in an e-mail."""
    found = re.search(rf"https?://\S+/digest/{name}/\S+/", body)
    assert found, f"no {name} link in: {body}"
    return urlsplit(found.group(0)).path


def subscribed(email: str = ADDRESS, language: str = "en", *, confirmed=True):
    subscriber, _created = Subscriber.objects.get_or_create(email=email)
    return DigestSubscription.objects.create(
        subscriber=subscriber, language=language,
        confirmed_at=timezone.now() - dt.timedelta(days=40) if confirmed else None,
    )  # fmt: skip


def in_spring(**fields) -> Resource:
    return make_resource(published_at=dt.datetime(2026, 5, 2, tzinfo=dt.UTC), **fields)


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.DIGEST_RATE = "100/h"


# --- from the digest page to a confirmed subscription ---------------------------------------------


def test_every_page_leads_to_the_digest_and_the_digest_to_its_sign_up(client):
    home = client.get("/en/").text
    digest = client.get(client.get("/en/digest/")["Location"]).text

    assert '<a href="/en/digest/">Quarterly digest</a>' in home
    assert (
        '<a href="/en/digest/subscribe/">Get the digest by e-mail, four times a year</a>' in digest
    )


def test_the_sign_up_page_says_when_the_next_one_comes_and_in_which_language(client):
    response = client.get(url_in("fr", "digest:subscribe"))

    assert response.status_code == 200
    assert "La lettre d’information sera en français" in response.text
    next_day = Quarter.containing(timezone.now()).end
    assert f"{next_day.day} " in response.text
    assert '<label for="id_email">' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'aria-hidden="true"' in response.text and 'name="website"' in response.text
    assert 'content="noindex"' in response.text
    assert "private" in response["Cache-Control"]
    robots = client.get("/robots.txt").text.splitlines()
    assert (
        "Disallow: /digest/subscribe/" in robots and "Disallow: /fr/digest/unsubscribe/" in robots
    )
    assert "Disallow: /digest/" not in robots  # the digest itself is for everyone


def test_signing_up_e_mails_a_signed_link_and_nothing_is_sent_before_it_is_confirmed(client):
    in_spring(title="New video on sleep")
    response = sign_up(client, language="fr")
    run_jobs()

    assert response.status_code == 302
    assert response["Location"] == url_in("fr", "digest:sent")
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert message.subject == "Confirmez votre abonnement à la lettre d’information de HealTorture"
    assert link_in(message.body, "confirm").startswith("/fr/digest/confirm/")
    subscription = DigestSubscription.objects.get()
    assert (subscription.language, subscription.confirmed_at) == ("fr", None)
    assert OutboxMessage.objects.get().private

    assert send_to_subscribers(SPRING) == 0  # not confirmed: no digest
    assert "Consultez votre messagerie" in client.get(response["Location"]).text


def test_opening_the_confirmation_link_confirms_nothing_until_the_button_is_pressed(client):
    sign_up(client)
    run_jobs()
    confirm = link_in(mail.outbox[0].body, "confirm")

    page = client.get(confirm)
    client.head(confirm)
    assert page.status_code == 200
    assert '<button type="submit">Confirm</button>' in page.text
    assert DigestSubscription.objects.get().confirmed_at is None

    pressed = client.post(confirm)
    assert pressed.status_code == 302 and pressed["Location"] == confirm
    assert DigestSubscription.objects.get().confirmed_at is not None
    after = client.get(confirm).text
    assert "You will receive the digest" in after
    assert "Stop receiving it" in after and "/en/digest/unsubscribe/" in after


def test_the_confirmation_link_expires_and_a_forged_one_is_refused(client, monkeypatch):
    sign_up(client)
    run_jobs()
    confirm = link_in(mail.outbox[0].body, "confirm")
    subscription = DigestSubscription.objects.get()
    alert_token = signing.TimestampSigner(salt="alerts.confirm").sign(str(subscription.pk))
    eight_days_later = time.time() + 8 * 24 * 3600

    forged = client.post(url_in("en", "digest:confirm", f"{subscription.pk}:x:y"))
    another_kinds = client.post(url_in("en", "digest:confirm", alert_token))
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_later)
    expired = client.post(confirm)

    assert forged.status_code == another_kinds.status_code == expired.status_code == 400
    assert "This confirmation link has expired" in expired.text
    assert "not valid" in forged.text
    assert DigestSubscription.objects.get().confirmed_at is None


def test_a_confirmation_link_of_a_deleted_sign_up_says_so_with_404(client):
    subscription = subscribed(confirmed=False)
    confirm = url_in("en", "digest:confirm", signup.LINKS.confirm_token(subscription.pk))
    subscription.delete()

    response = client.get(confirm)

    assert response.status_code == 404
    assert "This subscription no longer exists" in response.text


def test_an_unconfirmed_sign_up_is_forgotten_with_its_address_when_nothing_else_needs_it():
    forgotten = subscribed(confirmed=False)
    with_alert = subscribed("reader@example.org", confirmed=False)
    Alert.objects.create(subscriber=with_alert.subscriber, query="q=x", frequency="daily",
                         language="en", confirmed_at=timezone.now())  # fmt: skip
    recent = subscribed("recent@example.org", confirmed=False)
    kept = subscribed("kept@example.org")
    DigestSubscription.objects.exclude(pk=recent.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )

    forget_unconfirmed_digest_sign_ups.defer(timestamp=int(time.time()))
    run_jobs()

    assert set(DigestSubscription.objects.all()) == {recent, kept}
    assert not Subscriber.objects.filter(pk=forgotten.subscriber_id).exists()
    assert Subscriber.objects.filter(pk=with_alert.subscriber_id).exists()  # its alert needs it


# --- the quarterly e-mail -------------------------------------------------------------------------


def test_each_subscriber_gets_the_digest_in_their_language_with_a_one_click_stop():
    in_spring(title="New video on sleep", kind=Resource.Kind.VIDEO)
    in_spring(title="Pending proposal on sleep", status=Resource.Status.PENDING)
    english = subscribed("en@example.org")
    french = subscribed("fr@example.org", language="fr")
    subscribed("waiting@example.org", confirmed=False)

    send_quarterly_digest.defer(
        timestamp=int(dt.datetime(2026, 7, 1, 6, tzinfo=dt.UTC).timestamp())
    )
    run_jobs()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"en@example.org", "fr@example.org"}
    en, fr = by_address["en@example.org"], by_address["fr@example.org"]
    assert en.subject == "HealTorture digest, April–June 2026"
    assert fr.subject == "Lettre d’information HealTorture, avril–juin 2026"
    assert "NOUVELLES RESSOURCES" in fr.body and "/fr/resources/" in fr.body
    ((html, _type),) = fr.alternatives
    assert '<html lang="fr" dir="ltr">' in html
    for message, subscription in ((en, english), (fr, french)):
        stop = signup.stop_url(subscription)
        assert message.extra_headers["List-Unsubscribe"] == f"<{stop}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK
        assert stop in message.body and stop in message.alternatives[0][0]
        assert "New video on sleep" in message.body
        assert "Pending proposal" not in message.body + message.alternatives[0][0]
    assert signup.stop_url(english) != signup.stop_url(french)
    assert set(OutboxMessage.objects.values_list("private", flat=True)) == {True}


def test_an_arabic_digest_reads_right_to_left():
    in_spring(title="New video on sleep")
    subscribed(language="ar")

    send_to_subscribers(SPRING)
    run_jobs()

    ((html, _type),) = mail.outbox[0].alternatives
    assert '<html lang="ar" dir="rtl">' in html


def test_sending_twice_or_after_a_failure_sends_each_address_one_copy():
    in_spring(title="New video on sleep")
    first, *_others = [subscribed(f"reader{n}@example.org") for n in range(3)]
    # A first run that stopped after the first address (the worker died, say).
    DigestSubscription.objects.filter(pk=first.pk).update(last_quarter=str(SPRING))

    assert send_to_subscribers(SPRING) == 2
    assert send_to_subscribers(SPRING) == 0
    run_jobs()

    assert sorted(m.to[0] for m in mail.outbox) == ["reader1@example.org", "reader2@example.org"]
    assert send_to_subscribers(SPRING.next) == 3  # the next quarter is another digest


def test_a_quarter_with_nothing_to_tell_sends_nothing():
    subscribed()

    send_quarterly_digest.defer(
        timestamp=int(dt.datetime(2026, 7, 1, 6, tzinfo=dt.UTC).timestamp())
    )
    run_jobs()

    assert not mail.outbox
    assert DigestSubscription.objects.get().last_quarter == ""


def test_the_sending_reads_a_constant_number_of_queries(django_assert_max_num_queries):
    in_spring(title="New video on sleep")
    for n in range(3):
        subscribed(f"a{n}@example.org")
    with django_assert_max_num_queries(60) as few:
        send_to_subscribers(SPRING)
    per_address = (len(few.captured_queries) - 10) // 3
    for n in range(12):
        subscribed(f"b{n}@example.org", language="en")
    with django_assert_max_num_queries(len(few.captured_queries) + 12 * per_address):
        assert send_to_subscribers(SPRING) == 12


# --- leaving --------------------------------------------------------------------------------------


def test_one_click_unsubscribe_stops_it_and_forgets_the_address_nothing_else_needs():
    alone = subscribed()
    with_alert = subscribed("reader@example.org", language="fr")
    Alert.objects.create(subscriber=with_alert.subscriber, query="q=x", frequency="daily",
                         language="fr", confirmed_at=timezone.now())  # fmt: skip
    mail_app = Client(enforce_csrf_checks=True)  # a mail provider's POST: no CSRF token

    stopped = mail_app.post(urlsplit(signup.stop_url(alone)).path, ONE_CLICK,
                            content_type="application/x-www-form-urlencoded")  # fmt: skip
    kept = mail_app.post(urlsplit(signup.stop_url(with_alert)).path, ONE_CLICK,
                         content_type="application/x-www-form-urlencoded")  # fmt: skip
    again = mail_app.post(urlsplit(signup.stop_url(alone)).path, ONE_CLICK,
                          content_type="application/x-www-form-urlencoded")  # fmt: skip

    assert stopped.status_code == kept.status_code == again.status_code == 200
    assert "You will get no more digests" in stopped.text
    assert "Lettre d’information arrêtée" in kept.text
    assert "already stopped" in again.text
    assert not DigestSubscription.objects.exists()
    assert list(Subscriber.objects.all()) == [with_alert.subscriber]  # its alert needs it


def test_opening_the_stop_link_never_stops_it(client):
    subscription = subscribed()
    stop = urlsplit(signup.stop_url(subscription)).path

    page = client.get(stop)
    client.head(stop)
    forged = client.post(url_in("en", "digest:unsubscribe", f"{subscription.pk}:forged"))
    alerts_link = signing.Signer(salt="alerts.unsubscribe").sign(str(subscription.pk))
    another_kinds = client.post(url_in("en", "digest:unsubscribe", alerts_link))

    assert page.status_code == 200
    assert '<button type="submit">Stop it</button>' in page.text
    assert forged.status_code == another_kinds.status_code == 400
    assert DigestSubscription.objects.filter(pk=subscription.pk).exists()


# --- abuse and bad input --------------------------------------------------------------------------


def test_too_many_sign_ups_from_one_address_get_a_429_with_the_form_kept(client, settings):
    settings.DIGEST_RATE = "2/h"
    for email in ["a@example.org", "b@example.org"]:
        assert sign_up(client, email=email).status_code == 302

    response = sign_up(client, email="third@example.org")

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "wait an hour" in response.text
    assert 'value="third@example.org"' in response.text
    assert DigestSubscription.objects.count() == 2


def test_a_wrong_address_the_honeypot_and_a_form_sent_too_fast_are_refused_and_kept(client):
    typo = sign_up(client, email="amina at example")
    trapped = sign_up(client, website="http://spam.example")
    hasty = sign_up(client, started=started(seconds_ago=0))

    assert typo.status_code == trapped.status_code == hasty.status_code == 400
    assert 'value="amina at example"' in typo.text
    assert '<p class="error" id="id_email_error">' in typo.text
    assert 'aria-describedby="id_email_helptext id_email_error"' in typo.text
    assert "quicker than a person" in hasty.text
    assert not DigestSubscription.objects.exists() and not Subscriber.objects.exists()


def test_a_stranger_cannot_fill_an_inbox_with_sign_up_e_mails(client, monkeypatch):
    for _n in range(5):
        assert sign_up(client).status_code == 302
    run_jobs()
    assert len(mail.outbox) == 1

    later = timezone.now() + signup.RESEND_AFTER + dt.timedelta(seconds=1)
    monkeypatch.setattr(signup.timezone, "now", lambda: later)
    sign_up(client, language="es")
    run_jobs()
    assert len(mail.outbox) == 2  # a fresh link, in the language asked last
    assert DigestSubscription.objects.get().language == "es"


def test_csrf_is_enforced_on_sign_up_and_confirmation():
    subscription = subscribed(confirmed=False)
    strict = Client(enforce_csrf_checks=True)

    assert sign_up(strict, email="x@example.org").status_code == 403
    confirm = url_in("en", "digest:confirm", signup.LINKS.confirm_token(subscription.pk))
    assert strict.post(confirm).status_code == 403
    assert DigestSubscription.objects.get().confirmed_at is None


def test_the_sign_up_page_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client.get(url_in("en", "digest:subscribe"))
    with django_assert_max_num_queries(3):
        assert client.get(url_in("en", "digest:subscribe")).status_code == 200


@BOUNDED
@given(token=st.text(max_size=300))
def test_any_link_token_is_answered_without_a_500(client, token):
    for kind in ("confirm", "unsubscribe"):
        path = f"/en/digest/{kind}/{quote(token, safe='')}/"
        assert client.get(path).status_code < 500
        assert client.post(path).status_code < 500


# --- privacy --------------------------------------------------------------------------------------


def test_signing_up_answers_the_same_whether_the_address_is_known_or_not(client):
    subscribed()

    known = sign_up(client)
    unknown = sign_up(client, email="new@example.org")
    run_jobs()

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    notes = {message.to[0]: message for message in mail.outbox}
    assert notes[ADDRESS].subject == "You already receive the HealTorture digest"
    assert "/en/digest/unsubscribe/" in notes[ADDRESS].body
    assert "/digest/confirm/" in notes["new@example.org"].body
    assert DigestSubscription.objects.count() == 2


def test_no_page_shows_an_address_and_the_admin_counts_only(client, admin_client):
    subscription = subscribed()
    in_spring(title="New video on sleep")
    sign_up(client, email="waiting.reader@example.org")
    send_to_subscribers(SPRING)
    pages = [
        client.get(url_in("en", "digest:subscribe")),
        client.get(url_in("en", "digest:sent")),
        client.get(url_in("en", "digest:confirm", signup.LINKS.confirm_token(subscription.pk))),
        client.get(urlsplit(signup.stop_url(subscription)).path),
        admin_client.get(reverse("admin:index")),
        admin_client.get(reverse("admin:common_outboxmessage_changelist")),
        *[admin_client.get(reverse("admin:common_outboxmessage_change", args=[message.pk]))
          for message in OutboxMessage.objects.all()],
    ]  # fmt: skip

    for page in pages:
        assert page.status_code == 200
        assert "amina.farah" not in page.text and "waiting.reader" not in page.text
    counts = pages[4].text
    assert "<strong>1</strong> address receiving it" in counts
    assert "<strong>1</strong> sign-up waiting for confirmation" in counts
    registered = {model._meta.label for model in admin.site._registry}
    assert "digest.DigestSubscription" not in registered
