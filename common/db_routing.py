"""Reads on replicas, writes on the primary (``DATABASE_REPLICA_URLS``).

Public pages read from a replica (one picked at random per request). Everything else reads from
the primary: what writes (any method but GET and HEAD), the admin, anyone logged in, and a
visitor who wrote something in the last ``REPLICA_STICKY_SECONDS`` (a replica may not have their
own proposal or question yet): the answer to a write sets a short-lived cookie that says so.
Writes always go to the primary, and so does everything outside a request (commands, tasks).
"""

from __future__ import annotations

import contextvars
import random

from django.conf import settings

# Within a request: the database its reads go to (None outside requests: the primary).
_reads_from: contextvars.ContextVar[str | None] = contextvars.ContextVar("reads_from", default=None)
STICKY_COOKIE = "primary"


def replicas() -> list[str]:
    return settings.DATABASE_REPLICAS


def reads_from() -> str:
    """The database this request reads from ("default": the primary)."""
    return _reads_from.get() or "default"


def cache_seconds(seconds: int) -> int:
    """How long to keep something computed from this request's reads: ``seconds``, or, read on
    a replica that may lag behind, no longer than that lag may last."""
    return seconds if reads_from() == "default" else min(seconds, settings.REPLICA_STICKY_SECONDS)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label == "django_cache":
            # The shared cache (when it is the database): rate-limit counts and the versions of
            # cached content must be read where they are written.
            return "default"
        return _reads_from.get() or "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data everywhere

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # replicas follow the primary by replication, not migrations


class ReplicaMiddleware:
    """Chooses, per request, where its reads go (before anything reads)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL.strip('/')}/"

    def __call__(self, request):
        names = replicas()
        token = _reads_from.set(
            random.choice(names) if names and self.may_read_from_replica(request) else "default"  # noqa: S311 - spreading load, not a secret
        )
        try:
            response = self.get_response(request)
        finally:
            _reads_from.reset(token)
        if names and request.method not in {"GET", "HEAD", "OPTIONS"}:
            # This visitor's next reads see their own write.
            response.set_cookie(
                STICKY_COOKIE, "1", max_age=settings.REPLICA_STICKY_SECONDS, httponly=True,
                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response

    def may_read_from_replica(self, request) -> bool:
        return (
            request.method in {"GET", "HEAD"}
            and not request.path.startswith(self.admin_prefix)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and STICKY_COOKIE not in request.COOKIES
        )
