"""Readings: every term of a parsed query read in every text search configuration (stems, stop
words) in one statement, and combined into the constant tsqueries the search runs (see
``search.query``, step 2)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.db import connection

from resources.models import (
    FALLBACK_TEXT_SEARCH_CONFIG,
    SEARCH_CONFIGS,
    TEXT_SEARCH_CONFIGS,
    config_marker,
)

from .query import HIGHLIGHT, MATCH, RANK, ParsedQuery, Term


def _term_sql(term: Term, config: str, params: list, purpose: str) -> str:
    """SQL for the alternatives of ``term`` read in the text search configuration ``config``, as
    a JSON array of tsqueries (``_alternatives`` joins them once pruned). To rank, a concept's
    labels are read in the configuration of their own language (an English resource is found by
    the English labels, a French one by the French labels), its acronyms in every one. To
    match, they are not read at all: a row carries the label marker of each concept whose label
    it contains (written with the row, the same way), which ``combine`` adds with the concept's
    other markers. To highlight: the words typed, and the concept's one-word labels and
    acronyms.

    A typed word is read as its lexemes, all required (``plainto_tsquery``: "post-traumatic"
    needs no phrase). The GIN index answers plain lexemes by itself; a phrase only for the rows
    that match nothing but the phrase, whose vectors it then reads (bench/NOTES.md)."""
    parts = _alternative_sql(term, config, params, purpose)
    return f"json_build_array({', '.join(f'({part})::text' for part in parts)})::text"


def _alternative_sql(term: Term, config: str, params: list, purpose: str) -> list[str]:
    if term.kind == "any":
        return [
            part
            for option in term.options
            for part in _alternative_sql(option, config, params, purpose)
        ]
    if term.kind == "word":
        # Left out when it is a stop word in the visitor's language.
        params.extend([term.typed, config, term.typed])
        return [
            "(CASE WHEN numnode(plainto_tsquery(%(visitor)s::regconfig, %s)) = 0 "
            "THEN ''::tsquery ELSE plainto_tsquery(%s::regconfig, %s) END)"
        ]
    if term.kind in {"phrase", "not"}:
        params.extend([config, term.typed])
        return ["websearch_to_tsquery(%s::regconfig, %s)"]
    if purpose == MATCH:
        # The words typed name a label, which the label markers find in the rows of its
        # language; read here too only when that costs the index nothing (one lexeme).
        params.extend([config, term.typed])
        return [
            "(SELECT CASE WHEN numnode(q) = 1 THEN q ELSE ''::tsquery END "
            "FROM phraseto_tsquery(%s::regconfig, %s) q)"
        ]
    texts = [term.typed]
    for language, kind, text in term.labels:
        if purpose == HIGHLIGHT and len(text.split()) > 1:
            continue
        if kind == "acronym" or config_of(language) == config:
            texts.append(text)
    parts = []
    for text in dict.fromkeys(texts):
        params.extend([config, text])
        parts.append("phraseto_tsquery(%s::regconfig, %s)")
    return parts


LEXEME_RE = re.compile(r"'((?:[^']|'')*)'")


def _alternatives(found: str) -> str:
    """The alternatives of a term (a JSON array of tsqueries as text) OR-ed into one tsquery,
    without those another one covers: a phrase that contains a word that is an alternative by
    itself ("acts of torture" beside "torture") can only match rows that word matches. Fewer
    lexemes for the index to look up."""
    alternatives = [text for text in dict.fromkeys(json.loads(found)) if text]
    words = {text: set(LEXEME_RE.findall(text)) for text in alternatives}
    singles = {
        next(iter(lexemes))
        for text, lexemes in words.items()
        if len(lexemes) == 1 and "!" not in text and ":" not in text
    }
    kept = [text for text in alternatives if len(words[text]) <= 1 or not (words[text] & singles)]
    return " | ".join(f"({text})" for text in kept)


def config_of(language: str) -> str:
    return TEXT_SEARCH_CONFIGS.get(language[:2], FALLBACK_TEXT_SEARCH_CONFIG)


def read(
    parsed: ParsedQuery, visitor_config: str, configs: list[str] | None = None
) -> dict[str, dict[str, list[str]]]:
    """Each term's tsquery (as text, '' when it has no lexeme) in every configuration (or in
    ``configs``: those of the languages resources are published in), to match, to rank and to
    highlight, in one statement: ``{config: {purpose: [tsquery of each term]}}``."""
    params: list = []
    rows = []
    purposes = (MATCH, RANK, HIGHLIGHT)
    for config in configs or SEARCH_CONFIGS:
        arrays = []
        for purpose in purposes:
            parts = [_term_sql(term, config, params, purpose) for term in parsed.terms]
            arrays.append(f"ARRAY[{', '.join(f'({c})::text' for c in parts)}]::text[]")
        params.append(config)
        rows.append(f"SELECT %s, {', '.join(arrays)}")
    # The configuration comes first in each row: move its parameter to the front of its row.
    sql = " UNION ALL ".join(rows)
    # %(visitor)s is not a psycopg placeholder here: put the constant in (it is one of ours).
    sql = sql.replace("%(visitor)s", f"'{visitor_config}'")
    with connection.cursor() as cursor:
        cursor.execute(sql, _config_first(params, rows))
        return {
            config: {
                purpose: [_alternatives(text) for text in values]
                for purpose, values in zip(purposes, arrays, strict=True)
            }
            for config, *arrays in cursor.fetchall()
        }


def _config_first(params: list, rows: list[str]) -> list:
    """``read`` appends each row's configuration after its other parameters; the SQL names it
    first."""
    ordered, start = [], 0
    for row in rows:
        count = row.count("%s") - 1
        ordered.append(params[start + count])
        ordered.extend(params[start : start + count])
        start += count + 1
    return ordered


@dataclass
class Readings:
    """The constant tsqueries of one search (as text for ``::tsquery``)."""

    main: str  # every term, any configuration: what a result must match
    per_config: dict[str, str]  # every term, without marker: rank in the row's own language
    any_per_config: dict[str, str]  # any term, without marker: rank of partial matches
    highlight: dict[str, str]  # any term: what to mark in snippets
    terms: list[str]  # each positive term alone, any configuration: partial matches
    any_term: str  # at least one positive term, any configuration
    head: str | None  # every term but the prefix word (None: no prefix)

    @property
    def matches_nothing(self) -> bool:
        return not self.main


def combine(parsed: ParsedQuery, readings: dict[str, dict[str, list[str]]]) -> Readings:
    """The search's tsqueries from each term's readings. A term matches a row when its reading
    in the row's configuration does (each reading joined to that configuration's marker), or
    when the row carries one of its concept or label markers (in any language): every term, in
    WHERE. The rank vector holds concept markers but no label markers: ranking reads the
    labels."""

    def marked(config: str, query: str) -> str:
        return f"({query}) & '{config_marker(config)}'"

    def all_of(parts: list[str]) -> str:
        return " & ".join(f"({part})" for part in parts if part)

    def any_of(parts: list[str]) -> str:
        return " | ".join(f"({part})" for part in parts if part)

    def either(found: list[str]) -> str:
        return " | ".join(f"'{marker}'" for marker in dict.fromkeys(found))

    def markers(term: Term) -> str:
        """To match: tagged with the concepts or a narrower one, or holding one of their
        labels."""
        parts = term.options or [term]
        return either([m for part in parts for m in [*part.markers, *part.label_markers]])

    def rank_markers(term: Term) -> str:
        """To rank: the concepts' own markers (each one is looked up in every ranked row)."""
        return either([m for part in term.options or [term] for m in part.own_markers])

    positive = [i for i, term in enumerate(parsed.terms) if term.positive]
    term_readings: list[str] = []
    for i, term in enumerate(parsed.terms):
        matching = {config: reading[MATCH][i] for config, reading in readings.items()}
        text = any_of([marked(c, value) for c, value in matching.items() if value])
        if not term.positive:
            # A row lacks the word as its own language reads it (a stop word there: no rule).
            text = any_of([
                marked(c, value) if value else f"'{config_marker(c)}'"
                for c, value in matching.items()
            ])  # fmt: skip
        term_readings.append(any_of([text, markers(term)]))
    live = [term_readings[i] for i in positive if term_readings[i]]
    main = all_of([term_readings[i] for i, term in enumerate(parsed.terms) if term_readings[i]])
    if not live:
        main = ""  # only stop words, or only words to leave out
    per_config, any_per_config, highlight = {}, {}, {}
    for config, reading in readings.items():
        values, marks = reading[RANK], reading[HIGHLIGHT]
        with_markers = [
            any_of([values[i], rank_markers(parsed.terms[i])]) if parsed.terms[i].positive
            else values[i]
            for i in range(len(parsed.terms))
        ]  # fmt: skip
        per_config[config] = all_of(with_markers)
        any_per_config[config] = any_of([with_markers[i] for i in positive])
        highlight[config] = any_of([marks[i] for i in positive])
    head = None
    if parsed.prefix is not None:
        head = all_of(term_readings[:-1]) or " | ".join(
            f"'{config_marker(config)}'" for config in readings
        )
    return Readings(
        main=main,
        per_config=per_config,
        any_per_config=any_per_config,
        highlight=highlight,
        terms=[term_readings[i] for i in positive if term_readings[i]],
        any_term=any_of(live),
        head=head,
    )


def visitor_config(language: str | None) -> str:
    return TEXT_SEARCH_CONFIGS.get((language or "en")[:2], FALLBACK_TEXT_SEARCH_CONFIG)


def configs_for(languages: list[str] | None) -> list[str] | None:
    """The text search configurations of resources in ``languages`` (None: all of them)."""
    if languages is None:
        return None
    return sorted(
        {TEXT_SEARCH_CONFIGS.get(code, FALLBACK_TEXT_SEARCH_CONFIG) for code in languages}
    )
