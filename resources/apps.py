from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Resources"

    def ready(self):
        from . import concepts, signals  # noqa: F401 - connects the signal handlers
