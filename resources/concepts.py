"""Topics, audiences and regions follow their concepts: when two concepts are merged, what was
tagged with one is tagged with the other; when a SKOS file is imported, its topics (audiences,
regions) are linked to ours by slug, or created; when a concept's preferred English label changes,
the row's name follows."""

from __future__ import annotations

from django.db import models
from django.dispatch import receiver

from common.audit import DELETION, log_action
from common.cache import content_changed
from organizations.models import Organization, OrganizationTopic
from thesaurus.models import Audience, Concept, Label, Region, Topic
from thesaurus.signals import concepts_merged
from thesaurus.skos import concepts_imported

from .models import Guide, Resource, TaggedResource

# The rows that are concepts, by the kind of concept they are.
ROWS = {
    Concept.Kind.TOPIC: Topic,
    Concept.Kind.AUDIENCE: Audience,
    Concept.Kind.REGION: Region,
}


def move_links(through, field: str, old_id: int, new_id: int) -> set[int]:
    """Point the rows of a join table from ``old_id`` to ``new_id`` (once); returns the ids on the
    other side of the links that moved."""
    other = next(f.name for f in through._meta.fields if f.is_relation and f.name != field)
    links = through.objects.filter(**{f"{field}_id": old_id})
    moving = list(links.values_list(f"{other}_id", flat=True))
    through.objects.bulk_create(
        [through(**{f"{field}_id": new_id, f"{other}_id": pk}) for pk in moving],
        ignore_conflicts=True,
    )
    through.objects.filter(**{f"{field}_id": old_id}).delete()
    return set(moving)


def merge_topics(keep: Topic, gone: Topic) -> set[int]:
    """Tag what ``gone`` tagged with ``keep``; ``gone``'s address leads to ``keep``."""
    resources = move_links(TaggedResource, "tag", gone.pk, keep.pk)
    move_links(OrganizationTopic, "tag", gone.pk, keep.pk)
    keep.former_slugs = sorted({*keep.former_slugs, gone.slug, *gone.former_slugs})
    Topic.objects.filter(pk=keep.pk).update(former_slugs=keep.former_slugs)
    return resources


def merge_audiences(keep: Audience, gone: Audience) -> set[int]:
    move_links(Guide.audiences.through, "audience", gone.pk, keep.pk)
    return move_links(Resource.audiences.through, "audience", gone.pk, keep.pk)


def merge_regions(keep: Region, gone: Region) -> set[int]:
    Organization.objects.filter(headquarters=gone).update(headquarters=keep)
    move_links(Organization.regions_served.through, "region", gone.pk, keep.pk)
    return move_links(Resource.regions.through, "region", gone.pk, keep.pk)


MERGES = {Topic: merge_topics, Audience: merge_audiences, Region: merge_regions}


@receiver(concepts_merged)
def follow_merged_concept(sender, keep: Concept, merged: Concept, user=None, **kwargs):
    affected: set[int] = set()
    for model, merge in MERGES.items():
        gone = model.objects.filter(concept=merged).first()
        if gone is None:
            continue
        kept = model.objects.filter(concept=keep).first()
        if kept is None:
            model.objects.filter(pk=gone.pk).update(concept=keep)
            continue
        affected |= merge(kept, gone)
        log_action(user, [gone], f"Merged into “{kept}”.", action=DELETION)
        log_action(user, [kept], f"Merged into this one: “{gone}”.")
        gone.delete()
    if affected:
        Resource.objects.filter(pk__in=affected).refresh_derived_fields()


@receiver(concepts_imported)
def link_imported_concepts(sender, concepts: list[Concept], **kwargs):
    """Each imported topic (audience, region) concept is linked to the row with its slug, which
    is created if there is none yet; its name is its preferred English label."""
    content_changed()
    for concept in concepts:
        model = ROWS.get(concept.kind)
        if model is None:
            continue
        name = _english_name(concept)
        row = model.objects.filter(concept=concept).first()
        if row is None:
            row = model.objects.filter(slug=concept.local_name[:100]).first()
            if row is not None and row.concept_id is not None:
                continue  # that slug is another concept's: the moderator links them by hand
        if row is None:
            if model.objects.filter(name=name).exists():
                continue
            row = model(name=name, slug=concept.local_name[:100], concept=concept)
            if model is Region:
                code = concept.notation.upper()
                row.kind = Region.Kind.COUNTRY if len(code) == 2 else Region.Kind.REGION
                row.code = code if len(code) == 2 else ""
            row.save()
            continue
        model.objects.filter(pk=row.pk).update(concept=concept)
        rename(model, row.pk, name)


def _english_name(concept: Concept) -> str:
    labels = {label.language: label.text for label in concept.labels.filter(kind="pref")}
    return labels.get("en") or next(iter(labels.values()), concept.local_name)


def rename(model, pk: int, name: str) -> None:
    """Give the row its concept's English name (unless another row has it already)."""
    if not name or model.objects.filter(name=name).exclude(pk=pk).exists():
        return
    if model.objects.filter(pk=pk).exclude(name=name).update(name=name):
        field = {Topic: "topics", Audience: "audiences", Region: "regions"}[model]
        Resource.objects.filter(**{field: pk}).refresh_derived_fields()


@receiver(models.signals.post_save, sender=Label)
def preferred_english_label_changed(sender, instance: Label, **kwargs):
    if instance.language == "en" and instance.kind == Label.Kind.PREFERRED:
        for model in ROWS.values():
            row = model.objects.filter(concept=instance.concept_id).values_list("pk", flat=True)
            for pk in row:
                rename(model, pk, instance.text)


@receiver(models.signals.post_save, sender=Concept)
@receiver(models.signals.post_delete, sender=Concept)
@receiver(models.signals.post_save, sender=Label)
@receiver(models.signals.post_delete, sender=Label)
@receiver(models.signals.m2m_changed, sender=Concept.broader.through)
def thesaurus_changed(sender, **kwargs):
    """What a query is expanded to has changed: cached searches are stale."""
    if kwargs.get("action", "post_").startswith("post_"):
        content_changed()
