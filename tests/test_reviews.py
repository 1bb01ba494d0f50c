"""The reviewed date: what a visitor reads on a resource page, how moderators record a review,
and the list of resources nobody has looked at for a year."""

import datetime as dt

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from resources.models import Resource

from .factories import make_resource

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:resources_resource_changelist")
NOW = timezone.now()


def change_url(resource):
    return reverse("admin:resources_resource_change", args=[resource.pk])


def mark_url(resource):
    return reverse("admin:resources_resource_mark_reviewed", args=[resource.pk])


def test_a_resource_never_reviewed_says_nothing_of_reviews_but_keeps_the_report_link(client):
    resource = make_resource()

    assert resource.last_reviewed_at is None and resource.last_reviewed_by is None
    text = client.get(resource.get_absolute_url()).text
    assert "eviewed" not in text  # neither "Reviewed" nor "Not reviewed yet"
    report = reverse("upkeep:report-problem", args=[resource.slug])
    assert f'<a href="{report}">Report a problem with this resource</a>' in text


def test_the_page_shows_the_day_of_the_last_review_but_not_who(client, admin_user):
    resource = make_resource(
        last_reviewed_at=dt.datetime(2026, 3, 3, 14, 30, tzinfo=dt.UTC), last_reviewed_by=admin_user
    )

    text = client.get(resource.get_absolute_url()).text

    assert 'Reviewed <time datetime="2026-03-03">3 March 2026</time>' in text
    assert "Not reviewed yet" not in text
    assert "Report a problem with this resource" in text
    assert admin_user.username not in text


def test_the_resource_page_costs_the_same_queries_reviewed_or_not(
    client, admin_user, django_assert_max_num_queries
):
    never = make_resource()
    reviewed = make_resource(last_reviewed_at=NOW, last_reviewed_by=admin_user)
    client.get(never.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        client.get(never.get_absolute_url())

    with django_assert_max_num_queries(len(captured)):
        assert client.get(reviewed.get_absolute_url()).status_code == 200


def test_moderators_mark_resources_reviewed_from_the_list_and_it_is_logged(
    admin_client, admin_user, client
):
    first, second, untouched = make_resource(), make_resource(), make_resource()

    response = admin_client.post(
        CHANGELIST,
        {"action": "mark_reviewed", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert "Marked 2 resources reviewed." in response.text
    for resource in (first, second):
        resource.refresh_from_db()
        assert abs(resource.last_reviewed_at - timezone.now()) < dt.timedelta(minutes=1)
        assert resource.last_reviewed_by == admin_user
        log = LogEntry.objects.get(object_id=str(resource.pk))
        assert (log.action_flag, log.change_message, log.user) == (CHANGE, "Marked reviewed.",
                                                                   admin_user)  # fmt: skip
        today = timezone.localdate()
        assert (
            f'Reviewed <time datetime="{today:%Y-%m-%d}">'
            in client.get(resource.get_absolute_url()).text
        )
    untouched.refresh_from_db()
    assert untouched.last_reviewed_at is None


def test_the_review_button_on_a_resources_page_posts_and_logs(admin_client, admin_user):
    resource = make_resource()
    page = admin_client.get(change_url(resource)).text
    assert f'action="{mark_url(resource)}"' in page and "Mark reviewed today" in page

    assert admin_client.get(mark_url(resource)).status_code == 405
    response = admin_client.post(mark_url(resource))

    assert response.status_code == 302 and response["Location"] == change_url(resource)
    resource.refresh_from_db()
    assert resource.last_reviewed_by == admin_user and resource.last_reviewed_at is not None
    assert LogEntry.objects.filter(object_id=str(resource.pk), change_message="Marked reviewed."
                                   ).count() == 1  # fmt: skip
    assert "Marked reviewed today." in admin_client.get(response["Location"]).text


def test_staff_who_may_only_view_cannot_mark_reviewed(client, django_user_model):
    resource = make_resource()
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_resource"))
    client.force_login(viewer)

    page = client.get(change_url(resource))
    assert page.status_code == 200 and "Mark reviewed today" not in page.text
    assert client.post(mark_url(resource)).status_code == 403
    resource.refresh_from_db()
    assert resource.last_reviewed_at is None


def test_the_review_date_is_not_typed_in_by_hand(admin_client):
    resource = make_resource()
    page = admin_client.get(change_url(resource)).text

    assert 'name="last_reviewed_at' not in page
    assert 'name="last_reviewed_by"' not in page


@pytest.fixture
def ages():
    """Published resources in every state of review, and a draft nobody needs to review."""
    year_ago = NOW - dt.timedelta(days=365)
    return {
        "recent": make_resource(title="Reviewed last month",
                                last_reviewed_at=NOW - dt.timedelta(days=30)),
        "stale": make_resource(title="Reviewed two years ago",
                               last_reviewed_at=NOW - dt.timedelta(days=730)),
        "old-never": make_resource(title="Listed long ago, never reviewed",
                                   published_at=year_ago - dt.timedelta(days=10)),
        "new-never": make_resource(title="Listed last week, never reviewed",
                                   published_at=NOW - dt.timedelta(days=7)),
        "draft": make_resource(title="A draft", status=Resource.Status.DRAFT),
    }  # fmt: skip


def titles(response):
    return sorted(r.title for r in response.context["cl"].result_list)


def test_the_review_due_filter_lists_what_nobody_has_looked_at_for_a_year(admin_client, ages):
    year = admin_client.get(CHANGELIST, {"review_due": "year"})
    never = admin_client.get(CHANGELIST, {"review_due": "never"})

    assert titles(year) == ["Listed long ago, never reviewed", "Reviewed two years ago"]
    assert titles(never) == ["Listed last week, never reviewed", "Listed long ago, never reviewed"]
    assert "not reviewed for a year" in year.text and "never reviewed" in year.text


def test_the_admin_index_counts_the_resources_due_for_review(admin_client, ages):
    text = admin_client.get(reverse("admin:index")).text

    assert "<strong>2</strong> published resources not reviewed for a year" in text
    assert f'href="{CHANGELIST}?review_due=year"' in text


def test_the_admin_index_costs_the_same_queries_whatever_is_due(
    admin_client, django_assert_max_num_queries
):
    admin_client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as captured:
        admin_client.get(reverse("admin:index"))
    for n in range(6):
        make_resource(title=f"Old {n}", published_at=NOW - dt.timedelta(days=800))

    with django_assert_max_num_queries(len(captured)):
        text = admin_client.get(reverse("admin:index")).text
    assert "<strong>6</strong> published resources not reviewed for a year" in text


def test_the_list_shows_the_review_date_for_the_same_queries_for_3_or_12(
    admin_client, admin_user, django_assert_max_num_queries
):
    for _ in range(3):
        make_resource(last_reviewed_at=NOW, last_reviewed_by=admin_user)
    admin_client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as captured:
        first = admin_client.get(CHANGELIST)
    assert timezone.localdate(NOW).isoformat() in first.text
    for _ in range(9):
        make_resource()

    with django_assert_max_num_queries(len(captured)):
        response = admin_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 12
    assert "never" in response.text
