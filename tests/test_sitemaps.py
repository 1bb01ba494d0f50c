"""What crawlers see: the sitemap (published content only, with last changes), robots.txt and
every page's canonical address."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from organizations.models import Organization
from resources.models import Guide, Resource

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
UNPUBLISHED = [
    Resource.Status.DRAFT,
    Resource.Status.PENDING,
    Resource.Status.REJECTED,
    Resource.Status.ARCHIVED,
]


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own sitemap, in a test)


def sitemap_entries(client) -> dict[str, str | None]:
    """Every URL the sitemap index leads to, with its lastmod, by path."""
    index = parse(client.get("/sitemap.xml"))
    entries = {}
    for location in index.findall("s:sitemap/s:loc", NS):
        parts = urlsplit(location.text)
        section = parse(client.get(parts.path + (f"?{parts.query}" if parts.query else "")))
        for url in section.findall("s:url", NS):
            path = urlsplit(url.findtext("s:loc", namespaces=NS)).path
            entries[path] = url.findtext("s:lastmod", namespaces=NS)
    return entries


@pytest.fixture
def content():
    """Published content, and unpublished content of every kind that must stay out."""
    cvt = make_organization(name="Center for Victims of Torture", slug="cvt")
    hidden_org = make_organization(name="Draft centre", slug="draft-centre",
                                   status=Organization.Status.DRAFT)  # fmt: skip
    archived_org = make_organization(name="Old centre", slug="old-centre",
                                     status=Organization.Status.ARCHIVED)  # fmt: skip
    published = make_resource(title="Working with interpreters", topics=["Interpreting"],
                              organizations=[cvt])  # fmt: skip
    hidden = [
        make_resource(title=f"Hidden {status}", status=status, topics=[f"Only {status}"])
        for status in UNPUBLISHED
    ]
    guide = Guide.objects.create(title="New to serving survivors", slug="new", published=True)
    draft_guide = Guide.objects.create(title="Unfinished guide", slug="unfinished")
    return {
        "published": [published, cvt, guide],
        "hidden": [*hidden, hidden_org, archived_org, draft_guide],
    }


def test_the_sitemap_lists_published_content_only_with_last_changes(client, content):
    entries = sitemap_entries(client)

    resource = content["published"][0]
    for obj in content["published"]:
        assert entries[obj.get_absolute_url()] == obj.updated_at.date().isoformat()
    topic = reverse("search:topic", args=["interpreting"])
    assert entries[topic] == resource.updated_at.date().isoformat()
    for obj in content["hidden"]:
        assert obj.get_absolute_url() not in entries, obj
    # A topic whose only resources are unpublished is not listed either.
    assert not [path for path in entries if "/topics/only-" in path]
    for name in ["home", "search:list", "organizations:list", "resources:guides",
                 "search:topics", "about", "open-data"]:  # fmt: skip
        assert reverse(name) in entries, name
    assert entries[reverse("search:list")] == resource.updated_at.date().isoformat()


def test_the_sitemap_index_names_every_section_with_its_last_change(client, content):
    index = parse(client.get("/sitemap.xml"))
    sections = {
        urlsplit(item.findtext("s:loc", namespaces=NS)).path: item.findtext(
            "s:lastmod", namespaces=NS
        )
        for item in index.findall("s:sitemap", NS)
    }
    assert set(sections) == {
        "/sitemap-pages.xml", "/sitemap-resources.xml", "/sitemap-topics.xml",
        "/sitemap-guides.xml", "/sitemap-organizations.xml",
    }  # fmt: skip
    assert all(sections.values())
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-resources.xml?p=9").status_code == 404


def test_the_sitemap_lists_events_only_when_the_page_exists(client, content):
    entries = sitemap_entries(client)
    try:
        events = reverse("opendata:events")
    except NoReverseMatch:
        assert not [path for path in entries if "/events" in path]
    else:
        assert events in entries


def test_the_sitemap_costs_the_same_queries_for_more_content(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            sitemap_entries(client)
        return len(captured)

    make_resource(topics=["Children"], organizations=[make_organization()])
    Guide.objects.create(title="One", slug="one", published=True)
    few = queries()
    for n in range(6):
        make_resource(topics=[f"Topic {n}"], organizations=[make_organization()])
    Guide.objects.create(title="Another", slug="another", published=True)
    assert queries() == few


def test_robots_txt_allows_the_public_site_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    for private in ["/admin/", "/share/", "/contact/", "/fr/share/", "/ar/contact/"]:
        assert f"Disallow: {private}" in lines
    # Searches with parameters are left out; the search page itself and resources are not.
    assert "Disallow: /resources/?" in lines
    assert "Disallow: /es/resources/?" in lines
    assert "Disallow: /resources/" not in lines
    assert "Disallow: /es/resources/" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def canonical_links(response) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]*)"', response.text)


def test_every_page_has_one_canonical_link(client):
    organization = make_organization(name="Center for Victims of Torture", slug="cvt")
    resource = make_resource(title="Working with interpreters", organizations=[organization],
                             topics=["Interpreting"])  # fmt: skip

    paths = [
        reverse("home"),
        resource.get_absolute_url(),
        organization.get_absolute_url(),
        reverse("organizations:list"),
        reverse("search:topic", args=["interpreting"]),
        reverse("resources:guides"),
        reverse("about"),
        reverse("open-data"),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert canonical_links(response) == [f"http://testserver{path}"], path


def test_a_search_points_to_the_search_page_itself(client):
    make_resource(title="Working with interpreters")

    response = client.get(reverse("search:list"),
                          {"q": "interpreters", "kind": "video", "page": "1"})  # fmt: skip

    assert canonical_links(response) == [f"http://testserver{reverse('search:list')}"]


def test_a_request_for_an_unknown_host_is_still_a_400(client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert canonical_links(response) == []


def test_lastmod_of_a_topic_is_its_newest_published_resource(client):
    old = make_resource(title="Old", topics=["Children"])
    Resource.objects.filter(pk=old.pk).update(updated_at=dt.datetime(2020, 1, 2, tzinfo=dt.UTC))
    make_resource(title="Unpublished", topics=["Children"], status=Resource.Status.PENDING)

    entries = sitemap_entries(client)

    assert entries[reverse("search:topic", args=["children"])] == "2020-01-02"
