"""Repeat visits are cheap, and no cache ever shows content that has changed."""

import pytest
from django.urls import reverse

from resources.models import Resource

from .factories import make_resource

pytestmark = pytest.mark.django_db
URL = reverse("resources:list")


def test_anonymous_pages_are_public_for_a_minute_and_revalidate_with_an_etag(client):
    make_resource(title="Group work")

    first = client.get(URL)
    assert "public" in first["Cache-Control"]
    assert "max-age=60" in first["Cache-Control"]
    assert first["ETag"]

    repeat = client.get(URL, headers={"if-none-match": first["ETag"]})
    assert repeat.status_code == 304
    assert repeat.content == b""


def test_pages_for_staff_and_forms_are_private(admin_client):
    response = admin_client.get(URL)
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_the_health_check_is_never_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_every_response_says_how_long_the_server_took(client):
    assert client.get(URL)["Server-Timing"].startswith("app;dur=")


def test_cached_search_results_follow_publication(client):
    make_resource(title="Interpreters in therapy")
    assert client.get(URL, {"q": "interpreters"}).context["search"].total == 1

    pending = make_resource(title="Interpreters in court", status=Resource.Status.PENDING)
    assert client.get(URL, {"q": "interpreters"}).context["search"].total == 1

    pending.status = Resource.Status.PUBLISHED
    pending.save()
    assert client.get(URL, {"q": "interpreters"}).context["search"].total == 2

    Resource.objects.filter(pk=pending.pk).update(status=Resource.Status.ARCHIVED)
    assert client.get(URL, {"q": "interpreters"}).context["search"].total == 1


def test_rendered_search_pages_are_reused_until_content_changes(
    client, settings, django_assert_max_num_queries
):
    settings.SEARCH_PAGE_CACHE_SECONDS = 600
    make_resource(title="Interpreters in therapy")
    first = client.get(URL, {"q": "interpreters"})

    with django_assert_max_num_queries(2):  # the content version and the page, nothing else
        again = client.get(URL, {"q": "interpreters"})
    assert again.content == first.content

    make_resource(title="Interpreters in court")
    fresh = client.get(URL, {"q": "interpreters"})
    assert b"<mark>Interpreters</mark> in court" in fresh.content


def test_staff_never_get_a_cached_page(admin_client, settings):
    settings.SEARCH_PAGE_CACHE_SECONDS = 600
    make_resource(title="Interpreters in therapy")
    admin_client.get(URL)

    assert admin_client.get(URL).context is not None  # rendered afresh


def test_a_bulk_change_renews_the_content_version_once_not_per_row():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    for i in range(20):
        make_resource(title=f"Old {i}")

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        Resource.objects.filter(title__startswith="Old").delete()

    writes = [q["sql"] for q in queries if "healtorture_cache" in q["sql"]
              and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]  # fmt: skip
    assert len(writes) <= 2
