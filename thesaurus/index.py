"""The thesaurus in memory, for query understanding and for showing labels in each language.

Each process loads every concept's labels and broader links once (three small queries) and keeps
them until the thesaurus changes: every change sets a new version in the shared cache, and the
version is read at most once per request. Finding the concepts a query names is then a dictionary
lookup per run of words, with no query at all.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction

from common.request_memo import remembered

from .models import CORE_LANGUAGES, ConceptOf, Label
from .text import stems, words

VERSION_KEY = "thesaurus:version"
# Longest run of words a label is looked for in (labels are short).
MAX_LABEL_WORDS = 8
# A one-word label of fewer letters matches nothing: too many short words mean something else.
MIN_MATCH_LETTERS = 2


@dataclass
class ConceptEntry:
    id: int
    kind: str
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (language, kind, text)
    broader: set[int] = field(default_factory=set)
    narrower: set[int] = field(default_factory=set)
    related: set[int] = field(default_factory=set)

    def preferred(self, language: str) -> str:
        for code, kind, text in self.labels:
            if code == language and kind == Label.Kind.PREFERRED:
                return text
        return ""

    def name(self, language: str) -> str:
        """The preferred label in ``language``, else in English, else any."""
        return (
            self.preferred(language)
            or self.preferred("en")
            or (self.labels[0][2] if self.labels else "")
        )


@dataclass
class Match:
    """A run of typed words that names one or more concepts."""

    start: int  # index of its first word among the words given to ``match``
    end: int  # index after its last word
    typed: str
    concept_ids: frozenset[int]


class Thesaurus:
    def __init__(self, concepts: dict[int, ConceptEntry]):
        self.concepts = concepts
        # Folded words of a label -> concepts; (language, stems) of a label -> concepts.
        self.exact: dict[tuple, set[int]] = defaultdict(set)
        self.stemmed: dict[tuple, set[int]] = defaultdict(set)
        # Every word of every label (folded): words the search knows even if no resource has them.
        self.words: frozenset[str] = frozenset(
            token for entry in concepts.values() for *_rest, text in entry.labels
            for token in words(text)
        )  # fmt: skip
        for entry in concepts.values():
            for language, _kind, text in entry.labels:
                tokens = words(text)
                if tokens and (len(tokens) > 1 or len(tokens[0]) >= MIN_MATCH_LETTERS):
                    self.exact[tokens].add(entry.id)
                    key = stems(tokens, language[:2])
                    if key is not None:
                        self.stemmed[key].add(entry.id)

    def name(self, concept_id: int | None, language: str, default: str = "") -> str:
        entry = self.concepts.get(concept_id) if concept_id is not None else None
        return (entry.name(language) if entry else "") or default

    def descendants(self, concept_id: int) -> set[int]:
        """Every narrower concept, at any depth (cycles, which the admin refuses, end the walk)."""
        found: set[int] = set()
        todo = [concept_id]
        while todo:
            entry = self.concepts.get(todo.pop())
            for child in entry.narrower if entry else ():
                if child not in found and child != concept_id:
                    found.add(child)
                    todo.append(child)
        return found

    def wider(self, concept_ids, depth: int = 4) -> set[int]:
        """The related concepts of these, and their broader ones up to the nearest that the
        directory classifies by (a topic, audience or region), at most ``depth`` levels up (not
        these themselves)."""
        found: set[int] = set()
        for concept_id in concept_ids:
            entry = self.concepts.get(concept_id)
            if entry:
                found |= entry.related
        level = set(concept_ids)
        for _ in range(depth):
            level = {b for c in level if c in self.concepts for b in self.concepts[c].broader}
            found |= level
            # Stop climbing a path once it reaches something resources are tagged with.
            level = {c for c in level if self.concepts[c].kind == "term"}
            if not level:
                break
        return found - set(concept_ids)

    def find(self, tokens: tuple[str, ...], language: str = "en") -> set[int]:
        """The concepts with a label that is ``tokens``: as written if any, else stemmed as
        English or as the visitor's ``language``."""
        if tokens in self.exact:
            return set(self.exact[tokens])
        found: set[int] = set()
        for code in {"en", language}:
            key = stems(tokens, code)
            if key is not None:
                found |= self.stemmed.get(key, set())
        return found

    def match(self, typed_words: list[str], language: str = "en") -> list[Match]:
        """The runs of ``typed_words`` that name concepts, longest first, left to right, not
        overlapping."""
        folded = [words(word) for word in typed_words]
        matches, start = [], 0
        while start < len(typed_words):
            for end in range(min(len(typed_words), start + MAX_LABEL_WORDS), start, -1):
                tokens = tuple(token for part in folded[start:end] for token in part)
                if not tokens or (len(tokens) == 1 and len(tokens[0]) < MIN_MATCH_LETTERS):
                    continue
                found = self.find(tokens, language)
                if found:
                    typed = " ".join(typed_words[start:end])
                    matches.append(Match(start, end, typed, frozenset(found)))
                    start = end
                    break
            else:
                start += 1
        return matches

    def labels_of(self, concept_ids) -> list[tuple[str, str, str]]:
        """Every label of these concepts as (language, kind, text), each text once per
        language."""
        seen, found = set(), []
        for concept_id in sorted(concept_ids):
            for language, kind, text in self.concepts[concept_id].labels:
                if (language, text.casefold()) not in seen:
                    seen.add((language, text.casefold()))
                    found.append((language, kind, text))
        return found

    def shown_labels(self, concept_ids, language: str, typed: str, limit: int = 6) -> list[str]:
        """What to tell the visitor was also searched for: each concept's name in their language
        and in English, and its acronyms (theirs, English, then others'); never what they
        typed."""
        seen = {words(typed)}
        shown = []
        order = {language: 0, "en": 1}
        for concept_id in sorted(concept_ids):
            entry = self.concepts[concept_id]
            acronyms, other_languages = [], set()
            for code, kind, text in sorted(entry.labels, key=lambda label: order.get(label[0], 2)):
                if kind != Label.Kind.ACRONYM:
                    continue
                if code not in order:  # one acronym of each other language
                    if code in other_languages:
                        continue
                    other_languages.add(code)
                acronyms.append(text)
            candidates = [entry.preferred(language), entry.preferred("en"), *acronyms]
            for text in candidates:
                if text and words(text) not in seen:
                    seen.add(words(text))
                    shown.append(text)
        return shown[:limit]


