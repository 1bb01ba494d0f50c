"""End to end in a real browser: Debian's Chromium, driven by Playwright, against a live server.

Skipped, with the reason in pytest's summary, when Chromium is not installed
(``apt-get install chromium``, or ``CHROMIUM=/path/to/chromium``).
"""

import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from resources.models import Resource

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
# Offline and quiet: Chromium talks to nothing but this machine.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed: browser tests skipped"),
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the
    # test's own database calls. Nothing here runs Django code inside that loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_server_connections():
    """The live server's request threads must not keep connections open past the test, or the
    test database cannot be dropped."""
    from django.db import connections

    saved = connections.settings["default"]["CONN_MAX_AGE"]
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
    connections.settings["default"]["CONN_MAX_AGE"] = saved


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
    page.goto(f"{live_server.url}{reverse('resources:list')}?q=sociotherapy")
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
    page.goto(f"{live_server.url}{reverse('resources:list')}?q=sociotherapy")
    result = page.get_by_role("link", name="Sociotherapy groups for survivors in Rwanda")
    result.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Sociotherapy groups for survivors in Rwanda"
