"""The public pages answer, show only published content, and cost a constant number of queries."""

import pytest
from django.urls import reverse

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
    ("resources", lambda c: reverse("resources:list"), 7),
    ("resource", lambda c: c["published"][0].get_absolute_url(), 12),
    ("topics", lambda c: reverse("resources:topics"), 4),
    ("topic", lambda c: reverse("resources:topic", args=["children"]), 8),
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
    response = client.get(reverse("resources:topics"))

    assert '<bdi>Children</bdi> <span class="count">(8)</span>' in response.text
