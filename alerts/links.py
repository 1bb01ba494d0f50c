"""The links an alert's e-mails carry (``common.subscriptions``: signed, absolute, in the alert's
language): confirming a sign-up, stopping one alert (RFC 8058 one-click unsubscribe too), and
managing every alert of an address (the subscriber's random token, ``Subscriber.token``).
"""

from __future__ import annotations

from common.subscriptions import SignedLinks, absolute

# The salts "alerts.confirm" and "alerts.unsubscribe", as in every link already sent.
LINKS = SignedLinks("alerts")


def confirm_url(alert) -> str:
    return absolute("alerts:confirm", alert.language, LINKS.confirm_token(alert.pk))


def unsubscribe_url(alert) -> str:
    return absolute("alerts:unsubscribe", alert.language, LINKS.stop_token(alert.pk))


def manage_url(subscriber, language: str) -> str:
    return absolute("alerts:manage", language, subscriber.token)


def search_url(alert) -> str:
    return absolute("search:list", alert.language, query=alert.query)
