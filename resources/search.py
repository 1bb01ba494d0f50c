"""Full-text search over published resources, with facet counts, in a constant number of queries.

- The words typed go to PostgreSQL's ``websearch_to_tsquery`` ("exact phrase", OR, -exclude)
  against the stored ``search_vector`` (weights A title, B summary and topics, C description,
  organisations, presenters), which each resource's row stems in its own language. The query is
  read once per text search configuration, each reading joined (``&&``) to that configuration's
  marker lexeme, and the readings OR-ed (``||``) into one constant tsquery: the GIN index serves
  it, and a French resource is matched by the French reading only (so "-enfants" excludes as it
  should). Ranking and highlighting use the reading of the row's own language.
- The last word also matches as a prefix of an unstemmed word (``search_vector_simple``), so that
  "istan" finds "Istanbul" while the visitor is still typing.
- Facets: for every filter, how many results each of its choices would give, computed with every
  *other* active filter applied (so that ticking a second type widens the results as promised).
  The total and all facets come from one SQL statement over the matching rows, using the id arrays
  kept on each row; the page of results is a second statement; the organisations it shows a third.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchHeadline,
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
)
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Expression, F, Q, TextField, Value
from django.db.models.functions import Lower
from django.utils.functional import cached_property

from . import vocabulary
from .cache import content_version, search_cache, search_key
from .filters import HAS_CHOICES, LANGUAGES, ResourceFilterSet, annotate_dates, flag
from .models import (
    FALLBACK_TEXT_SEARCH_CONFIG,
    SEARCH_CONFIGS,
    TEXT_SEARCH_CONFIGS,
    Resource,
    config_marker,
)

PAGE_SIZE = 20
# Markers PostgreSQL puts around highlighted words; replaced by <mark> after escaping the text.
MARK_START, MARK_END = "\x02", "\x03"
# A bare word at the end of the query: not quoted, not excluded, letters or digits only.
LAST_WORD_RE = re.compile(r"(?:^|\s)([^\W_]{2,})$")
FEW_RESULTS = 3  # at or below this, offer "did you mean"


class EveryLanguageQuery(SearchQuery):
    """``websearch_to_tsquery`` of the words in every text search configuration, each reading
    joined to its configuration's marker lexeme, OR-ed together. PostgreSQL folds it into one
    constant tsquery, so ``search_vector @@`` it is served by the GIN index.

    A reading without lexemes (only stop words in that language) matches no row of that
    language; with ``empty_matches_all`` (the words before a prefix), every row of it."""

    def __init__(self, text: str, *, empty_matches_all: bool = False):
        super().__init__(text, search_type="websearch")
        self.text = text
        self.empty_matches_all = empty_matches_all

    def as_sql(self, compiler, connection, **extra_context):
        readings, params = [], []
        for config in SEARCH_CONFIGS:
            reading = f"websearch_to_tsquery('{config}'::regconfig, %s)"
            marker = f"'{config_marker(config)}'::tsquery"
            if self.empty_matches_all:  # '' && marker is the marker alone
                readings.append(f"({reading} && {marker})")
                params.append(self.text)
            else:
                readings.append(
                    f"CASE WHEN numnode({reading}) = 0 THEN {reading} "
                    f"ELSE {reading} && {marker} END"
                )
                params.extend([self.text] * 3)
        return f"({' || '.join(readings)})", params


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


def own_language_query(text: str) -> ByLanguage:
    """The words read in the row's own language: for ranking and highlighting (never in WHERE:
    a query that varies by row cannot use the index)."""

    def reading(config):
        return f"websearch_to_tsquery('{config}'::regconfig, %s)", [text]

    return ByLanguage(reading, SearchQueryField())


def own_language_config() -> ByLanguage:
    """The text search configuration of the row's language, for highlighting."""
    return ByLanguage(lambda config: (f"'{config}'::regconfig", []), TextField())


