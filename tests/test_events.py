"""The events page and the iCalendar files: order, time zones, DST, stable UIDs, published only."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from resources.models import Resource

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db

UTC = dt.UTC
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def session(title, starts_at, *, zone="Europe/Copenhagen", hours=1, **fields):
    fields.setdefault("kind", Resource.Kind.WEBINAR)
    return make_resource(
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours) if hours else None,
        timezone=zone,
        **fields,
    )


@pytest.fixture
def sessions():
    now = timezone.now()
    org = make_organization(name="Center for Victims of Torture", acronym="CVT")
    return {
        "soon": session(
            "Soon webinar",
            now + dt.timedelta(days=2),
            organizations=[org],
            registration_url="https://example.org/register-soon",
            topics=["Children"],
        ),
        "later": session(
            "Later e-consultation",
            now + dt.timedelta(days=20),
            kind=Resource.Kind.E_CONSULTATION,
            zone="America/Chicago",
        ),
        "ongoing": session("Ongoing training", now - dt.timedelta(minutes=30), hours=2),
        "recent": session(
            "Recent webinar",
            now - dt.timedelta(days=10),
            recording_url="https://example.org/recording-recent",
            topics=["Children"],
        ),
        "older": session("Older webinar", now - dt.timedelta(days=60)),
        "ancient": session(
            "Ancient webinar",
            now - dt.timedelta(days=400),
            recording_url="https://example.org/recording-ancient",
        ),
        "pending": session(
            "Secret pending session",
            now + dt.timedelta(days=3),
            status=Resource.Status.PENDING,
            topics=["Children"],
        ),
        "draft_past": session(
            "Secret draft session", now - dt.timedelta(days=3), status=Resource.Status.DRAFT
        ),
        "video": make_resource(title="A recorded video, not a session"),
    }


# --- the page -----------------------------------------------------------------------------------


def test_the_events_page_lists_upcoming_then_past_sessions(client, sessions):
    response = client.get(reverse("opendata:events"))

    assert response.status_code == 200
    assert [r.title for r in response.context["upcoming"]] == [
        "Ongoing training", "Soon webinar", "Later e-consultation",
    ]  # fmt: skip
    assert [r.title for r in response.context["past"]] == [
        "Recent webinar", "Older webinar", "Ancient webinar",
    ]  # fmt: skip
    text = response.text
    order = [text.index(t) for t in ("Soon webinar", "Later e-consultation", "Recent webinar",
                                     "Older webinar", "Ancient webinar")]  # fmt: skip
    assert order == sorted(order)
    for secret in ("Secret pending", "Secret draft", "A recorded video"):
        assert secret not in text


def test_the_events_page_shows_the_session_zone_and_utc(client):
    start = dt.datetime(2099, 3, 30, 10, 0, tzinfo=COPENHAGEN)  # CEST, UTC+2
    session("Copenhagen session", start, registration_url="https://example.org/register")

    text = client.get(reverse("opendata:events")).text

    assert "Monday 30 March 2099, 10:00–11:00 CEST" in text
    assert "(30 Mar, 08:00 UTC)" in text


def test_the_events_page_links_registration_calendar_and_recordings(client, sessions):
    text = client.get(reverse("opendata:events")).text

    assert 'href="https://example.org/register-soon"' in text
    soon = reverse("opendata:calendar", args=[sessions["soon"].slug])
    assert f'href="{soon}" download>Add to calendar' in text
    assert 'href="https://example.org/recording-recent"' in text
    assert 'href="https://example.org/recording-ancient"' in text
    assert f'href="{reverse("opendata:events-ics")}"' in text


def test_past_sessions_are_paginated(client):
    start = timezone.now() - dt.timedelta(days=1)
    for i in range(25):
        session(f"Past {i:02}", start - dt.timedelta(days=i))

    first = client.get(reverse("opendata:events"))
    second = client.get(reverse("opendata:events"), {"page": 2})

    assert len(first.context["past"]) == 20
    assert [r.title for r in second.context["past"]] == [f"Past {i:02}" for i in range(20, 25)]
    assert 'rel="next" href="?page=2"' in first.text


def test_the_soonest_upcoming_sessions_are_listed_with_a_link_to_all_of_them(client):
    start = timezone.now() + dt.timedelta(days=1)
    for i in range(22):
        session(f"Soon {i:02}", start + dt.timedelta(days=i))

    page = client.get(reverse("opendata:events"))
    every = client.get(reverse("search:list"), {"upcoming": "true", "sort": "oldest"})

    assert [r.title for r in page.context["upcoming"]] == [f"Soon {i:02}" for i in range(20)]
    assert "Every upcoming session, soonest first" in page.text
    assert every.context["search"].total == 22
    assert [r.title for r in every.context["page_obj"]][:2] == ["Soon 00", "Soon 01"]


def test_the_events_page_runs_a_constant_number_of_queries(
    client, sessions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        client.get(reverse("opendata:events"))
    now = timezone.now()
    for i in range(15):
        orgs = [make_organization(), make_organization()]
        session(f"Extra upcoming {i}", now + dt.timedelta(days=i + 1), organizations=orgs)
        session(f"Extra past {i}", now - dt.timedelta(days=i + 1), organizations=orgs)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("opendata:events"))
    assert len(response.context["upcoming"]) == 18


def test_the_home_page_and_navigation_link_the_events(client, sessions):
    text = client.get(reverse("home")).text

    arrow = '<span class="arrow" aria-hidden="true">→</span>'
    assert f'<a href="{reverse("opendata:events")}">All events {arrow}</a>' in text
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', text, re.S).group(0)
    assert reverse("opendata:events") in nav


# --- iCalendar ----------------------------------------------------------------------------------


def ics(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert re.match(r'(attachment|inline); filename="[-a-z0-9]+\.ics"$',
                    response["Content-Disposition"])  # fmt: skip
    text = response.content.decode()
    assert "\r\n" in text and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    calendar = Calendar.from_ical(response.content)
    calendar.validate()
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    return calendar


def events_of(calendar) -> dict:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_a_session_calendar_keeps_its_zone_across_a_dst_change(client):
    # Copenhagen moves from UTC+1 to UTC+2 on 29 March 2026.
    before = session("Before the change", dt.datetime(2026, 3, 28, 10, tzinfo=COPENHAGEN),
                     registration_url="https://example.org/register")  # fmt: skip
    after = session("After the change", dt.datetime(2026, 3, 30, 10, tzinfo=COPENHAGEN))

    for resource, utc_hour in ((before, 9), (after, 8)):
        response = client.get(reverse("opendata:calendar", args=[resource.slug]))
        calendar = ics(response)
        assert response["Content-Disposition"] == f'attachment; filename="{resource.slug}.ics"'

        (event,) = calendar.walk("VEVENT")
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert f"DTSTART;TZID=Europe/Copenhagen:202603{resource.starts_at.day:02}T100000" in (
            response.content.decode()
        )
        start = event.decoded("DTSTART")
        assert start.hour == 10
        assert start.astimezone(UTC) == dt.datetime(2026, 3, resource.starts_at.day, utc_hour,
                                                    tzinfo=UTC)  # fmt: skip
        assert event.decoded("DTEND").astimezone(UTC) == start.astimezone(UTC) + dt.timedelta(
            hours=1
        )
        zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
        assert zones == ["Europe/Copenhagen"]


def test_a_session_calendar_has_every_property_a_calendar_needs(client):
    resource = session(
        "Working with interpreters",
        dt.datetime(2099, 6, 1, 15, tzinfo=CHICAGO),
        zone="America/Chicago",
        summary="How to work with interpreters; safely, and well.",
        registration_url="https://example.org/register",
        topics=["Interpreters", "Children"],
    )
    url = reverse("opendata:calendar", args=[resource.slug])

    event = ics(client.get(url)).walk("VEVENT")[0]

    page = f"http://testserver{resource.get_absolute_url()}"
    assert str(event["UID"]) == f"resource-{resource.pk}@healtorture"
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["SUMMARY"]) == "Working with interpreters"
    description = str(event["DESCRIPTION"])
    assert description.startswith("How to work with interpreters; safely, and well.")
    assert page in description and "https://example.org/register" in description
    assert str(event["URL"]) == page
    assert str(event["LOCATION"]) == "https://example.org/register"
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event.decoded("DTSTART").astimezone(UTC) == dt.datetime(2099, 6, 1, 20, tzinfo=UTC)
    assert event.categories == ["Children", "Interpreters"]


def test_a_session_without_an_end_gets_an_hour_and_says_so(client):
    resource = session("Open-ended", dt.datetime(2099, 1, 5, 9, tzinfo=COPENHAGEN), hours=0)

    event = ics(client.get(reverse("opendata:calendar", args=[resource.slug]))).walk("VEVENT")[0]

    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=1)
    assert "end time was not given" in str(event["DESCRIPTION"])


def test_uids_and_content_are_stable_across_requests(client, sessions):
    url = reverse("opendata:calendar", args=[sessions["soon"].slug])
    assert client.get(url).content == client.get(url).content

    first = ics(client.get(reverse("opendata:events-ics")))
    second = ics(client.get(reverse("opendata:events-ics")))
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in second.walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    assert f"resource-{sessions['soon'].pk}@healtorture" in uids


def test_a_resource_without_a_session_or_unpublished_has_no_calendar(client, sessions):
    for key in ("video", "pending", "draft_past"):
        url = reverse("opendata:calendar", args=[sessions[key].slug])
        assert client.get(url).status_code == 404, key
    assert client.get(reverse("opendata:calendar", args=["no-such-thing"])).status_code == 404


def test_the_events_calendar_holds_upcoming_and_recent_published_sessions(client, sessions):
    response = client.get(reverse("opendata:events-ics"))
    calendar = ics(response)

    assert set(events_of(calendar)) == {
        "Soon webinar", "Later e-consultation", "Ongoing training", "Recent webinar",
        "Older webinar",
    }  # fmt: skip
    assert str(calendar["X-WR-CALNAME"]) == "HealTorture live sessions"
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert zones == {"Europe/Copenhagen", "America/Chicago"}
    assert calendar.get_missing_tzids() == set()
    assert "Secret" not in response.text


def test_the_events_calendar_is_right_across_a_dst_change(client):
    year = timezone.now().year + 1
    # Europe moves to summer time on the last Sunday of March: always between these two days.
    session("Winter time", dt.datetime(year, 3, 20, 10, tzinfo=COPENHAGEN))
    session("Summer time", dt.datetime(year, 4, 5, 10, tzinfo=COPENHAGEN))

    events = events_of(ics(client.get(reverse("opendata:events-ics"))))

    winter, summer = events["Winter time"], events["Summer time"]
    assert (
        winter["DTSTART"].params["TZID"]
        == summer["DTSTART"].params["TZID"]
        == ("Europe/Copenhagen")
    )
    assert winter.decoded("DTSTART").astimezone(UTC).hour == 9
    assert summer.decoded("DTSTART").astimezone(UTC).hour == 8


def test_an_empty_calendar_is_still_valid(client):
    calendar = ics(client.get(reverse("opendata:events-ics")))
    assert not calendar.walk("VEVENT")


def test_a_topic_calendar_holds_only_that_topics_sessions(client, sessions):
    response = client.get(reverse("opendata:topic-events-ics", args=["children"]))
    calendar = ics(response)

    assert set(events_of(calendar)) == {"Soon webinar", "Recent webinar"}
    assert "Children" in str(calendar["X-WR-CALNAME"])
    url = reverse("opendata:topic-events-ics", args=["no-such-topic"])
    assert client.get(url).status_code == 404


# A topic's calendar is named in the visitor's language: the thesaurus version, and the
# thesaurus when it has changed.
@pytest.mark.parametrize(
    # Upcoming sessions and recent past ones are read apart (the soonest are never crowded out).
    "name,args,budget",
    [("events-ics", [], 4), ("topic-events-ics", ["children"], 6)],
)
def test_calendars_run_a_constant_number_of_queries(
    client, sessions, django_assert_max_num_queries, name, args, budget
):
    url = reverse(f"opendata:{name}", args=args)
    with django_assert_max_num_queries(budget):
        before = len(ics(client.get(url)).walk("VEVENT"))
    now = timezone.now()
    for i in range(10):
        session(f"More {i}", now + dt.timedelta(days=i + 1), zone="Asia/Kolkata",
                topics=["Children", f"Topic {i}"])  # fmt: skip
    with django_assert_max_num_queries(budget):
        assert len(ics(client.get(url)).walk("VEVENT")) == before + 10


def test_a_full_calendar_keeps_the_soonest_upcoming_sessions(client, monkeypatch):
    monkeypatch.setattr("opendata.calendars.CALENDAR_LIMIT", 3)
    now = timezone.now()
    session("Last week", now - dt.timedelta(days=7))
    for i in range(4):
        session(f"Soon {i}", now + dt.timedelta(days=i + 1))

    events = ics(client.get(reverse("opendata:events-ics"))).walk("VEVENT")

    assert [str(event["SUMMARY"]) for event in events] == ["Soon 0", "Soon 1", "Soon 2"]


def test_the_resource_page_offers_add_to_calendar_for_upcoming_sessions_only(client, sessions):
    for key, offered in (("soon", True), ("recent", False), ("video", False)):
        resource = sessions[key]
        text = client.get(resource.get_absolute_url()).text
        link = reverse("opendata:calendar", args=[resource.slug])
        assert (f'href="{link}"' in text) is offered, key


# --- sessions that give their day, not their time ----------------------------------------------


def day_session(title, day, **fields):
    fields.setdefault("kind", Resource.Kind.WEBINAR)
    return make_resource(title=title, date=day, **fields)


@pytest.fixture
def day_sessions(sessions):
    """Webinars and e-consultations with a date and no time, beside the timed sessions."""
    today = timezone.localdate()
    return {
        "today": day_session("Webinar today, time not given", today),
        "next_week": day_session("E-consultation next week", today + dt.timedelta(days=7),
                                 kind=Resource.Kind.E_CONSULTATION),
        "last_month": day_session("Webinar last month", today - dt.timedelta(days=30),
                                  recording_url="https://example.org/recording-last-month"),
        "years_ago": day_session("Webinar of 2017", dt.date(2017, 7, 19)),
        "undated": make_resource(title="Webinar without a date", kind=Resource.Kind.WEBINAR),
        "dated_video": make_resource(title="A dated video", date=today + dt.timedelta(days=3)),
        "draft": day_session("Secret dated draft", today, status=Resource.Status.DRAFT),
    }  # fmt: skip


def test_sessions_that_give_only_their_day_are_listed_by_that_day(client, day_sessions):
    response = client.get(reverse("opendata:events"))

    upcoming = [r.title for r in response.context["upcoming"]]
    # Today's: a day's sessions without a time come before its timed ones (the session that
    # started half an hour ago may have started yesterday, in UTC).
    assert set(upcoming[:2]) == {"Ongoing training", "Webinar today, time not given"}
    assert upcoming[2:] == ["Soon webinar", "E-consultation next week", "Later e-consultation"]
    assert [r.title for r in response.context["past"]] == [
        "Recent webinar", "Webinar last month", "Older webinar", "Ancient webinar",
        "Webinar of 2017",
    ]  # fmt: skip
    text = response.text
    # A day, with no time and no zone.
    next_week = timezone.localdate() + dt.timedelta(days=7)
    assert (
        f'<time datetime="{next_week:%Y-%m-%d}">{next_week:%A} {next_week.day} '
        f"{next_week:%B %Y}</time>"
    ) in text
    assert '<time datetime="2017-07-19">Wednesday 19 July 2017</time>' in text
    assert 'href="https://example.org/recording-last-month"' in text
    assert "No past sessions yet" not in text
    for absent in ("Webinar without a date", "A dated video", "Secret dated draft"):
        assert absent not in text


def test_a_session_without_a_time_is_an_all_day_event_in_calendars(client, day_sessions):
    resource = day_sessions["next_week"]
    response = client.get(reverse("opendata:calendar", args=[resource.slug]))
    calendar = ics(response)

    (event,) = calendar.walk("VEVENT")
    day = resource.date
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in response.text
    assert event.decoded("DTSTART") == day
    assert event.decoded("DTEND") == day + dt.timedelta(days=1)
    assert "end time was not given" not in str(event["DESCRIPTION"])
    assert not calendar.walk("VTIMEZONE")

    subscribed = events_of(ics(client.get(reverse("opendata:events-ics"))))
    assert {"Webinar today, time not given", "E-consultation next week", "Webinar last month",
            "Soon webinar", "Recent webinar"} <= set(subscribed)  # fmt: skip
    # Past the calendar's 90 days, and not sessions at all: left out.
    for absent in ("Webinar of 2017", "Webinar without a date", "A dated video"):
        assert absent not in subscribed
    assert subscribed["Webinar last month"].decoded("DTSTART") == day_sessions["last_month"].date


def test_a_calendar_of_sessions_without_a_time_only_needs_no_time_zone(client):
    day_session("Only a day", timezone.localdate() + dt.timedelta(days=2))

    calendar = ics(client.get(reverse("opendata:events-ics")))

    assert list(events_of(calendar)) == ["Only a day"]
    assert not calendar.walk("VTIMEZONE")


def test_the_search_finds_upcoming_sessions_without_a_time(client, day_sessions):
    response = client.get(reverse("search:list"), {"upcoming": "true", "sort": "oldest"})

    assert [r.title for r in response.context["page_obj"]] == [
        "Ongoing training", "Webinar today, time not given", "Soon webinar",
        "E-consultation next week", "Later e-consultation",
    ]  # fmt: skip
    assert response.text.count('<span class="badge">Upcoming</span>') == 5


def test_the_events_page_and_calendar_queries_stay_constant_with_day_sessions(
    client, day_sessions, django_assert_max_num_queries
):
    today = timezone.localdate()
    for i in range(10):
        orgs = [make_organization()]
        day_session(f"More ahead {i}", today + dt.timedelta(days=i + 1), organizations=orgs)
        day_session(f"More behind {i}", today - dt.timedelta(days=i + 1), organizations=orgs)
    with django_assert_max_num_queries(5):
        client.get(reverse("opendata:events"))
    with django_assert_max_num_queries(4):
        ics(client.get(reverse("opendata:events-ics")))


def test_the_home_page_names_each_session_time_zone(client):
    session("Copenhagen afternoon", dt.datetime(2099, 1, 5, 14, tzinfo=COPENHAGEN))
    day_session("A webinar on a day", dt.date(2099, 1, 6))

    text = client.get(reverse("home")).text

    assert "Monday 5 January 2099, 14:00–15:00 CET" in text
    assert "(5 Jan, 13:00 UTC)" in text
    assert '<time datetime="2099-01-06">6 January 2099</time>' in text
    assert text.index("Copenhagen afternoon") < text.index("A webinar on a day")
