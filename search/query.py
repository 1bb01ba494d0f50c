"""Query understanding: what the visitor typed, read as terms, and the tsqueries that search them.

1. **Terms.** The text is read the way ``websearch_to_tsquery`` reads it ("exact phrase", OR,
   -word), into terms that must all match. Runs of plain words are looked up in the thesaurus,
   longest first, in any language: "post-traumatic stress" names the concept PTSD, "réfugiés" the
   concept refugees. Such a term matches any label of its concepts in every language, or the
   concepts' marker lexemes (resources tagged with them, or with a narrower concept, and
   resources whose text contains one of their labels: see search.models.LabelQuery).
2. **Readings.** One statement reads every term in every text search configuration (stems, stop
   words), which the search then combines as constant tsqueries: all terms, each joined to the
   configuration's marker (for WHERE, served by the GIN index); each term alone (to count how
   many of the words a resource matches); the row's own configuration (for rank and headline).
   In WHERE a concept's labels are its label markers, plain lexemes the index answers alone;
   rank and headline read the labels themselves, in the few rows they look at.
   A plain word that is a stop word in the visitor's language ("des" on /fr/) is left out of every
   reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from resources.models import (
    concept_marker,
    label_marker,
)
from thesaurus.index import Thesaurus

TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# A bare word at the end of the query: completed as a prefix while the visitor is typing.
LAST_WORD_RE = re.compile(r"(?:^|\s)([^\W_]{2,})$")
# A concept with more narrower concepts than this expands to itself and the first ones only (a
# query must stay a reasonable size for the index).
MAX_MARKERS = 60
MAX_LABELS = 60
# What a reading (search.readings) is for: to match (WHERE), to rank, or to highlight.
MATCH, RANK, HIGHLIGHT = "match", "rank", "highlight"


@dataclass
class Term:
    """One thing every result must match: a word, a phrase, a concept, or one of several (OR)."""

    kind: str  # "word", "phrase", "concept", "any" (OR of ``options``) or "not"
    typed: str
    concept_ids: frozenset[int] = frozenset()
    wider_ids: frozenset[int] = frozenset()  # broader and related concepts searched too
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (language, kind, text)
    markers: list[str] = field(default_factory=list)  # tagged with a concept (or a narrower one)
    label_markers: list[str] = field(default_factory=list)  # a concept's label in the text

    @property
    def own_markers(self) -> list[str]:
        """The markers of the concepts named (and wider ones searched), not of narrower ones."""
        return self.markers[: len(self.concept_ids | self.wider_ids)]

    options: list[Term] = field(default_factory=list)

    @property
    def positive(self) -> bool:
        return self.kind != "not"


@dataclass
class Expansion:
    typed: str
    labels: list[str]


@dataclass
class ParsedQuery:
    text: str
    terms: list[Term]
    expansions: list[Expansion]
    # The last word, completed as a prefix (it is a plain word term, the last positive one).
    prefix: str | None = None
    # The broader and related subjects also searched, by typed words (a "wider" reading).
    widened: list[Expansion] = field(default_factory=list)

    @property
    def positive_terms(self) -> list[Term]:
        return [term for term in self.terms if term.positive]

    @property
    def has_phrase(self) -> bool:
        return any(term.kind == "phrase" for term in self.terms)


def parse(
    text: str, thesaurus: Thesaurus | None, language: str = "en", *, wider: bool = False
) -> ParsedQuery:
    """Read ``text`` into terms; with a thesaurus, runs of plain words that name concepts become
    concept terms. ``wider``: a concept term also matches the concept's broader and related
    concepts (when the concepts themselves find little)."""
    items: list = []  # Term, or "OR"
    run: list[str] = []

    def flush():
        items.extend(_words_and_concepts(run, thesaurus, language, wider))
        run.clear()

    for match in TOKEN_RE.finditer(text):
        minus, quoted, bare = match.groups()
        if quoted is not None:
            flush()
            words = " ".join(quoted.split())
            if words:
                items.append(Term("not" if minus else "phrase", f'{minus}"{words}"'))
        elif bare.lower() == "or":
            flush()
            items.append("OR")
        elif bare.startswith("-") and len(bare) > 1:
            flush()
            items.append(Term("not", bare))
        else:
            run.append(bare)
    flush()
    terms = _join_or(items)
    expansions, widened = [], []
    if thesaurus is not None:
        for term in terms:
            for part in term.options or [term]:
                if part.kind == "concept":
                    shown = thesaurus.shown_labels(part.concept_ids, language, part.typed)
                    if shown:
                        expansions.append(Expansion(part.typed, shown))
                    if part.wider_ids:
                        names = [thesaurus.name(c, language) for c in sorted(part.wider_ids)]
                        widened.append(Expansion(part.typed, names))
    parsed = ParsedQuery(text, terms, expansions, widened=widened)
    last = LAST_WORD_RE.search(text)
    positives = parsed.positive_terms
    if (
        last and text.count('"') % 2 == 0 and positives and positives[-1].kind == "word"
        and positives[-1].typed.lower() == last.group(1).lower() and terms[-1] is positives[-1]
    ):  # fmt: skip
        parsed.prefix = last.group(1).lower()
    return parsed


def _words_and_concepts(
    words: list[str], thesaurus: Thesaurus | None, language: str, wider: bool
) -> list[Term]:
    if not words:
        return []
    matches = thesaurus.match(words, language) if thesaurus is not None else []
    terms, position = [], 0
    for match in matches:
        terms.extend(Term("word", word) for word in words[position : match.start])
        named = set(match.concept_ids)
        extra = thesaurus.wider(named) if wider else set()
        searched = named | extra
        for concept_id in list(searched):
            searched |= thesaurus.descendants(concept_id)
        markers = [concept_marker(c) for c in sorted(named)]
        markers += [concept_marker(c) for c in sorted(extra)]
        markers += [concept_marker(c) for c in sorted(searched - named - extra)]
        labels = (thesaurus.labels_of(named) + thesaurus.labels_of(extra))[:MAX_LABELS]
        terms.append(
            Term("concept", match.typed, match.concept_ids, frozenset(extra), labels,
                 markers[:MAX_MARKERS], [label_marker(c) for c in sorted(named)])
        )  # fmt: skip
        position = match.end
    terms.extend(Term("word", word) for word in words[position:])
    return terms


def _join_or(items: list) -> list[Term]:
    """``a OR b c`` is two terms: (a or b), and c."""
    terms: list[Term] = []
    pending_or = False
    for item in items:
        if item == "OR":
            pending_or = bool(terms) and terms[-1].positive
            continue
        if pending_or and item.positive:
            previous = terms.pop()
            options = previous.options if previous.kind == "any" else [previous]
            terms.append(Term("any", f"{previous.typed} OR {item.typed}", options=[*options, item]))
        else:
            terms.append(item)
        pending_or = False
    return terms
