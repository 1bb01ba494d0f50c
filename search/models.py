"""The rows the search reads: one per published resource, narrow.

The resource table is wide (its texts, and a search vector of about a kilobyte): reading it for
tens of thousands of matches is what made a common word slow. A ``SearchRow`` holds only what
the search filters, counts and ranks on, with the full search vectors stored out of line (read
by their GIN indexes, never by a scan) and a small rank vector (the title's and summary's
lexemes, and the concept markers) kept in the row. See bench/NOTES.md.

The rows are kept by the database itself: a trigger on ``resources_resource`` writes a resource's
row when it is published or changed, and deletes it when it is no longer published (migration
0001). So no code path, bulk update or raw SQL included, can leave them out of step, and nothing
unpublished is ever in this table.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchRow(models.Model):
    """A published resource, as the search sees it."""

    resource = models.OneToOneField(
        "resources.Resource",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_row",
        db_constraint=True,
    )
    kind = models.CharField(max_length=20)
    language = models.CharField(max_length=3)
    access = models.CharField(max_length=20)
    published_at = models.DateTimeField()
    # The resource's own date (or its session's day) and its year; none when it has neither:
    # counted under no year, sorted after the dated ones (migration 0005).
    sort_date = models.DateField(null=True)
    year = models.SmallIntegerField(null=True)
    sort_title = models.TextField()
    starts_at = models.DateTimeField(null=True)
    ends_at = models.DateTimeField(null=True)
    has_file = models.BooleanField()
    has_recording = models.BooleanField()
    topic_ids = ArrayField(models.IntegerField())
    organization_ids = ArrayField(models.IntegerField())
    audience_ids = ArrayField(models.IntegerField())
    region_ids = ArrayField(models.IntegerField())
    search_vector = SearchVectorField()
    search_vector_simple = SearchVectorField()
    rank_vector = SearchVectorField()
    # The resource's last change (sitemaps). Not indexed: it changes with every save, and a
    # changed indexed column makes every rewrite of the row add entries to every index
    # (its GIN indexes included) instead of a HOT update: generating 100,000 resources took
    # four times as long.
    updated_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="searchrow_vector_gin"),
            GinIndex(fields=["search_vector_simple"], name="searchrow_simple_gin"),
            GinIndex(fields=["topic_ids"], name="searchrow_topic_ids_gin"),
            GinIndex(fields=["organization_ids"], name="searchrow_organization_ids_gin"),
            # Oldest first (read backwards: the undated last), years and date ranges.
            models.Index(
                models.F("sort_date").desc(),
                models.F("resource_id").desc(),
                name="searchrow_sort_date",
            ),
            # Newest first, the undated last.
            models.Index(
                models.F("sort_date").desc(nulls_last=True),
                models.F("resource_id").desc(),
                name="searchrow_newest",
            ),
            models.Index(fields=["-published_at"], name="searchrow_published_at"),
            models.Index(fields=["sort_title", "resource"], name="searchrow_sort_title"),
            models.Index(fields=["starts_at"], name="searchrow_starts_at"),
        ]

    def __str__(self):
        return f"search row of resource {self.resource_id}"


class TsQueryField(models.Field):
    """A PostgreSQL ``tsquery``, read and written as its text."""

    def db_type(self, connection):
        return "tsquery"


class LabelQuery(models.Model):
    """A thesaurus label as the search matches it: its phrase read in one text search
    configuration (a label in its own language's; an acronym in every one), joined to that
    configuration's marker lexeme.

    Kept by the database from ``thesaurus_label`` (migration 0003): a search row carries the
    marker lexeme ``LABEL_<concept>`` of every concept with a label its text contains, so that a
    query naming a concept asks the index for one lexeme instead of testing phrases of labels
    against each candidate's vector (bench/NOTES.md). ``first`` is one lexeme every match must
    have: a row is tested only against the labels whose first lexeme it contains."""

    concept_id = models.BigIntegerField(db_index=True)
    config = models.CharField(max_length=20)
    first = models.TextField()
    query = TsQueryField()

    class Meta:
        indexes = [models.Index(fields=["config", "first"], name="search_labelquery_first")]

    def __str__(self):
        return f"{self.query} (concept {self.concept_id})"


class FacetCount(models.Model):
    """How many published resources have a facet's value (``facet`` "topic", ``value`` a topic's
    id; "total" counts them all), as last folded. Statement triggers on the search rows append
    each change to :class:`FacetDelta`; the vocabulary refresh after a public change folds them
    in (migration 0002). Read :class:`FacetTotal`, which adds the pending deltas."""

    facet = models.CharField(max_length=20)
    value = models.TextField()
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="search_facetcount_facet_value")
        ]

    def __str__(self):
        return f"{self.facet} {self.value}: {self.n}"


class FacetDelta(models.Model):
    """A change to a count not folded yet (appended: no transaction updates a count row)."""

    facet = models.CharField(max_length=20)
    value = models.TextField()
    n = models.BigIntegerField()

    def __str__(self):
        return f"{self.facet} {self.value}: {self.n:+}"


class FacetTotal(models.Model):
    """The exact counts: the folded counts plus the pending deltas (a view)."""

    id = models.TextField(primary_key=True)  # facet:value
    facet = models.CharField(max_length=20)
    value = models.TextField()
    n = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "search_facettotal"

    def __str__(self):
        return f"{self.facet} {self.value}: {self.n}"

    @classmethod
    def of(cls, facet: str, pk) -> models.Expression:
        """The count of the object ``pk`` (an OuterRef) under ``facet``, 0 when it has none."""
        from django.db.models import Subquery, TextField
        from django.db.models.functions import Cast, Coalesce

        found = cls.objects.filter(facet=facet, value=Cast(pk, TextField())).values("n")[:1]
        return Coalesce(Subquery(found), 0)
