"""The languages resources are in, and how each language's words are indexed for search: the
text search configuration (stemmer, stop words) of each, and the search column built with it."""

from __future__ import annotations

from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchConfig,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.db import models
from django.db.models import Case, Func, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

# Languages a resource can be in: ISO 639-1 codes, most used in the treatment movement first.
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
    ("fa", _("Persian")),
    ("uk", _("Ukrainian")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
    ("da", _("Danish")),
    ("zh", _("Chinese")),
    ("mul", _("Several languages")),
]

# Each language's name in that language, for links to a resource's other language versions.
LANGUAGE_AUTONYMS = {
    "en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "pt": "Português",
    "ru": "Русский", "tr": "Türkçe", "fa": "فارسی", "uk": "Українська", "de": "Deutsch",
    "it": "Italiano", "nl": "Nederlands", "da": "Dansk", "zh": "中文",
}  # fmt: skip
RIGHT_TO_LEFT = {"ar", "fa"}

# The PostgreSQL text search configuration (stemmer and stop words) a resource's words are indexed
# with, by its language. Languages PostgreSQL has no stemmer for (Persian, Ukrainian, Chinese) and
# "several languages" are indexed word for word, with "simple".
TEXT_SEARCH_CONFIGS = {
    "en": "english", "fr": "french", "es": "spanish", "ar": "arabic", "pt": "portuguese",
    "ru": "russian", "tr": "turkish", "de": "german", "it": "italian", "nl": "dutch",
    "da": "danish",
}  # fmt: skip
FALLBACK_TEXT_SEARCH_CONFIG = "simple"
SEARCH_CONFIGS = sorted({*TEXT_SEARCH_CONFIGS.values(), FALLBACK_TEXT_SEARCH_CONFIG})


# Prefix of the marker lexeme of a thesaurus concept in the search column ("CONCEPT_12"): upper
# case, so that no typed word can produce it.
CONCEPT_MARKER = "CONCEPT_"


def concept_marker(concept_id: int) -> str:
    return f"{CONCEPT_MARKER}{concept_id}"


# Prefix of the lexeme a search row carries for each concept one of whose labels its text
# contains ("LABEL_12"; see search.models.LabelQuery).
LABEL_MARKER = "LABEL_"


def label_marker(concept_id: int) -> str:
    return f"{LABEL_MARKER}{concept_id}"


def config_marker(config: str) -> str:
    """A lexeme in the search vector of every resource indexed with ``config``, so that a query
    can be limited to those rows inside the index (see ``resources.search``). Upper case: every
    dictionary lower-cases what it reads, so no typed word can ever produce it."""
    return f"CONFIG_{config}"


def by_language(values: dict[str, models.Expression], default, output_field=None) -> Case:
    """``CASE`` over the resource's language: ``values[config]`` for the languages indexed with
    that text search configuration, ``default`` for the others."""
    codes: dict[str, list[str]] = {}
    for code, config in TEXT_SEARCH_CONFIGS.items():
        codes.setdefault(config, []).append(code)
    whens = [When(language__in=codes[config], then=values[config]) for config in sorted(codes)]
    return Case(*whens, default=default, output_field=output_field)


def language_config() -> Case:
    """The text search configuration of the row's language, as a ``regconfig`` constant per
    branch (a generated column needs an immutable expression: no run-time cast from text)."""
    configs = {config: SearchConfig(config) for config in TEXT_SEARCH_CONFIGS.values()}
    return by_language(
        configs, SearchConfig(FALLBACK_TEXT_SEARCH_CONFIG), output_field=models.TextField()
    )


def language_search_vector() -> CombinedSearchVector:
    """Title A; summary and topics B; description, organisations and presenters C, each stemmed
    with the row's own language; the marker lexeme of that language's configuration; and, at B,
    the marker lexemes of the concepts it is tagged with."""
    config = language_config()
    words = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", "topic_names", weight="B", config=config)
        + SearchVector("description", "organization_names", "presenters", weight="C", config=config)
    )
    markers = {
        config: Cast(Value(config_marker(config)), SearchVectorField())
        for config in TEXT_SEARCH_CONFIGS.values()
    }
    marker = by_language(
        markers,
        Cast(Value(config_marker(FALLBACK_TEXT_SEARCH_CONFIG)), SearchVectorField()),
        output_field=SearchVectorField(),
    )
    concepts = Func(
        Cast("concept_keys", SearchVectorField()), Value("B"), function="setweight",
        output_field=SearchVectorField(),
    )  # fmt: skip
    return CombinedSearchVector(
        CombinedSearchVector(words, SearchVectorCombinable.ADD, marker, None),
        SearchVectorCombinable.ADD,
        concepts,
        None,
    )
