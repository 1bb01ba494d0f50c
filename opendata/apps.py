from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """What machines read: exports (CSV, JSON), feeds (RSS, Atom), calendars (iCalendar), the
    events page that lists the same sessions, and the sitemaps; and the admin's import of a
    catalogue in the exports' formats."""

    name = "opendata"
    verbose_name = "Open data"

    def ready(self):
        # After the admin has discovered every admin module: the import is added to the admins
        # registered last for resources and organisations (see opendata/admin.py).
        from .admin import add_import_to_admins

        add_import_to_admins()
