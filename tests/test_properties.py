"""Property-based tests: whatever a visitor, a crawler or a script sends, no public page or form
answers 500.

Hypothesis builds query strings from the real parameter names of the search
(``resources/filters.py``) and of the organisation directory (``organizations/filters.py``), from
random names, with values that are plausible, unicode, NUL bytes, huge numbers, or repeated; and
form bodies for the share and contact forms, field by field either valid-looking or arbitrary.
Each example is a request through the whole stack (middleware, view, template); streamed
responses are read to the end.

``HEALTORTURE_PROPERTY_EXAMPLES=1000 make test PYTEST_ARGS=tests/test_properties.py`` looks
harder (the default keeps the suite quick).
"""

import datetime as dt
import os
import time
from urllib.parse import urlencode

import hypothesis
import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from organizations.filters import OrganizationFilterSet
from resources.models import LANGUAGES, Guide, GuideItem, Resource
from search.filters import ResourceFilterSet
from submissions.forms import TIMESTAMP_SALT, ContactForm, ShareResourceForm
from thesaurus.models import Audience, Region, Topic

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db

# Bounded runtime: each example is one request. The fixtures (content in the test's transaction)
# are shared by a test's examples on purpose: GET requests change nothing.
EXAMPLES = int(os.environ.get("HEALTORTURE_PROPERTY_EXAMPLES", "50"))
BOUNDED = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SEARCH_PARAMETERS = [*sorted(ResourceFilterSet.base_filters), "page", "format"]
DIRECTORY_PARAMETERS = [*sorted(OrganizationFilterSet.base_filters), "page"]

# Values a visitor's browser, a stale bookmark or a script could send.
HUGE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**400]),
).map(str)
PLAUSIBLE = st.sampled_from(
    [
        "", "1", "0", "-1", "on", "true", "yes", "all", "any", "newest", "relevance", "title",
        "oldest", "video", "webinar", "guide", "en", "fr", "es", "ar", "free", "recording", "file",
        "2024", "1999", "2025-02-30", "2025-13-01", "0001-01-01", "9999-12-31", "2024-06-01",
        "interpreting", "clinicians", "mexico", "cvt", "Istanbul Protocol", '"exact phrase"',
        "torture OR trauma", "-children", "children -", '"', "(", ")", "&", "|", "!", ":*", "'",
        "\\", "%", "%00", "\x00", "a\x00b", "ümlaut", "تعذيب", "пытки", "拷問", "🙂", "\u202e",
        "\ufeff", "\r\n", "  ", "a" * 5000, "-" * 300, "NaN", "inf", "1e999", "0x10",
        "treatment-centre", "network",
    ]
)  # fmt: skip
VALUES = st.one_of(PLAUSIBLE, HUGE_NUMBERS, st.text(max_size=60))
RANDOM_NAMES = st.text(min_size=1, max_size=12)


def query_strings(names):
    """A query string: up to 12 (name, value) pairs, names real or random, repeated at will."""
    pair = st.tuples(st.one_of(st.sampled_from(names), RANDOM_NAMES), VALUES)
    return st.lists(pair, max_size=12).map(lambda pairs: urlencode(pairs))


# Raw query strings, not produced by urlencode: stray %, half escapes, separators, non-ASCII, any
# bytes. A WSGI server hands the raw bytes over as latin-1 text, as here.
RAW_QUERIES = st.one_of(
    st.text(
        alphabet=st.one_of(st.sampled_from("%&=+;?#[]0123456789abcdefABCDEF_-"), st.characters()),
        max_size=80,
    ).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=80),
).map(lambda raw: raw.decode("latin-1"))


@pytest.fixture
def content(db):
    """A little of everything the pages list, so that filters have something to match."""
    topic = Topic.objects.create(name="Interpreting", slug="interpreting")
    region = Region.objects.create(name="Mexico", slug="mexico", code="MX")
    network = make_organization(name="IRCT", slug="irct", kind="network")
    organization = make_organization(name="CVT", slug="cvt", is_key=True, headquarters=region)
    organization.networks.add(network)
    starts = timezone.now() + dt.timedelta(days=3)
    webinar = make_resource(
        title="Interpreters in trauma therapy",
        kind=Resource.Kind.WEBINAR,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        timezone="America/Chicago",
        topics=[topic],
        organizations=[organization],
    )
    webinar.regions.add(region)
    audience = Audience.objects.first()
    if audience:
        webinar.audiences.add(audience)
    make_resource(title="Istanbul Protocol explained", date=dt.date(2024, 6, 1))
    guide = Guide.objects.create(title="New to this work", slug="new", published=True)
    GuideItem.objects.create(guide=guide, resource=webinar, position=1)
    return {"topic": topic, "organization": organization, "guide": guide, "webinar": webinar}


def get_everything(client, path: str, query: str):
    """GET ``path?query`` and read the whole body (a CSV streams after its status is sent)."""
    response = client.get(path, QUERY_STRING=query)
    hypothesis.event("status", response.status_code)
    if response.streaming:
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018 - rendered
    return response


