from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """What machines read: exports (CSV, JSON), feeds (RSS, Atom), calendars (iCalendar), the
    events page that lists the same sessions, and the sitemaps."""

    name = "opendata"
    verbose_name = "Open data"
