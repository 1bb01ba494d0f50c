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
import math

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, F, FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.translation import get_language

from common.cache import content_version, search_cache, search_key
from common.db_routing import cache_seconds, reads_from
from resources.models import Resource
from search import query as understanding
from search import readings as readings_of
from search import vocabulary
from search.filters import ResourceFilterSet, flag
from search.models import SearchRow
from thesaurus import index as thesaurus_index

from .expressions import ConstantQuery, own_language, own_language_config
from .facets import FacetCounting, ordering
from .plan import (
    FEW_RESULTS,
    MARK_END,
    MARK_START,
    PAGE_SIZE,
    PARTIAL_SHARE,
    SEARCH_CACHE_SECONDS,
    Plan,
    term_frequencies,
)
from .results import OrderedResources, snippet_for


class Search(FacetCounting):
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
        configs = readings_of.configs_for(vocabulary.published_languages())
        readings = readings_of.read(
            parsed, readings_of.visitor_config(self.language), configs or None
        )
        plan.readings = readings_of.combine(parsed, readings)
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
    def total(self) -> int:
        return next(n for facet, *_rest, n in self._facet_rows if facet == "total")

    # --- did you mean ---------------------------------------------------------------------------

    @cached_property
    def suggestion(self) -> str | None:
        """Other words to try, when few resources match and no correction was applied."""
        if not self.typed or self.plan.corrected_from or self.total > FEW_RESULTS:
            return None
        known = self.plan.known_words | thesaurus_index.current().words
        suggested = vocabulary.suggest(self.plan.text, known=known)
        return suggested if suggested and suggested.lower() != self.text.lower() else None
