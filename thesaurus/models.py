"""A multilingual thesaurus on the SKOS model.

A :class:`Concept` is one idea ("post-traumatic stress disorder", "Afghanistan", "interpreters",
"Istanbul Protocol"), named by :class:`Label` rows: one preferred label per language and any number
of alternative labels (synonyms, spellings, demonyms), acronyms and hidden labels (misspellings
that should still be found). Concepts are linked by ``broader`` (and its inverse, narrower) and
``related``. Topics, audiences and regions (the managed vocabularies that describe resources and
organisations) live here too, each row a concept; organisations are concepts of it as well, and
point at theirs, so this app imports no other app of the project: it is the lowest layer with
``common``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase

# The languages the interface speaks, in the order labels are shown: each concept should have a
# preferred label in each of them.
CORE_LANGUAGES = ["en", "fr", "es", "ar"]


class Concept(models.Model):
    """One idea of the thesaurus, with its labels in every language and its links to others."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        AUDIENCE = "audience", _("Audience")
        REGION = "region", _("Country or region")
        ORGANIZATION = "organization", _("Organisation")
        TERM = "term", _("Other term")

    uri = models.CharField(
        _("URI"),
        max_length=500,
        unique=True,
        blank=True,
        help_text=_("Its identifier in SKOS files. Left empty, one is made from the label."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TERM)
    notation = models.CharField(
        _("notation"), max_length=50, blank=True, help_text=_("A code, e.g. a country's ISO code.")
    )
    definition = models.TextField(_("definition"), blank=True)
    broader = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="narrower",
        verbose_name=_("broader concepts"),
        help_text=_("More general concepts: a search for them also finds this one's resources."),
    )
    related = models.ManyToManyField(
        "self", symmetrical=True, blank=True, verbose_name=_("related concepts")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        ordering = ["pk"]
        indexes = [models.Index(fields=["kind"], name="thesaurus_concept_kind")]

    def __str__(self):
        return self.preferred_label("en") or self.uri or f"#{self.pk}"

    def save(self, *args, **kwargs):
        if not self.uri:
            self.uri = self.mint_uri()
        super().save(*args, **kwargs)

    def mint_uri(self, name: str = "") -> str:
        """A new URI in our namespace: kind, then a slug of ``name`` (else a placeholder)."""
        base = f"{settings.THESAURUS_NAMESPACE}{self.kind}/{slugify(name)[:80] or 'concept'}"
        uri, n = base, 2
        while Concept.objects.filter(uri=uri).exclude(pk=self.pk).exists():
            uri, n = f"{base}-{n}", n + 1
        return uri

    @property
    def local_name(self) -> str:
        return self.uri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def preferred_label(self, language: str) -> str:
        """This concept's preferred label in ``language`` (from prefetched labels if any)."""
        for label in self.labels.all():
            if label.kind == Label.Kind.PREFERRED and label.language == language:
                return label.text
        return ""


class Label(models.Model):
    """One name of a concept in one language."""

    class Kind(models.TextChoices):
        PREFERRED = "pref", _("Preferred")
        ALTERNATIVE = "alt", _("Alternative")
        ACRONYM = "acronym", _("Acronym or abbreviation")
        HIDDEN = "hidden", _("Hidden (a misspelling or old form, found but never shown)")

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="labels")
    language = models.CharField(
        _("language"), max_length=10, help_text=_("A language code: en, fr, es, ar…")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ALTERNATIVE)
    text = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["language", "kind", "text"]
        constraints = [
            # SKOS: at most one preferred label per language for a concept...
            models.UniqueConstraint(
                fields=["concept", "language"],
                condition=models.Q(kind="pref"),
                name="thesaurus_one_preferred_label_per_language",
            ),
            # ... and no two concepts with the same preferred label in one language.
            models.UniqueConstraint(
                Lower("text"),
                "language",
                condition=models.Q(kind="pref"),
                name="thesaurus_unique_preferred_label",
            ),
            models.UniqueConstraint(
                "concept", "language", Lower("text"), name="thesaurus_label_once_per_concept"
            ),
        ]

    def __str__(self):
        return f"{self.text} ({self.language})"

    def clean(self):
        self.text = " ".join(self.text.split())
        self.language = self.language.strip().lower()
        if not self.text:
            raise ValidationError({"text": _("A label cannot be empty.")})
        if self.kind == self.Kind.PREFERRED:
            taken = (
                Label.objects.filter(kind=self.Kind.PREFERRED, language=self.language,
                                     text__iexact=self.text)
                .exclude(concept_id=self.concept_id)
                .select_related("concept")
                .first()
            )  # fmt: skip
            if taken:
                raise ValidationError(
                    {"text": _("“%(text)s” is already the preferred %(language)s label of another "
                               "concept (%(uri)s).")
                     % {"text": self.text, "language": self.language, "uri": taken.concept.uri}}
                )  # fmt: skip


