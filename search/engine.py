"""Full-text search over published resources, with facet counts, in a constant number of queries.

- **Understanding** (``resources.query``): the words typed are read as terms, the way
  ``websearch_to_tsquery`` reads them ("exact phrase", OR, -exclude); runs of words that name a
  concept of the thesaurus, in any language, also search every label of the concept in every
  language and what is tagged with it (or with a narrower concept). The visitor is told ("Also
  searched for: ...") and can search their exact words only (``exact=1``).
- **Matching**: every term must match the stored ``search_vector`` (weights A title, B summary,
  topics and concept markers, C description, organisations, presenters), which each resource's
  row stems in its own language. The terms are read in every text search configuration, each
  reading joined to that configuration's marker lexeme, and OR-ed into one constant tsquery that
  the GIN index serves. The last word also matches as a prefix of an unstemmed word
  (``search_vector_simple``), so that "istan" finds "Istanbul" while the visitor is typing.
- **When little matches** (never with ``exact=1``): a quoted phrase that matches nothing falls
  back to its words; words that find nothing are corrected when the correction is confident
  ("istambul" → "istanbul") and finds something; and when all the words together match few
  resources, resources that match most of them are ranked after those (more words first). The
  page says each of these.
- **Facets**: for every filter, how many results each of its choices would give, computed with
  every *other* active filter applied. The total and all facets come from one SQL statement over
  the matching rows, using the id arrays kept on each row; the page of results is another.

A search costs: reading the words (one statement), counting (one), the page (one) and its
organisations (one); each fallback tried adds a reading and a count.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchQueryField, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Expression, F, FloatField, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.translation import get_language

from common.cache import content_version, search_cache, search_key
from common.db_routing import cache_seconds, reads_from
from resources.models import FALLBACK_TEXT_SEARCH_CONFIG, TEXT_SEARCH_CONFIGS, Resource
from search import query as understanding
from search import vocabulary
from search.filters import HAS_CHOICES, LANGUAGES, ResourceFilterSet, flag
from search.models import SearchRow
from thesaurus import index as thesaurus_index

PAGE_SIZE = 20
# The orders a visitor can choose (the last column makes each one total).
ORDERS = {
    "relevance": ["-rank", "-published_at", "-resource_id"],
    "newest": ["-sort_date", "-resource_id"],
    "oldest": ["sort_date", "resource_id"],
    "title": ["sort_title", "resource_id"],
}
# Columns some rows leave empty (a resource without a date of its own): those rows come after the
# others whichever way the column is sorted (the search rows' indexes are built so).
NULLS_LAST = {"sort_date"}
SEARCH_CACHE_SECONDS = 600
# Markers PostgreSQL puts around highlighted words; replaced by <mark> after escaping the text.
MARK_START, MARK_END = "\x02", "\x03"
# At or below this many results, offer "did you mean", and rank partial matches too.
FEW_RESULTS = 3


class ConstantQuery(SearchQuery):
    """A tsquery built by ``resources.query``, given as text: ``%s::tsquery``."""

    def __init__(self, tsquery: str):
        super().__init__(tsquery)
        self.tsquery = tsquery

    def as_sql(self, compiler, connection, **extra_context):
        return "%s::tsquery", [self.tsquery]


class ByLanguage(Expression):
    """``CASE language WHEN 'fr' THEN <branch('french')> ... ELSE <branch('simple')> END``: a
    value that depends on the row's language, written as one piece of SQL. (The same thing
    built from ``Case`` and ``When`` took Django longer to compile than PostgreSQL to run.)"""

    def __init__(self, branch, output_field):
        super().__init__(output_field=output_field)
        self.branch = branch  # config -> (sql, params)
        self.language = F("language")

    def get_source_expressions(self):
        return [self.language]

    def set_source_expressions(self, expressions):
        (self.language,) = expressions

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.language)
        parts = [f"CASE {column}"]
        params = list(params)
        for code, config in TEXT_SEARCH_CONFIGS.items():
            sql, branch_params = self.branch(config)
            parts.append(f"WHEN '{code}' THEN {sql}")
            params.extend(branch_params)
        sql, branch_params = self.branch(FALLBACK_TEXT_SEARCH_CONFIG)
        parts.append(f"ELSE {sql} END")
        params.extend(branch_params)
        return f"({' '.join(parts)})", params


def own_language(per_config: dict[str, str], extra: str = "") -> ByLanguage:
    """The tsquery of the row's own language (for rank and headline; never in WHERE: a query that
    varies by row cannot use the index), OR-ed with ``extra`` if given."""

    def reading(config):
        query = per_config.get(config, "")
        if extra:
            query = f"({query}) | ({extra})" if query else extra
        return "%s::tsquery", [query]

    return ByLanguage(reading, SearchQueryField())


def own_language_config() -> ByLanguage:
    """The text search configuration of the row's language, for highlighting."""
    return ByLanguage(lambda config: (f"'{config}'::regconfig", []), TextField())


