"""Keep the copies of related data on each resource row (see ``refresh_derived_fields``) current."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import Signal, receiver

from common.cache import content_changed
from organizations.models import Organization
from thesaurus.models import Audience, Region, Topic

from .models import Resource, ResourceFile, TaggedResource

# The relation each join table stands for, as seen from the other side.
RELATIONS = {
    Resource.organizations.through: "organizations",
    Resource.audiences.through: "audiences",
    Resource.regions.through: "regions",
    TaggedResource: "topics",
}

# Sent when the words of published resources may have changed (one published, edited, unpublished
# or deleted; a bulk change): the search app recomputes its "did you mean" vocabulary, once the
# transaction commits, or at once when ``immediately`` (a command that loads content).
published_words_changed = Signal()


@receiver(m2m_changed, sender=Resource.organizations.through)
@receiver(m2m_changed, sender=Resource.audiences.through)
@receiver(m2m_changed, sender=Resource.regions.through)
@receiver(m2m_changed, sender=TaggedResource)
def resource_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            instance.refresh_derived_fields()
    elif action == "pre_clear":
        # Changed from the organisation's (topic's...) side: remember who is about to lose it.
        linked = Resource.objects.filter(**{RELATIONS[sender]: instance})
        instance._clearing_resource_ids = list(linked.values_list("pk", flat=True))
    elif action == "post_clear":
        ids = getattr(instance, "_clearing_resource_ids", [])
        Resource.objects.filter(pk__in=ids).refresh_derived_fields()
    elif action in {"post_add", "post_remove"}:
        Resource.objects.filter(pk__in=pk_set).refresh_derived_fields()


@receiver(post_save, sender=Organization)
@receiver(post_save, sender=Topic)
def name_changed(sender, instance, created, **kwargs):
    """A renamed organisation or topic: every resource that names it is searched by the new name.
    An organisation published or unpublished: so are its name and those of the organisations it
    is part of, on its resources and on those of the organisations part of it."""
    if sender is Organization:
        was = False if created else getattr(instance, "_was_published", True)
        instance._was_published = instance.status == Organization.Status.PUBLISHED
        if not (was or instance._was_published):
            return  # a draft organisation: nothing public changed
        content_changed()
        moved = Organization.objects.refresh_ancestors()
        if not created or moved:
            Resource.objects.filter(
                organizations__in={instance.pk, *moved}
            ).refresh_derived_fields()
    else:
        content_changed()
        if not created:
            Resource.objects.filter(topics=instance).refresh_derived_fields()


@receiver(m2m_changed, sender=Organization.networks.through)
def part_of_changed(sender, action, **kwargs):
    """An organisation joined or left another: its resources (and those of the organisations part
    of it) are now found under the new ones."""
    if action in {"post_add", "post_remove", "post_clear"}:
        moved = Organization.objects.refresh_ancestors()
        if moved:
            content_changed()
            Resource.objects.filter(organizations__in=moved).refresh_derived_fields()


@receiver(post_save, sender=ResourceFile)
@receiver(post_delete, sender=ResourceFile)
def files_changed(sender, instance, **kwargs):
    Resource.objects.filter(pk=instance.resource_id).refresh_derived_fields()


@receiver(post_save, sender=Resource)
@receiver(post_delete, sender=Resource)
def resource_changed(sender, instance, created=False, **kwargs):
    """A resource that is published, or was until this change: cached searches are stale and the
    "did you mean" vocabulary is recomputed once the transaction commits. A pending proposal, a
    draft edited, a rejection: nothing public changed, nothing is recomputed."""
    # Whether it was public before (not known for a row read without its status: assume so).
    was_public = False if created else getattr(instance, "_was_public", True)
    if was_public or instance.is_published:
        content_changed()
        published_words_changed.send(sender=Resource)
    instance._was_public = instance.is_published


@receiver(pre_delete, sender=Organization)
@receiver(pre_delete, sender=Topic)
@receiver(pre_delete, sender=Audience)
@receiver(pre_delete, sender=Region)
def vocabulary_deleted(sender, instance, **kwargs):
    """Deleting an organisation, topic, audience or region removes its links without m2m signals:
    refresh the resources that had it once the deletion is done."""
    field = {Organization: "organizations", Topic: "topics", Audience: "audiences",
             Region: "regions"}[sender]  # fmt: skip
    ids = list(Resource.objects.filter(**{field: instance}).values_list("pk", flat=True))
    if ids:
        transaction.on_commit(
            lambda: Resource.objects.filter(pk__in=ids).refresh_derived_fields(), robust=True
        )


@receiver(pre_delete, sender=Resource)
def keep_versions_together(sender, instance, **kwargs):
    """Deleting the resource its language versions hang off: the oldest of them takes its place,
    so that the others stay linked (the foreign key alone would set them all apart)."""
    versions = list(
        Resource.objects.filter(original=instance.pk).order_by("pk").values_list("pk", flat=True)
    )
    if versions:
        first, *others = versions
        Resource.objects.filter(pk=first).update(original=None)
        Resource.objects.filter(pk__in=others).update(original=first)
