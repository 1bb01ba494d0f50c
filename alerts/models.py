"""An e-mail alert: one search's new resources, sent to one address daily or weekly."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from common.models import Subscriber

MAX_QUERY_LENGTH = 1000


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, frequency: str, now: dt.datetime):
        """Confirmed alerts of ``frequency`` not yet looked at in the period ``now`` is in."""
        return (
            self.confirmed()
            .filter(frequency=frequency)
            .alias(covered=Coalesce("checked_until", "confirmed_at"))
            .filter(covered__lt=period_start(frequency, now))
        )

    def expired(self, now: dt.datetime):
        """Sign-ups never confirmed, whose confirmation link has expired."""
        return self.filter(
            confirmed_at__isnull=True,
            created_at__lt=now - dt.timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS),
        )


class Alert(models.Model):
    """New resources for one search (the search page's query string), for one address.

    Nothing is sent before the address is confirmed (``confirmed_at``). Each e-mail holds what was
    published after the end of the last period looked at (``checked_until``: the last run, sent or
    with nothing new), or after the confirmation for the first."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="alerts")
    # The search page's parameters, normalised (``alerts.queries.normalise``).
    query = models.CharField(max_length=MAX_QUERY_LENGTH, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    # The interface language it was asked for in: its e-mails, and the search's reading.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_until = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "query"], name="alert_one_per_search"),
        ]
        indexes = [
            models.Index(fields=["frequency", "confirmed_at"], name="alert_frequency"),
            models.Index(fields=["created_at"], name="alert_unconfirmed",
                         condition=models.Q(confirmed_at__isnull=True)),
        ]  # fmt: skip

    def __str__(self):
        return f"Alert {self.pk} ({self.frequency})"  # never the address


def period_start(frequency: str, now: dt.datetime) -> dt.datetime:
    """The start (UTC) of the day, or of the week (Monday), that ``now`` is in: an alert is sent
    at most once in it, however often the sending runs."""
    start = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == Alert.Frequency.WEEKLY:
        start -= dt.timedelta(days=start.weekday())
    return start
