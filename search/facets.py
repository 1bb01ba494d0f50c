"""Facets: for every filter, how many results each of its choices would give.

The counts come from one statement over the matching rows (``FacetCounting._count_facets``), or,
for every published resource unfiltered, from the counts kept beside the search rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F
from django.utils.functional import cached_property

from common.cache import search_cache
from common.db_routing import cache_seconds
from resources.models import Resource
from search.filters import HAS_CHOICES, LANGUAGES, ResourceFilterSet
from thesaurus import index as thesaurus_index

from .plan import NULLS_LAST, ORDERS, SEARCH_CACHE_SECONDS, Plan

FACET_VISIBLE = 8
FACET_LIMIT = 24
# Facets count every match up to this many; above it they count a systematic sample of about
# this many (every k-th resource id), scaled up, and the page says "about" (bench/NOTES.md:
# aggregating tens of thousands of rows costs more than a page's whole budget). The total is
# always exact.
FACET_SAMPLE = 5000
# The columns of a search row that the facets count.
FACET_COLUMNS = [
    "kind", "language", "access", "topic_ids", "organization_ids", "audience_ids", "region_ids",
    "has_file", "has_recording", "year",
]  # fmt: skip


@dataclass
class Facet:
    name: str
    label: str
    choices: list[FacetChoice] = field(default_factory=list)

    @property
    def first(self) -> list[FacetChoice]:
        return self.choices[:FACET_VISIBLE]

    @property
    def more(self) -> list[FacetChoice]:
        return [
            choice
            for position, choice in enumerate(self.choices[FACET_VISIBLE:], FACET_VISIBLE)
            if position < FACET_LIMIT or choice.selected
        ]

    @property
    def left_out(self) -> int:
        return len(self.choices) - FACET_VISIBLE - len(self.more) if self.more else 0


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool = False
    approximate: bool = False  # counted from a sample: the page says "about"


class FacetCounting:
    """The facet part of :class:`search.engine.Search`."""

    @cached_property
    def _facet_rows(self) -> list[tuple]:
        if self.plan.rows is not None:
            return self.plan.rows
        key = self.cache_key("facets")
        rows = search_cache().get(key)
        if rows is None:
            rows = self._count_facets(self.plan)
            search_cache().set(key, rows, cache_seconds(SEARCH_CACHE_SECONDS))
        return rows

    def _count_facets(self, plan: Plan) -> list[tuple]:
        if plan.readings is None and not self.conditions:
            return self._kept_counts()
        # The page asked for is ordered in the same statement (not when a narrower reading's
        # matches rank first: decided after counting, and those sets are small).
        number = self._requested_page()
        # (Feeds, calendars and exports read their own order: they only count here.)
        ordered = not plan.primary and number and self.with_facets
        order = self._order(plan) if ordered else []
        columns = {field.lstrip("-") for field in order} - {"rank", "resource_id"}
        base = self.base(plan)
        # Without words, dates or a second filter, the one chosen filter's own choices are
        # counted over every published resource: the kept counts have them. The rest is counted
        # over the resources it leaves (a topic's page reads the topic's rows, not the table's).
        only = None
        dated = {"date_from", "date_to", "upcoming"} & set(self.conditions)
        if plan.readings is None and len(self.facet_filters) == 1 and not dated:
            only = self.facet_filters[0]
            base = base.filter(**{f"f_{only}": True})
        if "-rank" in order:
            base = base.annotate(rank=self._rank(plan))
            columns.add("rank")
        # The matches are kept (materialised) when they are ranked: ranking reads every one.
        # Otherwise each part reads them where it needs them (bench/NOTES.md): the count in one
        # pass, the sample with its filter in the scan, the page along the date index.
        # (So are partial matches: their score orders them.)
        ranked = plan.readings is not None and self.sort == "relevance" and bool(ordered)
        ranked = ranked or plan.mode == "some"
        # Kept matches are narrow (id, flags, order): the columns the facets count are read for
        # the sample only (tens of thousands of wide rows copied cost 40 ms of "torture").
        facet_columns = [] if ranked else FACET_COLUMNS
        base = base.values(
            "resource_id",
            *facet_columns,
            *[f"f_{name}" for name in self.facet_filters],
            *sorted(columns),
        )
        base_sql, params = base.query.sql_with_params()

        def where(excluding: str | None = None) -> str:
            flags = [f"f_{n}" for n in self.facet_filters if n != excluding]
            return f"WHERE {' AND '.join(flags)}" if flags else ""

        # A facet's count, from the sample when there is one: scaled by the sampling step.
        scaled = "(count(*) * (SELECT step FROM sampling))::bigint"

        def by_array(name: str) -> str:
            table, label, concept, published = FACET_TABLES[name]
            return (
                f"SELECT '{name}', t.slug, {label}, {concept}, c.n FROM (SELECT unnest({name}_ids) "
                f"AS id, {scaled} AS n FROM counted {where(name)} GROUP BY 1) c "
                f"JOIN {table} t ON t.id = c.id WHERE true{published}"
            )

        none = "NULL::bigint"  # no concept
        parts = [
            f"SELECT 'total', NULL, NULL, {none}, total FROM stats",
            f"SELECT 'matches', NULL, NULL, {none}, matches FROM stats",
            f"SELECT 'sampling', NULL, NULL, {none}, step FROM sampling",
            f"SELECT 'kind', kind, NULL, {none}, {scaled} FROM counted {where('kind')} "
            "GROUP BY kind",
            f"SELECT 'language', language, NULL, {none}, {scaled} FROM counted "
            f"{where('language')} GROUP BY language",
            f"SELECT 'access', access, NULL, {none}, {scaled} FROM counted {where('access')} "
            "GROUP BY access",
            f"SELECT 'year', year::text, NULL, {none}, {scaled} FROM counted {where('year')} "
            "GROUP BY year",
            f"SELECT 'has', 'recording', NULL, {none}, {scaled} FROM counted {where('has')} "
            f"{'AND' if where('has') else 'WHERE'} has_recording",
            f"SELECT 'has', 'file', NULL, {none}, {scaled} FROM counted {where('has')} "
            f"{'AND' if where('has') else 'WHERE'} has_file",
            *[by_array(name) for name in FACET_TABLES],
        ]
        if only is not None:
            parts = [part for part in parts if not part.startswith(f"SELECT '{only}'")]
            parts += kept_parts([only])
        if not self.with_facets:
            parts = parts[:2]
        # Chosen values are listed even when no result has them any more, so they can be unticked.
        chosen = self.filterset.data_clean if self.with_facets else {}
        extra: list = []
        for name, (table, label, concept, published) in FACET_TABLES.items():
            if chosen.get(name):
                parts.append(
                    f"SELECT '{name}', t.slug, {label}, {concept}, 0 "
                    f"FROM {table} t WHERE t.slug = ANY(%s){published}"
                )
                extra.append(chosen[name])
        if ordered:
            parts.append(self._page_part(f"base {where()}", number, order))
        kept = "MATERIALIZED" if ranked else "NOT MATERIALIZED"
        flags = where().removeprefix("WHERE ") or "true"
        # Every match up to FACET_SAMPLE; above, every step-th resource id (a systematic sample:
        # ids do not follow what a search matches). Without words, every row matches: the sample
        # is read by id (a few thousand index lookups), not by a scan of the whole table.
        if plan.readings is None and only is None:
            sample = (
                "SELECT base.* FROM base WHERE (SELECT step FROM sampling) = 1 UNION ALL "
                "SELECT base.* FROM base WHERE (SELECT step FROM sampling) > 1 AND "
                "base.resource_id IN (SELECT generate_series(s.step, (SELECT max(resource_id) "
                "FROM search_searchrow), s.step) FROM sampling s)"
            )
        else:
            sample = (
                "SELECT base.* FROM base WHERE (SELECT step FROM sampling) = 1 "
                "OR base.resource_id %% (SELECT step FROM sampling) = 0"
            )
        if ranked:
            read = ", ".join(f"r.{column}" for column in FACET_COLUMNS)
            sample = (
                f"SELECT c.*, {read} FROM ({sample}) c "
                "JOIN search_searchrow r ON r.resource_id = c.resource_id"
            )
        stats = f"SELECT count(*) AS matches, count(*) FILTER (WHERE {flags}) AS total FROM base"
        counted_params: tuple = ()
        values = self.filterset.data_clean.get(only) if only else None
        if values and len(values) == 1:
            # One value of one filter: its count is kept (exact), not counted again.
            stats, counted_params = kept_count(only, values[0])
        sql = (
            f"WITH base AS {kept} ({base_sql}), "
            f"stats AS MATERIALIZED ({stats}), "
            f"sampling AS (SELECT greatest(1, ceil(matches::float / {FACET_SAMPLE}))::bigint "
            "AS step FROM stats), "
            f"counted AS MATERIALIZED ({sample}) " + " UNION ALL ".join(parts)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, *counted_params, *extra))
            return cursor.fetchall()

    def _kept_counts(self) -> list[tuple]:
        """Every published resource, unfiltered: the total and the facets are the counts kept
        beside the search rows (``search.FacetTotal``, exact), the page is read along an index."""
        none = "NULL::bigint"
        parts = [
            f"SELECT 'total', NULL, NULL, {none}, coalesce((SELECT n FROM search_facettotal "
            "WHERE facet = 'total' AND value = ''), 0)",
            *kept_parts(ResourceFilterSet.FACETS),
        ]
        number = self._requested_page()
        if number:
            parts.append(self._page_part("search_searchrow", number, ORDERS[self.sort]))
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts))
            return cursor.fetchall()

    @cached_property
    def facets_sampled(self) -> bool:
        """Whether the facets were counted from a sample (the page then says "about")."""
        return any(facet == "sampling" and n > 1 for facet, *_rest, n in self._facet_rows)

    @cached_property
    def facets(self) -> list[Facet]:
        data = self.filterset.data_clean
        fields = self.filterset.form.fields
        labels = {
            "kind": dict(Resource.Kind.choices),
            "language": dict(LANGUAGES),
            "access": dict(Resource.Access.choices),
            "has": dict(HAS_CHOICES),
        }
        facets = {name: Facet(name, str(fields[name].label)) for name in ResourceFilterSet.FACETS}
        seen: set[tuple[str, str]] = set()
        thesaurus = thesaurus_index.current()
        sampled = self.facets_sampled
        for name, value, label, concept_id, count in self._facet_rows:
            if name in {"page", "sampling", "matches"}:
                continue
            if sampled and count:
                count = about(count)
            chosen = [str(v) for v in data.get(name) or []] if name != "total" else []
            if value is None or (name, value) in seen or not (count or value in chosen):
                continue
            seen.add((name, value))
            if concept_id is not None:
                label = thesaurus.name(concept_id, self.language, default=label)
            label = label or str(labels.get(name, {}).get(value, value))
            facets[name].choices.append(
                FacetChoice(value, label, count, value in chosen, approximate=sampled)
            )
        for name in ("kind", "language", "access", "year", "has"):
            for value in data.get(name) or []:
                if (name, str(value)) not in seen:
                    label = str(labels.get(name, {}).get(str(value), value))
                    facets[name].choices.append(FacetChoice(str(value), label, 0, True))
        for name, facet in facets.items():
            if name == "year":
                facet.choices.sort(key=lambda c: c.value, reverse=True)
            elif name == "kind":
                order = list(labels["kind"])
                facet.choices.sort(key=lambda c: order.index(c.value))
            else:
                facet.choices.sort(key=lambda c: (-c.selected, -c.count, c.label.lower()))
        return [facet for facet in facets.values() if facet.choices]

    def _page_part(self, rows: str, number: int, order: list[str]) -> str:
        """A row ('page', the ids of page ``number`` of ``rows`` in ``order``, comma-joined, each
        with its score in "some" mode, 'sort:number') for the statement that counts (see
        ``_counted_page``)."""
        by = ", ".join(
            f"{name.lstrip('-')} {'DESC' if name.startswith('-') else 'ASC'}"
            + (" NULLS LAST" if name.lstrip("-") in NULLS_LAST else "")
            for name in order
        )
        item = "resource_id || ':' || matched" if "-matched" in order else "resource_id"
        start = (number - 1) * self.page_size
        return (
            f"SELECT 'page', array_to_string(ARRAY(SELECT {item} FROM {rows} ORDER BY {by} "
            f"LIMIT {self.page_size} OFFSET {start}), ','), '{self.sort}:{number}', NULL::bigint, "
            "NULL"
        )

    def _order(self, plan: Plan) -> list[str]:
        """The results' order: the sort chosen; by relevance, partial matches by the weight of
        the words they match first."""
        if plan.mode == "some" and self.sort == "relevance":
            return ["-matched", *ORDERS[self.sort]]
        return ORDERS[self.sort]


# The facets whose choices are rows of a table (each search row keeps their ids): the table, the
# choice's label, its concept and which rows may be named. Organisations are named as they name
# themselves, published ones only; topics, audiences and regions by their concept, in the
# visitor's language (see ``Search.facets``).
FACET_TABLES = {
    "topic": ("resources_topic", "t.name", "t.concept_id", ""),
    "audience": ("resources_audience", "t.name", "t.concept_id", ""),
    "organization": ("organizations_organization",
                     "coalesce(nullif(t.acronym, '') || ' – ' || t.name, t.name)", "NULL::bigint",
                     " AND t.status = 'published'"),
    "region": ("resources_region", "t.name", "t.concept_id", ""),
}  # fmt: skip


def ordering(name: str):
    """``order_by()``'s argument for a column of ``ORDERS`` ("-sort_date": descending)."""
    column = name.lstrip("-")
    if column not in NULLS_LAST:
        return name
    return (
        F(column).desc(nulls_last=True) if name.startswith("-") else F(column).asc(nulls_last=True)
    )


