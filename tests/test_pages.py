"""The public pages answer, show only published content, and cost a constant number of queries."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from resources.models import Guide, GuideItem, Resource

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    org = make_organization(name="Center for Victims of Torture", acronym="CVT", is_key=True)
    published = [
        make_resource(title=f"Published {i}", topics=["Children", f"T{i}"], organizations=[org])
        for i in range(8)
    ]
    hidden = make_resource(
        title="Secret pending", topics=["Children"], organizations=[org],
        status=Resource.Status.PENDING,
    )  # fmt: skip
    guide = Guide.objects.create(title="Children", slug="children", published=True)
    for position, resource in enumerate([*published[:3], hidden]):
        GuideItem.objects.create(guide=guide, resource=resource, position=position)
    return {"org": org, "published": published, "hidden": hidden, "guide": guide}


def test_healthz_answers_ok_after_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok\n"


def test_admin_login_page_answers(client):
    assert client.get("/admin/login/").status_code == 200


# (name, URL, the most queries the page may run whatever the amount of content). Pages that name
# topics, audiences or regions read the thesaurus version (one query), and the thesaurus itself
# (one more) when it has changed since this process last read it.
PAGES = [
    ("home", lambda c: reverse("home"), 5),
    ("resources", lambda c: reverse("search:list"), 7),
    ("resource", lambda c: c["published"][0].get_absolute_url(), 12),
    ("topics", lambda c: reverse("search:topics"), 4),
    ("topic", lambda c: reverse("search:topic", args=["children"]), 8),
    ("guides", lambda c: reverse("resources:guides"), 2),
    ("guide", lambda c: c["guide"].get_absolute_url(), 7),
    ("organizations", lambda c: reverse("organizations:list"), 6),
    ("organization", lambda c: c["org"].get_absolute_url(), 8),
]
IDS = [p[0] for p in PAGES]


@pytest.mark.parametrize("name,url,budget", PAGES, ids=IDS)
def test_public_pages_never_show_unpublished_content(client, content, name, url, budget):
    response = client.get(url(content))

    assert response.status_code == 200
    assert "Secret pending" not in response.text


@pytest.mark.parametrize("name,url,budget", PAGES, ids=IDS)
def test_public_pages_run_a_constant_number_of_queries(
    client, content, django_assert_max_num_queries, name, url, budget
):
    with django_assert_max_num_queries(budget):
        client.get(url(content))
    # More than twice the content, and more organisations: the same number of queries.
    for i in range(10):
        make_resource(title=f"More {i}", topics=["Children"],
                      organizations=[content["org"], make_organization()])  # fmt: skip
    with django_assert_max_num_queries(budget):
        client.get(url(content))


def test_an_unpublished_resource_page_is_not_found(client, content):
    response = client.get(content["hidden"].get_absolute_url())

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_the_topic_count_counts_only_published_resources(client, content):
    response = client.get(reverse("search:topics"))

    assert '<bdi>Children</bdi> <span class="count">(8)</span>' in response.text


def test_the_site_icon_is_served_where_browsers_look_for_it_and_kept_long(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content.startswith(b"\x00\x00\x01\x00")  # an ICO file's header
    assert b"\x89PNG" in response.content  # its images
    assert "public" in response["Cache-Control"]
    assert "max-age=2592000" in response["Cache-Control"]  # 30 days
    # Pages name the same icon among the static files (cached for a year once fingerprinted).
    page = client.get(reverse("about")).text
    assert '<link rel="icon" href="/static/favicon.ico">' in page


class StoredText(HTMLParser):
    """The elements whose text is ``texts``, with their ``dir`` (or that of a ``bdi`` around)."""

    def __init__(self, texts):
        super().__init__()
        self.texts, self.found, self.open = set(texts), [], []

    def handle_starttag(self, tag, attrs):
        if tag not in {"br", "img", "input", "meta", "link"}:
            self.open.append("auto" if tag == "bdi" else dict(attrs).get("dir"))

    def handle_endtag(self, tag):
        if self.open and tag not in {"br", "img", "input", "meta", "link"}:
            self.open.pop()

    def handle_data(self, data):
        if data.strip() in self.texts:
            self.found.append((data.strip(), [d for d in self.open if d]))


@pytest.mark.parametrize("page", ["guides", "guide", "home", "organisation", "organisations"])
def test_on_an_arabic_page_stored_text_takes_its_own_direction(client, content, page):
    """English titles, summaries and names on a right-to-left page read left to right, with their
    full stop at their end: every block of text from the database has dir="auto"."""
    guide, org = content["guide"], content["org"]
    guide.summary = "Where to begin."
    guide.introduction = "Start here."
    guide.featured = True
    guide.save()
    guide.key_organizations.set([org])
    org.description = "A treatment centre."
    org.save()
    with translation.override("ar"):
        url = {
            "guides": reverse("resources:guides"),
            "guide": guide.get_absolute_url(),
            "home": reverse("home"),
            "organisation": org.get_absolute_url(),
            "organisations": reverse("organizations:list"),
        }[page]
    assert url.startswith("/ar/")
    texts = {"Children", "Where to begin.", "Start here.", "Center for Victims of Torture",
             "A treatment centre.", "Published 0", "CVT"}  # fmt: skip
    parser = StoredText(texts)
    parser.feed(client.get(url).text)

    assert parser.found, "none of the stored texts is on the page"
    for text, directions in parser.found:
        # The text's own element (or one around it, inside <main>) decides its direction.
        assert directions and directions[-1] == "auto", (page, text, directions)
