"""The Content-Security-Policy, as Chromium enforces it: no page, public or staff, does anything
the policy refuses (an inline style or script, a request to another host)."""

import pytest
from django.db import connection
from django.urls import reverse

from .factories import make_resource
from .test_browser import CHROMIUM, _close_server_connections, browser, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed: browser tests skipped"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_breaks_the_content_security_policy(live_server, page, django_user_model):  # noqa: F811
    resource = make_resource(title="Safety planning with survivors", slug="safety-planning")
    django_user_model.objects.create_superuser("admin", "admin@example.org", "a long passphrase")
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    public = [
        reverse("home"),
        reverse("resources:list") + "?q=safety",
        resource.get_absolute_url(),
        reverse("submissions:share"),
        reverse("organizations:list"),
        reverse("resources:events"),
    ]
    for path in public:
        page.goto(live_server.url + path)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "a long passphrase")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in ["/admin/submissions/submission/", "/admin/resources/resource/add/"]:
        page.goto(live_server.url + path)

    connection.close()  # opened inside Playwright's greenlet: close it here, where it lives
    assert refused == []
