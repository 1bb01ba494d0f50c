"""End to end in a real browser: Debian's Chromium, driven by Playwright, against a live server.

Skipped, with the reason in pytest's summary, when Chromium is not installed
(``apt-get install chromium``, or ``CHROMIUM=/path/to/chromium``).
"""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from resources.models import Resource

from .factories import make_resource

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("close_server_connections")]


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        "moderator", email="moderator@example.org", password="a long moderation passphrase",
        is_staff=True,
    )  # fmt: skip
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_proposal_goes_from_the_form_through_moderation_into_search(
    live_server, page, moderator, settings
):
    settings.FORM_MIN_SECONDS = 0
    settings.SHARE_RATE = "100/h"

    # A visitor shares a resource through the real form.
    page.goto(f"{live_server.url}{reverse('submissions:share')}")
    page.get_by_label("Title").fill("Sociotherapy groups for survivors in Rwanda")
    page.get_by_role("textbox", name="Link (optional)", exact=True).fill(
        "https://example.org/sociotherapy"
    )
    page.get_by_label("What is it?").select_option("report")
    page.get_by_label("Short description").fill("Lessons from ten years of community groups.")
    page.get_by_label("Your name").fill("Grace Uwase")
    page.get_by_label("Your e-mail").fill("grace@example.org")
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_url("**/share/thanks/")
    assert "What happens next" in page.content()

    # Nothing public yet.
    page.goto(f"{live_server.url}{reverse('search:list')}?q=sociotherapy")
    assert "No resources match" in page.content()

    # A moderator logs in, finds it waiting and approves it.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill("a long moderation passphrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="waiting for review").first.click()
    page.get_by_role("link", name="Sociotherapy groups for survivors in Rwanda").first.click()
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    assert Resource.objects.get().status == Resource.Status.PUBLISHED
    connection.close()  # opened inside Playwright's greenlet: close it here, where it lives

    # The public finds it.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('search:list')}?q=sociotherapy")
    result = page.get_by_role("link", name="Sociotherapy groups for survivors in Rwanda")
    result.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Sociotherapy groups for survivors in Rwanda"


def tab_to(page, target, *, backwards=False, limit=150):
    """Press Tab (Shift+Tab backwards) until ``target`` has the keyboard focus."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{target} cannot be reached with the keyboard")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_keyboard_user_searches_filters_and_removes_the_filter(live_server, page):
    kind = Resource.Kind
    kinds = [kind.WEBINAR, kind.WEBINAR, kind.E_CONSULTATION, kind.VIDEO]
    for n, resource_kind in enumerate(kinds):
        make_resource(title=f"Working with interpreters, part {n + 1}", kind=resource_kind)
    make_resource(title="Forensic documentation of torture", kind=Resource.Kind.WEBINAR)
    connection.close()
    results = page.locator("ol.result-list").get_by_role("heading", level=3)

    page.goto(f"{live_server.url}{reverse('search:list')}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("searchbox", name="Search resources"))
    page.keyboard.type("interpreters")
    webinar = page.get_by_role("checkbox", name=re.compile(r"^Webinar \(\d+\)"))
    tab_to(page, webinar)
    page.keyboard.press("Space")
    expect(webinar).to_be_checked()
    # The filter applies at once (with the words typed so far), and says so.
    expect(page.get_by_role("status")).to_have_text("2 resources")
    expect(webinar).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Search", exact=True), backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**?*kind=webinar*")

    expect(page.get_by_role("heading", level=2, name="2 resources")).to_be_visible()
    expect(results).to_have_count(2)
    assert sorted(results.all_inner_texts()) == [
        "Working with interpreters, part 1",
        "Working with interpreters, part 2",
    ]
    remove = page.get_by_role("link", name="Type: Webinar (remove this filter)")
    expect(remove).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile(r"^Webinar"))).to_be_checked()
    # The sort order, chosen with the arrow keys, keeps the words and the filter.
    sort = page.get_by_role("combobox", name="Sort by")
    tab_to(page, sort)
    page.keyboard.press("ArrowDown")
    tab_to(page, page.get_by_role("button", name="Sort"))
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=newest*")
    expect(page.get_by_role("heading", level=2, name="2 resources")).to_be_visible()

    tab_to(page, remove)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "kind=" not in url)
    expect(page.get_by_role("heading", level=2, name="4 resources")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("remove this filter"))).to_have_count(0)
    expect(page.get_by_role("searchbox", name="Search resources")).to_have_value("interpreters")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_share_form_shows_each_error_beside_its_field_and_keeps_what_was_typed(
    live_server, page, settings
):
    settings.FORM_MIN_SECONDS = 0
    settings.SHARE_RATE = "100/h"
    page.goto(f"{live_server.url}{reverse('submissions:share')}")
    page.get_by_label("Title").fill("Sociotherapy groups for survivors in Rwanda")
    page.get_by_label("Your name").fill("Grace Uwase")
    page.get_by_label("Your e-mail").fill("grace at example")
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Send for review").click()
    assert sent.value.status == 400

    # The summary has the focus, so a screen reader reads it first; it links to each field.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("everything you wrote is still here")
    summary_links = summary.get_by_role("link")
    expect(summary_links).to_have_text(["Link", "What is it?", "Short description", "Your e-mail"])
    # Each field in error says so, and its message is its accessible description.
    for label, message in [
        ("Link (optional)", "Give a link to the resource, or attach it as a file."),
        ("What is it?", "This field is required."),
        ("Short description", "This field is required."),
        ("Your e-mail", "Enter a valid email address."),
    ]:
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(message)))
        link = summary.get_by_role("link", name=label.removesuffix(" (optional)"), exact=True)
        assert link.get_attribute("href") == f"#{field.get_attribute('id')}_error"
    # Nothing typed is lost.
    expect(page.get_by_label("Title")).to_have_value("Sociotherapy groups for survivors in Rwanda")
    expect(page.get_by_label("Your name")).to_have_value("Grace Uwase")
    expect(page.get_by_label("Your e-mail")).to_have_value("grace at example")
    # From the keyboard, a link in the summary leads to the message, and Tab into the field.
    page.keyboard.press("Tab")
    expect(summary_links.first).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary_links.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("What is it?")).to_be_focused()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_add_to_calendar_on_the_events_page_downloads_a_calendar(live_server, page):
    starts = timezone.now() + dt.timedelta(days=7)
    make_resource(
        title="Supervision for interpreters: a live webinar",
        kind=Resource.Kind.WEBINAR,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        timezone="Europe/Copenhagen",
    )
    connection.close()
    page.goto(f"{live_server.url}{reverse('opendata:events')}")
    link = page.get_by_role(
        "link", name=re.compile(r"^Add to calendar ?: Supervision for interpreters: a live webinar")
    )
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.headers["content-type"].startswith("text/calendar")
    with page.expect_download() as download:
        link.click()
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Supervision for interpreters: a live webinar"
    assert event.decoded("DTSTART") == starts.replace(microsecond=0)
    assert download.value.suggested_filename.endswith(".ics")
