"""The words of published resources, for "did you mean" suggestions.

The vocabulary (``ts_stat`` over the unstemmed search column of published resources) lives in the
materialized view ``resources_vocabulary``, refreshed after content changes, never per request.
Each process keeps a copy in memory, indexed by first letter, and reloads it when the refresh
stamp in the shared cache changes. A suggestion is then a fuzzy match among the few words that
share the first letter and have about the same length: about a millisecond.
"""

from __future__ import annotations

import difflib
import re
import threading
import time

from django.core.cache import cache
from django.db import connection, transaction

VERSION_KEY = "resources:vocabulary-version"
WORD_RE = re.compile(r"[^\W\d_]{3,}")
_lock = threading.Lock()
_memory: dict = {"version": object(), "index": {}, "words": {}}


def refresh() -> None:
    """Recompute the vocabulary from the published resources now."""
    with connection.cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW resources_vocabulary")
    cache.set(VERSION_KEY, time.time(), None)


def refresh_after_commit() -> None:
    """Refresh once when the current transaction commits, however many resources it changed."""
    if not connection.in_atomic_block:
        refresh()
        return
    transaction_id = id(connection.atomic_blocks[0])
    if getattr(connection, "_vocabulary_refresh_for", None) == transaction_id:
        return
    connection._vocabulary_refresh_for = transaction_id
    transaction.on_commit(refresh)


def _load() -> dict[str, int]:
    version = cache.get(VERSION_KEY)
    with _lock:
        if version is not None and version == _memory["version"]:
            return _memory["words"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT word, ndoc FROM resources_vocabulary")
            words = dict(cursor.fetchall())
        index: dict[str, list[str]] = {}
        for word in words:
            index.setdefault(word[0], []).append(word)
        _memory.update(version=version, words=words, index=index)
        return words


def closest(word: str) -> str | None:
    """The indexed word most like ``word`` (same first letter, length within two), or None."""
    words = _load()
    candidates = [w for w in _memory["index"].get(word[0], []) if abs(len(w) - len(word)) <= 2]
    matches = difflib.get_close_matches(word, candidates, n=5, cutoff=0.75)
    if not matches:
        return None
    best_ratio = difflib.SequenceMatcher(None, word, matches[0]).ratio()
    ties = [m for m in matches if difflib.SequenceMatcher(None, word, m).ratio() == best_ratio]
    return max(ties, key=lambda m: words[m])  # the most common of the closest


def suggest(text: str) -> str | None:
    """``text`` with each word that no published resource uses replaced by the closest one that
    does; None when nothing would change."""
    words = _load()
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        word = match.group(0).lower()
        if word in words:
            return match.group(0)
        better = closest(word)
        if better is None:
            return match.group(0)
        changed = True
        return better

    suggestion = WORD_RE.sub(replace, text)
    return suggestion if changed else None
