"""Every change a moderator makes outside Django's own forms reaches the admin's history through
one entry point (``common.audit.log_action``): merges, topics linked from a submission, links
moved to where they redirect, and (tested with their features) reviews in test_reviews.py,
resolved reports in test_report_problem.py, decisions in test_moderation.py."""

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from common.audit import log_action
from resources.models import LinkCheck, Resource
from submissions.models import Submission
from thesaurus.admin import TopicAdmin
from thesaurus.models import Topic

from .factories import make_resource

pytestmark = pytest.mark.django_db


def test_merging_topics_records_the_deletion_and_the_change_by_the_moderator(admin_user):
    keep = Topic.objects.create(name="Audit interpreting", slug="audit-interpreting")
    gone = Topic.objects.create(name="Audit interpretation", slug="audit-interpretation")
    make_resource(title="Working with interpreters").topics.add(gone)

    TopicAdmin.merge(keep, [gone], admin_user)

    topic_type = ContentType.objects.get_for_model(Topic)
    entries = LogEntry.objects.filter(content_type=topic_type, user=admin_user)
    assert {(e.object_id, e.action_flag, e.change_message) for e in entries} == {
        (str(gone.pk), DELETION, "Merged into “Audit interpreting”."),
        (str(keep.pk), CHANGE, "Merged into this one: “Audit interpretation”."),
    }


def test_one_entry_per_object_named_by_its_label_and_none_without_a_user(admin_user):
    first, second = make_resource(title="First"), make_resource(title="Second")

    log_action(admin_user, [first, second], "Checked.")
    log_action(admin_user, [first], "Decided.", label="Submission #7: First")
    log_action(None, [first], "Nobody did this.")

    assert sorted(LogEntry.objects.values_list("object_repr", "change_message")) == [
        ("First", "Checked."), ("Second", "Checked."), ("Submission #7: First", "Decided."),
    ]  # fmt: skip


def history(client, resource) -> str:
    """The resource's history page in the admin, as a moderator reads it."""
    page = client.get(reverse("admin:resources_resource_history", args=[resource.pk]))
    assert page.status_code == 200
    return " ".join(page.text.split())


def test_linking_a_topic_a_submitter_typed_is_in_the_resources_history(admin_client, admin_user):
    resource = make_resource(title="Proposed", status=Resource.Status.PENDING)
    submission = Submission.objects.create(resource=resource, proposed_topics="Interpreting")
    topic = Topic.objects.create(name="Interpreting", slug="interpreting")

    admin_client.post(
        reverse("admin:submissions_submission_topics", args=[submission.pk]), {"topic": topic.pk}
    )
    admin_client.post(
        reverse("admin:submissions_submission_topics", args=[submission.pk]),
        {"create": "interpreting"},  # the typed term, matched to the topic of that name
    )

    assert list(resource.topics.all()) == [topic]
    text = history(admin_client, resource)
    assert text.count("Linked the topic “Interpreting” that the submitter proposed.") == 2
    assert admin_user.username in text


def test_following_a_permanent_redirect_is_in_the_resources_history(admin_client, admin_user):
    resource = make_resource(title="Moved", url="https://old.example/guide")
    LinkCheck.objects.create(
        resource=resource, url=resource.url, checked_at=timezone.now(), status_code=200,
        final_url="https://new.example/guide", permanent_redirect=True,
    )  # fmt: skip

    admin_client.post(reverse("admin:resources_resource_use_final_url", args=[resource.pk]))

    resource.refresh_from_db()
    assert resource.url == "https://new.example/guide"
    assert (
        "Changed the link from https://old.example/guide to https://new.example/guide, where it "
        "redirected permanently." in history(admin_client, resource)
    )
