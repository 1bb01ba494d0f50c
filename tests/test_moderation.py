"""Moderation in the admin, as a moderator does it: the queue, the preview, the decisions, the
e-mails they send, the record they leave, and what a moderator may not do."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from common.models import OutboxMessage
from organizations.models import Organization
from resources.models import Resource
from submissions import moderation
from submissions.models import DecisionRecord, Submission
from thesaurus.models import Topic

from .factories import make_organization, make_resource
from .jobs import run_jobs

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:submissions_submission_changelist")


def make_submission(title="Working with interpreters", email="ana@example.org", **fields):
    """A proposal as the public form leaves it: a pending resource and the submitter's details."""
    resource_fields = {
        key: fields.pop(key) for key in ("url", "kind", "summary", "description") if key in fields
    }
    created_at = fields.pop("created_at", None)
    resource = make_resource(title=title, status=Resource.Status.PENDING, **resource_fields)
    submission = Submission.objects.create(
        resource=resource,
        name=fields.pop("name", "Ana Pereira"),
        email=email,
        organization=fields.pop("organization", "Centro de Apoio"),
        role=fields.pop("role", "Psychologist"),
        message=fields.pop("message", "We use it in our team."),
        proposed_organizations=fields.pop("proposed_organizations", "Centro de Apoio, IRCT"),
        proposed_topics=fields.pop("proposed_topics", "interpreting, trauma"),
        **fields,
    )
    if created_at:
        Submission.objects.filter(pk=submission.pk).update(created_at=created_at)
        submission.refresh_from_db()
    return submission


def decide_url(submission, decision):
    return reverse("admin:submissions_submission_decide", args=[submission.pk, decision])


