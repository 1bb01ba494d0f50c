"""Resources and the vocabularies that describe them.

A :class:`Resource` is one webinar, video, course, guide, report, tool or event. Public code reaches
resources only through ``Resource.objects.published()``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import zoneinfo
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchConfig,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from common.text import render_markdown
from common.timezones import utc_day
from thesaurus.models import Audience, Region, Topic

from . import links

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


def unique_slug(instance: models.Model, value: str, max_length: int = 80) -> str:
    """A slug for ``value`` that no other row of ``instance``'s model uses."""
    base = slugify(value)[:max_length].strip("-") or "item"
    slug, n = base, 2
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return slug


class TaggedResource(TaggedItemBase):
    """Links a resource to a topic (a direct foreign key: faster than taggit's generic one)."""

    content_object = models.ForeignKey("Resource", on_delete=models.CASCADE)
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="resource_items")

    class Meta:
        verbose_name = _("resource topic")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_resource_topic")
        ]


class Series(models.Model):
    """A run of related resources, e.g. the Measured Impact webinars or IRCT Insights."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="series",
    )

    class Meta:
        verbose_name_plural = _("series")
        ordering = ["name"]

    def __str__(self):
        return self.name


def is_session() -> models.Q:
    """Live sessions: resources that happen at a time, or live kinds (webinar, e-consultation,
    event) that give only their day. The events page, calendars and the digest list these."""
    return models.Q(session_start__isnull=False)


def utc_midnight(day: str, days_after: int = 0) -> Func:
    """The moment (UTC) a date column's day begins, or ``days_after`` days later."""
    shift = f" + {days_after}" if days_after else ""
    return Func(
        F(day),
        template=f"timezone('UTC', ((%(expressions)s){shift})::timestamp)",
        output_field=models.DateTimeField(),
    )


def not_over(now) -> models.Q:
    """Sessions that have not ended yet (those without an end time: not started yet; those that
    give only their day: until that day ends, in UTC). The one meaning of "upcoming", for the
    search filter, the events page, calendars and the home page.

    On the columns a search row shares with a resource. A resource also keeps it in
    ``session_end`` (indexed): :func:`sessions_not_over` is the same condition on that column."""
    return (
        models.Q(ends_at__gte=now)
        | models.Q(ends_at=None, starts_at__gte=now)
        | models.Q(starts_at=None, kind__in=Resource.LIVE_KINDS, sort_date__gte=utc_day(now))
    )


def sessions_not_over(now) -> models.Q:
    """:func:`not_over`, for resources: read along the index of ``session_end``."""
    return models.Q(session_end__gte=now)


# The published sessions' indexes: every condition of ``published().filter(is_session())``, so
# that PostgreSQL reads a count of them (past sessions) from the index alone.
PUBLISHED_SESSION = Q(status="published", published_at__isnull=False, session_start__isnull=False)

# Sessions in time order (a day's sessions that give no time at the start of the day, UTC), and
# the most recent first.
SESSION_ORDER = ["session_start", "pk"]
PAST_SESSION_ORDER = ["-session_start", "-pk"]


# How long a session that gives its start but no end is taken to last (calendars, links to add it).
DEFAULT_SESSION_LENGTH = dt.timedelta(hours=1)

# How long a review holds: after that a published resource is due for another look.
REVIEW_INTERVAL = dt.timedelta(days=365)


# Inside ``derived_fields_deferred``: the ids of resources whose derived fields are to be
# recomputed when it ends.
_deferred_refresh: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "deferred_refresh", default=None
)


@contextlib.contextmanager
def derived_fields_deferred():
    """Recompute the derived fields of every resource changed inside the block once, at its end,
    instead of after each change (loading many resources and their relations at once)."""
    if _deferred_refresh.get() is not None:
        yield
        return
    token = _deferred_refresh.set(set())
    try:
        yield
        ids = _deferred_refresh.get()
    finally:
        _deferred_refresh.reset(token)
    if ids:
        Resource.objects.filter(pk__in=ids).refresh_derived_fields()


class ResourceQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        """A bulk change (admin actions included) that touches a published resource, before or
        after, makes cached searches stale and the "did you mean" vocabulary due (once, when the
        transaction commits). One that touches only pending, draft, rejected or archived rows
        changes nothing public, and leaves both alone."""
        from common.cache import content_changed

        from .signals import published_words_changed

        public = Resource.objects.published().filter(pk__in=self.values("pk"))
        public_before = public.exists()
        count = super().update(**kwargs)
        if public_before or ({"status", "published_at"} & set(kwargs) and public.exists()):
            content_changed()
            published_words_changed.send(sender=Resource)
        return count

    def published(self):
        """The only door public code uses: published resources, nothing else."""
        return self.filter(status=Resource.Status.PUBLISHED, published_at__isnull=False)

    def review_due(self, now=None):
        """Published resources nobody has reviewed for a year: reviewed over a year ago, or never
        reviewed and listed for over a year."""
        year_ago = (now or timezone.now()) - REVIEW_INTERVAL
        return self.published().filter(
            models.Q(last_reviewed_at__lt=year_ago)
            | models.Q(last_reviewed_at=None, published_at__lt=year_ago)
        )

    def link_health(self, health: str):
        """Resources whose link (as it is now) the link checker last found ``health``, one of
        :class:`LinkCheck.Health`. A record of another link (since changed) does not count."""
        current = models.Q(link_check__url=F("url")) & ~models.Q(url="")
        answered = models.Q(link_check__status_code__isnull=False) | ~models.Q(link_check__error="")
        match health:
            case LinkCheck.Health.BROKEN:
                return self.filter(current, link_check__broken_since__isnull=False)
            case LinkCheck.Health.FAILING:
                return self.filter(
                    current, link_check__failures__gt=0, link_check__broken_since__isnull=True
                )
            case LinkCheck.Health.OK:
                return self.filter(current, answered, link_check__failures=0)
            case LinkCheck.Health.NOT_CHECKED:
                return self.exclude(url="").exclude(current & answered)
        raise ValueError(f"Unknown link health {health!r}")

    def upcoming(self, now=None):
        """Live sessions that have not ended yet, soonest first."""
        return self.filter(sessions_not_over(now or timezone.now())).order_by(*SESSION_ORDER)

    def with_organizations(self):
        """Prefetch the published organisations of each resource, with what pages show of them."""
        from organizations.models import Organization

        published = Organization.objects.published().only("name", "acronym", "slug", "website")
        return self.prefetch_related(models.Prefetch("organizations", queryset=published))

    def with_topic_names(self):
        """Each resource's topic names, sorted, as ``topic_list``: one subquery in the same
        statement (taggit's prefetch builds a queryset per resource: 17 ms for a calendar's 100)."""
        names = TaggedResource.objects.filter(content_object=OuterRef("pk")).order_by("tag__name")
        return self.annotate(topic_list=ArraySubquery(names.values("tag__name")))

    def refresh_derived_fields(self) -> int:
        """Recompute (or, inside ``derived_fields_deferred``, note for later), in one UPDATE for
        every resource in this queryset, the copies of related
        data kept on the row: topic and organisation names for the search column, the concepts it
        is tagged with (as marker lexemes), and the ids and flags the search page filters and
        counts on without joins.

        Organisations count with every published organisation they are part of (a project's
        resources are its parent's too); unpublished organisations do not count at all."""
        deferred = _deferred_refresh.get()
        if deferred is not None:
            deferred.update(self.values_list("pk", flat=True))
            return 0
        # The published organisations of the row (the outer resources_resource), with their
        # published ancestors.
        organization_ids = (
            "ARRAY(SELECT DISTINCT x FROM resources_resource_organizations ro "
            "JOIN organizations_organization o ON o.id = ro.organization_id "
            "CROSS JOIN LATERAL unnest(o.ancestor_ids || o.id::integer) x "
            "WHERE ro.resource_id = resources_resource.id AND o.status = 'published' ORDER BY x)"
        )
        organization_names = (
            "coalesce((SELECT string_agg(trim(o.name || ' ' || o.acronym), ' ' ORDER BY o.name) "
            f"FROM organizations_organization o WHERE o.id = ANY({organization_ids})), '')"
        )
        concepts = (
            "SELECT t.concept_id FROM resources_taggedresource tr JOIN resources_topic t "
            "ON t.id = tr.tag_id WHERE tr.content_object_id = resources_resource.id "
            "UNION SELECT a.concept_id FROM resources_resource_audiences ra "
            "JOIN resources_audience a ON a.id = ra.audience_id "
            "WHERE ra.resource_id = resources_resource.id "
            "UNION SELECT g.concept_id FROM resources_resource_regions rg "
            "JOIN resources_region g ON g.id = rg.region_id "
            "WHERE rg.resource_id = resources_resource.id "
            "UNION SELECT o.concept_id FROM organizations_organization o "
            f"WHERE o.id = ANY({organization_ids})"
        )
        concept_keys = (
            f"array_to_string(ARRAY(SELECT '{CONCEPT_MARKER}' || c FROM ({concepts}) s(c) "
            "WHERE c IS NOT NULL ORDER BY c), ' ')"
        )

        def ids(model, field):
            through = model.objects.filter(**{field: OuterRef("pk")})
            return ArraySubquery(through.order_by("pk").values("pk"))

        return self.update(
            topic_names=Coalesce(
                Subquery(
                    TaggedResource.objects.filter(content_object=OuterRef("pk"))
                    .values("content_object")
                    .annotate(names=StringAgg("tag__name", " ", order_by="tag__name"))
                    .values("names")
                ),
                Value(""),
            ),
            organization_names=RawSQL(organization_names, []),
            topic_ids=ArraySubquery(
                TaggedResource.objects.filter(content_object=OuterRef("pk"))
                .order_by("tag_id")
                .values("tag_id")
            ),
            organization_ids=RawSQL(organization_ids, []),
            audience_ids=ids(Audience, "resources"),
            region_ids=ids(Region, "resources"),
            concept_keys=RawSQL(concept_keys, []),
            has_file=Exists(ResourceFile.objects.filter(resource=OuterRef("pk"))),
        )


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Copenhagen."),
            params={"value": value},
        )


