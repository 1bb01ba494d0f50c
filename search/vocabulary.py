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

from common.request_memo import remembered

VERSION_KEY = "resources:vocabulary-version"
WORD_RE = re.compile(r"[^\W\d_]{3,}")
_lock = threading.Lock()
_memory: dict = {"version": object(), "index": {}, "words": {}}


def refresh() -> None:
    """Recompute the vocabulary from the published resources now, note the languages they are
    in (a search reads the words in those languages' configurations only), and fold the changes
    to the counts kept beside the search rows."""
    with connection.cursor() as cursor:
        # The changes to the kept counts that the change appended, folded in (see search/).
        cursor.execute("SELECT search_fold_counts()")
        # CONCURRENTLY: searches keep reading the old vocabulary while the new one is computed
        # (the view's unique index on word allows it), once it has been filled at all (a restored
        # database may hold it empty).
        cursor.execute("SELECT relispopulated FROM pg_class WHERE relname = 'resources_vocabulary'")
        (populated,) = cursor.fetchone()
        concurrently = "CONCURRENTLY " if populated else ""
        cursor.execute(f"REFRESH MATERIALIZED VIEW {concurrently}resources_vocabulary")
        cursor.execute(
            "SELECT coalesce(array_agg(DISTINCT language ORDER BY language), '{}') "
            "FROM resources_resource WHERE status = 'published'"
        )
        (languages,) = cursor.fetchone()
    cache.set(VERSION_KEY, {"stamp": time.time(), "languages": list(languages)}, None)


def _version():
    """The vocabulary's version (read once per request)."""
    return remembered("vocabulary-version", lambda: cache.get(VERSION_KEY))


def published_languages() -> list[str] | None:
    """The languages published resources are in, as of the last refresh (None: not known, e.g.
    before the first refresh)."""
    version = _version()
    return version.get("languages") if isinstance(version, dict) else None


def refresh_after_commit() -> None:
    """Refresh once when the current transaction commits, however many resources it changed."""
    if not connection.in_atomic_block:
        refresh()
        return
    transaction_id = id(connection.atomic_blocks[0])
    if getattr(connection, "_vocabulary_refresh_for", None) == transaction_id:
        return
    connection._vocabulary_refresh_for = transaction_id

    def refresh_now():
        connection._vocabulary_refresh_for = None  # the next transaction registers its own
        refresh()

    transaction.on_commit(refresh_now)


def _load() -> dict[str, int]:
    version = _version()
    with _lock:
        if version == _memory["version"]:
            return _memory["words"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT word, ndoc FROM resources_vocabulary")
            words = dict(cursor.fetchall())
        index: dict[str, list[str]] = {}
        for word in words:
            index.setdefault(word[0], []).append(word)
        _memory.update(version=version, words=words, index=index)
        return words


def closest(word: str, extra: frozenset = frozenset()) -> tuple[str, float] | None:
    """The indexed word (or word of ``extra``) most like ``word`` (same first letter, length
    within two) and how alike they are (0 to 1), or None."""
    words = _load()
    candidates = {w for w in _memory["index"].get(word[0], []) if abs(len(w) - len(word)) <= 2}
    candidates |= {w for w in extra if w[:1] == word[0] and abs(len(w) - len(word)) <= 2}
    matches = difflib.get_close_matches(word, sorted(candidates), n=5, cutoff=0.75)
    if not matches:
        return None
    best_ratio = difflib.SequenceMatcher(None, word, matches[0]).ratio()
    ties = [m for m in matches if difflib.SequenceMatcher(None, word, m).ratio() == best_ratio]
    # The most common of the closest (words of ``extra`` alone count as one resource).
    return max(ties, key=lambda m: (words.get(m, 1), m)), best_ratio


# A correction is applied without asking when every word it changes is this long and this alike.
CONFIDENT_LENGTH = 5
CONFIDENT_RATIO = 0.8


def suggest(text: str, *, known=frozenset(), confident: bool = False) -> str | None:
    """``text`` with each word that no published resource uses and that is not in ``known`` (the
    words of the thesaurus) replaced by the closest one that is; None when nothing would change.
    With ``confident``, None unless every change is a near-certain typo fix."""
    from thesaurus.text import fold

    words = _load()
    changed = False
    doubtful = False

    def replace(match: re.Match) -> str:
        nonlocal changed, doubtful
        word = match.group(0).lower()
        if word in words or word in known or fold(word) in known:
            return match.group(0)
        found = closest(word, known)
        if found is None:
            doubtful = True
            return match.group(0)
        better, ratio = found
        if len(word) < CONFIDENT_LENGTH or ratio < CONFIDENT_RATIO:
            doubtful = True
        changed = True
        return better

    suggestion = WORD_RE.sub(replace, text)
    if not changed or (confident and doubtful):
        return None
    return suggestion


def published_words_changed(sender, immediately: bool = False, **kwargs) -> None:
    """The words of published resources may have changed (``resources.signals``): recompute the
    vocabulary when the transaction commits, or now."""
    if immediately:
        refresh()
    else:
        refresh_after_commit()