def change_url(submission):
    return reverse("admin:submissions_submission_change", args=[submission.pk])


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        "moderator", "mod@example.org", "a-long-passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def assert_recorded(submission, decision, moderator, reason_part=""):
    """The decision is on the submission, in its history, and in the admin log twice."""
    submission.refresh_from_db()
    assert submission.decision == decision
    assert submission.decided_by == moderator
    assert submission.decided_at is not None
    record = DecisionRecord.objects.get(submission=submission)
    assert (record.decision, record.moderator) == (decision, moderator)
    assert reason_part in record.reason
    for obj in (submission, submission.resource):
        entry = LogEntry.objects.get(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        assert entry.user == moderator
        assert entry.action_flag == CHANGE
        assert entry.change_message
        assert reason_part in entry.change_message


# --- The group -----------------------------------------------------------------------------------


def test_the_moderators_group_has_exactly_the_permissions_moderation_needs():
    granted = set(
        Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )

    assert ("submissions", "change_submission") in granted
    assert ("submissions", "view_decisionrecord") in granted
    assert ("resources", "add_resource") in granted
    assert ("organizations", "change_organization") in granted
    assert ("submissions", "delete_decisionrecord") not in granted
    assert ("submissions", "change_decisionrecord") not in granted
    # They curate the thesaurus: concepts (merging them too) and their labels; and its managed
    # vocabularies (topics, audiences, regions), which they view, add and change.
    vocabularies = {("thesaurus", f"{action}_{model}") for action in ("view", "add", "change")
                    for model in ("topic", "audience", "region")}  # fmt: skip
    assert {perm for perm in granted if perm[0] == "thesaurus"} == {
        ("thesaurus", "view_concept"), ("thesaurus", "add_concept"),
        ("thesaurus", "change_concept"), ("thesaurus", "view_label"), ("thesaurus", "add_label"),
        ("thesaurus", "change_label"), ("thesaurus", "delete_label"), *vocabularies,
    }  # fmt: skip
    # The only deletions: an entry out of a guide, a file off a resource, a concept's label.
    assert {perm for perm in granted if perm[1].startswith("delete_")} == {
        ("resources", "delete_guideitem"),
        ("resources", "delete_resourcefile"),
        ("thesaurus", "delete_label"),
    }
    # They work the problem reports (view, resolve, notes) and see the link checker's records.
    assert ("upkeep", "change_problemreport") in granted
    assert ("resources", "view_linkcheck") in granted
    assert ("resources", "change_linkcheck") not in granted
    # They see the background jobs (the admin's front page counts failed ones), nothing more.
    assert {perm for perm in granted if perm[0] == "procrastinate"} == {
        ("procrastinate", "view_procrastinatejob"), ("procrastinate", "view_procrastinateevent"),
    }  # fmt: skip
    # They import catalogues of resources and organisations (the admin's Import).
    assert {perm for perm in granted if perm[1].startswith("import_")} == {
        ("resources", "import_resource"), ("organizations", "import_organization")}  # fmt: skip
    assert not {perm for perm in granted if perm[0] in {"auth", "admin", "contenttypes"}}
    assert len(granted) == 6 + 8 * 3 + 3 + 2 + 7 + 3 + 2 + 2


# --- The queue -----------------------------------------------------------------------------------


def test_the_admin_index_shows_how_many_submissions_wait(moderator_client, moderator):
    make_submission("First")
    make_submission("Second")
    moderation.approve(make_submission("Already done"), moderator)

    response = moderator_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "<strong>2</strong> submissions waiting for review" in response.text
    assert f"{QUEUE}?decision__exact=pending" in response.text


def test_the_queue_lists_the_oldest_first_with_what_a_moderator_needs(moderator_client):
    now = timezone.now()
    newer = make_submission("Newer proposal", created_at=now - timedelta(days=1))
    older = make_submission(
        "Older proposal", organization="Freedom from Torture", created_at=now - timedelta(days=9)
    )

    response = moderator_client.get(QUEUE)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [older, newer]
    assert "Freedom from Torture" in response.text
    assert "Video" in response.text  # the kind
    assert "1\xa0week" in response.text  # the age of the older one
    assert change_url(older) in response.text


def test_the_queue_filters_by_decision_kind_and_age_and_searches(moderator_client, moderator):
    now = timezone.now()
    fresh = make_submission("Fresh webinar", kind=Resource.Kind.WEBINAR, email="x@example.org")
    old = make_submission("Old guide", kind=Resource.Kind.GUIDE, created_at=now - timedelta(40))
    moderation.reject(make_submission("Rejected one"), moderator, "Promotional or commercial.")

    def listed(params):
        response = moderator_client.get(QUEUE, params)
        assert response.status_code == 200
        return {s.resource.title for s in response.context["cl"].result_list}

    assert listed({"decision__exact": "pending"}) == {"Fresh webinar", "Old guide"}
    assert listed({"resource__kind__exact": "webinar"}) == {fresh.resource.title}
    assert listed({"age": "over-month"}) == {old.resource.title}
    assert listed({"age": "today"}) == {"Fresh webinar", "Rejected one"}
    assert listed({"q": "x@example.org"}) == {fresh.resource.title}
    assert listed({"q": "old guide"}) == {old.resource.title}


def test_the_queue_counts_possible_duplicates_by_link_and_title(moderator_client):
    make_resource(title="Listed already", url="https://www.example.org/guide/")
    make_resource(title="Istanbul Protocol training", url="https://other.example.org/")
    by_link = make_submission("Something else", url="http://example.org/guide?utm_source=x")
    by_title = make_submission("Istanbul protocol: training!", url="https://new.example.org/")
    unique = make_submission("Nothing like it", url="https://unique.example.org/")

    response = moderator_client.get(QUEUE)

    counts = {s.pk: s.duplicate_count for s in response.context["cl"].result_list}
    assert counts == {by_link.pk: 1, by_title.pk: 1, unique.pk: 0}


def test_a_submission_page_shows_the_proposal_the_submitter_and_the_duplicates(
    moderator_client,
):
    original = make_resource(title="Working with interpreters", url="https://example.org/a")
    submission = make_submission(url="https://example.org/a/")

    response = moderator_client.get(change_url(submission))

    assert response.status_code == 200
    text = response.text
    for expected in (
        "Working with interpreters",
        "Ana Pereira",
        "ana@example.org",
        "Centro de Apoio, IRCT",  # organisations to map
        "interpreting, trauma",  # topics to map
        reverse("admin:resources_resource_change", args=[submission.resource_id]),
        reverse("admin:resources_resource_change", args=[original.pk]),  # the duplicate
        reverse("admin:submissions_submission_preview", args=[submission.pk]),
        decide_url(submission, "approve"),
        "Not about serving survivors of torture.",  # the standard reasons
    ):
        assert expected in text, expected
    assert 'name="_save"' not in text


def test_a_moderator_can_edit_the_resource_and_find_organisations_by_autocomplete(
    moderator_client,
):
    make_organization(name="Freedom from Torture")
    submission = make_submission()

    page = moderator_client.get(
        reverse("admin:resources_resource_change", args=[submission.resource_id])
    )
    found = moderator_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "resources",
            "model_name": "resource",
            "field_name": "organizations",
            "term": "freedom",
        },
    )

    assert page.status_code == 200
    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["Freedom from Torture"]


