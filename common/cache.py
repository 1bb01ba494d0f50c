"""When published content last changed, and a per-process cache of search results keyed by it.

Every change to resources, their organisations or topics sets a new *content version* in the
shared cache (the database, or Redis). Search results are cached in each process's memory under
keys that include that version, so a change makes every cached search stale at once, in every
process, without anyone having to find and delete the entries.
"""

import hashlib
import json
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils.translation import get_language

from common.db_routing import cache_seconds, reads_from

VERSION_KEY = "resources:content-version"


def content_version() -> int:
    shared = caches["default"]
    version = shared.get(VERSION_KEY)
    if version is None:
        shared.add(VERSION_KEY, time.time_ns(), None)
        version = shared.get(VERSION_KEY)
    connection._content_version_read = True
    return version


def content_changed() -> None:
    """Mark cached searches stale now, and again when the current transaction commits (so that a
    search run between the two cannot keep what it saw before the commit).

    A transaction that changes many rows sets a new version once, not once per row, unless a
    search read the version in between (and may have cached what it saw)."""
    if not connection.in_atomic_block:
        _new_version()
        return
    transaction_id = id(connection.atomic_blocks[0])
    if getattr(connection, "_content_changed_in", None) != transaction_id:
        connection._content_changed_in = transaction_id
        transaction.on_commit(_new_version)
    elif not getattr(connection, "_content_version_read", True):
        return
    _new_version()


def _new_version() -> None:
    caches["default"].set(VERSION_KEY, time.time_ns(), None)
    connection._content_version_read = False


def search_key(*parts) -> str:
    digest = hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
    return f"search:{digest[:40]}"


def search_cache():
    return caches["search"]


def cache_rendered_page(view):
    """Keep the rendered page of an anonymous GET under its full URL, its language and the
    content version, in the shared cache: a search that any process has answered costs two small
    queries. (The URL holds the language too; the key says so again so that a page can never be
    served in another language than the one it was rendered in.)"""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.SEARCH_PAGE_CACHE_SECONDS
        if not seconds or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        key = search_key(
            "page", content_version(), reads_from(), get_language(), request.get_full_path()
        )
        cached = caches["default"].get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies:
            caches["default"].set(
                key, (response.content, response["Content-Type"]), cache_seconds(seconds)
            )
        return response

    return wrapper
