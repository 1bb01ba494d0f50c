"""A subscription to the quarterly digest: one per address, in the language it was asked in."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.models import Subscriber


class DigestSubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, quarter: str):
        """Confirmed subscriptions that have not had ``quarter``'s digest (``2026-q2``)."""
        return self.confirmed().exclude(last_quarter=quarter)

    def expired(self, now: dt.datetime):
        """Sign-ups never confirmed, whose last confirmation link has expired."""
        return self.filter(confirmed_at__isnull=True).filter(
            Q(notified_at__isnull=True, created_at__lt=now - self.confirm_time())
            | Q(notified_at__lt=now - self.confirm_time())
        )

    @staticmethod
    def confirm_time() -> dt.timedelta:
        return dt.timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)


class DigestSubscription(models.Model):
    """The quarterly digest, e-mailed to one address once it is confirmed (``confirmed_at``).

    ``last_quarter`` names the last digest queued for it (``2026-q2``), written in the same
    transaction as the message: a sending cut short and run again goes on where it stopped and
    sends nobody the same quarter twice."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="digest_subscriptions"
    )
    # The interface language it was asked in: the digest and every e-mail about it.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last e-mail about signing up (a confirmation link, or "you already receive it"): asking
    # again sooner than ``signup.RESEND_AFTER`` sends nothing, so that nobody can fill an inbox.
    notified_at = models.DateTimeField(null=True, blank=True)
    last_quarter = models.CharField(max_length=7, blank=True)

    objects = DigestSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber"], name="digest_one_per_address"),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="digest_unconfirmed",
                         condition=Q(confirmed_at__isnull=True)),
        ]  # fmt: skip

    def __str__(self):
        return f"Digest subscription {self.pk}"  # never the address
