"""Keep the copies of topic and organisation names that the search column reads up to date."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from organizations.models import Organization

from .models import Resource, TaggedResource, Topic


def _resources_of(sender, instance):
    """The resources linked to an organisation or topic (the reverse side of the relation)."""
    field = "organizations" if sender is Resource.organizations.through else "topics"
    return Resource.objects.filter(**{field: instance})


@receiver(m2m_changed, sender=Resource.organizations.through)
@receiver(m2m_changed, sender=TaggedResource)
def resource_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            instance.refresh_search_text()
    elif action == "pre_clear":
        # Changed from the organisation's or topic's side: remember who is about to lose it.
        instance._clearing_resource_ids = list(
            _resources_of(sender, instance).values_list("pk", flat=True)
        )
    elif action == "post_clear":
        ids = getattr(instance, "_clearing_resource_ids", [])
        Resource.objects.filter(pk__in=ids).refresh_search_text()
    elif action in {"post_add", "post_remove"}:
        Resource.objects.filter(pk__in=pk_set).refresh_search_text()


@receiver(post_save, sender=Organization)
@receiver(post_save, sender=Topic)
def name_changed(sender, instance, created, **kwargs):
    """A renamed organisation or topic: every resource that names it is searched by the new name."""
    if not created:
        field = "organizations" if sender is Organization else "topics"
        Resource.objects.filter(**{field: instance}).refresh_search_text()
