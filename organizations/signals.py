"""Organisations follow their concepts: linked by slug on a SKOS import; a merge of two concepts
that both name an organisation is refused (merge the organisations first)."""

from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from thesaurus import index as thesaurus_index
from thesaurus.models import Concept
from thesaurus.signals import concepts_merged
from thesaurus.skos import concepts_imported

from .models import Organization


@receiver(concepts_merged)
def follow_merged_concept(sender, keep: Concept, merged: Concept, **kwargs):
    gone = Organization.objects.filter(concept=merged).first()
    if gone is None:
        return
    if Organization.objects.filter(concept=keep).exists():
        raise ValidationError(
            _("Both concepts name an organisation (%(name)s and another): two organisations are "
              "not merged through the thesaurus.") % {"name": gone.name}
        )  # fmt: skip
    Organization.objects.filter(pk=gone.pk).update(concept=keep)


@receiver(concepts_imported)
def link_imported_concepts(sender, concepts, **kwargs):
    """An imported organisation concept is linked to the organisation with its slug, if it has no
    concept yet (organisations are never created from a thesaurus)."""
    for concept in concepts:
        if concept.kind == Concept.Kind.ORGANIZATION:
            Organization.objects.filter(slug=concept.local_name, concept=None).update(
                concept=concept
            )


@receiver(post_delete, sender=Organization)
def forget_unpublished_names(sender, instance: Organization, **kwargs):
    """An organisation deleted while unpublished takes its concept with it: the concept's labels
    (its names in other languages, acronym, misspellings) were as private as it was, and a concept
    no organisation claims would be public vocabulary that search expands to. A published one's
    concept stays: its names were public and may still name it in the thesaurus."""
    if instance.concept_id is not None and instance.status != Organization.Status.PUBLISHED:
        Concept.objects.filter(pk=instance.concept_id).delete()
        thesaurus_index.changed()
