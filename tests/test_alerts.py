"""E-mail alerts for any search, without an account: signing up from a search page, confirming by
e-mail, what an alert holds, leaving in one click, the manage page, abuse, and privacy."""

import contextlib
import datetime as dt
import re
import threading
import time
from urllib.parse import quote, urlsplit

import pytest
from django.contrib import admin
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from alerts import links
from alerts.models import Alert
from alerts.sending import send_due_alerts
from alerts.signup import MAX_UNCONFIRMED, purge_unconfirmed
from common.forms import TIMESTAMP_SALT
from common.models import OutboxMessage, Subscriber
from resources.models import Resource
from search.filters import ResourceFilterSet

from .factories import make_resource
from .jobs import run_jobs
from .test_properties import BOUNDED, RAW_QUERIES, query_strings

pytestmark = pytest.mark.django_db
ADDRESS = "amina.farah@example.org"
ONE_CLICK = "List-Unsubscribe=One-Click"


def url_in(language: str, name: str, *args, query: str = "") -> str:
    with translation.override(language):
        path = reverse(name, args=args)
    return f"{path}?{query}" if query else path


def started(seconds_ago: float = 30) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def sign_up(client, query: str, language: str = "en", **fields):
    data = {"email": ADDRESS, "frequency": "daily", "website": "", "started": started(),
            **fields}  # fmt: skip
    return client.post(url_in(language, "alerts:new", query=query), data)


def link_in(body: str, name: str) -> str:
    """The path of the first link to ``/<lang>/alerts/<name>/...`` in an e-mail."""
    found = re.search(rf"https?://\S+/alerts/{name}/\S+/", body)
    assert found, f"no {name} link in: {body}"
    return urlsplit(found.group(0)).path


def confirmed_alert(query: str, *, language: str = "en", frequency: str = "daily",
                    email: str = ADDRESS, confirmed_at=None) -> Alert:  # fmt: skip
    subscriber, _created = Subscriber.objects.get_or_create(email=email)
    return Alert.objects.create(
        subscriber=subscriber, query=query, frequency=frequency, language=language,
        confirmed_at=confirmed_at or timezone.now() - dt.timedelta(days=2),
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.ALERT_RATE = "100/h"


@pytest.fixture
def deliver():
    """E-mails leave by a background job: after the block, a worker runs the jobs it queued."""

    @contextlib.contextmanager
    def delivering():
        yield
        run_jobs()

    return delivering


# --- from the search page to a confirmed alert ----------------------------------------------------


def test_every_search_page_offers_an_alert_for_that_exact_search(client):
    make_resource(title="Play therapy with children", topics=["Children"])
    search = client.get("/en/resources/?q=children&kind=video&page=1&sort=oldest")
    topic = client.get(url_in("en", "search:topic", "children"))

    link = '<a href="/en/alerts/new/?q=children&amp;kind=video&amp;sort=oldest">'
    assert link + "E-mail me new resources for this search</a>" in search.text
    assert '<a href="/en/alerts/new/?topic=children">' in topic.text
    # A malformed address is named on the search page (400): no alert is offered for it.
    assert "/alerts/new/" not in client.get("/en/resources/?date_from=yesterday").text


def test_the_sign_up_page_says_in_words_what_the_search_is_in_the_pages_language(client):
    make_resource(title="Play therapy with children", topics=["Children"])

    response = client.get(url_in("fr", "alerts:new", query="q=jeu&kind=video&topic=children"))

    assert response.status_code == 200
    assert "Vidéos correspondant à « jeu » sur Children" in response.text
    assert "Les e-mails seront en français" in response.text
    assert '<label for="id_email">' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'aria-hidden="true"' in response.text and 'name="website"' in response.text
    assert '<input type="radio" name="frequency" value="weekly"' in response.text
    assert 'content="noindex"' in response.text
    assert "private" in response["Cache-Control"]
    robots = client.get("/robots.txt").text.splitlines()
    assert "Disallow: /alerts/" in robots and "Disallow: /fr/alerts/" in robots


def test_signing_up_e_mails_a_signed_link_and_nothing_is_sent_before_it_is_confirmed(
    client, deliver
):
    with deliver():
        response = sign_up(client, "q=interpreters", language="fr")

    assert response.status_code == 302
    assert response["Location"] == url_in("fr", "alerts:sent")
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert (
        message.subject
        == "Confirmez votre alerte par e-mail : Ressources correspondant à « interpreters »"
    )
    confirm = link_in(message.body, "confirm")
    assert confirm.startswith("/fr/alerts/confirm/")
    alert = Alert.objects.get()
    assert (alert.query, alert.frequency, alert.language) == ("q=interpreters", "daily", "fr")
    assert alert.confirmed_at is None
    assert links.LINKS.to_confirm(confirm.split("/")[-2]) == alert.pk

    make_resource(title="Working with interpreters")
    with deliver():
        assert send_due_alerts("daily", now=timezone.now() + dt.timedelta(days=2)) == 0
    assert len(mail.outbox) == 1


def test_opening_the_confirmation_link_confirms_nothing_until_the_button_is_pressed(
    client, deliver
):
    with deliver():
        sign_up(client, "q=interpreters")
    confirm = link_in(mail.outbox[0].body, "confirm")

    page = client.get(confirm)
    assert page.status_code == 200
    assert "Resources matching “interpreters”" in page.text
    assert '<button type="submit">Confirm</button>' in page.text
    assert Alert.objects.get().confirmed_at is None

    pressed = client.post(confirm)
    alert = Alert.objects.get()
    assert alert.confirmed_at is not None
    assert pressed["Location"] == url_in("en", "alerts:manage", alert.subscriber.token)
    assert "Your alert is on." in client.get(pressed["Location"]).text


def test_the_confirmation_link_expires_and_a_forged_one_is_refused(client, monkeypatch, deliver):
    with deliver():
        sign_up(client, "q=interpreters")
    confirm = link_in(mail.outbox[0].body, "confirm")
    eight_days_later = time.time() + 8 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_later)

    expired = client.post(confirm)
    forged = client.post(url_in("en", "alerts:confirm", f"{Alert.objects.get().pk + 1}:x:y"))

    assert expired.status_code == 400
    assert "This confirmation link has expired" in expired.text
    assert forged.status_code == 400
    assert Alert.objects.get().confirmed_at is None