# --- The preview ---------------------------------------------------------------------------------


def test_the_preview_shows_the_public_page_under_a_banner(moderator_client, client):
    submission = make_submission(summary="How to brief an interpreter before a session.")
    url = reverse("admin:submissions_submission_preview", args=[submission.pk])

    response = moderator_client.get(url)

    assert response.status_code == 200
    assert "Preview — not published" in response.text
    assert "How to brief an interpreter before a session." in response.text
    assert "resources/resource_detail.html" in [t.name for t in response.templates]
    assert response["X-Robots-Tag"].startswith("noindex")
    # Nobody else sees it, and the public page does not exist yet.
    client.logout()
    assert client.get(url).status_code == 302
    public = reverse("resources:detail", args=[submission.resource.slug])
    assert client.get(public).status_code == 404


def test_the_preview_is_not_for_visitors_who_are_not_staff(client, django_user_model):
    submission = make_submission()
    client.force_login(django_user_model.objects.create_user("visitor", password="x-long-pass"))

    response = client.get(reverse("admin:submissions_submission_preview", args=[submission.pk]))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# --- Decisions -----------------------------------------------------------------------------------


def test_approving_publishes_notifies_and_records(
    moderator_client, moderator, client, mailoutbox, django_capture_on_commit_callbacks
):
    submission = make_submission("Kintsugi approaches to trauma recovery")
    assert not Resource.objects.published().exists()
    public_url = submission.resource.get_absolute_url()
    assert public_url not in client.get(reverse("search:list"), {"q": "kintsugi"}).text

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(decide_url(submission, "approve"), {"post": "yes"})
    run_jobs()

    assert response.status_code == 302
    resource = Resource.objects.get(pk=submission.resource_id)
    assert resource.status == Resource.Status.PUBLISHED
    assert resource.published_at is not None
    # Approving is a review: the moderator's, recorded now and shown on the public page.
    assert resource.last_reviewed_by == moderator
    assert resource.last_reviewed_at == resource.published_at
    assert list(Resource.objects.published()) == [resource]
    search = client.get(reverse("search:list"), {"q": "kintsugi"})
    assert resource.get_absolute_url() in search.text
    page = client.get(resource.get_absolute_url())
    assert page.status_code == 200
    reviewed = formats.date_format(timezone.localdate(resource.last_reviewed_at), "DATE_FORMAT")
    assert f"Reviewed <time datetime=\"{timezone.localdate(resource.last_reviewed_at)}\">" \
        f"{reviewed}</time>" in page.text  # fmt: skip
    # The submitter is told where to find it, and the outbox knows it was sent.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ana@example.org"]
    assert "Kintsugi approaches to trauma recovery" in mail.subject
    assert f"http://127.0.0.1:8000{resource.get_absolute_url()}" in mail.body
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    assert_recorded(submission, Submission.Decision.APPROVED, moderator)


def test_rejecting_with_a_reason_tells_the_submitter_why(
    moderator_client, moderator, client, mailoutbox, django_capture_on_commit_callbacks
):
    submission = make_submission("Kintsugi for sale")

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            decide_url(submission, "reject"),
            {
                "post": "yes",
                "reason": "Promotional or commercial.",
                "details": "It sells a course rather than describing one.",
            },
        )
    run_jobs()

    assert response.status_code == 302
    resource = Resource.objects.get(pk=submission.resource_id)
    assert resource.status == Resource.Status.REJECTED
    assert not Resource.objects.published().exists()
    search = client.get(reverse("search:list"), {"q": "kintsugi"})
    assert resource.get_absolute_url() not in search.text
    assert client.get(resource.get_absolute_url()).status_code == 404
    assert len(mailoutbox) == 1
    assert "Promotional or commercial." in mailoutbox[0].body
    assert "It sells a course rather than describing one." in mailoutbox[0].body
    assert_recorded(submission, Submission.Decision.REJECTED, moderator, "Promotional")
    assert "It sells a course" in Submission.objects.get(pk=submission.pk).reason


