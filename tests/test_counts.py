"""The counts kept beside the search rows: always what a recount of the published resources
gives, whatever changed them (one row, a bulk update, a deletion), and what the directories and
the unfiltered search page show."""

from collections import Counter

import pytest
from django.urls import reverse

from resources.models import Resource
from search import vocabulary
from search.models import FacetDelta, FacetTotal, SearchRow

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db


def recount() -> dict:
    """Each facet value's number of published resources, counted from the search rows."""
    found = Counter()
    for row in SearchRow.objects.all():
        found["total", ""] += 1
        for facet in ("kind", "language", "access"):
            found[facet, getattr(row, facet)] += 1
        if row.year is not None:  # a resource without a date of its own has no year
            found["year", str(row.year)] += 1
        if row.has_recording:
            found["has", "recording"] += 1
        if row.has_file:
            found["has", "file"] += 1
        for facet in ("topic", "organization", "audience", "region"):
            for pk in getattr(row, f"{facet}_ids"):
                found[facet, str(pk)] += 1
    return dict(found)


def kept() -> dict:
    return {(c.facet, c.value): c.n for c in FacetTotal.objects.exclude(n=0)}


def test_a_large_transaction_appends_its_changes_and_a_refresh_folds_them():
    """Many resources written in one transaction: each count is exact before the changes are
    folded in, and after; folding empties the pending changes."""
    from django.db import transaction

    with transaction.atomic():
        for n in range(30):
            make_resource(title=f"In one go {n}", topics=["Children"])
    assert kept() == recount()
    assert FacetDelta.objects.exists()

    vocabulary.refresh()

    assert not FacetDelta.objects.exists()
    assert kept() == recount()
    assert kept()["total", ""] == 30


def test_the_kept_counts_follow_every_kind_of_change():
    irct = make_organization(name="IRCT", slug="irct")
    first = make_resource(topics=["Children"], organizations=[irct], kind="webinar")
    make_resource(topics=["Children", "Interpreting"], kind="video")
    pending = make_resource(topics=["Children"], status=Resource.Status.PENDING)
    assert kept() == recount()
    assert kept()["total", ""] == 2

    first.kind = Resource.Kind.GUIDE  # an edit
    first.save()
    assert kept() == recount()

    # A bulk update (an admin action) and a publication.
    Resource.objects.filter(pk=pending.pk).update(
        status=Resource.Status.PUBLISHED, published_at=first.published_at
    )
    Resource.objects.update(language="fr")
    assert kept() == recount()
    assert kept()["total", ""] == 3

    # Archiving and deleting take resources out of every count.
    Resource.objects.filter(pk=first.pk).update(status=Resource.Status.ARCHIVED)
    Resource.objects.exclude(pk=first.pk).first().delete()
    assert kept() == recount()
    assert kept()["total", ""] == 1


def test_the_directories_and_the_unfiltered_search_show_the_kept_counts(client):
    import datetime as dt

    irct = make_organization(name="IRCT", slug="irct")
    # Dated: a date range (below, to count the rows instead of reading the kept counts) leaves
    # out what has no date of its own.
    make_resource(topics=["Children"], organizations=[irct], date=dt.date(2019, 3, 1))
    make_resource(topics=["Children"], date=dt.date(2024, 5, 1))
    make_resource(topics=["Children"], status=Resource.Status.DRAFT)

    topics = client.get(reverse("search:topics")).context["topics"]
    organizations = client.get(reverse("organizations:list")).context["organizations"]
    search = client.get(reverse("search:list")).context["search"]
    filtered = client.get(reverse("search:list"), {"date_from": "1900-01-01"})

    assert [(t.slug, t.count) for t in topics] == [("children", 2)]
    assert [(o.slug, o.resource_count) for o in organizations] == [("irct", 1)]
    assert search.total == 2
    # The kept counts and a count of the matching rows agree, facet by facet.
    as_kept = {f.name: [(c.value, c.count) for c in f.choices] for f in search.facets}
    counted = filtered.context["search"]
    assert as_kept == {f.name: [(c.value, c.count) for c in f.choices] for f in counted.facets}
    assert not search.facets_sampled


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"topic": "children"}, 2),
        ({"organization": "irct"}, 1),
        ({"organization": "draft-org"}, 0),  # a draft organisation's slug finds nothing
        ({"kind": "webinar"}, 1),
        ({"year": "2024"}, 1),
        ({"topic": ["children", "adults"]}, 3),  # two values: counted, not kept
    ],
)
def test_one_filter_value_shows_its_kept_count(client, params, expected):
    """A page of one filter value (a topic's page) reads its total from the kept counts: the
    same number a count of the matching rows gives, drafts and other values left out."""
    import datetime as dt

    irct = make_organization(name="IRCT", slug="irct")
    draft = make_organization(slug="draft-org", status="draft")
    # Each dated: the date range that makes the rows be counted leaves out the undated.
    make_resource(topics=["Children"], organizations=[irct, draft], date=dt.date(2019, 3, 1))
    make_resource(
        topics=["Children", "Adults"], kind=Resource.Kind.WEBINAR, date=dt.date(2021, 1, 5)
    )
    make_resource(topics=["Adults"], date=dt.date(2024, 5, 1))
    make_resource(topics=["Children"], organizations=[irct], status=Resource.Status.DRAFT)

    search = client.get(reverse("search:list"), params).context["search"]
    counted = client.get(reverse("search:list"), {**params, "date_from": "1900-01-01"})

    assert search.total == expected == counted.context["search"].total
    assert len(search.page.object_list) == expected


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filing_under_own_dates_migrates_the_search_rows_and_counts_both_ways():
    """resources 0012 and search 0005: a resource without a date of its own leaves its year (the
    day it was listed here) and comes back to it when the migrations are undone; the kept counts
    stay exact both ways."""
    import datetime as dt

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    utc = dt.UTC
    dated = make_resource(
        date=dt.date(2019, 3, 1), published_at=dt.datetime(2025, 1, 2, tzinfo=utc)
    )
    timed = make_resource(kind=Resource.Kind.WEBINAR, timezone="UTC",
                          starts_at=dt.datetime(2021, 6, 1, 23, tzinfo=utc))  # fmt: skip
    undated = make_resource(published_at=dt.datetime(2025, 2, 3, 12, tzinfo=utc))
    make_resource(status=Resource.Status.DRAFT)

    def filed() -> dict:
        return {row.resource_id: (row.sort_date, row.year) for row in SearchRow.objects.all()}

    now_filed = {
        dated.pk: (dt.date(2019, 3, 1), 2019),
        timed.pk: (dt.date(2021, 6, 1), 2021),
        undated.pk: (None, None),
    }
    assert filed() == now_filed
    assert kept() == recount() and ("year", "2025") not in kept()

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("search", "0004_label_marks"), ("resources", "0011_concepts")])
        assert filed() == {**now_filed, undated.pk: (dt.date(2025, 2, 3), 2025)}
        assert kept() == recount() and kept()["year", "2025"] == 1
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    assert filed() == now_filed
    assert kept() == recount() and ("year", "2025") not in kept()
    assert Resource.objects.get(pk=undated.pk).sort_date is None
