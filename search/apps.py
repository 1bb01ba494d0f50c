from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search over published resources: the narrow table of public rows that the search reads,
    the query understanding, the search page and the "did you mean" vocabulary."""

    name = "search"
    verbose_name = "Search"

    def ready(self):
        from resources.signals import published_words_changed

        from . import vocabulary

        published_words_changed.connect(
            vocabulary.published_words_changed, dispatch_uid="vocabulary"
        )
