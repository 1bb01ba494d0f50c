"""Admin screens that used to let a moderator corrupt data without noticing: the organisation
autocomplete that picked the wrong organisation, session times shown in another time zone than
the one beside them, and messages that read like a machine's."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from resources.models import Resource

from .factories import make_organization, make_resource
from .test_languages import change_form_data

pytestmark = pytest.mark.django_db
AUTOCOMPLETE = reverse("admin:autocomplete")


def autocomplete(client, term, model="resource", field="organizations"):
    response = client.get(
        AUTOCOMPLETE,
        {"term": term, "app_label": "resources", "model_name": model, "field_name": field},
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


# --- The organisation autocomplete ------------------------------------------------------------


@pytest.fixture
def organisations():
    # Alphabetically, CINTRAS and "Anti-Torture ..." come before IRCT; both mention it.
    make_organization(name="CINTRAS", acronym="", description="A member centre of the IRCT.")
    make_organization(name="Anti-Torture Initiative", acronym="ATI",
                      description="Works with IRCT members.")  # fmt: skip
    make_organization(name="International Rehabilitation Council for Torture Victims",
                      acronym="IRCT")  # fmt: skip
    make_organization(name="IRCT Europe Network", acronym="")
    make_organization(name="Centre for IRCT studies", acronym="")


def test_an_exact_acronym_comes_first_then_prefixes_then_the_rest(admin_client, organisations):
    found = autocomplete(admin_client, "irct")

    assert found[0].startswith("International Rehabilitation Council for Torture Victims")
    assert found[1].startswith("IRCT Europe Network")
    assert found[2].startswith("Centre for IRCT studies")
    # Descriptions are not searched here: mentioning IRCT does not make CINTRAS one.
    assert not any(text.startswith(("CINTRAS", "Anti-Torture")) for text in found)


def test_an_exact_name_comes_first_whatever_its_case(admin_client):
    make_organization(name="Freedom from Torture Scotland")
    make_organization(name="Freedom from Torture", acronym="FFT")

    assert autocomplete(admin_client, "FREEDOM FROM TORTURE")[0].startswith("Freedom from Torture")
    assert autocomplete(admin_client, "fft", model="series", field="organization")[0].startswith(
        "Freedom from Torture"
    )


def test_the_organisation_list_still_searches_descriptions(admin_client, organisations):
    response = admin_client.get(reverse("admin:organizations_organization_changelist"),
                                {"q": "IRCT members"})  # fmt: skip

    assert [o.name for o in response.context["cl"].result_list] == ["Anti-Torture Initiative"]


# --- Session times in the session's own time zone ----------------------------------------------


def test_session_times_round_trip_in_the_sessions_own_time_zone(admin_client):
    copenhagen = zoneinfo.ZoneInfo("Europe/Copenhagen")
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    resource = make_resource(
        kind=Resource.Kind.WEBINAR,
        starts_at=dt.datetime(2026, 3, 3, 14, 0, tzinfo=copenhagen),  # 13:00 UTC
        ends_at=dt.datetime(2026, 3, 3, 15, 30, tzinfo=copenhagen),
        timezone="Europe/Copenhagen",
    )
    url = reverse("admin:resources_resource_change", args=[resource.pk])

    page = admin_client.get(url)

    # Shown as the organiser announced it, beside its zone: 14:00, not 13:00 (UTC).
    form = page.context["adminform"].form
    assert form["starts_at"].value() == dt.datetime(2026, 3, 3, 14, 0)
    assert 'name="starts_at_1" value="14:00:00"' in page.text
    assert 'name="ends_at_1" value="15:30:00"' in page.text
    assert "the session's own time zone" in page.text

    # Saved unchanged, it stays the same moment.
    data = change_form_data(admin_client, url)
    assert admin_client.post(url, data).status_code == 302
    resource.refresh_from_db()
    assert resource.starts_at == dt.datetime(2026, 3, 3, 13, 0, tzinfo=dt.UTC)
    assert resource.ends_at == dt.datetime(2026, 3, 3, 14, 30, tzinfo=dt.UTC)

    # Typed times are read in the zone chosen in the same form.
    data.update(timezone="America/Chicago", starts_at_1="09:00", ends_at_1="10:00")
    assert admin_client.post(url, data).status_code == 302
    resource.refresh_from_db()
    assert resource.timezone == "America/Chicago"
    assert resource.starts_at == dt.datetime(2026, 3, 3, 9, 0, tzinfo=chicago)
    assert resource.starts_at == dt.datetime(2026, 3, 3, 15, 0, tzinfo=dt.UTC)
    assert 'name="starts_at_1" value="09:00:00"' in admin_client.get(url).text


def test_an_unknown_time_zone_is_refused_beside_its_field_and_nothing_typed_is_lost(admin_client):
    resource = make_resource(kind=Resource.Kind.WEBINAR, timezone="Europe/Copenhagen",
                             starts_at=dt.datetime(2026, 3, 3, 13, 0, tzinfo=dt.UTC))  # fmt: skip
    url = reverse("admin:resources_resource_change", args=[resource.pk])
    data = change_form_data(admin_client, url)
    data.update(timezone="Europe/Atlantis", starts_at_1="16:45")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["timezone"]
    assert 'value="16:45"' in response.text and 'value="Europe/Atlantis"' in response.text
    resource.refresh_from_db()
    assert resource.starts_at == dt.datetime(2026, 3, 3, 13, 0, tzinfo=dt.UTC)


def test_the_moderation_page_shows_a_proposed_session_in_its_own_time_zone(admin_client):
    from submissions.models import Submission

    resource = make_resource(
        kind=Resource.Kind.WEBINAR,
        status=Resource.Status.PENDING,
        starts_at=dt.datetime(2026, 3, 3, 13, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 3, 3, 14, 0, tzinfo=dt.UTC),
        timezone="Europe/Copenhagen",
    )
    submission = Submission.objects.create(resource=resource, email="a@example.org")

    page = admin_client.get(reverse("admin:submissions_submission_change", args=[submission.pk]))

    assert "2026-03-03 14:00 CET – 2026-03-03 15:00 CET (Europe/Copenhagen)" in page.text
    assert "13:00" not in page.text


# --- Messages that are sentences ---------------------------------------------------------------


def submission(title):
    from submissions.models import Submission

    resource = make_resource(title=title, status=Resource.Status.PENDING)
    return Submission.objects.create(resource=resource, email="a@example.org")


def messages_after(response):
    return [str(message) for message in response.context["messages"]]


def test_a_decision_on_one_or_several_submissions_is_told_in_a_sentence(admin_client):
    queue = reverse("admin:submissions_submission_changelist")
    one = submission("Sleep after torture")
    two = [submission("Group work"), submission("Safety planning")]

    approve = {"action": "approve_selected", "_selected_action": [one.pk]}
    approved = admin_client.post(queue, approve, follow=True)
    duplicates = admin_client.post(
        reverse("admin:submissions_submission_decide", args=[two[0].pk, "duplicate"]),
        {"post": "yes", "number": one.resource_id},
        follow=True,
    )
    asked = admin_client.post(
        queue, {"action": "reject_selected", "_selected_action": [s.pk for s in two]}
    )
    rejected = admin_client.post(
        queue,
        {"action": "reject_selected", "_selected_action": [s.pk for s in two], "post": "yes",
         "reason": "Promotional or commercial."},
        follow=True,
    )  # fmt: skip

    assert messages_after(approved) == [
        "Published 1 submission and told its submitter: “Sleep after torture”."
    ]
    assert messages_after(duplicates) == ["Marked 1 submission as a duplicate: “Group work”."]
    assert "Left out 1 submission that was already decided: “Group work”." in asked.text
    assert messages_after(rejected) == [
        "Rejected 1 submission and told its submitter why: “Safety planning”."
    ]


def test_decisions_on_several_submissions_are_told_in_the_plural_and_translated(admin_client):
    from django.utils import translation

    from submissions.admin_messages import DECIDED
    from submissions.models import Submission

    queue = reverse("admin:submissions_submission_changelist")
    several = [submission("Group work"), submission("Safety planning")]

    approved = admin_client.post(
        queue, {"action": "approve_selected", "_selected_action": [s.pk for s in several]},
        follow=True,
    )  # fmt: skip

    assert messages_after(approved) == [
        "Published 2 submissions and told their submitters: “Group work”; “Safety planning”."
    ]
    message = DECIDED[Submission.Decision.DUPLICATE]
    with translation.override("fr"):
        assert message % {"count": 1, "titles": "« x »"} == (
            "1 proposition marquée comme doublon : « x »."
        )
        assert message % {"count": 3, "titles": "« x »"} == (
            "3 propositions marquées comme doublons : « x »."
        )


def test_resource_actions_say_what_was_done_in_the_singular_and_the_plural(admin_client):
    changelist = reverse("admin:resources_resource_changelist")
    drafts = [make_resource(status=Resource.Status.DRAFT) for _ in range(3)]

    one = admin_client.post(changelist, {"action": "publish", "_selected_action": [drafts[0].pk]},
                            follow=True)  # fmt: skip
    archived = admin_client.post(
        changelist, {"action": "archive", "_selected_action": [d.pk for d in drafts]}, follow=True
    )

    assert messages_after(one) == ["Published 1 resource."]
    assert messages_after(archived) == ["Archived 3 resources."]


# --- What the submitter typed ------------------------------------------------------------------


def test_the_moderation_page_shows_what_the_submitter_typed_after_a_moderator_edits_it(
    admin_client, client
):
    from submissions.models import Submission

    from .test_share import proposal

    typed = "a guide for clinicans who work thru interpreters"
    assert client.post(reverse("submissions:share"), proposal(summary=typed)).status_code == 302
    submission = Submission.objects.get()
    Resource.objects.filter(pk=submission.resource_id).update(
        summary="A guide for clinicians who work through interpreters."
    )

    page = admin_client.get(reverse("admin:submissions_submission_change", args=[submission.pk]))

    assert submission.summary_as_typed == typed
    assert "Short description (as typed)" in page.text and typed in page.text
    assert "Summary (as it is now)" in page.text
    assert "A guide for clinicians who work through interpreters." in page.text