class Resource(models.Model):
    """One resource: a webinar, e-consultation, video, course, guide, report, tool or event."""

    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("Webinar")
        E_CONSULTATION = "e-consultation", _("E-consultation")
        VIDEO = "video", _("Video")
        ON_DEMAND_TRAINING = "on-demand-training", _("On-demand training")
        E_LEARNING = "e-learning", _("E-learning course")
        GUIDE = "guide", _("Guide or manual")
        REPORT = "report", _("Report or research")
        ARTICLE = "article", _("Article or news")
        PODCAST = "podcast", _("Podcast")
        TOOL = "tool", _("Tool or website")
        EVENT = "event", _("Event")

    DERIVED_FIELDS = [
        "topic_names", "organization_names", "topic_ids", "organization_ids", "audience_ids",
        "region_ids", "concept_keys", "has_file",
    ]  # fmt: skip

    # Kinds that happen at a time and can be registered for.
    LIVE_KINDS = (Kind.WEBINAR, Kind.E_CONSULTATION, Kind.EVENT)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    class Access(models.TextChoices):
        FREE = "free", _("Free, open to all")
        REGISTRATION = "registration", _("Free with registration")
        MEMBERS = "members", _("Members only")
        PAID = "paid", _("Paid")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    summary = models.CharField(
        _("summary"), max_length=600, help_text=_("One or two plain sentences shown in lists.")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown. Links and lists are kept; HTML is not."),
    )
    url = models.URLField(_("link"), max_length=1000, blank=True)
    recording_url = models.URLField(
        _("recording"), max_length=1000, blank=True, help_text=_("For a past live session.")
    )
    date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("When it was published or presented.")
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("The session's own time zone, e.g. America/Chicago."),
    )
    registration_url = models.URLField(_("registration link"), max_length=1000, blank=True)
    presenters = models.TextField(
        _("presenters"), blank=True, help_text=_("One per line: name, role or affiliation.")
    )
    organizations = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="resources"
    )
    topics = TaggableManager(_("topics"), through=TaggedResource, blank=True)
    audiences = models.ManyToManyField(Audience, blank=True, related_name="resources")
    language = models.CharField(_("language"), max_length=3, choices=LANGUAGES, default="en")
    regions = models.ManyToManyField(
        Region, blank=True, related_name="resources", verbose_name=_("countries or regions")
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources"
    )
    series_position = models.PositiveSmallIntegerField(null=True, blank=True)
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        help_text=_("E.g. the e-consultation that follows a webinar."),
    )
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        verbose_name=_("a version of"),
        help_text=_(
            "The same resource in another language, if this is a translation or language "
            "version of it. Each language version is a resource of its own."
        ),
    )
    access = models.CharField(max_length=20, choices=Access.choices, default=Access.FREE)
    ce_credit = models.BooleanField(_("continuing-education credit offered"), default=False)
    content_note = models.CharField(
        _("content note"),
        max_length=300,
        blank=True,
        help_text=_("Shown before the description, e.g. “Describes methods of torture.”"),
    )
    featured = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When a moderator last checked that the resource is still accurate and available (null:
    # never, which is what every resource starts with), and who did.
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last reviewed by"),
    )

    # Comparable forms of the link and title, for spotting duplicates (see resources/links.py).
    url_key = models.CharField(max_length=1000, blank=True, editable=False, db_index=True)
    title_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)

    # Copies of related names, kept by signals, so that the search column can read them: a
    # generated column sees only its own row.
    topic_names = models.TextField(blank=True, editable=False)
    organization_names = models.TextField(blank=True, editable=False)
    # Ids of related rows, and whether files are attached: the search page filters on these and
    # counts its facets from them in one pass over the matching rows, without joins.
    topic_ids = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)
    organization_ids = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)
    audience_ids = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)
    region_ids = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)
    has_file = models.BooleanField(default=False, editable=False)
    # The thesaurus concepts of its topics, audiences, regions and organisations (and of the
    # organisations those are part of), as marker lexemes ("CONCEPT_12 CONCEPT_40") that the
    # search column carries: a query naming a concept finds what is tagged with it.
    concept_keys = models.TextField(blank=True, editable=False)

    # Stemmed with the text search configuration of the resource's language (see
    # TEXT_SEARCH_CONFIGS), with that configuration's marker lexeme.
    search_vector = models.GeneratedField(
        expression=language_search_vector(),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The date a resource is filed and sorted under: its own (when it was presented or its
    # organisation published it), else its session's day (UTC); none when it has neither, never
    # the day it was listed here. Kept by the database, indexed for "newest first" and years.
    sort_date = models.GeneratedField(
        expression=Coalesce(
            "date",
            Cast(Func(Value("UTC"), F("starts_at"), function="timezone"), models.DateField()),
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    # A live session's start: its time, or the start (UTC) of its day when it gives only its
    # day; and when it is over: its end, else its start (a session without an end is upcoming
    # until it starts), else the end of its day. Empty for what is not a session. Kept by the
    # database (written by hand in migration 0012), indexed for the events page and calendars.
    session_start = models.GeneratedField(
        expression=Case(
            When(starts_at__isnull=False, then=F("starts_at")),
            When(Q(kind__in=LIVE_KINDS, date__isnull=False), then=utc_midnight("date")),
        ),
        output_field=models.DateTimeField(),
        db_persist=True,
    )
    session_end = models.GeneratedField(
        expression=Case(
            When(starts_at__isnull=False, then=Coalesce("ends_at", "starts_at")),
            When(Q(kind__in=LIVE_KINDS, date__isnull=False), then=utc_midnight("date", 1)),
        ),
        output_field=models.DateTimeField(),
        db_persist=True,
    )
    # Unstemmed words of title and summary, for prefix matching ("istan" finds "Istanbul").
    search_vector_simple = models.GeneratedField(
        expression=SearchVector("title", "summary", "topic_names", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            GinIndex(fields=["search_vector"], name="resource_search_gin"),
            GinIndex(fields=["search_vector_simple"], name="resource_search_simple_gin"),
            models.Index(fields=["status", "-published_at"], name="resource_status_published"),
            models.Index(fields=["starts_at"], name="resource_starts_at"),
            models.Index(fields=["kind"], name="resource_kind"),
            models.Index(
                F("sort_date").desc(),
                F("id").desc(),
                condition=models.Q(status="published"),
                name="resource_published_sort_date",
            ),
            models.Index(
                F("session_end"),
                condition=PUBLISHED_SESSION,
                name="resource_session_end",
            ),
            models.Index(
                F("session_start").desc(),
                F("id").desc(),
                condition=PUBLISHED_SESSION,
                name="resource_session_start",
            ),
            GinIndex(fields=["topic_ids"], name="resource_topic_ids_gin"),
            GinIndex(fields=["organization_ids"], name="resource_organization_ids_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=False, ends_at__gte=models.F("starts_at")),
                name="resource_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="resource_published_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(original=models.F("pk")), name="resource_not_its_own_version"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        if self.original_id is not None:
            # Versions hang off one resource: linking to a version links to its original.
            root = Resource.objects.filter(pk=self.original_id).values("original_id").first()
            if root and root["original_id"] is not None:
                self.original_id = root["original_id"]
        self.url_key = links.url_key(self.url)
        self.title_key = links.title_key(self.title)[:300]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "url_key", "title_key"}
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if self.original_id is not None and (fields is None or "original" in fields):
            # This resource's own versions, if it had any, join the group it has joined.
            Resource.objects.filter(original=self.pk).update(original=self.original_id)

    def get_absolute_url(self):
        return reverse("resources:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Whether it was public when read: a save that leaves it unpublished changes nothing
        # public (see signals.resource_changed).
        if "status" in field_names and "published_at" in field_names:
            instance._was_public = instance.is_published
        return instance

    def clean(self):
        if self.ends_at and not self.starts_at:
            raise ValidationError({"starts_at": _("Give the start time as well as the end.")})
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The session cannot end before it starts.")})
        if self.starts_at and not self.timezone:
            raise ValidationError({"timezone": _("Say which time zone the session is in.")})
        self.clean_versions()

    def clean_versions(self):
        """A resource is not a version of itself, and a group of versions has one resource per
        language."""
        if self.original_id is None:
            if self.pk is None or not self.translations.exists():
                return
            root_id = self.pk
        else:
            if self.original_id == self.pk:
                raise ValidationError({"original": _("A resource cannot be a version of itself.")})
            root_id = self.original.original_id or self.original_id
            if root_id == self.pk:
                raise ValidationError(
                    {"original": _("“%(title)s” is already a version of this resource.")
                     % {"title": self.original.title}}
                )  # fmt: skip
        group = Q(pk=root_id) | Q(original=root_id)
        if self.pk is not None:
            group |= Q(original=self.pk)
        seen = {self.language: self.title}
        for title, language in (
            Resource.objects.filter(group).exclude(pk=self.pk).values_list("title", "language")
        ):
            if language in seen:
                field = "original" if self.original_id is not None else "language"
                raise ValidationError(
                    {field: _("“%(title)s” is already the %(language)s version.")
                     % {"title": title, "language": dict(LANGUAGES)[language]}}
                )  # fmt: skip
            seen[language] = title

    def versions(self):
        """The other language versions of this resource, whatever their status."""
        root_id = self.original_id or self.pk
        return Resource.objects.filter(Q(pk=root_id) | Q(original=root_id)).exclude(pk=self.pk)

    @property
    def language_autonym(self) -> str:
        """The resource's language named in that language ("Français")."""
        return LANGUAGE_AUTONYMS.get(self.language) or self.get_language_display()

    @property
    def is_right_to_left(self) -> bool:
        return self.language in RIGHT_TO_LEFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at is not None

    @property
    def is_live_kind(self) -> bool:
        """A kind that is presented at a time (webinar, e-consultation, event)."""
        return self.kind in self.LIVE_KINDS

    @property
    def is_session_day(self) -> bool:
        """A live session that gives its day but no time."""
        return self.starts_at is None and self.is_live_kind and self.date is not None

    @property
    def is_upcoming(self) -> bool:
        if self.is_session_day:
            return self.date >= utc_day(timezone.now())
        return self.starts_at is not None and (self.ends_at or self.starts_at) >= timezone.now()

    @property
    def description_html(self) -> str:
        return render_markdown(self.description)

    @property
    def presenter_list(self) -> list[str]:
        return self.split_presenters(self.presenters)

    @staticmethod
    def split_presenters(text: str) -> list[str]:
        """The presenters typed one a line, as a list (also for rows read with ``values()``)."""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def session_span(self) -> tuple[dt.datetime, dt.datetime]:
        """A timed session's start and end, to the second: ``DEFAULT_SESSION_LENGTH`` after its
        start when it gives no end. The one span of its .ics event and its calendar links."""
        end = self.ends_at or self.starts_at + DEFAULT_SESSION_LENGTH
        return self.starts_at.replace(microsecond=0), end.replace(microsecond=0)

    def refresh_derived_fields(self) -> None:
        deferred = _deferred_refresh.get()
        if deferred is not None:
            deferred.add(self.pk)
            return
        Resource.objects.filter(pk=self.pk).refresh_derived_fields()
        self.refresh_from_db(fields=Resource.DERIVED_FIELDS)


def resource_file_path(instance: ResourceFile, filename: str) -> str:
    name = PurePosixPath(filename).name
    return f"resources/{timezone.now():%Y/%m}/{name}"


class ResourceFile(models.Model):
    """A file attached to a resource (slides, a PDF manual...), with its size and type."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=resource_file_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title or PurePosixPath(self.file.name).name

    def save(self, *args, **kwargs):
        if self.file:
            from common.files import sniff_content_type

            self.size = self.file.size
            self.content_type = sniff_content_type(self.file)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("resources:file", kwargs={"pk": self.pk, "name": self.download_name})

    @property
    def download_name(self) -> str:
        return PurePosixPath(self.file.name).name

    @property
    def label(self) -> str:
        from common.files import type_label

        return type_label(self.content_type)


class LinkCheck(models.Model):
    """What the link checker (``manage.py check_links``) last found for a published resource:
    its link's answer, where it ends up, how many checks in a row failed, and its files."""

    class Error(models.TextChoices):
        TIMEOUT = "timeout", _("no answer in time")
        DNS = "dns", _("address not found (DNS)")
        REFUSED = "refused", _("connection refused")
        TLS = "tls", _("secure connection failed (TLS)")
        REDIRECTS = "redirects", _("too many redirects")
        INVALID = "invalid", _("not a web address")
        BLOCKED = "blocked", _("leads to a private or local network address")
        OTHER = "other", _("connection failed")

    class Health(models.TextChoices):
        BROKEN = "broken", _("broken")
        FAILING = "failing", _("failing")
        OK = "ok", _("ok")
        NOT_CHECKED = "not-checked", _("not checked")

    resource = models.OneToOneField(
        Resource, on_delete=models.CASCADE, primary_key=True, related_name="link_check"
    )
    # The link as it was checked: once a moderator changes it, this record no longer applies.
    url = models.CharField(max_length=1000, blank=True)
    checked_at = models.DateTimeField(_("checked"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(max_length=10, choices=Error.choices, blank=True)
    final_url = models.CharField(
        _("final address"), max_length=2000, blank=True, help_text=_("After redirects.")
    )
    permanent_redirect = models.BooleanField(default=False)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    broken_since = models.DateTimeField(null=True, blank=True)
    file_problems = models.TextField(blank=True)

    class Meta:
        verbose_name = _("link check")
        indexes = [models.Index(fields=["checked_at"], name="link_check_checked_at")]

    def __str__(self):
        return f"{self.url or self.resource_id}: {self.outcome}"

    @property
    def succeeded(self) -> bool:
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300

    @property
    def redirected(self) -> bool:
        return bool(self.final_url) and self.final_url != self.url

    @property
    def outcome(self) -> str:
        """The last answer in words: "200", "404", "timeout (no answer in time)"."""
        if self.error:
            return f"{self.error} ({self.get_error_display()})"
        return str(self.status_code) if self.status_code is not None else "—"

    def health(self, current_url: str) -> str:
        """One of :class:`Health` for the resource's link as it is now."""
        unchecked = self.status_code is None and not self.error
        if not current_url or current_url != self.url or unchecked:
            return self.Health.NOT_CHECKED
        if self.broken_since:
            return self.Health.BROKEN
        return self.Health.FAILING if self.failures else self.Health.OK


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Guide(models.Model):
    """A curated collection: an introduction and an ordered list of resources with notes."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    introduction = models.TextField(blank=True, help_text=_("Markdown."))
    audiences = models.ManyToManyField(Audience, blank=True, related_name="guides")
    key_organizations = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="guides"
    )
    published = models.BooleanField(default=False)
    featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:guide", kwargs={"slug": self.slug})

    @property
    def introduction_html(self) -> str:
        return render_markdown(self.introduction)

    @property
    def audience_labels(self) -> str:
        """Its audiences, named in the language of the page."""
        return ", ".join(audience.label for audience in self.audiences.all())


class GuideItem(models.Model):
    """One resource in a guide, in its place, with an optional note from the curators."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="guide_items")
    section = models.CharField(
        max_length=120, blank=True, help_text=_("Heading this item sits under, if any.")
    )
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "resource"], name="unique_guide_resource")
        ]

    def __str__(self):
        return f"{self.guide}: {self.resource}"
