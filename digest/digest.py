"""The quarterly digest: what was published in a quarter, and the live sessions coming up.

One :class:`Digest` feeds both the page (``/digest/2026-q4/``) and the e-mail
(``manage.py digest 2026-q4``), in a constant number of queries whatever the amount of content:

- *new resources*: published resources whose ``published_at`` falls in the quarter, grouped by
  type in the order of ``Resource.Kind``, each group with its full count and at most
  ``PER_KIND`` of its newest items;
- *sessions*: published resources whose session starts in the quarter or the next one, in date
  order, at most ``MAX_SESSIONS`` (a session that gives only its day, by that day).

Quarters are in UTC (the site's time zone). A quarter further ahead than the next one has no
digest yet.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from common.i18n import day_and_time, weekday_and_date
from common.timezones import utc_day, zone_named
from resources.models import SESSION_ORDER, Resource, is_session
from search.engine import Search
from search.filters import ResourceFilterSet

# Enough to read in one sitting, and within the page's weight budget with 100,000 resources
# behind it: each type links to the rest, and the sessions to the events page.
PER_KIND = 10
MAX_SESSIONS = 30
FIRST_YEAR = 2000
PERIOD_RE = re.compile(r"^(\d{4})-q([1-4])$", re.IGNORECASE)


class InvalidPeriod(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def parse(cls, text: str, *, now: dt.datetime | None = None) -> Quarter:
        """``2026-q4`` → ``Quarter(2026, 4)``. Refuses malformed text, years before
        ``FIRST_YEAR`` and quarters after the next one."""
        match = PERIOD_RE.match(text.strip())
        if not match:
            raise InvalidPeriod(f"“{text}” is not a quarter such as 2026-q4.")
        quarter = cls(int(match.group(1)), int(match.group(2)))
        if quarter.year < FIRST_YEAR:
            raise InvalidPeriod(f"There is no digest before {FIRST_YEAR}.")
        latest = cls.containing(now or timezone.now()).next
        if quarter > latest:
            raise InvalidPeriod(f"There is no digest after {latest} yet.")
        return quarter

    @classmethod
    def containing(cls, moment: dt.datetime) -> Quarter:
        moment = moment.astimezone(dt.UTC)
        return cls(moment.year, (moment.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-q{self.number}"

    @property
    def label(self) -> str:
        """The quarter's months and year ("April to June 2026"), in the active language."""
        first, last = MONTHS[(self.number - 1) * 3 + 1], MONTHS[self.number * 3]
        return _("%(first)s–%(last)s %(year)s") % {"first": first, "last": last, "year": self.year}

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, (self.number - 1) * 3 + 1, 1, tzinfo=dt.UTC)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the quarter."""
        return self.next.start

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def get_absolute_url(self) -> str:
        return reverse("digest", kwargs={"period": str(self)})


@dataclass
class KindGroup:
    kind: str
    label: str
    count: int
    resources: list[Resource] = field(default_factory=list)
    query: str = ""  # the digest's search, kept by the link to the rest

    @property
    def more(self) -> int:
        return self.count - len(self.resources)

    @property
    def search_url(self) -> str:
        query = f"{self.query}&" if self.query else ""
        return f"{reverse('search:list')}?{query}kind={self.kind}&sort=newest"


class Digest:
    """A quarter's digest, of everything or of one search (the search page's parameters: the
    same words and filters give the same resources as the page, its feeds and exports)."""

    def __init__(
        self, quarter: Quarter, *, now: dt.datetime | None = None, search: Search | None = None
    ):
        self.quarter = quarter
        self.now = now or timezone.now()
        self.search = search

    def _scope(self):
        """The published resources the digest is of."""
        if self.search is None:
            return Resource.objects.published()
        return Resource.objects.published().filter(pk__in=self.search.matching().values("pk"))

    def _published(self):
        return self._scope().with_organizations()

    @property
    def query_string(self) -> str:
        """The search's parameters, for links that keep them (empty for the whole digest)."""
        if self.search is None:
            return ""
        return self.search.params.urlencode()

    @cached_property
    def groups(self) -> list[KindGroup]:
        """New resources of the quarter by type, in the order types are listed everywhere."""
        in_quarter = self._scope().filter(
            published_at__gte=self.quarter.start, published_at__lt=self.quarter.end
        )
        counts = dict(
            in_quarter.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n")
        )
        # The newest of each type, chosen from narrow rows (id, type, date) and then read whole:
        # thousands of resources a quarter at 100,000, sorted wide, took 45 ms.
        newest = (
            in_quarter.annotate(
                place=Window(
                    RowNumber(),
                    partition_by=F("kind"),
                    order_by=[F("published_at").desc(), F("pk").desc()],
                )
            )
            .filter(place__lte=PER_KIND)
            .values("pk")
        )
        ranked = (
            self._published()
            .filter(pk__in=newest)
            .defer("description")
            .order_by("kind", "-published_at", "-pk")
        )
        labels = dict(Resource.Kind.choices)
        groups = {kind: KindGroup(kind, str(labels[kind]), counts[kind], query=self.query_string)
                  for kind in labels if counts.get(kind)}  # fmt: skip
        for resource in ranked:
            groups[resource.kind].resources.append(resource)
        return list(groups.values())

    @cached_property
    def latest_with_news(self) -> Quarter | None:
        """When nothing was published in this quarter, the latest earlier quarter in which
        something was (``None`` if there is none): an empty page leads somewhere. One aggregate,
        read along the published resources' date index."""
        if self.groups:
            return None
        latest = (
            self._scope()
            .filter(published_at__lt=self.quarter.start)
            .aggregate(latest=Max("published_at"))["latest"]
        )
        if latest is None or latest.year < FIRST_YEAR:
            return None
        return Quarter.containing(latest)

    @cached_property
    def new_count(self) -> int:
        return sum(group.count for group in self.groups)

    @cached_property
    def sessions(self) -> list[Resource]:
        """Live sessions starting in this quarter or the next, in date order, with their start
        written out in their own time zone (``when``) and in UTC (``when_utc``), or their day."""
        first, end = self.quarter.start, self.quarter.next.end
        sessions = list(
            self._published()
            .filter(is_session(), session_start__gte=first, session_start__lt=end)
            .defer("description")
            .order_by(*SESSION_ORDER)[: MAX_SESSIONS + 1]
        )
        self.more_sessions = len(sessions) > MAX_SESSIONS
        sessions = sessions[:MAX_SESSIONS]
        for session in sessions:
            if session.starts_at is None:
                session.when, session.when_utc = weekday_and_date(session.date), None
                session.is_past = session.date < utc_day(self.now)
                continue
            zone = zone_named(session.timezone)
            local, utc = session.starts_at.astimezone(zone), session.starts_at.astimezone(dt.UTC)
            session.when = f"{day_and_time(local, weekday=True)} {local.tzname()}"
            session.when_utc = None if zone.key == "UTC" else f"{day_and_time(utc, short=True)} UTC"
            session.is_past = (session.ends_at or session.starts_at) < self.now
        return sessions

    @property
    def title(self) -> str:
        if self.search is not None and self.search.text:
            return _("HealTorture digest, %(quarter)s: “%(text)s”") % {
                "quarter": self.quarter.label, "text": self.search.text
            }  # fmt: skip
        return _("HealTorture digest, %(quarter)s") % {"quarter": self.quarter.label}

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.sessions

    def context(self, *, base_url: str = "") -> dict:
        """What the page and the e-mail templates need. ``base_url`` prefixes every link
        (empty on the page; the site's address in an e-mail)."""
        quarter = self.quarter
        latest = Quarter.containing(self.now).next
        query = f"?{self.query_string}" if self.query_string else ""
        return {
            "digest": self,
            "search": self.search,
            "quarter": quarter,
            "next_quarter": quarter.next,
            "groups": self.groups,
            "sessions": self.sessions,
            "base_url": base_url,
            "previous_url": quarter.previous.get_absolute_url() + query
            if quarter.previous.year >= FIRST_YEAR
            else None,
            "next_url": quarter.next.get_absolute_url() + query if quarter.next <= latest else None,
            "latest_news_url": self.latest_with_news.get_absolute_url() + query
            if self.latest_with_news
            else None,
        }


@require_safe
def digest_page(request, period: str):
    """``/digest/2026-q4/``: 404 for a malformed quarter or one after the next."""
    try:
        quarter = Quarter.parse(period)
    except InvalidPeriod as error:
        raise Http404(str(error)) from None
    if period != str(quarter):  # one address per quarter: 2026-Q4 → 2026-q4
        return redirect(quarter.get_absolute_url(), permanent=True)
    search = digest_search(request.GET)
    status = 400 if search is not None and search.filterset.ignored else 200
    return render(
        request, "digest/page.html", Digest(quarter, search=search).context(), status=status
    )


def digest_search(params) -> Search | None:
    """The search a digest is of, when the address carries the search page's parameters."""
    names = set(ResourceFilterSet.base_filters) - {"sort", "exact"}
    if not any(params.get(name) for name in names):
        return None
    params = params.copy()
    params.pop("sort", None)
    params.pop("page", None)
    return Search(params, facets=False)


@require_safe
def latest_digest(request):
    """``/digest/``: the current quarter's digest."""
    return redirect(Quarter.containing(timezone.now()).get_absolute_url())