class ConceptOf(models.Model):
    """What a row that is a concept of the thesaurus (a topic, an audience, a region, an
    organisation) has: a link to its concept, made when the row is first saved, whose preferred
    English label follows the row's name, and the row's name in the visitor's language."""

    concept_kind: str = Concept.Kind.TERM

    concept = models.OneToOneField(
        Concept,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)s",
        verbose_name=_("thesaurus concept"),
        help_text=_(
            "Its labels in every language, synonyms and acronyms: what search finds it by."
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.sync_concept()

    @classmethod
    def hidden_concepts(cls) -> models.QuerySet | None:
        """The concept ids (a ``values("concept_id")`` queryset) of this model's rows that are not
        public, which search leaves out of the thesaurus it reads; None: every row is public."""
        return None

    def sync_concept(self) -> None:
        """Give this row a concept if it has none, and make the row's name the concept's preferred
        English label (an alternative one when another concept already prefers that name)."""
        if self.concept_id is None:
            uri = f"{settings.THESAURUS_NAMESPACE}{self.concept_kind}/{self.slug}"
            unclaimed = Concept.objects.filter(**{type(self).__name__.lower(): None})
            # Its concept: the one with its address, else one that already prefers its name (a
            # term of the thesaurus becoming a topic), else a new one.
            concept = unclaimed.filter(uri=uri).first() or (
                unclaimed.filter(
                    kind__in=[self.concept_kind, Concept.Kind.TERM],
                    labels__kind=Label.Kind.PREFERRED,
                    labels__language="en",
                    labels__text__iexact=" ".join(self.name.split()),
                ).first()
            )
            if concept is not None and concept.kind != self.concept_kind:
                concept.kind = self.concept_kind
                concept.save(update_fields=["kind", "updated_at"])
            if concept is None:
                concept = Concept(kind=self.concept_kind)
                concept.uri = uri if not Concept.objects.filter(uri=uri).exists() else ""
                concept.save()
            type(self)._default_manager.filter(pk=self.pk).update(concept=concept)
            self.concept = concept
        set_english_name(self.concept, self.name)

    @property
    def label(self) -> str:
        """Its name in the language of the page (its preferred label there), else its own."""
        from django.utils.translation import get_language

        from .index import current

        return current().name(self.concept_id, get_language() or "en", default=self.name)


# The managed vocabularies that describe resources and organisations, each row a concept of
# the thesaurus. Their tables keep the names they had in the resources app (db_table).


class Topic(ConceptOf, TagBase):  # noqa: DJ008 - TagBase names it
    """A subject a resource covers: a django-taggit tag that is a concept of the thesaurus (its
    names in every language, synonyms, acronyms), with a description."""

    concept_kind = Concept.Kind.TOPIC

    description = models.TextField(blank=True)
    # Addresses of topics merged into this one, so that old links still lead here.
    former_slugs = ArrayField(models.SlugField(max_length=100), default=list, blank=True,
                              editable=False)  # fmt: skip

    class Meta:
        db_table = "resources_topic"
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("search:topic", kwargs={"slug": self.slug})


class Audience(ConceptOf, models.Model):
    """Who a resource is for: a short managed vocabulary, each a concept of the thesaurus."""

    concept_kind = Concept.Kind.AUDIENCE

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "resources_audience"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Region(ConceptOf, models.Model):
    """A country or a wider region (e.g. "Latin America", "Global"), a concept of the thesaurus
    (with its names and its people's: "Afghanistan", "Afghans", "أفغانستان")."""

    concept_kind = Concept.Kind.REGION

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COUNTRY)
    code = models.CharField(
        max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code, for countries.")
    )

    class Meta:
        db_table = "resources_region"
        ordering = ["name"]

    def __str__(self):
        return self.name


def set_english_name(concept: Concept, name: str) -> None:
    name = " ".join(name.split())
    preferred = Label.objects.filter(concept=concept, language="en", kind=Label.Kind.PREFERRED)
    current = preferred.first()
    if current is not None and current.text == name:
        return
    taken = (
        Label.objects.filter(language="en", kind=Label.Kind.PREFERRED, text__iexact=name)
        .exclude(concept=concept)
        .exists()
    )
    same = Label.objects.filter(concept=concept, language="en", text__iexact=name).first()
    if taken:
        if same is None:
            Label.objects.create(concept=concept, language="en", kind=Label.Kind.ALTERNATIVE,
                                 text=name)  # fmt: skip
        return
    if current is not None:
        current.kind = Label.Kind.ALTERNATIVE  # the old name still finds it
        current.save()
    if same is not None:
        same.kind, same.text = Label.Kind.PREFERRED, name
        same.save()
    else:
        Label.objects.create(concept=concept, language="en", kind=Label.Kind.PREFERRED, text=name)