def search_paths(content) -> list[str]:
    topic, guide = content["topic"].slug, content["guide"].slug
    return [
        reverse("search:list"),
        reverse("resources-json"),
        reverse("resources-csv"),
        reverse("opendata:search-feed"),
        reverse("opendata:search-feed-atom"),
        reverse("search:topic", kwargs={"slug": topic}),
        reverse("opendata:topic-feed", kwargs={"slug": topic}),
        reverse("opendata:topic-feed-atom", kwargs={"slug": topic}),
        reverse("opendata:guide-feed", kwargs={"slug": guide}),
    ]


def directory_paths(content) -> list[str]:
    organization = content["organization"].slug
    return [
        reverse("organizations:list"),
        reverse("organizations-json"),
        reverse("organizations-csv"),
        reverse("organizations:detail", kwargs={"slug": organization}),
        reverse("opendata:organization-feed", kwargs={"slug": organization}),
    ]


def other_paths(content) -> list[str]:
    return [
        reverse("home"),
        reverse("opendata:events"),
        reverse("opendata:events-ics"),
        reverse("opendata:topic-events-ics", kwargs={"slug": content["topic"].slug}),
        reverse("opendata:calendar", kwargs={"slug": content["webinar"].slug}),
        reverse("search:topics"),
        reverse("resources:guides"),
        reverse("resources:guide", kwargs={"slug": content["guide"].slug}),
        content["webinar"].get_absolute_url(),
        reverse("latest-digest"),
        reverse("sitemap"),
    ]


@BOUNDED
@given(data=st.data(), query=query_strings(SEARCH_PARAMETERS))
def test_search_pages_feeds_and_exports_never_fail(client, content, data, query):
    path = data.draw(st.sampled_from(search_paths(content)), label="path")
    assert get_everything(client, path, query).status_code < 500


@BOUNDED
@given(data=st.data(), query=query_strings(DIRECTORY_PARAMETERS + SEARCH_PARAMETERS))
def test_the_organisation_directory_and_its_exports_never_fail(client, content, data, query):
    path = data.draw(st.sampled_from(directory_paths(content)), label="path")
    assert get_everything(client, path, query).status_code < 500


@BOUNDED
@given(data=st.data(), query=query_strings(SEARCH_PARAMETERS + DIRECTORY_PARAMETERS))
def test_events_calendars_topics_and_guides_never_fail(client, content, data, query):
    path = data.draw(st.sampled_from(other_paths(content)), label="path")
    assert get_everything(client, path, query).status_code < 500


@BOUNDED
@given(data=st.data(), query=RAW_QUERIES)
def test_malformed_query_strings_never_fail(client, content, data, query):
    paths = search_paths(content) + directory_paths(content) + other_paths(content)
    path = data.draw(st.sampled_from(paths), label="path")
    assert get_everything(client, path, query).status_code < 500


# --- the public forms ---------------------------------------------------------------------------


def started_token(seconds_ago: float) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def plausible_form_values() -> dict[str, list[str]]:
    """For each field, values a person might type (so that many bodies get past validation
    into the code that saves), besides anything at all."""
    return {
        "title": ["Working with interpreters", "Istanbul Protocol explained", "x" * 301],
        "url": ["https://example.org/a", "example.org", "javascript:alert(1)", "http://[::1"],
        "registration_url": ["https://example.org/register", "ftp://x"],
        "kind": [value for value, _label in Resource.Kind.choices],
        "summary": ["Two sentences about it.", "<script>alert(1)</script>"],
        "language": [code for code, _name in LANGUAGES][:5],
        "date": ["2025-03-01", "2025-02-30", "99999-01-01", "0000-00-00"],
        "starts_at": ["2030-03-01T14:00", "2030-03-31T02:30", "2030-13-01T00:00"],
        "ends_at": ["2030-03-01T15:00", "2030-03-01T13:00", "2030-03-31T03:30"],
        "timezone": ["Europe/Paris", "America/Chicago", "Mars/Olympus", "UTC", "Europe/London"],
        "topics": ["interpreting", "nope"],
        "audiences": ["clinicians", "lawyers"],
        "email": ["amina@example.org", "not-an-address", "a@b"],
        "name": ["Amina Farah"],
        "subject": ["A question"],
        "message": ["Thank you."],
        "consent_to_contact": ["on", "off"],
        "not_duplicate": ["on"],
        "website": [""],
        "started": [started_token(30), started_token(0), started_token(86400 * 2), "x:y:z"],
    }


VALID_BODIES = {
    "share": {
        "title": ["Working with interpreters"],
        "url": ["https://example.org/a"],
        "kind": ["guide"],
        "summary": ["Two sentences about it."],
        "language": ["en"],
        "name": ["Amina Farah"],
        "email": ["amina@example.org"],
        "started": [started_token(30)],
    },
    "contact": {
        "name": ["Amina Farah"],
        "email": ["amina@example.org"],
        "subject": ["A question"],
        "message": ["Thank you."],
        "started": [started_token(30)],
    },
}


