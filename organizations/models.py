"""The directory of organisations behind the resources."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from common.text import render_markdown
from thesaurus import index as thesaurus_index
from thesaurus.models import Concept, ConceptOf


class OrganizationTopic(TaggedItemBase):
    """Links an organisation to a topic it focuses on (the same vocabulary as resources)."""

    content_object = models.ForeignKey("Organization", on_delete=models.CASCADE)
    tag = models.ForeignKey(
        "thesaurus.Topic", on_delete=models.CASCADE, related_name="organization_items"
    )

    class Meta:
        verbose_name = _("organisation topic")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_organization_topic"
            )
        ]


class OrganizationQuerySet(models.QuerySet):
    def published(self):
        """The only door public code uses for organisations."""
        return self.filter(status=Organization.Status.PUBLISHED)

    def with_resource_count(self):
        """Each organisation's number of published resources: its own and those of the
        organisations part of it (each resource row lists them all in ``organization_ids``), as
        counted beside the search rows."""
        return self.annotate(
            resource_count=RawSQL(
                "coalesce((SELECT c.n FROM search_facettotal c WHERE c.facet = 'organization' "
                "AND c.value = organizations_organization.id::text), 0)",
                [],
                output_field=models.IntegerField(),
            )
        )

    def refresh_ancestors(self) -> set[int]:
        """Recompute every organisation's ``ancestor_ids`` (the published organisations it is part
        of, at any depth) from the ``networks`` links; returns the ids whose list changed."""
        published = set(self.model.objects.published().values_list("pk", flat=True))
        parents: dict[int, set[int]] = {}
        for child, parent in self.model.networks.through.objects.values_list(
            "from_organization_id", "to_organization_id"
        ):
            parents.setdefault(child, set()).add(parent)
        changed = []
        for organization in self.model.objects.only("pk", "ancestor_ids"):
            found, todo = set(), list(parents.get(organization.pk, ()))
            while todo:
                parent = todo.pop()
                if parent not in found and parent != organization.pk:
                    found.add(parent)
                    todo.extend(parents.get(parent, ()))
            ancestors = sorted(found & published)
            if ancestors != list(organization.ancestor_ids):
                organization.ancestor_ids = ancestors
                changed.append(organization)
        self.model.objects.bulk_update(changed, ["ancestor_ids"])
        return {organization.pk for organization in changed}


class Organization(ConceptOf, models.Model):
    """A UN body, NGO, network, treatment centre, university, society or funder. It can be part of
    others (a project of an NGO, a member centre of a network): their pages list its resources
    too, and searching for them finds its resources."""

    concept_kind = Concept.Kind.ORGANIZATION

    class Kind(models.TextChoices):
        UN_BODY = "un-body", _("UN body")
        INTERNATIONAL_NGO = "international-ngo", _("International NGO")
        NETWORK = "network", _("Membership network")
        TREATMENT_CENTRE = "treatment-centre", _("Treatment centre or programme")
        ACADEMIC = "academic", _("Academic institution")
        PROFESSIONAL_SOCIETY = "professional-society", _("Professional society")
        FUNDER = "funder", _("Funder or government agency")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=25, choices=Kind.choices)
    description = models.TextField(blank=True, help_text=_("Markdown."))
    website = models.URLField(max_length=500, blank=True)
    headquarters = models.ForeignKey(
        "thesaurus.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headquartered_organizations",
        verbose_name=_("headquarters country"),
    )
    regions_served = models.ManyToManyField(
        "thesaurus.Region",
        blank=True,
        related_name="organizations_serving",
        verbose_name=_("countries or regions served"),
    )
    topics = TaggableManager(_("focus topics"), through=OrganizationTopic, blank=True)
    networks = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="members",
        verbose_name=_("part of"),
        help_text=_(
            "Organisations this one is part of: the NGO a project belongs to, the network a "
            "centre is a member of (e.g. IRCT). Their pages list this one's resources too."
        ),
    )
    # The published organisations this one is part of, at any depth (kept by signals from
    # ``networks``): resources are found and listed under each of them.
    ancestor_ids = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)
    is_key = models.BooleanField(
        _("key organisation"), default=False, help_text=_("Listed first and on the home page.")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        was_published = False if self._state.adding else getattr(self, "_was_published", True)
        super().save(*args, **kwargs)
        if was_published != (self.status == self.Status.PUBLISHED):
            thesaurus_index.changed()  # its names enter or leave what search reads

    def get_absolute_url(self):
        return reverse("organizations:detail", kwargs={"slug": self.slug})

    @classmethod
    def hidden_concepts(cls):
        """A draft or archived organisation's names in every language, acronyms and misspellings
        (its concept's labels) are as private as its name: search never reads them."""
        unpublished = cls.objects.exclude(status=cls.Status.PUBLISHED).exclude(concept=None)
        return unpublished.values("concept_id")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "status" in field_names:  # whether it was public when read (see resources.signals)
            instance._was_published = instance.status == cls.Status.PUBLISHED
        return instance

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    @property
    def description_html(self) -> str:
        return render_markdown(self.description)
