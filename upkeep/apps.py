from django.apps import AppConfig


class UpkeepConfig(AppConfig):
    """Keeping what is listed right: the link checker, visitors' problem reports and reviews."""

    name = "upkeep"
    verbose_name = "Upkeep"
