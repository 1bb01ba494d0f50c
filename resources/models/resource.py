"""A resource: one webinar, e-consultation, video, course, guide, report, tool or event, with the
topics it is tagged with and the series it is part of."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from common.text import render_markdown, unique_slug
from common.timezones import utc_day, zone_names
from thesaurus.models import Audience, Region, Topic

from .. import links
from .languages import LANGUAGE_AUTONYMS, LANGUAGES, RIGHT_TO_LEFT, language_search_vector
from .querysets import ResourceQuerySet, _deferred_refresh
from .sessions import (
    DEFAULT_SESSION_LENGTH,
    LIVE_KINDS,
    PUBLISHED_SESSION,
    session_ends,
    session_starts,
    sorted_under,
)
from .versions import LanguageVersions


class TaggedResource(TaggedItemBase):
    """Links a resource to a topic (a direct foreign key: faster than taggit's generic one)."""

    content_object = models.ForeignKey("Resource", on_delete=models.CASCADE)
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="resource_items")

    class Meta:
        verbose_name = _("resource topic")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_resource_topic")
        ]


def validate_timezone(value: str) -> None:
    if value not in zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Copenhagen."),
            params={"value": value},
        )


class Resource(LanguageVersions, models.Model):
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
    LIVE_KINDS = LIVE_KINDS

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
        "Series", null=True, blank=True, on_delete=models.SET_NULL, related_name="resources"
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
        expression=sorted_under(),
        output_field=models.DateField(),
        db_persist=True,
    )
    # A live session's start: its time, or the start (UTC) of its day when it gives only its
    # day; and when it is over: its end, else its start (a session without an end is upcoming
    # until it starts), else the end of its day. Empty for what is not a session. Kept by the
    # database (written by hand in migration 0012), indexed for the events page and calendars.
    session_start = models.GeneratedField(
        expression=session_starts(),
        output_field=models.DateTimeField(),
        db_persist=True,
    )
    session_end = models.GeneratedField(
        expression=session_ends(),
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
