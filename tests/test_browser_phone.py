"""What a visitor meets first, on a phone (390x844) and a laptop (1280x800), in Debian's Chromium
driven by Playwright against a live server: the search filters, the header, the layout as the page
loads, buttons and cards, and a feed opened in the browser.

Skipped, with the reason in pytest's summary, when Chromium is not installed.
"""

import re
import time

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from resources.models import Guide, Resource

from .factories import make_resource

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("close_server_connections")]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
# The layout shifts since the page started loading, as Lighthouse counts them (not after input).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(viewport=PHONE, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def resources():
    kinds = [Resource.Kind.WEBINAR] * 2 + [Resource.Kind.VIDEO] * 3 + [Resource.Kind.GUIDE]
    for n, kind in enumerate(kinds):
        # Many topics, so that the filter panel is far longer than a phone's screen.
        make_resource(title=f"Working with interpreters, part {n + 1}", kind=kind,
                      topics=[f"Topic {n}-{t}" for t in range(6)])  # fmt: skip
    connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_a_phone_a_ticked_filter_applies_at_once_keeping_the_focus(
    live_server, open_page, resources
):
    page = open_page()
    page.goto(f"{live_server.url}{reverse('search:list')}")
    status = page.get_by_role("status")
    expect(page.get_by_role("heading", level=2, name="6 resources")).to_be_visible()
    page.locator("details.filters > summary").click()
    video = page.get_by_role("checkbox", name=re.compile(r"^Video \(3\)"))
    video.focus()
    page.keyboard.press("Space")

    # The results and the address change in place; the box ticked keeps the keyboard focus and
    # a screen reader hears the new number of results.
    expect(status).to_have_text("3 resources")
    expect(page).to_have_url(re.compile(r"/en/resources/\?kind=video"))
    expect(page.get_by_role("heading", level=2, name="3 resources")).to_be_visible()
    expect(page.locator("ol.result-list h3")).to_have_count(3)
    ticked = page.get_by_role("checkbox", name=re.compile(r"^Video"))
    expect(ticked).to_be_checked()
    expect(ticked).to_be_focused()
    expect(page.locator("details.filters")).to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Type: Video (remove this filter)")).to_be_attached()

    # A second filter, from the keyboard again.
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Webinar"))).to_be_focused()
    page.keyboard.press("Space")
    expect(status).to_have_text("5 resources")
    expect(page).to_have_url(re.compile(r"kind=webinar&kind=video|kind=video&kind=webinar"))
    expect(page.get_by_role("checkbox", name=re.compile(r"^Webinar"))).to_be_focused()

    # Back undoes one filter at a time; the address can be shared as it is.
    page.go_back()
    expect(status).to_have_text("3 resources")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Webinar"))).not_to_be_checked()
    shared = open_page()
    shared.goto(page.url)
    expect(shared.get_by_role("heading", level=2, name="3 resources")).to_be_visible()
    page.go_back()
    expect(status).to_have_text("6 resources")
    expect(page).to_have_url(f"{live_server.url}{reverse('search:list')}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_javascript_the_apply_button_stays_in_sight_on_a_phone(
    live_server, open_page, resources
):
    page = open_page(javascript=False)
    page.goto(f"{live_server.url}{reverse('search:list')}")
    # Closed at first: the results come first.
    expect(page.get_by_role("checkbox", name=re.compile(r"^Video"))).to_be_hidden()
    page.locator("details.filters > summary").click()
    apply = page.get_by_role("button", name="Apply filters")
    panel = page.locator("details.filters").bounding_box()
    assert panel["height"] > 1.3 * PHONE["height"]  # longer than the screen: the case that matters

    def in_sight():
        box = apply.bounding_box()
        return box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]

    page.get_by_role("checkbox", name=re.compile(r"^Video")).check()
    assert in_sight()  # near the top of the panel
    page.mouse.wheel(0, PHONE["height"] // 2)
    english = page.get_by_role("checkbox", name=re.compile(r"^English"))
    english.check()
    assert in_sight()  # further down
    apply.click()
    page.wait_for_url(re.compile(r"kind=video.*language=en"))
    expect(page.get_by_role("heading", level=2, name="3 resources")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_search_page_does_not_shift_as_it_loads(live_server, open_page, resources, viewport):
    page = open_page(viewport)

    def slow_line(route):
        time.sleep(0.8)  # the script arrives well after the first paint, as on a slow line
        route.continue_()

    page.route(re.compile(r"/static/js/search\b.*\.js$"), slow_line)
    page.goto(f"{live_server.url}{reverse('search:list')}?kind=video")
    page.wait_for_load_state("load")
    shift = page.evaluate(LAYOUT_SHIFT)
    assert shift < 0.1, f"cumulative layout shift {shift:.3f}"
    video = page.get_by_role("checkbox", name=re.compile(r"^Video"))
    if viewport is PHONE:
        expect(video).to_be_hidden()  # served closed, not closed by a script after the paint
    else:
        expect(video).to_be_visible()  # a laptop shows the filters beside the results
        expect(page.locator("details.filters > summary")).to_be_hidden()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_phone_header_takes_at_most_15_percent_of_the_screen(live_server, open_page, language):
    page = open_page()
    page.goto(f"{live_server.url}/{language}/about/")
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] / PHONE["height"] <= 0.15, header
    # Every link in it can still be reached with the keyboard, and is in sight when it has the
    # focus (the sections' row scrolls sideways to it: WCAG 2.4.11, focus not obscured).
    links = page.locator("header.site-header a")
    assert links.count() >= 10
    page.keyboard.press("Tab")  # the skip link
    for n in range(links.count()):
        page.keyboard.press("Tab")
        link = links.nth(n)
        expect(link).to_be_focused()
        expect(link).to_be_in_viewport()
    # A screen reader finds the site's name and both navigations by name.
    expect(page.get_by_role("link", name=re.compile("^HealTorture"))).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(2)


CENTRED = """element => {
  const box = element.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(element);
  const text = [...range.getClientRects()].filter(r => r.width > 1)[0];
  return {top: box.top, height: box.height,
          offset: Math.abs((text.top + text.height / 2) - (box.top + box.height / 2))};
}"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_buttons_side_by_side_are_one_height_with_their_labels_centred(
    live_server, open_page, viewport
):
    import datetime as dt

    from django.utils import timezone

    starts = timezone.now() + dt.timedelta(days=5)
    webinar = make_resource(title="Supervision for interpreters", kind=Resource.Kind.WEBINAR,
                            url="https://example.org/w", registration_url="https://example.org/r",
                            starts_at=starts, ends_at=starts + dt.timedelta(hours=1))  # fmt: skip
    connection.close()
    page = open_page(viewport)
    page.goto(f"{live_server.url}{webinar.get_absolute_url()}")
    rows = [
        page.locator(".actions").get_by_role("link"),  # Open the webinar, Register, Add to calendar
        page.locator(".share-row").locator("button:visible, a"),  # Copy link, E-mail
    ]
    for buttons in rows:
        assert buttons.count() >= 2
        measured = [buttons.nth(n).evaluate(CENTRED) for n in range(buttons.count())]
        for button in measured:
            assert button["offset"] <= 1.5, measured  # the label sits in the middle
        if viewport is LAPTOP:  # side by side: one height, one line
            assert len({round(b["height"]) for b in measured}) == 1, measured
            assert len({round(b["top"]) for b in measured}) == 1, measured


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_guide_card_starts_with_its_title_not_a_gap(live_server, open_page):
    Guide.objects.create(title="New to serving survivors", slug="new", summary="Where to begin.",
                         published=True)  # fmt: skip
    connection.close()
    page = open_page()
    page.goto(f"{live_server.url}{reverse('resources:guides')}")
    gap = page.locator(".cards > li.card").first.evaluate(
        """card => card.firstElementChild.getBoundingClientRect().top
                  - card.getBoundingClientRect().top - card.clientTop
                  - parseFloat(getComputedStyle(card).paddingTop)"""
    )
    assert abs(gap) <= 1, gap


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_feed_opened_in_a_browser_reads_as_a_page(live_server, open_page, resources):
    page = open_page()
    blocked = []

    def note_refusals(message):
        if "Content Security Policy" in message.text and "/static/" in message.text:
            blocked.append(message.text)

    page.on("console", note_refusals)
    feed = f"{live_server.url}{reverse('opendata:search-feed')}?kind=video&language=en"
    page.goto(feed)

    expect(page.get_by_role("heading", level=1)).to_have_text("HealTorture: Videos in English")
    expect(page.get_by_text("This is a feed:")).to_be_visible()
    how = page.get_by_text(re.compile("copy the address below into your feed reader"))
    expect(how).to_be_visible()
    expect(page.get_by_label("Address of this feed")).to_have_value(feed)
    items = page.locator("ol.result-list").get_by_role("link")
    expect(items).to_have_count(3)
    expect(items.first).to_have_text(re.compile(r"^Working with interpreters, part \d$"))
    page_link = page.get_by_role("link", name="See this list on the site")
    assert page_link.get_attribute("href").endswith("/en/resources/?kind=video&language=en")
    # The site's stylesheet applies (no inline style is needed, none is allowed).
    assert page.locator("body").evaluate("b => getComputedStyle(b).margin") == "0px"
    assert not blocked, blocked
