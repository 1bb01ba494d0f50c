"""When published content last changed, and a per-process cache of search results keyed by it.

Every change to resources, their organisations or topics sets a new *content version* in the
shared cache (the database, or Redis). Search results are cached in each process's memory under
keys that include that version, so a change makes every cached search stale at once, in every
process, without anyone having to find and delete the entries.
"""

import hashlib
import json
import time

from django.core.cache import caches
from django.db import connection, transaction

VERSION_KEY = "resources:content-version"


def content_version() -> int:
    shared = caches["default"]
    version = shared.get(VERSION_KEY)
    if version is None:
        shared.add(VERSION_KEY, time.time_ns(), None)
        version = shared.get(VERSION_KEY)
    return version


def content_changed() -> None:
    """Mark cached searches stale now, and again when the current transaction commits (so that a
    search run between the two cannot keep what it saw before the commit)."""
    caches["default"].set(VERSION_KEY, time.time_ns(), None)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: caches["default"].set(VERSION_KEY, time.time_ns(), None))


def search_key(*parts) -> str:
    digest = hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
    return f"search:{digest[:40]}"


def search_cache():
    return caches["search"]
