from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThesaurusConfig(AppConfig):
    """The multilingual controlled vocabulary (SKOS) that topics, audiences, regions and
    organisations are concepts of, and that search expands queries with. Imports no other app."""

    name = "thesaurus"
    verbose_name = _("Thesaurus")

    def ready(self):
        import reversion

        from . import signals  # noqa: F401 - refresh the in-memory thesaurus after changes
        from .models import Concept, Label

        if not reversion.is_registered(Concept):
            reversion.register(Concept, follow=["labels"])
            reversion.register(Label)