def test_an_unconfirmed_sign_up_and_its_address_are_deleted_after_the_link_expires(client):
    sign_up(client, "q=interpreters")
    sign_up(client, "q=children", email="someone.else@example.org")
    kept = confirmed_alert("q=refugees", email="third@example.org")
    Alert.objects.filter(query="q=interpreters").update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )

    assert purge_unconfirmed() == 1

    assert sorted(Alert.objects.values_list("query", flat=True)) == ["q=children", "q=refugees"]
    assert not Subscriber.objects.filter(email=ADDRESS).exists()
    assert Subscriber.objects.filter(pk=kept.subscriber_id).exists()


# --- what an alert holds --------------------------------------------------------------------------


def test_a_daily_alert_holds_only_new_published_matching_resources_in_the_subscribers_language(
    deliver,
):
    now = timezone.now()
    alert = confirmed_alert("q=interpreters&kind=video", language="es",
                            confirmed_at=now - dt.timedelta(days=2))  # fmt: skip
    day_ago = now - dt.timedelta(days=1)
    make_resource(title="Interpreters before the alert", published_at=now - dt.timedelta(days=3))
    older = make_resource(title="Briefing interpreters", published_at=day_ago)
    newer = make_resource(title="Interpreters in court",
                          published_at=day_ago + dt.timedelta(hours=2))  # fmt: skip
    make_resource(title="Interpreters: the guide", kind=Resource.Kind.GUIDE, published_at=day_ago)
    make_resource(title="Play therapy", published_at=day_ago)
    for status in (Resource.Status.PENDING, Resource.Status.DRAFT, Resource.Status.ARCHIVED):
        make_resource(title=f"Interpreters {status} secret", status=status)

    with deliver():
        assert send_due_alerts("daily", now=now) == 1

    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert message.subject == "2 recursos nuevos: Vídeos que coinciden con «interpreters»"
    body = message.body
    assert body.index("Interpreters in court") < body.index("Briefing interpreters")  # newest first
    for absent in ["before the alert", "the guide", "Play therapy", "secret"]:
        assert absent not in body
    assert f"/es/resources/{newer.slug}/" in body and f"/es/resources/{older.slug}/" in body
    assert "Detener esta alerta:" in body
    unsubscribe = links.unsubscribe_url(alert)
    assert unsubscribe.startswith("http://127.0.0.1:8000/es/alerts/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK
    assert links.manage_url(alert.subscriber, "es") in body
    alert.refresh_from_db()
    assert alert.last_sent_at == alert.checked_until == now


def test_an_alert_holds_what_the_search_page_finds_for_the_same_query(client, deliver):
    now = timezone.now()
    # The page's own reading: the last word is also a prefix ("interpr" finds "Interpreters"),
    # and "-court" leaves a word out.
    alert = confirmed_alert("q=working+-court+interpr", confirmed_at=now - dt.timedelta(days=2))
    published = now - dt.timedelta(hours=5)
    found = make_resource(title="Working with interpreters", published_at=published)
    make_resource(title="Working with interpreters in court", published_at=published)
    page = client.get(url_in("en", "search:list", query=alert.query))
    assert [r.pk for r in page.context["resources"]] == [found.pk]

    with deliver():
        send_due_alerts("daily", now=now)

    assert "- Working with interpreters\n" in mail.outbox[0].body
    assert "in court" not in mail.outbox[0].body


def test_nothing_new_sends_nothing_and_sending_twice_in_a_period_sends_once(deliver):
    now = timezone.now()
    confirmed_alert("q=interpreters", confirmed_at=now - dt.timedelta(days=2))
    assert send_due_alerts("daily", now=now) == 0  # nothing new: no e-mail
    make_resource(title="Interpreters in court", published_at=now + dt.timedelta(minutes=1))

    assert send_due_alerts("daily", now=now + dt.timedelta(minutes=5)) == 0  # looked at today
    tomorrow = now + dt.timedelta(days=1)
    with deliver():
        assert send_due_alerts("daily", now=tomorrow) == 1
        assert send_due_alerts("daily", now=tomorrow) == 0
        assert send_due_alerts("daily", now=tomorrow + dt.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    assert send_due_alerts("weekly", now=tomorrow) == 0  # another frequency's run


def test_a_weekly_alert_goes_once_a_week(deliver):
    monday = dt.datetime(2026, 11, 30, 6, tzinfo=dt.UTC)
    confirmed_alert(
        "q=interpreters", frequency="weekly", confirmed_at=monday - dt.timedelta(days=5)
    )
    make_resource(title="Interpreters in court", published_at=monday - dt.timedelta(days=1))
    make_resource(title="Interpreters at work", published_at=monday + dt.timedelta(days=1))

    with deliver():
        assert send_due_alerts("weekly", now=monday) == 1
        assert send_due_alerts("weekly", now=monday + dt.timedelta(days=3)) == 0
        assert send_due_alerts("weekly", now=monday + dt.timedelta(days=7)) == 1
    assert "Interpreters at work" in mail.outbox[1].body
    assert "Interpreters in court" not in mail.outbox[1].body


def test_the_command_sends_the_due_alerts_and_forgets_expired_sign_ups(capsys):
    confirmed_alert("q=interpreters")
    make_resource(title="Interpreters in court", published_at=timezone.now() - dt.timedelta(days=1))

    call_command("send_alerts", "daily")

    assert "1 daily alert e-mail(s) queued" in capsys.readouterr().out
    assert OutboxMessage.objects.get().headers["List-Unsubscribe-Post"] == ONE_CLICK


# --- leaving ------------------------------------------------------------------------------------


def test_one_click_unsubscribe_deletes_the_alert_then_the_address_nothing_else_needs():
    first = confirmed_alert("q=interpreters", language="fr")
    second = confirmed_alert("q=children")
    mail_app = Client(enforce_csrf_checks=True)  # a mail provider's POST: no CSRF token

    response = mail_app.post(
        urlsplit(links.unsubscribe_url(first)).path, ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip

    assert response.status_code == 200
    assert "Alerte arrêtée" in response.text
    assert list(Alert.objects.all()) == [second]
    assert Subscriber.objects.filter(email=ADDRESS).exists()  # the other alert needs it

    mail_app.post(urlsplit(links.unsubscribe_url(second)).path, {"List-Unsubscribe": "One-Click"})
    assert not Alert.objects.exists()
    assert not Subscriber.objects.exists()
    again = mail_app.post(urlsplit(links.unsubscribe_url(second)).path, ONE_CLICK,
                          content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert again.status_code == 200


def test_opening_the_unsubscribe_link_never_unsubscribes(client):
    alert = confirmed_alert("q=interpreters")

    page = client.get(urlsplit(links.unsubscribe_url(alert)).path)
    client.head(urlsplit(links.unsubscribe_url(alert)).path)

    assert page.status_code == 200
    assert '<button type="submit">Stop it</button>' in page.text
    assert Alert.objects.filter(pk=alert.pk).exists()
    forged = client.post(url_in("en", "alerts:unsubscribe", f"{alert.pk}:forged"))
    assert forged.status_code == 400
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_the_manage_page_lists_the_alerts_in_words_and_changes_or_stops_them(client):
    make_resource(title="Play therapy", topics=["Children"])
    first = confirmed_alert("q=interpreters")
    second = confirmed_alert("kind=video&topic=children", frequency="weekly")
    page = url_in("en", "alerts:manage", first.subscriber.token)

    response = client.get(page)
    assert response.status_code == 200
    assert "Resources matching “interpreters”" in response.text
    assert "Videos about Children" in response.text
    assert "a…@example.org" in response.text and ADDRESS not in response.text

    changed = client.post(page, {"action": "frequency", "alert": first.pk, "frequency": "weekly"})
    assert changed.status_code == 302
    assert Alert.objects.get(pk=first.pk).frequency == "weekly"
    assert "this alert now comes weekly" in client.get(page).text

    client.post(page, {"action": "delete", "alert": second.pk})
    assert list(Alert.objects.all()) == [first]
    stale = client.post(page, {"action": "delete", "alert": second.pk})
    assert stale.status_code == 302
    assert client.post(page, {"action": "frequency", "alert": first.pk,
                              "frequency": "hourly"}).status_code == 400  # fmt: skip

    everything = client.post(page, {"action": "delete-all"})
    assert "All your alerts are stopped" in everything.text
    assert not Alert.objects.exists() and not Subscriber.objects.exists()
    assert client.get(page).status_code == 404


def test_the_manage_page_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    make_resource(title="Play therapy", topics=["Children", "Refugees"])
    first = confirmed_alert("topic=children")
    page = url_in("en", "alerts:manage", first.subscriber.token)
    client.get(page)
    with django_assert_max_num_queries(6) as few:
        client.get(page)
    for query in ["topic=refugees", "q=a&topic=children&topic=refugees", "kind=video"]:
        confirmed_alert(query)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page)
    assert response.text.count('name="action" value="delete"') == 4


# --- abuse ----------------------------------------------------------------------------------------


def test_too_many_sign_ups_from_one_address_get_a_429_with_the_form_kept(client, settings):
    settings.ALERT_RATE = "2/h"
    for email in ["a@example.org", "b@example.org"]:
        assert sign_up(client, "q=interpreters", email=email).status_code == 302

    response = sign_up(client, "q=interpreters", email="third@example.org", frequency="weekly")

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "wait an hour" in response.text
    assert 'value="third@example.org"' in response.text
    assert 'value="weekly" id="id_frequency_1" required checked>' in response.text
    assert "Resources matching “interpreters”" in response.text
    assert Alert.objects.count() == 2


@pytest.mark.parametrize("query,problem", [
    ("date_from=yesterday", "date_from: Enter a valid date."),
    ("kind=nonsense", "kind: Not a known value: nonsense."),
    ("topic=no-such-topic", "topic: It names something this directory does not have."),
    ("q=" + "x" * 201, "q: Ensure this value has at most 200 characters"),
])  # fmt: skip
def test_a_search_an_alert_cannot_be_made_of_is_refused_with_400_and_why(client, query, problem):
    page = client.get(url_in("en", "alerts:new", query=query))
    sent = sign_up(client, query)

    assert page.status_code == sent.status_code == 400
    assert problem in page.text
    assert "This search cannot become an alert" in sent.text
    assert not Alert.objects.exists() and not mail.outbox


def test_the_honeypot_and_a_form_sent_too_fast_are_refused_and_kept(client):
    trapped = sign_up(client, "q=interpreters", website="http://spam.example")
    hasty = sign_up(client, "q=interpreters", started=started(seconds_ago=0))
    typo = sign_up(client, "q=interpreters", email="amina at example")

    assert trapped.status_code == hasty.status_code == typo.status_code == 400
    assert "quicker than a person" in hasty.text
    assert 'value="amina at example"' in typo.text
    assert 'aria-describedby="id_email_helptext id_email_error"' in typo.text
    assert '<p class="error" id="id_email_error">' in typo.text
    assert not Alert.objects.exists()


def test_a_stranger_cannot_fill_an_inbox_with_confirmation_requests(client, deliver):
    with deliver():
        for n in range(MAX_UNCONFIRMED + 2):
            assert sign_up(client, f"q=word{n}").status_code == 302

    assert len(mail.outbox) == MAX_UNCONFIRMED
    assert Alert.objects.count() == MAX_UNCONFIRMED


def test_csrf_is_enforced_on_sign_up_and_on_the_manage_page(client):
    alert = confirmed_alert("q=interpreters")
    strict = Client(enforce_csrf_checks=True)
    manage = url_in("en", "alerts:manage", alert.subscriber.token)

    assert sign_up(strict, "q=interpreters", email="x@example.org").status_code == 403
    assert strict.post(manage, {"action": "delete-all"}).status_code == 403
    assert (
        strict.post(url_in("en", "alerts:confirm", links.LINKS.confirm_token(alert.pk))).status_code
        == 403
    )
    assert Alert.objects.count() == 1


def test_the_sign_up_page_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    make_resource(title="Play therapy", topics=["Children", "Refugees", "Torture"])
    one = url_in("en", "alerts:new", query="topic=children")
    many = url_in("en", "alerts:new", query="topic=children&topic=refugees&topic=torture&q=x")
    client.get(one)
    with django_assert_max_num_queries(4) as counted:
        client.get(one)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert client.get(many).status_code == 200


# --- privacy --------------------------------------------------------------------------------------


def test_signing_up_answers_the_same_whether_the_address_is_known_or_not(client, deliver):
    confirmed_alert("q=interpreters")
    with deliver():
        known = sign_up(client, "q=interpreters")
        new = sign_up(client, "q=interpreters", email="new.person@example.org")

    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert Alert.objects.count() == 2
    # What differs goes to the address only: a note that it already has this alert.
    already, confirm = mail.outbox
    assert already.to == [ADDRESS] and "already receives" in already.body
    assert "/alerts/confirm/" not in already.body and "/alerts/manage/" in already.body
    assert confirm.to == ["new.person@example.org"] and "/alerts/confirm/" in confirm.body


def test_no_page_shows_an_address(client, admin_client, deliver):
    alert = confirmed_alert("q=interpreters")
    make_resource(title="Interpreters in court", published_at=timezone.now() - dt.timedelta(days=1))
    with deliver():
        sign_up(client, "q=children")
        send_due_alerts("daily")
    pages = [
        client.get(url_in("en", "alerts:new", query="q=children")),
        client.get(url_in("en", "alerts:sent")),
        client.get(link_in(mail.outbox[0].body, "confirm")),
        client.get(urlsplit(links.unsubscribe_url(alert)).path),
        client.get(url_in("en", "alerts:manage", alert.subscriber.token)),
        admin_client.get(reverse("admin:index")),
        admin_client.get(reverse("admin:common_outboxmessage_changelist")),
        *[admin_client.get(reverse("admin:common_outboxmessage_change", args=[message.pk]))
          for message in OutboxMessage.objects.all()],
    ]  # fmt: skip

    for page in pages:
        assert page.status_code == 200
        assert "amina.farah" not in page.text
    counts = pages[5].text
    assert "<strong>1</strong> daily and <strong>0</strong> weekly alerts confirmed" in counts
    assert "<strong>1</strong> sign-up waiting for confirmation" in counts
    assert "<strong>1</strong> subscribed address" in counts
    registered = {model._meta.label for model in admin.site._registry}
    assert not registered & {"common.Subscriber", "alerts.Alert"}


def test_the_outbox_keeps_the_headers_for_a_retry(settings, deliver):
    settings.EMAIL_BACKEND = "tests.test_share.FailingBackend"
    confirmed_alert("q=interpreters")
    make_resource(title="Interpreters in court", published_at=timezone.now() - dt.timedelta(days=1))
    with deliver():
        send_due_alerts("daily")
    assert OutboxMessage.objects.get().status == "failed"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox")

    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == ONE_CLICK


# --- whatever is sent, no 500 ---------------------------------------------------------------------

SEARCH_PARAMETERS = [*sorted(ResourceFilterSet.base_filters), "page"]
SIGN_UP_VALUES = st.one_of(
    st.sampled_from(["amina@example.org", "a@b", "not an address", "daily", "weekly", "hourly",
                     "", "\x00", "x" * 300, started(), started(0), "x:y:z"]),
    st.text(max_size=40),
)  # fmt: skip


@pytest.fixture
def interpreting(db):
    return make_resource(title="Interpreters in court", topics=["Interpreting"])


@BOUNDED
@given(query=st.one_of(query_strings(SEARCH_PARAMETERS), RAW_QUERIES),
       body=st.dictionaries(st.sampled_from(["email", "frequency", "website", "started"]),
                            SIGN_UP_VALUES))  # fmt: skip
def test_any_search_and_any_sign_up_is_answered_without_a_500(client, interpreting, query, body):
    path = url_in("en", "alerts:new")
    body.setdefault("started", started())

    assert client.get(path, QUERY_STRING=query).status_code in {200, 400}
    assert client.post(f"{path}?{query}", body).status_code in {302, 400, 429}


# Anything but a path separator, a query, a fragment or an escape (and lone surrogates, which
# no URL can carry).
TOKEN_CHARACTERS = st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#%")


@BOUNDED
@given(token=st.text(alphabet=TOKEN_CHARACTERS, min_size=1, max_size=80))
def test_any_link_token_is_answered_without_a_500(client, token):
    for name in ("alerts:confirm", "alerts:unsubscribe", "alerts:manage"):
        # Even what no address of ours looks like (a 404 before any view).
        path = url_in("en", name, "x").replace("/x/", f"/{quote(token, safe='')}/")
        for response in (client.get(path), client.post(path, {"action": "delete-all"})):
            assert response.status_code in {200, 302, 400, 404}, (name, token)


# --- in a browser: a phone, no JavaScript, the keyboard ---------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("close_server_connections")
def test_on_a_phone_without_javascript_the_keyboard_reaches_a_confirmed_alert(
    live_server, browser, settings
):
    from playwright.sync_api import expect

    settings.FORM_MIN_SECONDS = 0
    make_resource(title="Working with interpreters")
    connection.close()  # as in test_browser: the live server's connections only, from here
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}{url_in('en', 'search:list', query='q=interpreters')}")

    link = page.get_by_role("link", name="E-mail me new resources for this search")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "E-mail me new resources for this search"
    )
    expect(page.locator(".lead")).to_contain_text("Resources matching “interpreters”")
    address = page.get_by_label("Your e-mail address")
    expect(address).to_have_accessible_description(re.compile("We send a link to confirm it"))
    address.focus()
    page.keyboard.type(ADDRESS)
    page.keyboard.press("Tab")  # the frequencies: a group of radio buttons, weekly chosen
    expect(page.get_by_role("radio", name="Weekly")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.get_by_role("radio", name="Daily")).to_be_checked()
    with page.expect_navigation() as sent:
        page.keyboard.press("Enter")
    assert sent.value.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    # The worker sends the confirmation (from a thread of its own: Playwright's loop runs here).
    worker = threading.Thread(target=run_jobs)
    worker.start()
    worker.join()
    (message,) = mail.outbox
    page.goto(live_server.url + link_in(message.body, "confirm"))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        "Your alert is on. Here are all the alerts of your address."
    )
    expect(page.get_by_role("heading", level=2)).to_have_text("Resources matching “interpreters”")
    assert Alert.objects.get().frequency == "daily"
    connection.close()  # opened while Playwright runs: closed here, or the test database stays busy
    context.close()
