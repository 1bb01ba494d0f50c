"""How code asks for resources: ``published()`` (the only door public code uses), sessions,
reviews, link health, and the copies of related data kept on each row."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from thesaurus.models import Audience, Region

from .languages import CONCEPT_MARKER
from .sessions import UPCOMING_ORDER, sessions_not_over


def _models():
    """The models this module's querysets serve (defined after it: imported when first used)."""
    from . import files, resource

    return resource.Resource, resource.TaggedResource, files.ResourceFile, files.LinkCheck


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
    Resource, _, _, _ = _models()
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
        Resource, _, _, _ = _models()
        from common.cache import content_changed

        from ..signals import published_words_changed

        public = Resource.objects.published().filter(pk__in=self.values("pk"))
        public_before = public.exists()
        count = super().update(**kwargs)
        if public_before or ({"status", "published_at"} & set(kwargs) and public.exists()):
            content_changed()
            published_words_changed.send(sender=Resource)
        return count

    def published(self):
        """The only door public code uses: published resources, nothing else."""
        Resource, _, _, _ = _models()
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
        _, _, _, LinkCheck = _models()
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
        return self.filter(sessions_not_over(now or timezone.now())).order_by(*UPCOMING_ORDER)

    def with_organizations(self):
        """Prefetch the published organisations of each resource, with what pages show of them."""
        from organizations.models import Organization

        published = Organization.objects.published().only("name", "acronym", "slug", "website")
        return self.prefetch_related(models.Prefetch("organizations", queryset=published))

    def with_topic_names(self):
        """Each resource's topic names, sorted, as ``topic_list``: one subquery in the same
        statement (taggit's prefetch builds a queryset per resource: 17 ms for a calendar's 100)."""
        _, TaggedResource, _, _ = _models()
        names = TaggedResource.objects.filter(content_object=OuterRef("pk")).order_by("tag__name")
        return self.annotate(topic_list=ArraySubquery(names.values("tag__name")))

    def refresh_derived_fields(self, **also) -> int:
        """Recompute (or, inside ``derived_fields_deferred``, note for later), in one UPDATE for
        every resource in this queryset, the copies of related
        data kept on the row: topic and organisation names for the search column, the concepts it
        is tagged with (as marker lexemes), and the ids and flags the search page filters and
        counts on without joins. ``also`` sets other columns in the same statement (an import
        publishes the rows it wrote as it fills them in: their search rows are written once).

        Organisations count with every published organisation they are part of (a project's
        resources are its parent's too); unpublished organisations do not count at all."""
        _, TaggedResource, ResourceFile, _ = _models()
        deferred = _deferred_refresh.get()
        if deferred is not None and not also:
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
            **also,
        )
