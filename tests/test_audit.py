"""Every change a moderator makes outside Django's own forms reaches the admin's history through
one entry point (``common.audit.log_action``): merges, reviews, resolved reports, decisions."""

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType

from common.audit import log_action
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
