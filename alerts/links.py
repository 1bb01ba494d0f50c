"""The links an alert's e-mails carry, each a secret of its own:

- confirming a sign-up: the alert's id signed with a timestamp, valid ``ALERT_CONFIRM_DAYS``;
- stopping one alert (RFC 8058 one-click unsubscribe too): the alert's id signed, valid for as
  long as the alert exists (an old e-mail must still stop it);
- managing every alert of an address: the subscriber's random token (``Subscriber.token``).

Every link is absolute (``SITE_URL``) and in the alert's language, so that a mail provider's
one-click POST reaches the page itself, not a redirect to it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

CONFIRM_SALT = "alerts.confirm"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


class LinkExpired(Exception):
    pass


def confirm_token(alert) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(alert.pk))


def alert_id_to_confirm(token: str) -> int:
    """The alert a confirmation token is for; ``LinkExpired`` once it is too old, and
    ``signing.BadSignature`` for anything that is not one of ours."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        value = signer.unsign(token, max_age=settings.ALERT_CONFIRM_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise LinkExpired from None
    return int(value)


def unsubscribe_token(alert) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(alert.pk))


def alert_id_to_unsubscribe(token: str) -> int:
    return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))


def absolute(name: str, language: str, *args, query: str = "") -> str:
    with translation.override(language):
        path = reverse(name, args=args)
    return f"{settings.SITE_URL}{path}" + (f"?{query}" if query else "")


def confirm_url(alert) -> str:
    return absolute("alerts:confirm", alert.language, confirm_token(alert))


def unsubscribe_url(alert) -> str:
    return absolute("alerts:unsubscribe", alert.language, unsubscribe_token(alert))


def manage_url(subscriber, language: str) -> str:
    return absolute("alerts:manage", language, subscriber.token)


def search_url(alert) -> str:
    return absolute("search:list", alert.language, query=alert.query)
