"""Every change to the thesaurus makes each process reload it; a merge tells the apps whose rows
are concepts (topics, audiences, regions, organisations) to follow it."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from . import index
from .models import Concept, Label

# Sent inside the merge's transaction, before ``merged`` is deleted: receivers move whatever
# points at ``merged`` to ``keep`` (tags, filters, links), or raise ValidationError to refuse.
concepts_merged = Signal()  # sender=Concept, keep=Concept, merged=Concept, user=User | None


@receiver(post_save, sender=Concept)
@receiver(post_delete, sender=Concept)
@receiver(post_save, sender=Label)
@receiver(post_delete, sender=Label)
@receiver(m2m_changed, sender=Concept.broader.through)
@receiver(m2m_changed, sender=Concept.related.through)
def thesaurus_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        index.changed()