def kept_parts(names) -> list[str]:
    """SQL rows (facet, value, label, concept, count) of the facets ``names`` from the counts
    kept beside the search rows: every published resource's, exact."""
    scalar = [name for name in names if name not in FACET_TABLES]
    parts = []
    if scalar:
        listed = ", ".join(f"'{name}'" for name in scalar)
        parts.append(
            "SELECT facet, value, NULL, NULL::bigint, n FROM search_facettotal "
            f"WHERE facet IN ({listed}) AND n > 0"
        )
    for name in names:
        if name in FACET_TABLES:
            table, label, concept, where = FACET_TABLES[name]
            parts.append(
                f"SELECT '{name}', t.slug, {label}, {concept}, c.n FROM search_facettotal c "
                f"JOIN {table} t ON c.value = t.id::text WHERE c.facet = '{name}' AND c.n > 0"
                f"{where}"
            )
    return parts


def kept_count(name: str, value) -> tuple[str, tuple]:
    """SQL of one row (matches, total): the kept count of the resources with ``value`` under the
    filter ``name`` (a slug for the filters that name rows), and its parameters."""
    if name in FACET_TABLES:
        table, _label, _concept, where = FACET_TABLES[name]
        kept = f"(SELECT t.id::text FROM {table} t WHERE t.slug = %s{where})"
    else:
        kept = "%s"
    found = f"SELECT n FROM search_facettotal WHERE facet = %s AND value = {kept}"
    return f"SELECT n AS matches, n AS total FROM (SELECT coalesce(({found}), 0) AS n) k", (
        name,
        str(value),
    )


def about(count: int) -> int:
    """An estimated count rounded to two significant digits (4,823 → 4,800), at least 1."""
    if count < 100:
        return max(1, count)
    scale = 10 ** (len(str(count)) - 2)
    return round(count / scale) * scale
