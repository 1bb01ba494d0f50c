"""What every kind of e-mail subscription shares (search alerts, the quarterly digest): the
links its e-mails carry, each a secret of its own, and the address form they are written in.

- Confirming a sign-up (double opt-in): the subscription's id signed with a timestamp, valid
  ``SUBSCRIPTION_CONFIRM_DAYS``; a sign-up not confirmed by then is deleted.
- Stopping it (the link in each e-mail, and RFC 8058 one-click unsubscribe): the id signed, valid
  for as long as the subscription exists (an old e-mail must still stop it).

Every link is absolute (``SITE_URL``) and in the subscription's language, so that a mail
provider's one-click POST reaches the page itself, not a redirect to it. Each kind signs with
salts of its own, so that one kind's link never opens another kind's subscription.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import register_converter, reverse
from django.utils import translation


class LinkExpired(Exception):
    pass


class BadLink(Exception):
    """Not a link of ours: altered, cut short, or of another kind."""


class SignedConverter:
    """A signed value (``12:1xY6:…``) in an address: the characters ``django.core.signing``
    writes."""

    regex = "[-a-zA-Z0-9_:]{1,200}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


# Registered once, here: each app's URLconf that uses ``<signed:…>`` imports this module.
register_converter(SignedConverter, "signed")


@dataclass(frozen=True)
class SignedLinks:
    """The confirmation and stop tokens of one kind of subscription (``kind`` names the salts:
    changing it would break every link already sent)."""

    kind: str

    def confirm_token(self, pk: int) -> str:
        return signing.TimestampSigner(salt=f"{self.kind}.confirm").sign(str(pk))

    def to_confirm(self, token: str) -> int:
        """The id a confirmation token is for; ``LinkExpired`` once it is too old, ``BadLink``
        for anything that is not one of ours."""
        signer = signing.TimestampSigner(salt=f"{self.kind}.confirm")
        try:
            value = signer.unsign(token, max_age=settings.SUBSCRIPTION_CONFIRM_DAYS * 24 * 3600)
        except signing.SignatureExpired:
            raise LinkExpired from None
        except signing.BadSignature:
            raise BadLink from None
        return _number(value)

    def stop_token(self, pk: int) -> str:
        return signing.Signer(salt=f"{self.kind}.unsubscribe").sign(str(pk))

    def to_stop(self, token: str) -> int:
        try:
            return _number(signing.Signer(salt=f"{self.kind}.unsubscribe").unsign(token))
        except signing.BadSignature:
            raise BadLink from None


def _number(value: str) -> int:
    if not value.isdigit():
        raise BadLink
    return int(value)


def absolute(name: str, language: str, *args, query: str = "") -> str:
    """The whole address of the page ``name`` in ``language``, for an e-mail."""
    with translation.override(language):
        path = reverse(name, args=args)
    return f"{settings.SITE_URL}{path}" + (f"?{query}" if query else "")


def one_click_headers(stop_url: str) -> dict[str, str]:
    """RFC 8058: mail apps offer "Unsubscribe", which POSTs to ``stop_url``."""
    return {
        "List-Unsubscribe": f"<{stop_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
