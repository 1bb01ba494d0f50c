"""Sending the alerts that are due: ``send_due_alerts("daily")`` once a day, ``("weekly")`` once a
week (``manage.py send_alerts daily|weekly``; the task engine runs it on a schedule).

Each alert's e-mail holds the resources published since the end of the last period it covered
(or since it was confirmed) that the search page finds for its query string, in its language:
the search page's own ``Search``, which reads published rows only. Nothing new, no e-mail. An
alert is looked at once per day or week (``Alert.objects.due``), under a row lock that another
worker skips, so that running the sending twice, or on two machines at once, sends once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext

from common import outbox
from common.subscriptions import one_click_headers
from resources.models import Resource
from search.engine import Search

from . import links
from .models import Alert
from .signup import phrase

MAX_ITEMS = 50  # resources in one e-mail; the rest are behind the search's link


def send_due_alerts(frequency: str, now: dt.datetime | None = None) -> int:
    """Send every confirmed ``frequency`` alert not yet sent in the current period; return how
    many e-mails were queued."""
    if frequency not in Alert.Frequency.values:
        raise ValueError(f"Unknown frequency: {frequency!r}")
    now = now or timezone.now()
    searches: dict[tuple[str, str], Search] = {}  # one per query and language, for this run
    sent = 0
    for pk in list(Alert.objects.due(frequency, now).values_list("pk", flat=True)):
        with transaction.atomic():
            alert = (
                Alert.objects.due(frequency, now)
                .filter(pk=pk)
                .select_related("subscriber")
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
            if alert is not None:  # else sent meanwhile by another worker, or deleted
                sent += send_alert(alert, now, searches)
    return sent


def new_resources(alert: Alert, now: dt.datetime, search: Search) -> tuple[list[Resource], int]:
    """Up to ``MAX_ITEMS`` of the resources the alert has not told of yet, newest first, and how
    many there are in all."""
    since = alert.checked_until or alert.confirmed_at
    rows = (
        search.matching_rows()
        .filter(published_at__gt=since, published_at__lte=now)
        .order_by("-published_at", "-resource_id")
    )
    ids = list(rows.values_list("resource_id", flat=True)[: MAX_ITEMS + 1])
    total = len(ids) if len(ids) <= MAX_ITEMS else rows.count()
    ids = ids[:MAX_ITEMS]
    found = Resource.objects.published().filter(pk__in=ids).with_organizations()
    by_id = {resource.pk: resource for resource in found}
    return [by_id[pk] for pk in ids if pk in by_id], total


def send_alert(alert: Alert, now: dt.datetime, searches: dict) -> int:
    """Queue one alert's e-mail if anything is new; mark the period covered either way."""
    queued = 0
    with translation.override(alert.language):
        key = (alert.query, alert.language)
        if key not in searches:
            searches[key] = Search(QueryDict(alert.query), facets=False)
        resources, total = new_resources(alert, now, searches[key])
        if resources:
            search = phrase(alert.query)
            unsubscribe = links.unsubscribe_url(alert)
            outbox.queue(
                alert.subscriber.email,
                ngettext(
                    "%(count)s new resource: %(search)s",
                    "%(count)s new resources: %(search)s",
                    total,
                )
                % {"count": total, "search": search},
                "alerts/email/alert.txt",
                {
                    "alert": alert,
                    "search": search,
                    "resources": resources,
                    "total": total,
                    "more": total - len(resources),
                    "since": date_format(alert.checked_until or alert.confirmed_at),
                    "search_url": links.search_url(alert),
                    "unsubscribe_url": unsubscribe,
                    "manage_url": links.manage_url(alert.subscriber, alert.language),
                },
                headers=one_click_headers(unsubscribe),
                private=True,
            )
            alert.last_sent_at = now
            queued = 1
    alert.checked_until = now
    alert.save(update_fields=["checked_until", "last_sent_at"])
    return queued