@dataclass
class Plan:
    """What a search decided to look for, and what it found (kept whole in the search cache)."""

    text: str  # the words searched: as typed, unquoted, or corrected
    readings: understanding.Readings | None = None
    prefix: str | None = None
    expansions: list = field(default_factory=list)
    widened: list = field(default_factory=list)  # broader and related subjects searched too
    named_concepts: int = 0
    mode: str = "all"  # "all": every term; "some": most of them, by weight
    n_terms: int = 0
    weights: list = field(default_factory=list)  # of each term, in "some" mode
    needed: float = 0.0  # the weight a resource must reach, in "some" mode
    all_total: int = 0  # how many match every term (in "some" mode, they come first)
    primary: str | None = None  # a tsquery whose matches rank first (the narrower reading)
    corrected_from: str | None = None
    unquoted: bool = False
    rows: list | None = None  # the facet statement's rows (None: not counted yet)
    known_words: frozenset = frozenset()

    @property
    def total(self) -> int:
        return next(n for facet, *_rest, n in self.rows if facet == "total")

    @property
    def matches(self) -> int:
        """How many resources the words match, before the filters."""
        return next((n for facet, *_rest, n in self.rows if facet == "matches"), self.total)


# Term weights count a term's resources up to this many (enough to tell rare from common).
DF_CAP = 1000
# The share of the words' weight a partial match must have: two of four words of equal weight.
PARTIAL_SHARE = 0.4


