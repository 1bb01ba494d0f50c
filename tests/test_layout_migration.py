"""Moving models between apps keeps every row: a database filled under the old layout (topics,
audiences and regions in resources; the outbox and problem reports in submissions) is migrated to
the new one (the thesaurus, common, upkeep) and every row is found where the code now looks, with
its relations, its content type, the Moderators' permissions on it and its admin history."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from common.models import OutboxMessage
from organizations.models import Organization
from resources.models import Resource
from thesaurus.models import Audience, Region, Topic
from upkeep.models import ProblemReport

# The last migrations of the old layout, before anything moved.
OLD_LAYOUT = [
    ("resources", "0013_link_check_blocked"),
    ("organizations", "0003_part_of_and_concepts"),
    ("submissions", "0007_submission_summary_as_typed"),
    ("thesaurus", "0001_initial"),
    ("common", None),
    ("upkeep", None),
]
MOVED = {
    ("resources", "topic"): "thesaurus",
    ("resources", "audience"): "thesaurus",
    ("resources", "region"): "thesaurus",
    ("submissions", "outboxmessage"): "common",
    ("submissions", "problemreport"): "upkeep",
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_filled_under_the_old_layout_keeps_every_row_after_the_move(
    django_user_model,
):
    moderator = django_user_model.objects.create_user("mod", "mod@example.org", "pw-123456789")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(OLD_LAYOUT)
        old_nodes = [node for node in OLD_LAYOUT if node[1] is not None]
        old = MigrationExecutor(connection).loader.project_state(old_nodes).apps
        OldTopic = old.get_model("resources", "Topic")
        OldAudience = old.get_model("resources", "Audience")
        OldRegion = old.get_model("resources", "Region")
        OldResource = old.get_model("resources", "Resource")
        OldTagged = old.get_model("resources", "TaggedResource")
        OldOrganization = old.get_model("organizations", "Organization")
        OldOrganizationTopic = old.get_model("organizations", "OrganizationTopic")
        OldOutbox = old.get_model("submissions", "OutboxMessage")
        OldReport = old.get_model("submissions", "ProblemReport")
        OldContentType = old.get_model("contenttypes", "ContentType")

        topic = OldTopic.objects.create(name="Layout interpreting", slug="layout-interpreting")
        audience = OldAudience.objects.create(
            name="Layout interpreters", slug="layout-interpreters"
        )
        region = OldRegion.objects.create(name="Layoutland", slug="layoutland", code="LX")
        resource = OldResource.objects.create(
            title="Working with interpreters", slug="working-with-interpreters", kind="guide",
            summary="How to work with an interpreter.", status="published",
            published_at=timezone.now(),
        )  # fmt: skip
        OldTagged.objects.create(content_object=resource, tag=topic)
        resource.audiences.add(audience)
        resource.regions.add(region)
        organization = OldOrganization.objects.create(
            name="A centre", slug="a-centre", status="published", headquarters=region
        )
        OldOrganizationTopic.objects.create(content_object=organization, tag=topic)
        organization.regions_served.add(region)
        OldOutbox.objects.create(to=["someone@example.org"], subject="Thank you", body="Hello")
        OldReport.objects.create(resource=resource, reason="outdated", details="Old address")
        # The content types as the old layout had them, with a permission and a history entry.
        old_types = {
            key: OldContentType.objects.get_or_create(app_label=key[0], model=key[1])[0].pk
            for key in MOVED
        }
        group, _ = Group.objects.get_or_create(name="Moderators")
        group.permissions.add(
            *(
                group.permissions.model.objects.get_or_create(
                    content_type_id=old_types[key], codename=f"change_{key[1]}",
                    defaults={"name": f"Can change {key[1]}"},
                )[0]
                for key in MOVED
            )
        )  # fmt: skip
        LogEntry.objects.create(
            user=moderator, content_type_id=old_types["resources", "topic"],
            object_id=str(topic.pk), object_repr="Layout interpreting", action_flag=CHANGE,
            change_message="Renamed.",
        )  # fmt: skip
    finally:
        MigrationExecutor(connection).migrate(latest)
    ContentType.objects.clear_cache()

    # Every row is where the code now looks for it, with its relations.
    moved_topic = Topic.objects.get(slug="layout-interpreting")
    moved_resource = Resource.objects.get(slug="working-with-interpreters")
    assert [t.name for t in moved_resource.topics.all()] == ["Layout interpreting"]
    assert [a.name for a in moved_resource.audiences.all()] == ["Layout interpreters"]
    assert [r.code for r in moved_resource.regions.all()] == ["LX"]
    assert Audience.objects.get(slug="layout-interpreters").resources.get() == moved_resource
    assert Region.objects.get(code="LX").resources.get() == moved_resource
    moved_organization = Organization.objects.get(slug="a-centre")
    assert moved_organization.headquarters.name == "Layoutland"
    assert [t.slug for t in moved_organization.topics.all()] == ["layout-interpreting"]
    assert [r.slug for r in moved_organization.regions_served.all()] == ["layoutland"]
    assert OutboxMessage.objects.get(subject="Thank you").to == ["someone@example.org"]
    report = ProblemReport.objects.get(details="Old address")
    assert (report.resource, report.details) == (moved_resource, "Old address")

    # Their content types were renamed, not recreated: the Moderators keep their permissions
    # and the admin history still points at the row.
    for (old_app, model), new_app in MOVED.items():
        assert not ContentType.objects.filter(app_label=old_app, model=model).exists()
        assert (
            ContentType.objects.get(app_label=new_app, model=model).pk == old_types[old_app, model]
        )
        assert group.permissions.filter(
            content_type__app_label=new_app, codename=f"change_{model}"
        ).exists()
    entry = LogEntry.objects.get(change_message="Renamed.")
    assert entry.get_edited_object() == moved_topic