def test_rejecting_without_any_reason_is_refused(moderator_client, mailoutbox):
    submission = make_submission()

    response = moderator_client.post(decide_url(submission, "reject"), {"post": "yes"})

    assert response.status_code == 200
    assert "Choose a reason or write one" in response.text
    submission.refresh_from_db()
    assert submission.decision == Submission.Decision.PENDING
    assert not DecisionRecord.objects.exists()
    assert mailoutbox == []


def test_a_reason_can_be_written_instead_of_chosen(moderator_client, moderator):
    submission = make_submission()

    moderator_client.post(
        decide_url(submission, "reject"),
        {"post": "yes", "reason": "other", "details": "It is about another field."},
    )

    submission.refresh_from_db()
    assert submission.decision == Submission.Decision.REJECTED
    assert submission.reason == "It is about another field."


def test_asking_for_changes_keeps_the_resource_pending(
    moderator_client, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    submission = make_submission()
    selected = {"action": "request_changes", "_selected_action": [submission.pk]}

    # From the list: the action first asks for the message on an intermediate page...
    page = moderator_client.post(QUEUE, selected)
    assert page.status_code == 200
    assert "What should the submitter change or add?" in page.text
    assert Submission.objects.get(pk=submission.pk).decision == Submission.Decision.PENDING
    # ...then sends it.
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            QUEUE, {**selected, "post": "yes", "message": "Please add the date of the webinar."}
        )
    run_jobs()

    assert response.status_code == 302
    assert Resource.objects.get(pk=submission.resource_id).status == Resource.Status.PENDING
    assert "Please add the date of the webinar." in mailoutbox[0].body
    assert_recorded(submission, Submission.Decision.CHANGES_REQUESTED, moderator, "Please add")
    # Still open: a moderator can approve it once the submitter has answered.
    moderation.approve(submission, moderator)
    assert Resource.objects.published().filter(pk=submission.resource_id).exists()


def test_marking_a_duplicate_links_the_original(
    moderator_client, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    original = make_resource(title="Working with interpreters in therapy")
    submission = make_submission("Working with interpreters in therapy (again)")
    selected = {"action": "mark_duplicate", "_selected_action": [submission.pk]}

    page = moderator_client.post(QUEUE, selected)
    assert page.status_code == 200
    assert "Or find the original" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            QUEUE, {**selected, "post": "yes", "original": original.pk}
        )
    run_jobs()

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.duplicate_of == original
    assert submission.resource.status == Resource.Status.REJECTED
    assert f"http://127.0.0.1:8000{original.get_absolute_url()}" in mailoutbox[0].body
    assert_recorded(submission, Submission.Decision.DUPLICATE, moderator)


