"""Live sessions: which resources are sessions, when they start and end, and what "upcoming"
means, for the search filter, the events page, calendars, the digest and the home page."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Cast, Coalesce

from common.timezones import utc_day

# Kinds that happen at a time and can be registered for: webinar, e-consultation, event.
LIVE_KINDS = ("webinar", "e-consultation", "event")


def is_session() -> models.Q:
    """Live sessions: resources that happen at a time, or live kinds (webinar, e-consultation,
    event) that give only their day. The events page, calendars and the digest list these."""
    return models.Q(session_start__isnull=False)


def utc_midnight(day: str, days_after: int = 0) -> Func:
    """The moment (UTC) a date column's day begins, or ``days_after`` days later."""
    shift = f" + {days_after}" if days_after else ""
    return Func(
        F(day),
        template=f"timezone('UTC', ((%(expressions)s){shift})::timestamp)",
        output_field=models.DateTimeField(),
    )


def not_over(now) -> models.Q:
    """Sessions that have not ended yet (those without an end time: not started yet; those that
    give only their day: until that day ends, in UTC). The one meaning of "upcoming", for the
    search filter, the events page, calendars and the home page.

    On the columns a search row shares with a resource. A resource also keeps it in
    ``session_end`` (indexed): :func:`sessions_not_over` is the same condition on that column."""
    return (
        models.Q(ends_at__gte=now)
        | models.Q(ends_at=None, starts_at__gte=now)
        | models.Q(starts_at=None, kind__in=LIVE_KINDS, sort_date__gte=utc_day(now))
    )


def sessions_not_over(now) -> models.Q:
    """:func:`not_over`, for resources: read along the published sessions' indexes. A session
    that ends has a start; saying so lets PostgreSQL see that the partial indexes of
    ``PUBLISHED_SESSION`` hold every row (without it the home page's next sessions scanned the
    whole table: 100 ms at 100,000 resources)."""
    return models.Q(session_start__isnull=False, session_end__gte=now)


# The published sessions' indexes: every condition of ``published().filter(is_session())``, so
# that PostgreSQL reads a count of them (past sessions) from the index alone.
PUBLISHED_SESSION = Q(status="published", published_at__isnull=False, session_start__isnull=False)

# Sessions in time order (a day's sessions that give no time at the start of the day, UTC), and
# the most recent first.
SESSION_ORDER = ["session_start", "pk"]
# Upcoming sessions in the same order, found along the index of ``session_end`` (the sessions not
# over: few) and then sorted. Ordered by the bare column, PostgreSQL walks the index of
# ``session_start`` from the oldest session, skipping every past one, when it expects a short
# list (the home page's 4: 100 ms at 100,000 resources, 33,000 past sessions skipped).
UPCOMING_ORDER = [
    models.ExpressionWrapper(
        F("session_start") + Value(dt.timedelta(0)), output_field=models.DateTimeField()
    ).asc(),
    "pk",
]
PAST_SESSION_ORDER = ["-session_start", "-pk"]


# How long a session that gives its start but no end is taken to last (calendars, links to add it).
DEFAULT_SESSION_LENGTH = dt.timedelta(hours=1)


def sorted_under():
    """The date a resource is filed and sorted under (``Resource.sort_date``)."""
    return Coalesce(
        "date",
        Cast(Func(Value("UTC"), F("starts_at"), function="timezone"), models.DateField()),
    )


def session_starts():
    """When a live session starts (``Resource.session_start``)."""
    return Case(
        When(starts_at__isnull=False, then=F("starts_at")),
        When(Q(kind__in=LIVE_KINDS, date__isnull=False), then=utc_midnight("date")),
    )


def session_ends():
    """When a live session is over (``Resource.session_end``)."""
    return Case(
        When(starts_at__isnull=False, then=Coalesce("ends_at", "starts_at")),
        When(Q(kind__in=LIVE_KINDS, date__isnull=False), then=utc_midnight("date", 1)),
    )
