"""The quarterly digest: new published resources by type and the coming sessions, as a page and
as an e-mail."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digest.digest import Digest, InvalidPeriod, Quarter
from digest.mailing import DigestEmail
from resources.models import Resource

from .factories import make_organization, make_resource
from .jobs import run_jobs

pytestmark = pytest.mark.django_db


def digest_url(period: str) -> str:
    return reverse("digest", kwargs={"period": period})


def at(year, month, day, hour=12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def quarter_content():
    """Content around the second quarter of 2026."""
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT")
    return {
        "video": make_resource(title="New video on sleep", kind=Resource.Kind.VIDEO,
                               published_at=at(2026, 5, 3), organizations=[cvt]),
        "webinar": make_resource(title="New webinar on grief", kind=Resource.Kind.WEBINAR,
                                 published_at=at(2026, 4, 1, 0)),
        "guide": make_resource(title="New guide for interpreters", kind=Resource.Kind.GUIDE,
                               published_at=at(2026, 6, 30, 23)),
        "before": make_resource(title="Published in March", published_at=at(2026, 3, 31, 23)),
        "after": make_resource(title="Published in July", published_at=at(2026, 7, 1, 0)),
        "pending": make_resource(title="Pending proposal", status=Resource.Status.PENDING,
                                 published_at=at(2026, 5, 1)),
        "draft": make_resource(title="Draft item", status=Resource.Status.DRAFT),
        "session": make_resource(title="Webinar in August", kind=Resource.Kind.WEBINAR,
                                 published_at=at(2026, 1, 5),
                                 starts_at=at(2026, 8, 20, 17), timezone="America/Chicago"),
        "soon": make_resource(title="E-consultation in June", kind=Resource.Kind.E_CONSULTATION,
                              published_at=at(2026, 1, 5), starts_at=at(2026, 6, 2, 9),
                              timezone="Europe/Copenhagen"),
        "late": make_resource(title="Event in October", kind=Resource.Kind.EVENT,
                              published_at=at(2026, 1, 5), starts_at=at(2026, 10, 1, 9),
                              timezone="UTC"),
        "hidden_session": make_resource(title="Rejected session", kind=Resource.Kind.WEBINAR,
                                        status=Resource.Status.REJECTED,
                                        starts_at=at(2026, 6, 10, 9), timezone="UTC"),
    }  # fmt: skip


def test_quarters_parse_and_step():
    now = at(2026, 11, 22)
    assert Quarter.parse("2026-q4", now=now) == Quarter(2026, 4)
    assert Quarter.parse("2027-Q1", now=now) == Quarter(2027, 1)  # the next quarter is allowed
    assert Quarter(2026, 4).next == Quarter(2027, 1)
    assert Quarter(2027, 1).previous == Quarter(2026, 4)
    assert Quarter(2026, 4).start == at(2026, 10, 1, 0)
    assert Quarter(2026, 4).end == at(2027, 1, 1, 0)
    assert Quarter(2026, 2).label == "April–June 2026"
    for bad in ["2026-q5", "2026-q0", "2026q4", "26-q1", "2026-q4x", "", "1999-q4", "2027-q2"]:
        with pytest.raises(InvalidPeriod):
            Quarter.parse(bad, now=now)


def test_the_digest_groups_new_published_resources_by_type(quarter_content):
    digest = Digest(Quarter(2026, 2), now=at(2026, 11, 22))

    groups = [(g.label, [r.title for r in g.resources]) for g in digest.groups]

    assert groups == [
        ("Webinar", ["New webinar on grief"]),
        ("Video", ["New video on sleep"]),
        ("Guide or manual", ["New guide for interpreters"]),
    ]
    assert digest.new_count == 3
    # Sessions starting in this quarter or the next, published only, in date order.
    assert [s.title for s in digest.sessions] == ["E-consultation in June", "Webinar in August"]
    august = digest.sessions[1]
    assert august.when == "Thursday 20 August 2026, 12:00 CDT"
    assert august.when_utc == "20 Aug, 17:00 UTC"


def test_the_digest_page(client, quarter_content):
    response = client.get(digest_url("2026-q2"))

    assert response.status_code == 200
    text = response.text
    for title in ["New video on sleep", "New webinar on grief", "New guide for interpreters",
                  "E-consultation in June", "Webinar in August"]:  # fmt: skip
        assert title in text, title
    for title in ["Published in March", "Published in July", "Pending proposal", "Draft item",
                  "Rejected session", "Event in October"]:  # fmt: skip
        assert title not in text, title
    assert text.index("<h3>Webinar (1)</h3>") < text.index("<h3>Video (1)</h3>")
    assert f'href="{digest_url("2026-q1")}"' in text and f'href="{digest_url("2026-q3")}"' in text
    assert f'<link rel="canonical" href="http://testserver{digest_url("2026-q2")}">' in text


@pytest.mark.parametrize(
    "period", ["2026-q5", "2026-q0", "2026-4", "q4-2026", "2099-q1", "1999-q4"]
)
def test_a_malformed_or_far_future_quarter_is_not_found(client, period):
    assert client.get(digest_url(period)).status_code == 404


def test_one_address_per_quarter(client):
    response = client.get(digest_url("2026-Q2"))
    assert response.status_code == 301
    assert response["Location"] == digest_url("2026-q2")
    assert client.get(reverse("latest-digest")).status_code == 302


def test_the_digest_page_costs_the_same_queries_for_more_content(client, quarter_content):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(digest_url("2026-q2")).status_code == 200
        return len(captured)

    few = queries()
    for i in range(8):
        make_resource(title=f"More {i}", kind=Resource.Kind.REPORT, published_at=at(2026, 5, 9),
                      organizations=[make_organization()],
                      starts_at=at(2026, 9, 1 + i), timezone="UTC")  # fmt: skip
    assert queries() == few


def test_a_long_digest_lists_the_first_sessions_and_links_to_the_rest(client, monkeypatch):
    monkeypatch.setattr("digest.digest.MAX_SESSIONS", 2)
    for i in range(3):
        make_resource(title=f"Session {i}", kind=Resource.Kind.WEBINAR, published_at=at(2026, 5, 1),
                      starts_at=at(2026, 6, 1 + i), timezone="UTC")  # fmt: skip

    page = client.get(digest_url("2026-q2"))

    assert [s.title for s in page.context["sessions"]] == ["Session 0", "Session 1"]
    assert "Every upcoming session is on the events page." in page.text
    assert f'href="{reverse("opendata:events")}"' in page.text


def test_everything_in_the_digest_is_escaped(client):
    make_resource(title="<script>alert(1)</script>", summary="<b>bold</b> & more",
                  published_at=at(2026, 5, 1))  # fmt: skip

    page = client.get(digest_url("2026-q2")).text
    _subject, text, html = DigestEmail(Quarter(2026, 2), "en").render()

    for rendered in (page, html):
        assert "<script>alert(1)" not in rendered
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in rendered
    assert "<script>alert(1)</script>" in text  # plain text is not HTML
    assert "<b>bold</b> & more" in text


def test_the_command_prints_the_html_email(quarter_content, capsys, settings):
    settings.SITE_URL = "https://healtorture.example"

    call_command("digest", "2026-q2")
    html = capsys.readouterr().out

    assert html.startswith("<!doctype html>")
    assert "<table" not in html and "<style" not in html and "<script" not in html
    assert "New video on sleep" in html and "Pending proposal" not in html
    video = quarter_content["video"]
    assert f'href="https://healtorture.example{video.get_absolute_url()}"' in html
    assert f'href="https://healtorture.example{digest_url("2026-q2")}"' in html


def test_the_command_writes_to_a_file(quarter_content, tmp_path):
    path = tmp_path / "digest.html"
    call_command("digest", "2026-q2", output=str(path))
    assert "New webinar on grief" in path.read_text(encoding="utf-8")

    call_command("digest", "2026-q2", output=str(path), text=True)
    assert path.read_text(encoding="utf-8").startswith("HealTorture digest, April–June 2026")


def test_the_command_sends_html_with_a_plain_text_alternative(quarter_content, mailoutbox):
    call_command("digest", "2026-q2", send_to="a@example.org, b@example.org")
    assert mailoutbox == []  # queued in the outbox: a worker sends it
    run_jobs()

    assert [m.to for m in mailoutbox] == [["a@example.org"], ["b@example.org"]]
    message = mailoutbox[0]
    assert message.subject == "HealTorture digest, April–June 2026"
    assert "New video on sleep" in message.body
    assert "<h3>" not in message.body and "<a " not in message.body  # plain text, no markup
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "<h3>Video (1)</h3>" in html


def test_the_command_refuses_bad_input(mailoutbox):
    with pytest.raises(CommandError, match="quarter"):
        call_command("digest", "2026-q9")
    with pytest.raises(CommandError, match="not an e-mail address"):
        call_command("digest", "2026-q2", send_to="a@example.org,nobody")
    assert mailoutbox == []


def test_sessions_that_give_only_their_day_are_listed_by_that_day(client, quarter_content):
    make_resource(title="Webinar on 1 July, time not given", kind=Resource.Kind.WEBINAR,
                  date=dt.date(2026, 7, 1), published_at=at(2026, 1, 5))  # fmt: skip
    make_resource(title="Video of 1 July", kind=Resource.Kind.VIDEO, date=dt.date(2026, 7, 1))
    make_resource(title="Webinar of March", kind=Resource.Kind.WEBINAR, date=dt.date(2026, 3, 31))

    digest = Digest(Quarter(2026, 2), now=at(2026, 7, 2))

    assert [s.title for s in digest.sessions] == [
        "E-consultation in June", "Webinar on 1 July, time not given", "Webinar in August",
    ]  # fmt: skip
    day = digest.sessions[1]
    assert (day.when, day.when_utc, day.is_past) == ("Wednesday 1 July 2026", None, True)
    text = client.get(digest_url("2026-q2")).text
    assert "<strong>Wednesday 1 July 2026</strong>" in text


def test_an_empty_quarter_leads_to_the_latest_one_with_new_resources(client, settings):
    settings.SITE_URL = "https://healtorture.example"
    make_resource(title="Older guide", published_at=at(2025, 2, 10))
    make_resource(title="Oldest guide", published_at=at(2024, 5, 1))
    make_resource(title="Draft of later", status=Resource.Status.DRAFT)

    empty = client.get(digest_url("2026-q2")).text
    searched = client.get(digest_url("2026-q2") + "?q=oldest").text
    full = client.get(digest_url("2025-q1")).text
    _subject, text, _html = DigestEmail(Quarter(2026, 2), "en").render()

    assert "Nothing new was published in April–June 2026." in empty
    link = f'<a href="{digest_url("2025-q1")}">The latest new resources: January–March 2025</a>'
    assert link in empty
    assert f'<a href="{digest_url("2024-q2")}?q=oldest">' in searched  # the search's own news
    assert "The latest new resources" not in full
    assert (
        f"The latest new resources: January–March 2025 https://healtorture.example{digest_url('2025-q1')}"
        in text
    )
