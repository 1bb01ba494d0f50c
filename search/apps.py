from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search over published resources: the narrow table of public rows that the search reads."""

    name = "search"
    verbose_name = "Search"
