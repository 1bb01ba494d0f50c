"""Reporting a problem with a resource, as a visitor (and as someone abusing the form), and
working the reports as a moderator."""

import time

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from common.forms import TIMESTAMP_SALT
from common.models import OutboxMessage
from resources.models import Resource
from upkeep.models import ProblemReport

from .factories import make_resource
from .jobs import run_jobs

pytestmark = pytest.mark.django_db
REPORTS = reverse("admin:upkeep_problemreport_changelist")


def report_url(resource) -> str:
    return reverse("upkeep:report-problem", args=[resource.slug])


def started(seconds_ago: float = 30) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def report(**overrides) -> dict:
    data = {
        "reason": "broken-link",
        "details": "The link leads to a page that says the course has moved.",
        "email": "sam@example.org",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(autouse=True)
def _moderators(settings):
    settings.MODERATOR_EMAILS = ["moderators@example.org"]
    settings.REPORT_RATE = "100/h"


@pytest.fixture
def resource():
    return make_resource(title="Interpreting in trauma therapy", url="https://example.org/x")


def test_the_resource_page_links_to_the_report_form(client, resource):
    text = client.get(resource.get_absolute_url()).text

    assert f'href="{report_url(resource)}"' in text
    assert "Report a problem with this resource" in text


def test_the_form_explains_itself_and_is_never_cached(client, resource):
    response = client.get(report_url(resource))

    assert response.status_code == 200
    assert "Interpreting in trauma therapy" in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'aria-hidden="true"' in response.text and 'name="website"' in response.text
    assert "<legend>What is wrong?</legend>" in response.text
    for label in ["The link or file does not work", "Something in it is out of date",
                  "It should not be listed here", "Something else"]:  # fmt: skip
        assert label in response.text
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "status", [Resource.Status.DRAFT, Resource.Status.PENDING, Resource.Status.REJECTED,
               Resource.Status.ARCHIVED],
)  # fmt: skip
def test_only_published_resources_can_be_reported(client, status):
    hidden = make_resource(status=status)

    assert client.get(report_url(hidden)).status_code == 404
    assert client.post(report_url(hidden), report()).status_code == 404
    assert client.get(reverse("upkeep:report-problem-thanks", args=[hidden.slug])
                      ).status_code == 404  # fmt: skip
    assert not ProblemReport.objects.exists()


def test_a_report_reaches_the_queue_and_the_moderators_inbox(client, resource):
    response = client.post(report_url(resource), report())
    assert mail.outbox == []  # the request left the e-mail to a worker
    run_jobs()

    assert response.status_code == 302
    assert response["Location"] == reverse("upkeep:report-problem-thanks",
                                           args=[resource.slug])  # fmt: skip
    saved = ProblemReport.objects.get()
    assert (saved.resource, saved.reason, saved.email) == (resource, "broken-link",
                                                           "sam@example.org")  # fmt: skip
    assert saved.is_open
    assert [m.to for m in mail.outbox] == [["moderators@example.org"]]
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Problem reported: Interpreting in trauma therapy"
    assert "The link or file does not work" in body and "the course has moved" in body
    assert "Reply to: sam@example.org" in body
    assert reverse("admin:upkeep_problemreport_change", args=[saved.pk]) in body
    assert OutboxMessage.objects.get().status == "sent"
    thanks = client.get(response["Location"])
    assert "Thank you for telling us" in thanks.text
    assert resource.get_absolute_url() in thanks.text


def test_nothing_of_a_report_shows_publicly(client, resource):
    client.post(report_url(resource), report(details="Zygomatic complaint text"))
    assert ProblemReport.objects.exists()

    for url in [resource.get_absolute_url(), reverse("search:list"), "/?q=zygomatic",
                reverse("search:list") + "?q=zygomatic", reverse("opendata:search-feed"),
                reverse("resources-json"), reverse("resources-csv"),
                reverse("upkeep:report-problem-thanks", args=[resource.slug])]:  # fmt: skip
        response = client.get(url)
        body = response.text if not response.streaming else b"".join(response).decode()
        assert "Zygomatic" not in body, url
        assert "sam@example.org" not in body, url


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("reason", "", "This field is required."),
        ("reason", "spaceship", "Select a valid choice."),
        ("email", "sam@", "Enter a valid email address."),
        ("details", "x" * 2001, "Ensure this value has at most 2000 characters"),
    ],
)
def test_errors_are_shown_beside_the_field_and_nothing_typed_is_lost(
    client, resource, field, value, message
):
    response = client.post(report_url(resource), report(**{field: value}))

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.text
    assert message in response.text
    if field != "email":
        assert 'value="sam@example.org"' in response.text
    if field != "details":
        assert "the course has moved" in response.text
    assert not ProblemReport.objects.exists()


def test_the_honeypot_and_the_fill_time_refuse_with_a_clear_message(client, resource):
    honeypot = client.post(report_url(resource), report(website="https://spam.example"))
    too_fast = client.post(report_url(resource), report(started=started(seconds_ago=0.2)))
    tampered = client.post(report_url(resource), report(started="1700000000"))

    assert honeypot.status_code == too_fast.status_code == tampered.status_code == 400
    assert "This form could not be accepted." in honeypot.text
    assert "quicker than a person" in too_fast.text
    assert "the course has moved" in too_fast.text
    assert "expired or was changed" in tampered.text
    assert not ProblemReport.objects.exists()


def test_markup_and_control_characters_are_neutralised(client, resource):
    evil = "<script>alert('x')</script>\x07\x1b[31m"

    client.post(report_url(resource), report(details=evil))
    response = client.post(report_url(resource), report(details=evil, email="bad"))

    assert ProblemReport.objects.get().details == "<script>alert('x')</script>[31m"
    assert "<script>alert('x')" not in response.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text


