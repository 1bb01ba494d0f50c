from django.apps import AppConfig


class HealtortureConfig(AppConfig):
    """The project package as an app: management commands and site-wide templates."""

    name = "healtorture"
    verbose_name = "HealTorture"