def form_bodies(form_class, valid: dict):
    """Bodies that start empty or valid, then have a few fields changed, dropped or added: many
    get past validation into the code that saves (duplicates, e-mails), many do not."""
    plausible = plausible_form_values()
    fields = sorted(form_class.base_fields)

    def field_values(name):
        known = st.sampled_from(plausible.get(name, [""]))
        values = st.lists(st.one_of(known, known, VALUES), min_size=1, max_size=3)
        return st.tuples(st.just(name), values)

    changes = st.lists(st.sampled_from(fields).flatmap(field_values), max_size=4)
    dropped = st.sets(st.sampled_from(fields), max_size=2)
    extra = st.lists(st.tuples(RANDOM_NAMES, st.lists(VALUES, min_size=1, max_size=2)), max_size=2)

    def body(start, changes, dropped, extra):
        result = {**start, **dict(extra), **dict(changes)}
        return {name: values for name, values in result.items() if name not in dropped}

    return st.builds(body, st.sampled_from([{}, valid, valid]), changes, dropped, extra)


@pytest.fixture
def open_forms(settings):
    settings.SHARE_RATE = "100000/h"
    settings.CONTACT_RATE = "100000/h"
    settings.FORM_MIN_SECONDS = 0


@hypothesis.settings(BOUNDED, max_examples=max(80, EXAMPLES))
@given(body=form_bodies(ShareResourceForm, VALID_BODIES["share"]), multipart=st.booleans())
def test_any_body_posted_to_the_share_form_never_fails(client, content, open_forms, body,
                                                        multipart):  # fmt: skip
    path = reverse("submissions:share")
    if multipart:
        response = client.post(path, body)
    else:
        encoded = urlencode([(k, v) for k, values in body.items() for v in values])
        response = client.post(path, encoded, content_type="application/x-www-form-urlencoded")
    hypothesis.event("status", response.status_code)
    assert response.status_code < 500


@BOUNDED
@given(body=form_bodies(ContactForm, VALID_BODIES["contact"]))
def test_any_body_posted_to_the_contact_form_never_fails(client, content, open_forms, body):
    response = client.post(reverse("submissions:contact"), body)
    hypothesis.event("status", response.status_code)
    assert response.status_code < 500


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=BoUnDaRy",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "text/plain",
    "application/json",
]


def multipart_like(parts: list[tuple[str, bytes]]) -> bytes:
    """A multipart body that may be well formed, truncated or mislabelled."""
    chunks = [
        b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"" + name.encode("utf-8", "replace")
        + b"\"" + (b'; filename="f.pdf"' if n % 2 else b"") + b"\r\n\r\n" + value + b"\r\n"
        for n, (name, value) in enumerate(parts)
    ]  # fmt: skip
    return b"".join(chunks) + b"--BoUnDaRy--\r\n"


RAW_BODIES = st.one_of(
    st.binary(max_size=300),
    st.lists(
        st.tuples(st.sampled_from(["title", "file", "email", "x"]), st.binary(max_size=40)),
        max_size=4,
    ).map(multipart_like),
    st.lists(st.tuples(st.sampled_from(["title", "file"]), st.binary(max_size=40)), max_size=4)
    .map(multipart_like)
    .map(lambda body: body[: len(body) // 2]),
)


@BOUNDED
@given(raw=RAW_BODIES, content_type=st.sampled_from(CONTENT_TYPES), check_csrf=st.booleans())
def test_any_bytes_posted_as_a_form_never_fail(content, open_forms, raw, content_type, check_csrf):
    """Raw bodies, with CSRF checked as in production (the check reads the body first) or not
    (so that the body reaches the view)."""
    client = Client(enforce_csrf_checks=check_csrf)
    for path in (reverse("submissions:share"), reverse("submissions:contact")):
        response = client.post(path, raw, content_type=content_type)
        hypothesis.event("status", response.status_code)
        assert response.status_code < 500


# --- what these tests found, as plain tests -----------------------------------------------------


@pytest.mark.parametrize("feed", ["opendata:search-feed", "opendata:search-feed-atom"])
def test_a_search_feed_for_text_with_a_control_character_is_a_valid_feed(client, content, feed):
    import feedparser

    response = client.get(reverse(feed), {"q": "torture\x08 care\x1b"})

    assert response.status_code == 200  # was a 500: XML 1.0 cannot hold \x08
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert parsed.feed.title == "HealTorture: Resources matching “torture care”"


def test_a_title_pasted_with_a_vertical_tab_does_not_break_the_feeds(client, content):
    import feedparser

    make_resource(title="Sleep\x0band nightmares", summary="Pasted\x0cfrom a document.")

    for feed in ("opendata:search-feed", "opendata:search-feed-atom"):
        response = client.get(reverse(feed))
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo
        assert "Sleep and nightmares" in [entry.title for entry in parsed.entries]
