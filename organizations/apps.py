from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organisations"

    def ready(self):
        from . import signals  # noqa: F401 - organisations follow their thesaurus concepts
