"""Resources and what belongs to them.

A :class:`Resource` is one webinar, video, course, guide, report, tool or event. Public code reaches
resources only through ``Resource.objects.published()``. The models and their helpers live in the
modules of this package; they are all importable from here (``from resources.models import ...``),
and migrations name them here.
"""

from .files import LinkCheck, ResourceFile, resource_file_path
from .guides import Guide, GuideItem, GuideQuerySet
from .languages import (
    CONCEPT_MARKER,
    FALLBACK_TEXT_SEARCH_CONFIG,
    LABEL_MARKER,
    LANGUAGE_AUTONYMS,
    LANGUAGES,
    RIGHT_TO_LEFT,
    SEARCH_CONFIGS,
    TEXT_SEARCH_CONFIGS,
    by_language,
    concept_marker,
    config_marker,
    label_marker,
    language_config,
    language_search_vector,
)
from .querysets import REVIEW_INTERVAL, ResourceQuerySet, derived_fields_deferred
from .resource import Resource, TaggedResource, validate_timezone
from .series import Series
from .sessions import (
    DEFAULT_SESSION_LENGTH,
    LIVE_KINDS,
    PAST_SESSION_ORDER,
    PUBLISHED_SESSION,
    SESSION_ORDER,
    UPCOMING_ORDER,
    is_session,
    not_over,
    sessions_not_over,
    utc_midnight,
)

__all__ = [
    "CONCEPT_MARKER", "DEFAULT_SESSION_LENGTH", "FALLBACK_TEXT_SEARCH_CONFIG", "LABEL_MARKER",
    "LANGUAGES", "LANGUAGE_AUTONYMS", "LIVE_KINDS", "PAST_SESSION_ORDER", "PUBLISHED_SESSION",
    "REVIEW_INTERVAL", "RIGHT_TO_LEFT", "SEARCH_CONFIGS", "SESSION_ORDER", "TEXT_SEARCH_CONFIGS",
    "UPCOMING_ORDER",
    "Guide", "GuideItem", "GuideQuerySet", "LinkCheck", "Resource", "ResourceFile",
    "ResourceQuerySet", "Series", "TaggedResource", "by_language", "concept_marker",
    "config_marker", "derived_fields_deferred", "is_session", "label_marker", "language_config",
    "language_search_vector", "not_over", "resource_file_path", "sessions_not_over",
    "utc_midnight", "validate_timezone",
]  # fmt: skip
