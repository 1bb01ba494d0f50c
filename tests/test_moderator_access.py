"""A moderator (staff, in the "Moderators" group, nothing more) opens every admin page that the
site sends them to: the links in every e-mail it sends to staff, and the links on the admin's
front page, which shows them the same counts a superuser sees."""

import re
import time
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.models import OutboxMessage
from resources.models import LinkCheck, Resource
from submissions.forms import TIMESTAMP_SALT

from .factories import make_resource

pytestmark = pytest.mark.django_db
ADMIN = reverse("admin:index")


class Links(HTMLParser):
    """The href of every link on a page."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def links_on(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def form(**data) -> dict:
    started = signing.dumps(time.time() - 30, salt=TIMESTAMP_SALT)
    return {"website": "", "started": started, **data}


@pytest.fixture
def moderator(django_user_model, settings):
    settings.MODERATOR_EMAILS = []  # staff e-mails then go to the group's members
    settings.SHARE_RATE = settings.CONTACT_RATE = settings.REPORT_RATE = "100/h"
    user = django_user_model.objects.create_user(
        "moderator", "mod@example.org", "a-long-passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def send_everything_that_e_mails_staff(resource):
    """What visitors do that the site tells the moderators about, through the public forms."""
    visitor = Client()
    share = visitor.post(
        reverse("submissions:share"),
        form(title="Sleep after torture", url="https://example.org/sleep", kind="guide",
             summary="A guide to sleep problems.", language="en", name="Amina Farah",
             email="amina@example.org"),
    )  # fmt: skip
    contact = visitor.post(
        reverse("submissions:contact"),
        form(name="Sam", email="sam@example.org", subject="Training", message="When is it?"),
    )
    report = visitor.post(
        reverse("upkeep:report-problem", args=[resource.slug]),
        form(reason="broken-link", details="It moved.", email="sam@example.org"),
    )
    assert [r.status_code for r in (share, contact, report)] == [302, 302, 302]


def test_a_moderator_opens_every_admin_page_an_e_mail_to_staff_links_to(client, moderator):
    send_everything_that_e_mails_staff(make_resource(title="Interpreting", url="https://x.org"))

    to_staff = [m for m in OutboxMessage.objects.all() if moderator.email in m.to]
    assert {m.subject.split(":")[0] for m in to_staff} == {
        "New resource to review", "Question", "Problem reported",
    }  # fmt: skip
    client.force_login(moderator)
    for message in to_staff:
        links = [path for path in re.findall(r"https?://[^/\s]+(/\S*)", message.body)
                 if path.startswith(ADMIN)]  # fmt: skip
        assert links, message.subject
        for path in links:
            response = client.get(path)
            assert response.status_code == 200, (message.subject, path)


def test_a_moderator_sees_the_front_pages_counts_and_opens_every_link_on_it(client, moderator):
    resource = make_resource(title="Interpreting", url="https://example.org/gone")
    LinkCheck.objects.create(resource=resource, url=resource.url, error="timeout", failures=3,
                             checked_at=timezone.now(), broken_since=timezone.now())  # fmt: skip
    send_everything_that_e_mails_staff(resource)
    client.force_login(moderator)

    front = client.get(ADMIN)

    assert front.status_code == 200
    assert "<strong>1</strong> submission waiting for review" in front.text
    assert "<strong>1</strong> problem report open" in front.text
    assert "<strong>1</strong> published resource with a broken link" in front.text
    assert reverse("admin:upkeep_problemreport_changelist") in front.text
    assert reverse("admin:resources_linkcheck_changelist") in front.text
    opened = 0
    for path in set(links_on(front.text)):
        if path.startswith(ADMIN) and "logout" not in path:
            response = client.get(path)
            assert response.status_code == 200, path
            opened += 1
    assert opened > 20  # the counts, and every list and "add" page the group may use


def test_a_moderator_opens_a_problem_report_and_resolves_it(client, moderator):
    send_everything_that_e_mails_staff(make_resource(title="Interpreting", url="https://x.org"))
    report = Resource.objects.get(title="Interpreting").problem_reports.get()
    client.force_login(moderator)

    page = client.get(reverse("admin:upkeep_problemreport_change", args=[report.pk]))
    resolved = client.post(reverse("admin:upkeep_problemreport_resolve", args=[report.pk]))

    assert page.status_code == 200 and "It moved." in page.text
    assert resolved.status_code == 302
    report.refresh_from_db()
    assert report.resolved_by == moderator