def test_a_detected_duplicate_is_one_click_from_the_submission_page(moderator_client, moderator):
    original = make_resource(title="Istanbul Protocol", url="https://example.org/ip")
    submission = make_submission("The Istanbul Protocol", url="https://www.example.org/ip/")

    page = moderator_client.get(change_url(submission))
    assert f'name="detected" value="{original.pk}"' in page.text
    response = moderator_client.post(
        decide_url(submission, "duplicate"), {"post": "yes", "detected": original.pk}
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.decision == Submission.Decision.DUPLICATE
    assert submission.duplicate_of == original


def test_approving_three_at_once(
    moderator_client, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    submissions = [make_submission(f"Bulk resource {n}", email=f"s{n}@example.org") for n in "abc"]

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            QUEUE,
            {"action": "approve_selected", "_selected_action": [s.pk for s in submissions]},
        )
    run_jobs()

    assert response.status_code == 302
    assert Resource.objects.published().count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == [
        "sa@example.org",
        "sb@example.org",
        "sc@example.org",
    ]
    assert DecisionRecord.objects.filter(decision=Submission.Decision.APPROVED).count() == 3
    assert LogEntry.objects.filter(user=moderator).count() == 6
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 3


def test_decisions_are_never_taken_by_get(moderator_client, mailoutbox):
    submission = make_submission()

    confirmation = moderator_client.get(decide_url(submission, "approve"))
    action = moderator_client.get(
        QUEUE, {"action": "approve_selected", "_selected_action": submission.pk, "post": "yes"}
    )
    put = moderator_client.put(decide_url(submission, "approve"))

    assert confirmation.status_code == 200  # a page asking to confirm, with a POST form
    assert 'method="post"' in confirmation.text
    assert action.status_code in (200, 302)  # the list, or the list's "invalid filter" redirect
    assert put.status_code == 405
    submission.refresh_from_db()
    assert submission.decision == Submission.Decision.PENDING
    assert submission.resource.status == Resource.Status.PENDING
    assert not DecisionRecord.objects.exists()
    assert mailoutbox == []


def test_a_decision_needs_the_csrf_token(client, moderator):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(moderator)
    submission = make_submission()

    response = csrf_client.post(decide_url(submission, "approve"), {"post": "yes"})

    assert response.status_code == 403
    assert Submission.objects.get(pk=submission.pk).decision == Submission.Decision.PENDING


def test_a_decided_submission_is_not_decided_again(moderator_client, moderator, mailoutbox):
    submission = make_submission()
    moderation.reject(submission, moderator, "The link does not work.")

    response = moderator_client.post(decide_url(submission, "approve"), {"post": "yes"})
    with pytest.raises(moderation.ModerationError):
        moderation.approve(submission, moderator)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.decision == Submission.Decision.REJECTED
    assert not Resource.objects.published().exists()
    assert DecisionRecord.objects.count() == 1


def test_no_e_mail_without_an_address(moderator, mailoutbox, django_capture_on_commit_callbacks):
    submission = make_submission(email="")

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(submission, moderator)
    run_jobs()

    assert mailoutbox == []
    assert Resource.objects.published().count() == 1


# --- What a moderator may not do -----------------------------------------------------------------


def test_a_moderator_cannot_manage_users_or_groups(moderator_client):
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_user_add"),
    ):
        assert moderator_client.get(url).status_code == 403, url


def test_nobody_deletes_the_decision_history(moderator_client, moderator, admin_client):
    submission = make_submission()
    moderation.approve(submission, moderator)
    record = DecisionRecord.objects.get()
    delete_record = reverse("admin:submissions_decisionrecord_delete", args=[record.pk])
    delete_submission = reverse("admin:submissions_submission_delete", args=[submission.pk])

    assert moderator_client.post(delete_record, {"post": "yes"}).status_code == 403
    assert moderator_client.post(delete_submission, {"post": "yes"}).status_code == 403
    assert admin_client.post(delete_record, {"post": "yes"}).status_code == 403
    view_record = reverse("admin:submissions_decisionrecord_change", args=[record.pk])
    assert moderator_client.get(view_record).status_code == 200
    assert DecisionRecord.objects.filter(pk=record.pk).exists()


def test_a_visitor_who_is_not_staff_reaches_no_moderation_page(client, django_user_model):
    submission = make_submission()
    client.force_login(django_user_model.objects.create_user("visitor", password="x-long-pass"))

    for response in (
        client.get(QUEUE),
        client.get(change_url(submission)),
        client.post(decide_url(submission, "approve"), {"post": "yes"}),
    ):
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
    assert Submission.objects.get(pk=submission.pk).decision == Submission.Decision.PENDING


# --- Budgets -------------------------------------------------------------------------------------


def test_the_queue_costs_the_same_number_of_queries_for_3_or_12_submissions(
    moderator_client, django_assert_max_num_queries
):
    make_resource(title="Duplicate target", url="https://example.org/dup")

    def queries_for_queue():
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(QUEUE).status_code == 200
        return len(captured)

    for n in range(3):
        make_submission(f"Queue item {n}", url="https://example.org/dup")
    moderator_client.get(QUEUE)  # warm the content-type and session caches
    with_3 = queries_for_queue()
    for n in range(3, 12):
        make_submission(f"Queue item {n}", url=f"https://example.org/{n}")

    with django_assert_max_num_queries(with_3):
        response = moderator_client.get(QUEUE)

    assert len(response.context["cl"].result_list) == 12
    assert queries_for_queue() == with_3


