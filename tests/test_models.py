"""The data model: the published-only door, the search columns, sanitised Markdown."""

import datetime as dt

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db.models import F

from resources.models import Resource

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db


def search(words: str):
    query = SearchQuery(words, config="english", search_type="websearch")
    return (
        Resource.objects.published()
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "pk")
    )


@pytest.mark.parametrize("status", [s for s in Resource.Status if s != Resource.Status.PUBLISHED])
def test_published_excludes_every_other_status(status):
    shown = make_resource(title="Shown")
    make_resource(title="Hidden", status=status)

    assert list(Resource.objects.published()) == [shown]


def test_publishing_sets_published_at_and_a_unique_slug():
    first = make_resource(title="Working with interpreters", status=Resource.Status.DRAFT)
    second = make_resource(title="Working with interpreters", status=Resource.Status.DRAFT)
    assert first.published_at is None
    assert (first.slug, second.slug) == ("working-with-interpreters", "working-with-interpreters-2")

    first.status = Resource.Status.PUBLISHED
    first.save()

    assert first.published_at is not None
    assert list(Resource.objects.published()) == [first]


def test_a_title_match_ranks_above_a_description_match():
    in_description = make_resource(
        title="Care for families", description="Covers the Istanbul Protocol in depth."
    )
    in_title = make_resource(title="The Istanbul Protocol explained")

    assert list(search("istanbul protocol")) == [in_title, in_description]


def test_search_understands_phrases_or_and_exclusions():
    children = make_resource(title="Identifying torture of children")
    adults = make_resource(title="Torture documentation for adults")

    assert set(search("torture")) == {children, adults}
    assert list(search("torture -children")) == [adults]
    assert set(search("children OR adults")) == {children, adults}
    assert list(search('"torture of children"')) == [children]


def test_search_finds_a_resource_by_its_topics_organisations_and_presenters():
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT")
    resource = make_resource(
        title="Group work",
        topics=["Vicarious trauma"],
        organizations=[cvt],
        presenters="Jane Doe, clinical psychologist",
    )

    assert list(search("vicarious")) == [resource]
    assert list(search("CVT")) == [resource]
    assert list(search("psychologist")) == [resource]


def test_renaming_an_organisation_or_topic_updates_the_search():
    org = make_organization(name="Old Name Centre")
    resource = make_resource(title="Group work", topics=["Safety"], organizations=[org])

    org.name = "Renamed Healing Centre"
    org.save()
    topic = resource.topics.get()
    topic.name = "Client safety planning"
    topic.save()

    assert list(search("renamed")) == [resource]
    assert list(search("planning")) == [resource]
    assert list(search("old name")) == []


def test_changes_from_the_organisation_side_update_the_search():
    org = make_organization(name="Sanctuary Clinic")
    resource = make_resource(title="Group work")

    org.resources.add(resource)
    assert list(search("sanctuary")) == [resource]

    org.resources.clear()
    assert list(search("sanctuary")) == []


def test_the_simple_column_matches_word_prefixes():
    resource = make_resource(title="Istanbul Protocol questions and answers")
    query = SearchQuery("istan:*", search_type="raw", config="simple")

    assert list(Resource.objects.filter(search_vector_simple=query)) == [resource]


def test_markdown_description_is_rendered_and_sanitised():
    resource = make_resource(
        description=(
            "**Bold** and a [link](https://example.org).\n\n"
            "<script>alert(1)</script> [bad](javascript:alert(1)) <img src=x onerror=alert(1)>"
        )
    )
    html = resource.description_html

    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_a_session_cannot_end_before_it_starts_or_lack_a_real_time_zone():
    start = dt.datetime(2026, 3, 29, 15, tzinfo=dt.UTC)
    resource = Resource(
        title="Webinar",
        kind=Resource.Kind.WEBINAR,
        summary="A session.",
        starts_at=start,
        ends_at=start - dt.timedelta(hours=1),
        timezone="Nowhere/Atlantis",
    )
    with pytest.raises(ValidationError) as error:
        resource.full_clean()

    assert "ends_at" in error.value.message_dict
    assert "timezone" in error.value.message_dict
