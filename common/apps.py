from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The lowest layer: helpers every app may use (time zones, text, files, caching, languages,
    audit log) and the outbox of e-mails. Imports no other app of the project."""

    name = "common"
    verbose_name = "E-mail"