def test_too_many_reports_from_one_address_get_a_429_with_the_form(client, resource, settings):
    settings.REPORT_RATE = "2/h"
    for _ in range(2):
        assert client.post(report_url(resource), report()).status_code == 302

    response = client.post(report_url(resource), report(details="A third report"))

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "wait an hour" in response.text
    assert "A third report" in response.text
    assert ProblemReport.objects.count() == 2


def test_csrf_is_enforced(resource):
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(report_url(resource), report()).status_code == 403
    assert not ProblemReport.objects.exists()


def test_the_resource_page_costs_the_same_queries_with_or_without_reports(
    client, resource, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(resource.get_absolute_url())
    for _ in range(5):
        ProblemReport.objects.create(resource=resource, reason="outdated")

    with django_assert_max_num_queries(len(before)):
        assert client.get(resource.get_absolute_url()).status_code == 200


# --- The moderators' side -----------------------------------------------------------------------


@pytest.fixture
def reports(resource):
    other = make_resource(title="Safety planning with survivors")
    return [
        ProblemReport.objects.create(resource=resource, reason="broken-link", details="Gone"),
        ProblemReport.objects.create(resource=resource, reason="outdated", email="a@example.org"),
        ProblemReport.objects.create(resource=other, reason="inappropriate"),
    ]


def test_reports_are_listed_and_filtered_open_or_resolved(admin_client, reports, admin_user):
    from upkeep.admin import resolve_reports

    resolve_reports(ProblemReport.objects.filter(pk=reports[2].pk), admin_user)

    open_list = admin_client.get(REPORTS, {"status": "open"})
    resolved = admin_client.get(REPORTS, {"status": "resolved"})

    assert [r.pk for r in open_list.context["cl"].result_list] == [reports[0].pk, reports[1].pk]
    assert [r.pk for r in resolved.context["cl"].result_list] == [reports[2].pk]
    assert "Interpreting in trauma therapy" in open_list.text
    assert "Mark resolved" in open_list.text


def test_one_click_marks_a_report_resolved_by_post_and_logs_it(admin_client, reports, admin_user):
    url = reverse("admin:upkeep_problemreport_resolve", args=[reports[0].pk])
    assert admin_client.get(url).status_code == 405
    list_page = admin_client.get(REPORTS, {"status": "open"}).text
    assert f'formaction="{url}"' in list_page

    response = admin_client.post(url, HTTP_REFERER=f"http://testserver{REPORTS}?status=open")

    assert response.status_code == 302 and response["Location"].endswith(f"{REPORTS}?status=open")
    reports[0].refresh_from_db()
    assert not reports[0].is_open and reports[0].resolved_by == admin_user
    log = LogEntry.objects.get(object_id=str(reports[0].pk))
    assert log.change_message == "Marked resolved." and log.user == admin_user
    assert ProblemReport.objects.filter(resolved_at=None).count() == 2


def test_the_resolve_button_is_on_a_reports_page_and_refuses_other_sites(admin_client, reports):
    url = reverse("admin:upkeep_problemreport_resolve", args=[reports[1].pk])
    page = admin_client.get(reverse("admin:upkeep_problemreport_change",
                                    args=[reports[1].pk]))  # fmt: skip
    assert f'action="{url}"' in page.text

    response = admin_client.post(url, HTTP_REFERER="https://evil.example/")

    assert response["Location"] == REPORTS


def test_the_bulk_action_resolves_the_selected_reports(admin_client, reports):
    response = admin_client.post(
        REPORTS,
        {"action": "mark_resolved", "_selected_action": [r.pk for r in reports[:2]]},
        follow=True,
    )

    assert "Marked 2 reports resolved." in response.text
    assert list(ProblemReport.objects.filter(resolved_at=None)) == [reports[2]]


def test_reports_cannot_be_added_in_the_admin_and_a_moderator_without_rights_cannot_resolve(
    admin_client, reports, client, django_user_model
):
    assert admin_client.get(reverse("admin:upkeep_problemreport_add")).status_code == 403
    staff = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(staff)
    url = reverse("admin:upkeep_problemreport_resolve", args=[reports[0].pk])

    assert client.post(url).status_code == 403
    assert ProblemReport.objects.get(pk=reports[0].pk).is_open


def test_a_resources_admin_page_links_to_its_reports(admin_client, reports, resource):
    page = admin_client.get(reverse("admin:resources_resource_change", args=[resource.pk])).text

    link = f"{REPORTS}?resource__id__exact={resource.pk}"
    assert f'href="{link}"' in page and "2 open, 2 in all" in page
    listed = admin_client.get(REPORTS, {"resource__id__exact": resource.pk})
    assert listed.status_code == 200
    assert len(listed.context["cl"].result_list) == 2


def test_open_reports_are_counted_on_the_admin_index(admin_client, reports):
    text = admin_client.get(reverse("admin:index")).text

    assert "<strong>3</strong> problem reports open" in text
    assert f'href="{REPORTS}?status=open"' in text


def test_the_report_list_costs_the_same_queries_for_3_or_12_reports(
    admin_client, reports, resource, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin_client.get(REPORTS)
    with CaptureQueriesContext(connection) as with_3:
        admin_client.get(REPORTS)
    for n in range(9):
        ProblemReport.objects.create(resource=make_resource(title=f"R{n}"), reason="other")

    with django_assert_max_num_queries(len(with_3)):
        response = admin_client.get(REPORTS)
    assert len(response.context["cl"].result_list) == 12