def term_frequencies(terms: list[str]) -> tuple[int, list[int]]:
    """How many published resources there are, and how many each tsquery matches, counting up
    to ``DF_CAP``."""
    published = "SELECT 1 FROM search_searchrow r WHERE true"  # every search row is public
    sql = (
        f"SELECT (SELECT count(*) FROM ({published} LIMIT %s) s), "
        f"ARRAY(SELECT (SELECT count(*) FROM ({published} AND r.search_vector @@ t.q::tsquery "
        "LIMIT %s) s) FROM unnest(%s::text[]) WITH ORDINALITY AS t(q, i) ORDER BY t.i)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [DF_CAP, DF_CAP, terms])
        total, counts = cursor.fetchone()
        return total, list(counts)


# On the search page a facet shows its first choices, and more up to a limit behind "more"; the
# rest (those with the fewest results) are left out, so that the page stays within its weight
# budget however large the vocabulary grows (tests/test_budget.py). Chosen ones are always shown.
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


class Search:
    """One search: its parameters, what it understood, results, total, facets and suggestion."""

    def __init__(self, params, *, page_size: int = PAGE_SIZE, facets: bool = True):
        self.filterset = ResourceFilterSet(params, queryset=Resource.objects.published())
        # Feeds, calendars and exports need the results and their number, not the facets.
        self.with_facets = facets
        self.params = params
        self.page_size = page_size
        self.typed = self.filterset.text
        self.exact = bool(self.filterset.data_clean.get("exact"))
        self.language = (get_language() or "en")[:2]
        self.sort = self.filterset.sort_order
        if self.sort == "relevance" and not self.typed:
            self.sort = "newest"
        self.conditions = self.filterset.conditions()

    @property
    def text(self) -> str:
        """The words searched for (the correction, when one was applied)."""
        return self.plan.text

    # --- deciding what to search for ------------------------------------------------------------

    @cached_property
    def plan(self) -> Plan:
        if not self.typed:
            return Plan("")  # nothing to decide: counted only if the page shows counts
        key = self.cache_key("plan", self.language, self.with_facets)
        plan = search_cache().get(key)
        if plan is None:
            plan = self._make_plan()
            search_cache().set(key, plan, cache_seconds(SEARCH_CACHE_SECONDS))
        return plan

    def _make_plan(self) -> Plan:
        thesaurus = None if self.exact else thesaurus_index.current()
        plan = self._try(self.typed, thesaurus)
        if self.exact:
            return plan
        # What the words find, whatever the filters: when the words find plenty and the filters
        # leave few, the words need no help (the page offers to remove a filter instead).
        if plan.matches == 0 and '"' in self.typed:
            # No resource has the phrase: look for its words (and say so).
            plan = self._try(self.typed.replace('"', " "), thesaurus)
            plan.unquoted = True
        if plan.matches == 0:
            known = plan.known_words | thesaurus.words
            corrected = vocabulary.suggest(plan.text, known=known, confident=True)
            if corrected:
                better = self._try(corrected, thesaurus)
                if better.total:
                    better.corrected_from = self.typed
                    better.unquoted = plan.unquoted
                    plan = better
        if plan.matches <= FEW_RESULTS and plan.named_concepts:
            wider = self._try(plan.text, thesaurus, wider=True)
            if wider.total > plan.total:
                wider.corrected_from, wider.unquoted = plan.corrected_from, plan.unquoted
                # What the narrower reading found comes first.
                wider.primary = plan.readings.main if plan.total else None
                plan = wider
        if plan.matches <= FEW_RESULTS and plan.n_terms >= 2:
            some = self._partial(plan)
            if some.total > plan.total:
                plan = some
        return plan

    def _try(self, text: str, thesaurus, *, wider: bool = False) -> Plan:
        parsed = understanding.parse(text, thesaurus, self.language, wider=wider)
        plan = Plan(text, prefix=parsed.prefix, expansions=parsed.expansions,
                    widened=parsed.widened)  # fmt: skip
        concept_terms = [
            part
            for term in parsed.terms
            for part in term.options or [term]
            if part.kind == "concept"
        ]
        plan.named_concepts = len(concept_terms)
        plan.known_words = frozenset(
            word.lower() for part in concept_terms for word in part.typed.split()
        )
        # Read in the languages resources are published in (every language when not known).
        configs = understanding.configs_for(vocabulary.published_languages())
        readings = understanding.read(
            parsed, understanding.visitor_config(self.language), configs or None
        )
        plan.readings = understanding.combine(parsed, readings)
        # Stop words ("how", "do", "i") are no terms: they match nothing and need not.
        plan.n_terms = len(plan.readings.terms)
        plan.rows = self._count_facets(plan)
        plan.all_total = plan.total
        return plan

    def _partial(self, plan: Plan) -> Plan:
        """Resources that match most of the words, rarer words counting for more: each term
        weighs log(1 + N / the number of resources it matches), N being the number of resources
        (both counted up to 1000), and a resource must reach ``PARTIAL_SHARE`` of the weight of
        the terms that match anything. When two or fewer do, any of them, but only when nothing
        matches them all."""
        resources, frequencies = term_frequencies(plan.readings.terms)
        weights = [math.log(1 + resources / df) if df else 0.0 for df in frequencies]
        live = sorted(w for w in weights if w)
        if not live or (len(live) <= 2 and plan.total):
            return plan  # with two words, one of them is not most of them
        needed = live[0] if len(live) <= 2 else sum(live) * PARTIAL_SHARE
        some = dataclasses.replace(plan, mode="some", weights=weights, needed=needed)
        some.rows = self._count_facets(some)
        return some

    # --- the rows -------------------------------------------------------------------------------

    def _text_filter(self, queryset, plan: Plan):
        readings = plan.readings
        if readings is None:
            return queryset
        if plan.mode == "some":
            scored = [(t, w) for t, w in zip(readings.terms, plan.weights, strict=True) if w]
            # Each term's matches from its own index scan (a hashed set), never by testing the
            # term on each candidate's vector, which is stored out of line (bench/NOTES.md).
            score = " + ".join(
                ["(search_searchrow.resource_id IN (SELECT t.resource_id FROM search_searchrow t "
                 "WHERE t.search_vector @@ %s::tsquery))::int * %s"] * len(scored)
            )  # fmt: skip
            queryset = (
                queryset.filter(search_vector=ConstantQuery(readings.any_term))
                # Our own SQL; the tsqueries and weights go as parameters.
                .annotate(matched=RawSQL(score, [p for pair in scored for p in pair],  # noqa: S611
                                         output_field=FloatField()))
            )  # fmt: skip
            # A term of weight 0 matches nothing: a row that matches any term reaches the
            # lightest weight. When that is enough, the score only orders (the condition would
            # compute it a second time, each term's set built again).
            if plan.needed > min((weight for _term, weight in scored), default=0) + 1e-9:
                queryset = queryset.filter(matched__gte=plan.needed)
            return queryset
        condition = Q(search_vector=ConstantQuery(readings.main))
        if plan.prefix is not None:
            prefix = SearchQuery(f"'{plan.prefix}':*", config="simple", search_type="raw")
            completed = Q(search_vector_simple=prefix)
            if readings.head:
                completed &= Q(search_vector=ConstantQuery(readings.head))
            condition |= completed
        return queryset.filter(condition)

    def base(self, plan: Plan | None = None):
        """The search rows (published resources) matching the words and the date range, with one
        flag per facet filter: facets count with every flag but their own."""
        plan = plan or self.plan
        queryset = self._text_filter(SearchRow.objects.order_by(), plan)
        for name in ("date_from", "date_to", "upcoming"):
            if name in self.conditions:
                queryset = queryset.filter(self.conditions[name])
        flags = {f"f_{name}": flag(self.conditions[name]) for name in self.facet_filters}
        return queryset.annotate(**flags)

    @cached_property
    def facet_filters(self) -> list[str]:
        return [name for name in ResourceFilterSet.FACETS if name in self.conditions]

    def matching_rows(self):
        """The search rows of the results (narrow: for counting and ordering)."""
        queryset = self.base()
        for name in self.facet_filters:
            queryset = queryset.filter(**{f"f_{name}": True})
        return queryset

    def matching(self):
        """The results, as published resources (for feeds, calendars and the digest)."""
        return Resource.objects.published().filter(
            pk__in=self.matching_rows().values("resource_id")
        )

    def newest(self, count: int):
        """The ids of the ``count`` results published last (a feed's items), as a subquery:
        read along the search rows' publication index, not by ordering every result."""
        rows = self.matching_rows().order_by("-published_at", "-resource_id")
        return rows.values("resource_id")[:count]

    def _rank(self, plan: Plan | None = None):
        plan = plan or self.plan
        readings = plan.readings
        per_config = readings.any_per_config if plan.mode == "some" else readings.per_config
        # The rank vector (title A; summary, topics and concepts B) is in the row: ranking tens
        # of thousands of matches never reads their full vectors.
        rank = SearchRank(F("rank_vector"), own_language(per_config))
        if plan.prefix is not None:
            prefix = SearchQuery(f"'{plan.prefix}':*", config="simple", search_type="raw")
            rank = rank + SearchRank(F("rank_vector"), prefix) * Value(0.5)
        return rank

    def ordered_rows(self):
        """The search rows of the results in the page's order."""
        queryset = self.matching_rows()
        if self.plan.readings is not None:
            queryset = queryset.annotate(rank=self._rank())
        order = self._order(self.plan)
        if self.sort == "relevance" and self.plan.primary:
            # What the narrower reading found first: found through the index, not by reading
            # each row's vector.
            queryset = queryset.annotate(primary=RawSQL(
                "search_searchrow.resource_id IN (SELECT p.resource_id FROM search_searchrow p "
                "WHERE p.search_vector @@ %s::tsquery)",
                [self.plan.primary], output_field=BooleanField(),
            ))  # fmt: skip
            after = 1 if order[0] == "-matched" else 0  # more of the words first, still
            order = [*order[:after], "-primary", *order[after:]]
        return queryset.order_by(*[ordering(name) for name in order])

    def resources(self, prepare=lambda queryset: queryset) -> OrderedResources:
        """Every result as a resource, in the page's order, read a slice or a chunk at a time
        (the exports): the order from the search rows, the resources by id, each batch through
        ``prepare`` (its select_related and prefetches)."""
        return OrderedResources(self.ordered_rows().values_list("resource_id", flat=True), prepare)

    def details(self, ids: list[int]) -> list[Resource]:
        """The resources of ``ids``, in that order, with what a result shows (and, for a search
        of words, the matched words marked)."""
        queryset = (
            Resource.objects.published()
            .filter(pk__in=ids)
            .select_related("series")
            .with_organizations()
        )
        readings = self.plan.readings
        if readings is not None:
            prefix = f"'{self.plan.prefix}':*" if self.plan.prefix else ""
            query = own_language(readings.highlight, prefix)
            options = {
                "config": own_language_config(),
                "start_sel": MARK_START,
                "stop_sel": MARK_END,
            }
            queryset = queryset.annotate(
                title_hl=SearchHeadline("title", query, highlight_all=True, **options),
                summary_hl=SearchHeadline("summary", query, highlight_all=True, **options),
                description_hl=SearchHeadline(
                    "description", query, max_words=30, min_words=12, max_fragments=2, **options
                ),
            )
        by_id = {resource.pk: resource for resource in queryset}
        return [by_id[pk] for pk in ids if pk in by_id]

    @cached_property
    def page(self) -> Page:
        paginator = Paginator(range(self.total), self.page_size)
        page = paginator.get_page(self.params.get("page"))
        key = self.cache_key("page", self.language, self.sort, page.number)
        found = self._counted_page(page.number)
        if found is None:
            found = search_cache().get(key)
        if found is None:
            start = (page.number - 1) * self.page_size
            fields = ["resource_id", "matched"] if self.plan.mode == "some" else ["resource_id"]
            found = [
                (row[0], row[1] if len(row) > 1 else None)
                for row in self.ordered_rows().values_list(*fields)[start : start + self.page_size]
            ]
            search_cache().set(key, found, cache_seconds(SEARCH_CACHE_SECONDS))
        matched = dict(found)
        rows = self.details([pk for pk, _score in found])
        for resource in rows:
            resource.snippet = snippet_for(resource) if self.plan.readings else None
            resource.partial = (
                self.plan.mode == "some"
                and (matched.get(resource.pk) or 0) < sum(self.plan.weights) - 1e-6
            )
        page.object_list = rows
        return page

    def _requested_page(self) -> int:
        """The page number asked for, when it is a plain number (anything else is settled by
        the paginator, once the total is known)."""
        value = str(self.params.get("page") or "1")
        return int(value) if value.isdigit() and 0 < int(value) < 10**6 else 0

    def _counted_page(self, number: int) -> list | None:
        """The page's ids, when the statement that counted the results also ordered them (the
        page asked for: one scan of the matches for the count, the facets and the page)."""
        if self.plan.primary:
            return None  # decided after counting: the order is not the one counted with
        for facet, value, label, _concept, _n in self._facet_rows:
            if facet == "page" and label == f"{self.sort}:{number}":
                items = [item.partition(":") for item in value.split(",") if item]
                return [(int(pk), float(score) if score else None) for pk, _, score in items]
        return None

    @property
    def first_partial(self):
        """The first result on this page that matches only some of the words, if any."""
        return next((r for r in self.page.object_list if r.partial), None)

    def cache_key(self, *parts) -> str:
        """A key for this search's words and filters (not its sort or page) plus ``parts``,
        under the current content version."""
        data = self.filterset.data_clean
        filters = {name: data.get(name) for name in sorted(data) if name not in {"sort", "page"}}
        # Where the rows were read: a replica's answer is not the primary's.
        return search_key(self.version, reads_from(), self.typed, filters, *parts)

    @cached_property
    def version(self) -> int:
        return content_version()

    # --- facets ---------------------------------------------------------------------------------

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

    @cached_property
    def total(self) -> int:
        return next(n for facet, *_rest, n in self._facet_rows if facet == "total")

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

    # --- did you mean ---------------------------------------------------------------------------

    @cached_property
    def suggestion(self) -> str | None:
        """Other words to try, when few resources match and no correction was applied."""
        if not self.typed or self.plan.corrected_from or self.total > FEW_RESULTS:
            return None
        known = self.plan.known_words | thesaurus_index.current().words
        suggested = vocabulary.suggest(self.plan.text, known=known)
        return suggested if suggested and suggested.lower() != self.text.lower() else None


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


class OrderedResources:
    """Resources in the order of a query of their ids: ``[a:b]`` gives a list, ``iterator()``
    reads the ids from a server-side cursor and the resources a batch at a time, so that memory
    stays flat however many there are."""

    def __init__(self, ids, prepare):
        self.ids, self.prepare = ids, prepare

    def fetch(self, ids: list[int]) -> list:
        """The resources of ``ids`` in that order: instances, or rows when ``prepare`` asks for
        ``values()``."""
        rows = self.prepare(Resource.objects.published().filter(pk__in=ids).order_by())
        by_id = {row["id"] if isinstance(row, dict) else row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]

    def __getitem__(self, window: slice) -> list[Resource]:
        return self.fetch(list(self.ids[window]))

    def iterator(self, chunk_size: int):
        batch = []
        for pk in self.ids.iterator(chunk_size=chunk_size):
            batch.append(pk)
            if len(batch) == chunk_size:
                yield from self.fetch(batch)
                batch = []
        if batch:
            yield from self.fetch(batch)


def snippet_for(resource) -> dict[str, str]:
    """Escaped text with <mark> around the matched words."""

    def marked(value: str) -> str:
        return html.escape(value or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")

    description = resource.description_hl if MARK_START in (resource.description_hl or "") else ""
    return {
        "title": marked(resource.title_hl),
        "summary": marked(resource.summary_hl),
        "description": marked(strip_markdown(description)),
    }


def strip_markdown(text: str) -> str:
    """Markdown punctuation out of a description snippet (link targets included)."""
    return re.sub(r"[*_`#>\[\]]", "", re.sub(r"\]\([^)]*\)", "]", text))
