"""axe-core, in Debian's Chromium, over every kind of page, in light and in dark mode; and
nothing on those pages breaks the Content-Security-Policy.

axe-core comes bundled in the PyPI package axe-playwright-python (pinned in requirements.txt, so
`make install` brings it with nothing else to fetch). Skipped, and said so at the end of the run,
without Chromium (see conftest.py).
"""

from urllib.parse import urlsplit

import pytest
from django.db import connection

from .site_pages import MODERATOR, build_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.usefixtures("close_server_connections"),
]

# WCAG 2.0, 2.1 and 2.2 A and AA, and Deque's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


# Colour scheme and window: a desktop in light and dark mode, and a phone.
VIEWS = {
    "light": {"width": 1280, "height": 800},
    "dark": {"width": 1280, "height": 800},
    "light phone": {"width": 360, "height": 740},
}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def describe(violation: dict) -> str:
    nodes = "; ".join(
        f"{' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1].strip()}"
        for node in violation["nodes"][:10]
    )
    return f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): {nodes}"


def open_page(browser_page, live_server, page):
    """Go to the page as a visitor would reach it (a form with errors: by sending it)."""
    if page.post is None:
        response = browser_page.goto(live_server.url + page.url)
    else:
        browser_page.goto(live_server.url + page.url)
        for label, value in page.post.items():
            browser_page.locator(f"[name={label}]").fill(value)
        with browser_page.expect_navigation() as navigation:
            browser_page.locator("form.form button[type=submit]").click()
        response = navigation.value
    assert response.status == page.status, page.name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_axe_finds_nothing_on_any_kind_of_page(
    live_server, browser, django_user_model, settings, tmp_path
):
    from axe_playwright_python.sync_playwright import Axe

    settings.FORM_MIN_SECONDS = 0
    settings.SHARE_RATE = "100/h"
    settings.MEDIA_ROOT = tmp_path / "media"
    site = build_site(django_user_model)
    connection.close()
    axe = Axe()
    requested, refused = [], []
    counts, failures = {}, []
    state = {"axe running": False}
    for scheme, viewport in VIEWS.items():
        visitor = browser.new_context(color_scheme=scheme.split()[0], viewport=viewport)
        moderator = browser.new_context(color_scheme=scheme.split()[0], viewport=viewport)
        for context in (visitor, moderator):
            context.on("request", lambda request: requested.append(request))
            # Anything the Content-Security-Policy blocks (an inline style or script, another
            # host) is reported on the console: while the page loads and runs its own scripts,
            # not while axe runs (axe rebuilds some stylesheets as inline styles itself).
            context.on(
                "console",
                lambda message: (
                    refused.append(f"{message.page.url}: {message.text}")
                    if "Content Security Policy" in message.text and not state["axe running"]
                    else None
                ),
            )
        staff = moderator.new_page()
        staff.goto(f"{live_server.url}/admin/login/")
        staff.get_by_label("Username").fill(MODERATOR["username"])
        staff.get_by_label("Password").fill(MODERATOR["password"])
        staff.get_by_role("button", name="Log in").click()
        staff.wait_for_load_state()
        public = visitor.new_page()
        for page in site.pages:
            tab = staff if page.moderator else public
            open_page(tab, live_server, page)
            tab.wait_for_load_state("networkidle")
            state["axe running"] = True
            violations = axe.run(tab, options=AXE_OPTIONS).response["violations"]
            state["axe running"] = False
            counts[(page.name, scheme)] = len(violations)
            failures += [f"{page.name} ({scheme}): {describe(v)}" for v in violations]
        visitor.close()
        moderator.close()

    print(f"\naxe-core violations per page ({', '.join(VIEWS)}):")
    for page in site.pages:
        print("  " + " ".join(f"{counts[page.name, view]:3d}" for view in VIEWS), page.name)
    assert not failures, "\n".join(failures)
    assert refused == []
    # System fonts only: not one font file is fetched.
    assert not [r.url for r in requested if r.resource_type == "font"]
    # No request ever leaves this machine: no CDN, no web font, no analytics, nothing but the
    # site's own server (data: URLs are no request).
    origins = {origin(r.url) for r in requested if not r.url.startswith("data:")}
    assert origins == {origin(live_server.url)}, origins
    assert urlsplit(live_server.url).hostname in {"127.0.0.1", "localhost"}
