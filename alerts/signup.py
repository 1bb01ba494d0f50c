"""Signing up for an alert, confirming it, and leaving: what changes, and the e-mails it sends.

Every sign-up gets the same answer on the page, whether the address was known or not; what
differs goes to the address only (a confirmation link, or a note that the alert already runs),
so that nobody learns from the site who subscribes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import outbox
from common.models import Subscriber, delete_subscriptions
from search.phrases import describe

from . import links
from .models import Alert
from .queries import stored_search

# Sign-ups waiting for confirmation at one address: beyond it, asking again sends nothing (a
# stranger cannot fill someone's inbox with confirmation requests from many addresses).
MAX_UNCONFIRMED = 5


def phrase(query: str) -> str:
    """The search an alert is of, in words, in the active language."""
    return describe(stored_search(query)) or _("All new resources")


def subscribe(email: str, query: str, frequency: str, language: str) -> None:
    """Ask for an alert: a new or unconfirmed one gets a confirmation e-mail; one that already
    runs is left as it is, and its address told how to manage it."""
    try:
        with transaction.atomic():
            _subscribe(email, query, frequency, language)
    except IntegrityError:  # the same address signed up twice at once: the other one won
        pass


def _subscribe(email: str, query: str, frequency: str, language: str) -> None:
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        email__iexact=email, defaults={"email": email}
    )
    alert = Alert.objects.filter(subscriber=subscriber, query=query).first()
    if alert is not None and alert.confirmed_at is not None:
        with translation.override(alert.language):
            search = phrase(query)
            outbox.queue(
                subscriber.email,
                _("Your alert is already on: %(search)s") % {"search": search},
                "alerts/email/already.txt",
                {"search": search, "manage_url": links.manage_url(subscriber, alert.language)},
                private=True,
            )
        return
    if alert is None:
        if subscriber.alerts.filter(confirmed_at__isnull=True).count() >= MAX_UNCONFIRMED:
            return
        alert = Alert.objects.create(
            subscriber=subscriber, query=query, frequency=frequency, language=language
        )
    else:  # asked again before confirming: the latest choices, and a fresh link
        alert.frequency, alert.language = frequency, language
        alert.save(update_fields=["frequency", "language"])
    send_confirmation(alert)


def send_confirmation(alert: Alert) -> None:
    with translation.override(alert.language):
        search = phrase(alert.query)
        outbox.queue(
            alert.subscriber.email,
            _("Confirm your e-mail alert: %(search)s") % {"search": search},
            "alerts/email/confirm.txt",
            {
                "alert": alert,
                "search": search,
                "confirm_url": links.confirm_url(alert),
                "days": settings.SUBSCRIPTION_CONFIRM_DAYS,
                "search_url": links.search_url(alert),
            },
            private=True,
        )


def confirm(alert: Alert) -> None:
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])


def purge_unconfirmed(now=None) -> int:
    """Delete the sign-ups never confirmed whose link has expired, and their addresses when
    nothing else needs them. Returns how many sign-ups were deleted."""
    return delete_subscriptions(Alert.objects.expired(now or timezone.now()))
