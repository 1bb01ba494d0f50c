"""One site with every kind of page, and the list of those pages, for the whole-site checks:
accessibility (axe-core, test_accessibility.py), HTML validity (the Nu checker, test_html.py) and
the page-weight budget (test_budget.py).

The content is the demo content (real titles, guides, organisations) plus what the demo lacks:
a resource with a file, an upcoming live session, a pending submission, and enough synthetic
resources that the search page has a full page of results and every facet has choices (the
heaviest page of the site).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from io import StringIO
from urllib.parse import quote

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from alerts import links
from alerts.models import Alert
from common.models import Subscriber
from digest.digest import Quarter
from digest.models import DigestSubscription
from digest.signup import LINKS as DIGEST_LINKS
from organizations.models import Organization
from resources.models import Guide, GuideItem, Resource, ResourceFile
from submissions.models import Submission

from .factories import make_resource

MODERATOR = {"username": "moderator", "password": "a long moderation passphrase"}
LONG_SUMMARY = (
    "How clinicians, lawyers and interpreters work together with survivors of torture and their "
    "families, from the first meeting to rehabilitation: practical steps, common mistakes, and "
    "what survivors themselves asked for."
)
# A minimal valid PDF: its type is read from the content.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" * 40_000


@dataclass
class PageType:
    """One kind of page: its name in reports, its address and the status it must answer with."""

    name: str
    url: str
    status: int = 200
    # A POST to make the page (a form shown again with its errors), instead of a GET.
    post: dict | None = None
    # Seen by a logged-in moderator (the admin's pages); public pages are seen logged out.
    moderator: bool = False
    public: bool = True


@dataclass
class Site:
    file_resource: Resource
    session: Resource
    guide: Guide
    organization: Organization
    submission: Submission
    pages: list[PageType]


def build_site(django_user_model, *, synthetic: int = 60) -> Site:
    call_command("load_demo", stdout=StringIO())
    if synthetic:
        call_command("generate_resources", resources=synthetic, seed=1, stdout=StringIO())
        # Synthetic summaries are short; give them the length of the longest real ones.
        Resource.objects.filter(slug__startswith="synthetic-").update(summary=LONG_SUMMARY)
    now = timezone.now()
    organization = Organization.objects.published().filter(is_key=True).order_by("name").first()
    file_resource = make_resource(
        title="Istanbul Protocol training manual",
        kind=Resource.Kind.GUIDE,
        summary="The manual of the training, to read offline.",
        topics=["Istanbul Protocol"],
        organizations=[organization],
    )
    ResourceFile.objects.create(
        resource=file_resource,
        title="Training manual",
        file=ContentFile(PDF, name="training-manual.pdf"),
    )
    session = make_resource(
        title="Working with interpreters: a live e-consultation",
        kind=Resource.Kind.E_CONSULTATION,
        summary="Bring your questions about working with interpreters.",
        starts_at=now + dt.timedelta(days=5),
        ends_at=now + dt.timedelta(days=5, hours=1),
        timezone="America/Chicago",
        registration_url="https://example.org/register",
        topics=["Interpreters"],
        organizations=[organization],
    )
    guide = Guide.objects.filter(published=True).order_by("title").first()
    GuideItem.objects.create(guide=guide, resource=file_resource, position=999, note="Print it.")
    pending = make_resource(
        title="Sociotherapy groups for survivors in Rwanda",
        kind=Resource.Kind.REPORT,
        summary="Lessons from ten years of community groups.",
        status=Resource.Status.PENDING,
    )
    submission = Submission.objects.create(
        resource=pending, name="Grace Uwase", email="grace@example.org"
    )
    moderator = django_user_model.objects.create_user(
        MODERATOR["username"], email="moderator@example.org", password=MODERATOR["password"],
        is_staff=True,
    )  # fmt: skip
    moderator.groups.add(Group.objects.get(name="Moderators"))

    topic = file_resource.topics.get()
    search = reverse("search:list")
    with translation.override("ar"):
        arabic_search = reverse("search:list")
    submission.proposed_topics = "Istanbul Protocol, TSPT, sociotherapy"
    submission.save(update_fields=["proposed_topics"])
    concept = topic.concept
    subscriber = Subscriber.objects.create(email="reader@example.org")
    alert = Alert.objects.create(subscriber=subscriber, query=f"q=interpreters&topic={topic.slug}",
                                 frequency="weekly", language="en")  # fmt: skip
    Alert.objects.create(subscriber=subscriber, query="kind=webinar", frequency="daily",
                         language="en", confirmed_at=now, last_sent_at=now)  # fmt: skip
    confirmed = DigestSubscription.objects.create(
        subscriber=subscriber, language="en", confirmed_at=now
    )
    unconfirmed = DigestSubscription.objects.create(
        subscriber=Subscriber.objects.create(email="new.reader@example.org"), language="en"
    )
    alert_signup = reverse("alerts:new") + f"?q=interpreters&topic={topic.slug}"
    heaviest = f"{search}?q=torture&kind=webinar&kind=video&kind=guide&kind=report"
    pages = [
        PageType("home", reverse("home")),
        PageType("search", search),
        PageType("search: full page, every facet", heaviest),
        PageType("search: filters active", f"{search}?q=interpreters&topic={topic.slug}"),
        PageType("search: no results", f"{search}?q=zzxqvw"),
        # Query understanding said on the page: synonyms and wider subjects, a correction,
        # partial matches, and a query on the Arabic interface.
        PageType("search: synonyms searched too", f"{search}?q=post-traumatic+stress"),
        PageType(
            "search: corrected, partly matched", f"{search}?q=istambul+protocol+children+zebra"
        ),
        PageType("search: in Arabic", f"{arabic_search}?q={quote('الصحة النفسية')}"),
        PageType("search: malformed parameter (400)", f"{search}?date_from=yesterday", 400),
        PageType("resource with a file", file_resource.get_absolute_url()),
        PageType("resource with a live session", session.get_absolute_url()),
        PageType("topic list", reverse("search:topics")),
        PageType("topic page", topic.get_absolute_url()),
        PageType("guide list", reverse("resources:guides")),
        PageType("guide page", guide.get_absolute_url()),
        PageType("organisation list", reverse("organizations:list")),
        PageType("organisation page", organization.get_absolute_url()),
        PageType("events", reverse("opendata:events")),
        PageType("share form", reverse("submissions:share")),
        PageType(
            "share form with errors",
            reverse("submissions:share"),
            400,
            post={"title": "Sociotherapy groups", "email": "grace at example"},
        ),
        PageType("share thank-you", reverse("submissions:share-thanks")),
        PageType("alert sign-up", alert_signup),
        PageType(
            "alert sign-up with errors", alert_signup, 400, post={"email": "grace at example"}
        ),
        PageType("alert: check your e-mail", reverse("alerts:sent")),
        PageType(
            "alert confirmation",
            reverse("alerts:confirm", args=[links.LINKS.confirm_token(alert.pk)]),
        ),
        PageType(
            "alert unsubscribe",
            reverse("alerts:unsubscribe", args=[links.LINKS.stop_token(alert.pk)]),
        ),
        PageType("alerts of an address", reverse("alerts:manage", args=[subscriber.token])),
        PageType("digest sign-up", reverse("digest:subscribe")),
        PageType(
            "digest sign-up with errors",
            reverse("digest:subscribe"),
            400,
            post={"email": "grace at example"},
        ),
        PageType("digest: check your e-mail", reverse("digest:sent")),
        PageType(
            "digest confirmation",
            reverse("digest:confirm", args=[DIGEST_LINKS.confirm_token(unconfirmed.pk)]),
        ),
        PageType(
            "digest confirmed",
            reverse("digest:confirm", args=[DIGEST_LINKS.confirm_token(confirmed.pk)]),
        ),
        PageType(
            "digest unsubscribe",
            reverse("digest:unsubscribe", args=[DIGEST_LINKS.stop_token(confirmed.pk)]),
        ),
        PageType("contact", reverse("submissions:contact")),
        PageType("about", reverse("about")),
        PageType("open data", reverse("open-data")),
        PageType("digest", Quarter.containing(now).get_absolute_url()),
        PageType("404", "/no-such-page/", 404),
        PageType("admin login", reverse("admin:login"), public=False),
        PageType(
            "moderation queue",
            reverse("admin:submissions_submission_changelist"),
            moderator=True,
            public=False,
        ),
        PageType(
            "submission with topics to map",
            reverse("admin:submissions_submission_change", args=[submission.pk]),
            moderator=True,
            public=False,
        ),
        PageType(
            "thesaurus concepts",
            reverse("admin:thesaurus_concept_changelist"),
            moderator=True,
            public=False,
        ),
        PageType(
            "thesaurus concept",
            reverse("admin:thesaurus_concept_change", args=[concept.pk]),
            moderator=True,
            public=False,
        ),
        PageType(
            "thesaurus import",
            reverse("admin:thesaurus_concept_import"),
            moderator=True,
            public=False,
        ),
        PageType(
            "submission preview",
            reverse("admin:submissions_submission_preview", args=[submission.pk]),
            moderator=True,
            public=False,
        ),
    ]
    return Site(file_resource, session, guide, organization, submission, pages)


def fetch(client, page: PageType):
    """The page as the test client gets it: a moderator's pages logged in, a form POSTed back
    with the hidden timestamp a browser would send."""
    client.logout()
    if page.moderator:
        client.force_login(User.objects.get(username=MODERATOR["username"]))
    if page.post is None:
        return client.get(page.url)
    form = client.get(page.url).content.decode()
    started = re.search(r'name="started" value="([^"]*)"', form).group(1)
    return client.post(page.url, {**page.post, "started": html.unescape(started)})
