from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """E-mail alerts: new resources for any search, daily or weekly, without an account."""

    name = "alerts"
    verbose_name = "E-mail alerts"