# --- loading and refreshing ---------------------------------------------------------------------

_lock = threading.Lock()
_memory: dict = {"version": object(), "thesaurus": Thesaurus({})}


def current() -> Thesaurus:
    """The thesaurus as it is now (read again when any process changed it; the version is
    checked once per request)."""
    return remembered("thesaurus", _current)


def _current() -> Thesaurus:
    version = cache.get(VERSION_KEY)
    connection._thesaurus_read = True
    with _lock:
        if version is None or version != _memory["version"]:
            _memory.update(version=version, thesaurus=_read())
        return _memory["thesaurus"]


def _hidden() -> tuple[str, list]:
    """SQL of the ids of the concepts that are not public (a draft organisation's: its names are
    as private as it is), as the models that are concepts say (``ConceptOf.hidden_concepts``)."""
    parts, params = [], []
    for model in apps.get_models():
        if issubclass(model, ConceptOf):
            hidden = model.hidden_concepts()
            if hidden is not None:
                sql, more = hidden.query.sql_with_params()
                parts.append(sql)
                params.extend(more)
    return " UNION ".join(parts), params


def _read() -> Thesaurus:
    """Every public concept with its labels and links, in one statement."""
    concepts: dict[int, ConceptEntry] = {}
    order = {code: position for position, code in enumerate(CORE_LANGUAGES)}
    hidden, params = _hidden()
    public = f" WHERE c.id NOT IN ({hidden})" if hidden else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.kind, "  # noqa: S608 - Django's SQL; every value a parameter
            "coalesce((SELECT json_agg(json_build_array(l.language, l.kind, l.text)) "
            "FROM thesaurus_label l WHERE l.concept_id = c.id), '[]'), "
            "ARRAY(SELECT b.to_concept_id FROM thesaurus_concept_broader b "
            "WHERE b.from_concept_id = c.id), "
            "ARRAY(SELECT r.to_concept_id FROM thesaurus_concept_related r "
            "WHERE r.from_concept_id = c.id) "
            "FROM thesaurus_concept c" + public,
            params,
        )
        rows = cursor.fetchall()
    for concept_id, kind, labels, broader, related in rows:
        labels = sorted(
            (tuple(label) for label in labels),
            key=lambda label: (order.get(label[0], 99), label[0], label[1] != "pref", label[2]),
        )
        concepts[concept_id] = ConceptEntry(concept_id, kind, labels, set(broader), set(),
                                            set(related))  # fmt: skip
    for entry in concepts.values():
        # No link leads to a concept left out.
        entry.broader &= concepts.keys()
        entry.related &= concepts.keys()
        for broader in entry.broader:
            if broader in concepts:
                concepts[broader].narrower.add(entry.id)
        for other in entry.related:
            if other in concepts:
                concepts[other].related.add(entry.id)
    return Thesaurus(concepts)


def changed() -> None:
    """The thesaurus changed: every process reloads it, now (this connection sees the change) and
    again when the transaction commits (so that no other process keeps what it read before). In
    one transaction, once, unless it was read in between."""
    if not connection.in_atomic_block:
        _new_version()
        return
    transaction_id = id(connection.atomic_blocks[0])
    if getattr(connection, "_thesaurus_changed_in", None) == transaction_id and not getattr(
        connection, "_thesaurus_read", False
    ):
        return
    connection._thesaurus_changed_in = transaction_id
    transaction.on_commit(_new_version)
    _new_version()


def _new_version() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)
    connection._thesaurus_read = False
