"""Signing up for the quarterly digest, confirming it and leaving: what changes, and the e-mails
it sends (``common.subscriptions`` for the links, ``common.outbox`` for sending).

Every sign-up gets the same answer on the page, whether the address was known or not; what
differs goes to the address only (a confirmation link, or a note that the digest already comes),
so that nobody learns from the site who subscribes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import outbox
from common.models import Subscriber, delete_subscriptions
from common.subscriptions import SignedLinks, absolute

from .digest import Quarter
from .models import DigestSubscription

LINKS = SignedLinks("digest")
# However often an address is typed into the form, it gets at most one e-mail about signing up
# in this time.
RESEND_AFTER = dt.timedelta(minutes=10)


def confirm_url(subscription: DigestSubscription) -> str:
    return absolute("digest:confirm", subscription.language, LINKS.confirm_token(subscription.pk))


def stop_url(subscription: DigestSubscription) -> str:
    return absolute("digest:unsubscribe", subscription.language, LINKS.stop_token(subscription.pk))


def next_sending(now=None) -> Quarter:
    """The quarter whose digest goes out next (on the first day of the one after it)."""
    return Quarter.containing(now or timezone.now())


def subscribe(email: str, language: str) -> None:
    """Ask for the digest: a new or unconfirmed sign-up gets a confirmation e-mail; a confirmed
    one is left as it is, and its address told how to stop it."""
    try:
        with transaction.atomic():
            _subscribe(email, language)
    except IntegrityError:  # the same address signed up twice at once: the other one won
        pass


def _subscribe(email: str, language: str) -> None:
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        email__iexact=email, defaults={"email": email}
    )
    subscription = DigestSubscription.objects.filter(subscriber=subscriber).first()
    now = timezone.now()
    notified = subscription.notified_at if subscription is not None else None
    if notified is not None and now - notified < RESEND_AFTER:
        return
    if subscription is not None and subscription.confirmed_at is not None:
        subscription.notified_at = now
        subscription.save(update_fields=["notified_at"])
        with translation.override(subscription.language):
            outbox.queue(
                subscriber.email,
                _("You already receive the HealTorture digest"),
                "digest/email/already.txt",
                {"stop_url": stop_url(subscription)},
                private=True,
            )
        return
    if subscription is None:
        subscription = DigestSubscription.objects.create(
            subscriber=subscriber, language=language, notified_at=now
        )
    else:  # asked again before confirming: the latest language, and a fresh link
        subscription.language, subscription.notified_at = language, now
        subscription.save(update_fields=["language", "notified_at"])
    with translation.override(subscription.language):
        outbox.queue(
            subscriber.email,
            _("Confirm your subscription to the HealTorture digest"),
            "digest/email/confirm.txt",
            {
                "confirm_url": confirm_url(subscription),
                "days": settings.SUBSCRIPTION_CONFIRM_DAYS,
            },
            private=True,
        )


def confirm(subscription: DigestSubscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])


def purge_unconfirmed(now=None) -> int:
    """Delete the sign-ups never confirmed whose link has expired, and their addresses when
    nothing else needs them."""
    return delete_subscriptions(DigestSubscription.objects.expired(now or timezone.now()))
