"""Repeat visits are cheap, and no cache ever shows content that has changed."""

import pytest
from django.urls import reverse

from resources.models import Resource

from .factories import make_resource

pytestmark = pytest.mark.django_db
URL = reverse("search:list")


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


# --- What invalidates: public changes only --------------------------------------------------------


def version_after(change) -> tuple[int, int]:
    from common.cache import content_version

    before = content_version()
    change()
    return before, content_version()


def test_changes_nobody_can_see_leave_the_cached_searches_alone():
    from submissions import moderation
    from submissions.models import Submission
    from upkeep.models import ProblemReport

    published = make_resource(title="Interpreters in therapy", topics=["Interpreting"])
    draft = make_resource(title="Draft", status=Resource.Status.DRAFT)

    def proposal():  # as the share form leaves it: a pending resource with (existing) topics
        pending = make_resource(title="Proposed", status=Resource.Status.PENDING,
                                topics=["Interpreting"])  # fmt: skip
        return Submission.objects.create(resource=pending, email="ana@example.org")

    submission = None

    def propose():
        nonlocal submission
        submission = proposal()

    def edit_draft():
        draft.summary = "Still a draft."
        draft.save()

    before, after = version_after(propose)
    assert before == after
    before, after = version_after(edit_draft)
    assert before == after
    moderator = make_staff()
    before, after = version_after(lambda: moderation.reject(submission, moderator, "Off topic."))
    assert before == after
    before, after = version_after(
        lambda: ProblemReport.objects.create(resource=published, reason="outdated")
    )
    assert before == after
    before, after = version_after(
        lambda: Resource.objects.filter(pk=draft.pk).update(status=Resource.Status.ARCHIVED)
    )
    assert before == after


def test_public_changes_make_cached_searches_stale():
    published = make_resource(title="Interpreters in therapy")
    pending = make_resource(title="Proposed", status=Resource.Status.PENDING)

    def edit():
        published.summary = "Changed."
        published.save()

    def publish():
        pending.status = Resource.Status.PUBLISHED
        pending.save()

    for change in (
        edit,
        publish,
        lambda: Resource.objects.filter(pk=pending.pk).update(status=Resource.Status.ARCHIVED),
        lambda: published.topics.add("Interpreting"),
        lambda: published.delete(),
    ):
        before, after = version_after(change)
        assert before != after, change


def make_staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("mod", "m@example.org", "x", is_staff=True)


def refreshes(queries) -> list[str]:
    return [q["sql"] for q in queries if "REFRESH MATERIALIZED VIEW" in q["sql"]]


def test_the_vocabulary_is_refreshed_once_per_transaction_concurrently_and_only_when_public(
    django_capture_on_commit_callbacks,
):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            make_resource(title=f"Old {i}")

    # A bulk admin action (archive) over five published rows: one refresh, after the commit.
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        for resource in Resource.objects.filter(title__startswith="Old"):
            resource.status = Resource.Status.ARCHIVED
            resource.save()
        Resource.objects.filter(title__startswith="Old").update(ce_credit=True)
    assert refreshes(queries) == ["REFRESH MATERIALIZED VIEW CONCURRENTLY resources_vocabulary"]

    # A pending row, proposed or edited: no refresh at all.
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        pending = make_resource(title="Zygomatic", status=Resource.Status.PENDING)
        pending.summary = "Edited."
        pending.save()
        Resource.objects.filter(pk=pending.pk).update(ce_credit=True)
    assert refreshes(queries) == []


def test_a_draft_organisation_edited_leaves_the_cached_searches_alone():
    from organizations.models import Organization

    from .factories import make_organization

    draft = make_organization(name="Future centre", status=Organization.Status.DRAFT)

    def describe():
        draft.description = "Opening next year."
        draft.save()

    def publish():
        draft.status = Organization.Status.PUBLISHED
        draft.save()

    before, after = version_after(describe)
    assert before == after
    before, after = version_after(publish)
    assert before != after
