"""A resource page says plainly how to get the material, where each link leads, and whom to ask
when there is nothing to open; an upcoming session offers Google Calendar and Outlook links that
load nothing from those sites until followed."""

import datetime as dt
import re
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from resources.models import Resource, ResourceFile

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db


def actions(client, resource) -> list[str]:
    """The text of each link in the page's "How to get it" part, as a visitor reads it."""
    html = client.get(resource.get_absolute_url()).content.decode()
    part = html.split('class="get-it"')[1].split("</section>")[0]
    links = re.findall(r"<a [^>]*>(.*?)</a>", part, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", link)).strip() for link in links]


def test_each_kind_says_what_its_link_does_and_where_it_leads(client):
    course = make_resource(kind=Resource.Kind.E_LEARNING, url="https://learn.example.org/ip")
    video = make_resource(kind=Resource.Kind.VIDEO, url="https://www.video.example/watch?v=1")

    assert actions(client, course) == [f"Open the course: {course.title} (learn.example.org)"]
    assert actions(client, video) == [f"Watch the video: {video.title} (video.example)"]


def test_a_past_webinar_offers_its_recording_first(client):
    webinar = make_resource(
        kind=Resource.Kind.WEBINAR,
        starts_at=timezone.now() - dt.timedelta(days=30),
        url="https://example.org/webinars/7",
        recording_url="https://media.example.org/7",
        registration_url="https://example.org/register/7",  # over: not offered
    )

    assert actions(client, webinar) == [
        f"Watch the recording: {webinar.title} (media.example.org)",
        f"Open the webinar: {webinar.title} (example.org)",
    ]


def test_a_single_file_is_offered_with_its_type_and_size(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    guide = make_resource(kind=Resource.Kind.GUIDE)
    ResourceFile.objects.create(
        resource=guide, title="Manual", file=ContentFile(b"%PDF-1.4\n" + b"x" * 1_300_000, "m.pdf")
    )

    assert actions(client, guide) == [f"Download: {guide.title} (PDF, 1.2 MB)"]


def test_a_link_to_an_organisations_home_page_says_so(client):
    irct = make_organization(name="IRCT", website="https://irct.org/")
    course = make_resource(
        kind=Resource.Kind.E_LEARNING, url="https://www.irct.org", organizations=[irct]
    )

    # Not "Open the course": the course itself is somewhere on that site.
    assert actions(client, course) == [f"Find it on irct.org: {course.title}"]


def test_without_any_link_the_page_says_whom_to_ask(client):
    irct = make_organization(name="IRCT", website="https://irct.org/")
    lonely = make_resource(organizations=[irct])
    orphan = make_resource()

    page = client.get(lonely.get_absolute_url()).content.decode()
    assert "Ask the organisation behind it:" in page
    assert actions(client, lonely) == ["IRCT", "irct.org"]
    page = client.get(orphan.get_absolute_url()).content.decode()
    assert "If you know where to find it," in page
    assert actions(client, orphan) == ["tell us"]


def test_an_upcoming_session_offers_google_and_outlook_without_loading_them(client):
    starts = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    session = make_resource(
        kind=Resource.Kind.WEBINAR,
        title="Interpreting in therapy",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=90),
        timezone="Europe/Copenhagen",
        registration_url="https://example.org/register",
    )

    html = client.get(session.get_absolute_url()).content.decode()
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', html).group(1)
    outlook = re.search(r'href="(https://outlook\.office\.com/[^"]+)"', html).group(1)
    google_query = parse_qs(urlsplit(google.replace("&amp;", "&")).query)
    outlook_query = parse_qs(urlsplit(outlook.replace("&amp;", "&")).query)
    end = starts + dt.timedelta(minutes=90)

    assert google_query["text"] == ["Interpreting in therapy"]
    utc = "%Y%m%dT%H%M%SZ"
    assert google_query["dates"] == [
        f"{starts.astimezone(dt.UTC):{utc}}/{end.astimezone(dt.UTC):{utc}}"
    ]
    assert outlook_query["subject"] == ["Interpreting in therapy"]
    assert outlook_query["startdt"] == [
        starts.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    ]
    assert "Register: Interpreting in therapy (example.org)" in actions(client, session)
    # Nothing on the page is fetched from another site: every script, style, image and frame
    # is the site's own.
    for source in re.findall(r'<(?:script|img|iframe)[^>]+src="([^"]+)"', html):
        assert source.startswith("/"), source
    for source in re.findall(r'<link[^>]+href="([^"]+)"', html):
        assert not source.startswith(("https://calendar", "https://outlook")), source


def test_a_session_that_gives_only_its_day_is_offered_as_an_all_day_event(client):
    day = timezone.now().date() + dt.timedelta(days=20)
    session = make_resource(kind=Resource.Kind.E_CONSULTATION, date=day)

    html = client.get(session.get_absolute_url()).content.decode()
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', html).group(1)
    outlook = re.search(r'href="(https://outlook\.office\.com/[^"]+)"', html).group(1)
    outlook_query = parse_qs(urlsplit(outlook.replace("&amp;", "&")).query)

    next_day = day + dt.timedelta(days=1)
    assert parse_qs(urlsplit(google.replace("&amp;", "&")).query)["dates"] == [
        f"{day:%Y%m%d}/{next_day:%Y%m%d}"
    ]
    assert outlook_query["allday"] == ["true"] and outlook_query["startdt"] == [day.isoformat()]
    assert "Calendar file (.ics)" in html


def test_a_past_session_offers_no_calendar_links(client):
    session = make_resource(
        kind=Resource.Kind.WEBINAR, starts_at=timezone.now() - dt.timedelta(days=1)
    )

    html = client.get(session.get_absolute_url()).content.decode()

    assert "calendar.google.com" not in html and "outlook.office.com" not in html


def test_every_demo_resource_leads_somewhere(client):
    call_command("load_demo", stdout=StringIO())

    for resource in Resource.objects.published():
        assert resource.url.startswith("https://"), resource.slug
        assert actions(client, resource), resource.slug