# --- Purging contact details ---------------------------------------------------------------------


def test_purging_forgets_submitters_of_old_decided_submissions_only(moderator, capsys):
    old_decided = make_submission("Old and decided")
    moderation.approve(old_decided, moderator)
    Submission.objects.filter(pk=old_decided.pk).update(
        decided_at=timezone.now() - timedelta(days=200)
    )
    recent = make_submission("Recently decided")
    moderation.reject(recent, moderator, "The link does not work.")
    old_pending = make_submission("Old but waiting", created_at=timezone.now() - timedelta(300))

    call_command("purge_submitter_details", days=180)

    assert "1 submission(s)" in capsys.readouterr().out
    old_decided.refresh_from_db()
    assert (old_decided.name, old_decided.email, old_decided.organization) == ("", "", "")
    assert (old_decided.role, old_decided.message) == ("", "")
    assert old_decided.contact_purged_at is not None
    assert Resource.objects.published().filter(pk=old_decided.resource_id).exists()
    for kept in (recent, old_pending):
        kept.refresh_from_db()
        assert kept.email == "ana@example.org"
        assert kept.contact_purged_at is None


# --- Topics --------------------------------------------------------------------------------------


def test_merging_topics_moves_every_tag_and_deletes_the_others(moderator_client):
    trauma, ptsd, stress = (
        Topic.objects.create(name=name, slug=name.lower()) for name in ("Trauma", "PTSD", "Stress")
    )
    only_ptsd = make_resource(title="Only PTSD", topics=[ptsd])
    both = make_resource(title="Both", topics=[trauma, ptsd])
    stressed = make_resource(title="Stressed", topics=[stress])
    org = make_organization()
    org.topics.set([ptsd, trauma])
    selected = {
        "action": "merge_topics",
        "_selected_action": [trauma.pk, ptsd.pk, stress.pk],
    }
    changelist = reverse("admin:thesaurus_topic_changelist")

    page = moderator_client.post(changelist, selected)
    assert page.status_code == 200
    assert "Keep this topic" in page.text
    response = moderator_client.post(changelist, {**selected, "post": "yes", "keep": trauma.pk})

    assert response.status_code == 302
    assert list(Topic.objects.values_list("name", flat=True)) == ["Trauma"]
    for resource in (only_ptsd, both, stressed):
        resource.refresh_from_db()
        assert [t.name for t in resource.topics.all()] == ["Trauma"]
        assert resource.topic_ids == [trauma.pk]
        assert resource.topic_names == "Trauma"
    assert [t.name for t in Organization.objects.get(pk=org.pk).topics.all()] == ["Trauma"]
    assert LogEntry.objects.filter(object_id=str(trauma.pk)).exists()


# --- Markup from submitters ----------------------------------------------------------------------


def test_markup_in_a_submitted_title_is_shown_escaped(moderator_client):
    title = '<script>alert("x")</script><b>Bold</b> claims'
    submission = make_submission(title, name="<img src=x onerror=alert(1)>")

    pages = [
        moderator_client.get(QUEUE),
        moderator_client.get(change_url(submission)),
        moderator_client.get(reverse("admin:submissions_submission_preview", args=[submission.pk])),
        moderator_client.get(decide_url(submission, "reject")),
    ]

    for page in pages:
        assert page.status_code == 200
        assert '<script>alert("x")' not in page.text
        assert "<b>Bold</b>" not in page.text
        assert "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text


def test_e_mails_link_to_the_sites_configured_address(
    moderator_client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://directory.example.org"
    submission = make_submission("Kintsugi approaches to trauma recovery")

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(decide_url(submission, "approve"), {"post": "yes"})
    run_jobs()

    (mail,) = mailoutbox
    resource = Resource.objects.get(pk=submission.resource_id)
    assert f"https://directory.example.org{resource.get_absolute_url()}" in mail.body
    assert "127.0.0.1" not in mail.body