def text_queries(text: str):
    """The main query and, when the last word can be completed, the prefix query and the query
    for the words before it."""
    main = EveryLanguageQuery(text)
    if text.count('"') % 2:  # inside an open quote: no completion
        return main, None, None
    match = LAST_WORD_RE.search(text)
    if not match:
        return main, None, None
    last = match.group(1).lower()
    head = text[: match.start(1)].strip()
    prefix = SearchQuery(f"'{last}':*", config="simple", search_type="raw")
    head_query = EveryLanguageQuery(head, empty_matches_all=True) if head else None
    return main, prefix, head_query


def text_condition(main, prefix, head) -> Q:
    condition = Q(search_vector=main)
    if prefix is not None:
        completed = Q(search_vector_simple=prefix)
        if head is not None:
            # The words before the last must match too, unless they were all stop words (in the
            # resource's language).
            completed &= Q(search_vector=head)
        condition |= completed
    return condition


# On the search page a facet shows its first choices, and more up to a limit behind "more"; the
# rest (those with the fewest results) are left out, so that the page stays within its weight
# budget however large the vocabulary grows (tests/test_budget.py). Chosen ones are always shown.
FACET_VISIBLE = 8
FACET_LIMIT = 24


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


class Search:
    """One search: its parameters, results, total, facets and suggestion."""

    def __init__(self, params, *, page_size: int = PAGE_SIZE):
        self.filterset = ResourceFilterSet(params, queryset=Resource.objects.published())
        self.params = params
        self.page_size = page_size
        self.text = self.filterset.text
        self.sort = self.filterset.sort_order
        if self.sort == "relevance" and not self.text:
            self.sort = "newest"
        self.conditions = self.filterset.conditions()
        if self.text:
            self.main, self.prefix, self.head = text_queries(self.text)

    # --- the rows -------------------------------------------------------------------------------

    def base(self):
        """Published resources matching the words and the date range, with one flag per facet
        filter: facets count with every flag but their own."""
        queryset = annotate_dates(Resource.objects.published().order_by())
        if self.text:
            queryset = queryset.filter(text_condition(self.main, self.prefix, self.head))
        for name in ("date_from", "date_to", "upcoming"):
            if name in self.conditions:
                queryset = queryset.filter(self.conditions[name])
        flags = {f"f_{name}": flag(self.conditions[name]) for name in self.facet_filters}
        return queryset.annotate(**flags)

    @cached_property
    def facet_filters(self) -> list[str]:
        return [name for name in ResourceFilterSet.FACETS if name in self.conditions]

    def matching(self):
        queryset = self.base()
        for name in self.facet_filters:
            queryset = queryset.filter(**{f"f_{name}": True})
        return queryset

    def ordered(self):
        queryset = self.matching()
        if self.text:
            rank = SearchRank(F("search_vector"), own_language_query(self.text))
            if self.prefix is not None:
                rank = rank + SearchRank(F("search_vector_simple"), self.prefix) * Value(0.5)
            queryset = queryset.annotate(rank=rank)
        order = {
            "relevance": ["-rank", "-published_at", "-pk"],
            "newest": ["-sort_date", "-pk"],
            "oldest": ["sort_date", "pk"],
            "title": [Lower("title"), "pk"],
        }[self.sort]
        return queryset.order_by(*order)

    def results(self):
        queryset = self.ordered().select_related("series").with_organizations()
        if self.text:
            query = own_language_query(self.text)
            if self.prefix is not None:
                query = CombinedSearchQuery(query, SearchQueryCombinable.BITOR, self.prefix, None)
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
        return queryset

    @cached_property
    def page(self) -> Page:
        paginator = Paginator(self.results(), self.page_size)
        paginator.count = self.total  # known from the facet statement: no COUNT query
        page = paginator.get_page(self.params.get("page"))
        key = self.cache_key("page", self.sort, page.number)
        ids = search_cache().get(key)
        if ids is None:
            rows = list(page.object_list)
            search_cache().set(key, [row.pk for row in rows])
        else:  # the order is known: fetch just these rows (and their highlights)
            by_id = {row.pk: row for row in self.results().filter(pk__in=ids).order_by()}
            rows = [by_id[pk] for pk in ids if pk in by_id]
        for resource in rows:
            resource.snippet = snippet_for(resource) if self.text else None
        page.object_list = rows
        return page

    def cache_key(self, *parts) -> str:
        """A key for this search's words and filters (not its sort or page) plus ``parts``,
        under the current content version."""
        data = self.filterset.data_clean
        filters = {name: data.get(name) for name in sorted(data) if name not in {"sort", "page"}}
        return search_key(self.version, self.text, filters, *parts)

    @cached_property
    def version(self) -> int:
        return content_version()

    # --- facets ---------------------------------------------------------------------------------

    @cached_property
    def _facet_rows(self) -> list[tuple]:
        key = self.cache_key("facets")
        rows = search_cache().get(key)
        if rows is None:
            rows = self._count_facets()
            search_cache().set(key, rows)
        return rows

    def _count_facets(self) -> list[tuple]:
        base = self.base().values(
            "id", "kind", "language", "access", "topic_ids", "organization_ids", "audience_ids",
            "region_ids", "has_file", "recording_url", "filed_year",
            *[f"f_{name}" for name in self.facet_filters],
        )  # fmt: skip
        base_sql, params = base.query.sql_with_params()

        def where(excluding: str | None = None) -> str:
            flags = [f"f_{n}" for n in self.facet_filters if n != excluding]
            return f"WHERE {' AND '.join(flags)}" if flags else ""

        def by_array(name: str, table: str, label: str) -> str:
            return (
                f"SELECT '{name}', t.slug, {label}, c.n FROM (SELECT unnest({name}_ids) AS id, "
                f"count(*) AS n FROM base {where(name)} GROUP BY 1) c "
                f"JOIN {table} t ON t.id = c.id"
            )

        org_label = "coalesce(nullif(t.acronym, '') || ' – ' || t.name, t.name)"
        parts = [
            f"SELECT 'total', NULL, NULL, count(*) FROM base {where()}",
            f"SELECT 'kind', kind, NULL, count(*) FROM base {where('kind')} GROUP BY kind",
            f"SELECT 'language', language, NULL, count(*) FROM base {where('language')} "
            "GROUP BY language",
            f"SELECT 'access', access, NULL, count(*) FROM base {where('access')} GROUP BY access",
            f"SELECT 'year', filed_year::text, NULL, count(*) FROM base {where('year')} "
            "GROUP BY filed_year",
            f"SELECT 'has', 'recording', NULL, count(*) FROM base {where('has')} "
            f"{'AND' if where('has') else 'WHERE'} recording_url <> ''",
            f"SELECT 'has', 'file', NULL, count(*) FROM base {where('has')} "
            f"{'AND' if where('has') else 'WHERE'} has_file",
            by_array("topic", "resources_topic", "t.name"),
            by_array("audience", "resources_audience", "t.name"),
            by_array("organization", "organizations_organization", org_label),
            by_array("region", "resources_region", "t.name"),
        ]
        # Chosen values are listed even when no result has them any more, so they can be unticked.
        chosen = self.filterset.data_clean
        extra: list = []
        for name, model in ResourceFilterSet.SLUG_MODELS.items():
            if chosen.get(name):
                label = org_label if name == "organization" else "t.name"
                parts.append(
                    f"SELECT '{name}', t.slug, {label}, 0 FROM {model._meta.db_table} t "
                    "WHERE t.slug = ANY(%s)"
                )
                extra.append(chosen[name])
        sql = f"WITH base AS MATERIALIZED ({base_sql}) " + " UNION ALL ".join(parts)
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, *extra))
            return cursor.fetchall()

    @cached_property
    def total(self) -> int:
        return next(n for facet, *_rest, n in self._facet_rows if facet == "total")

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
        for name, value, label, count in self._facet_rows:
            chosen = [str(v) for v in data.get(name) or []] if name != "total" else []
            if value is None or (name, value) in seen or not (count or value in chosen):
                continue
            seen.add((name, value))
            label = label or str(labels.get(name, {}).get(value, value))
            facets[name].choices.append(FacetChoice(value, label, count, value in chosen))
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
        if not self.text or self.total > FEW_RESULTS:
            return None
        suggested = vocabulary.suggest(self.text)
        return suggested if suggested and suggested.lower() != self.text.lower() else None


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
