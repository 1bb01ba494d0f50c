"""What a search will do with the words typed (a plan), and how common each word is."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from search.readings import Readings

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


@dataclass
class Plan:
    """What a search decided to look for, and what it found (kept whole in the search cache)."""

    text: str  # the words searched: as typed, unquoted, or corrected
    readings: Readings | None = None
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
