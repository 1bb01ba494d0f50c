from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HealtortureConfig(AppConfig):
    """The project package as an app: management commands and site-wide templates."""

    name = "healtorture"
    verbose_name = "HealTorture"


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the staff login of healtorture/security.py as its default site."""

    default = False  # "healtorture" itself stays HealtortureConfig
    default_site = "healtorture.security.StaffAdminSite"
