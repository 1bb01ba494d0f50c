from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpkeepConfig(AppConfig):
    """Keeping what is listed right: the link checker, visitors' problem reports and reviews."""

    name = "upkeep"
    verbose_name = _("Upkeep")
