"""Sending the quarterly digest: to whom, and through the outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from common import outbox
from digest.digest import Digest, Quarter
from search.engine import Search


def digest_recipients() -> list[str]:
    """The addresses the quarterly digest goes to: for now those of the setting
    ``HEALTORTURE_DIGEST_RECIPIENTS`` (comma-separated, empty by default). E-mail subscriptions
    will feed this function; the quarterly job (``digest.tasks``) asks nothing else."""
    return list(dict.fromkeys(address.strip() for address in settings.DIGEST_RECIPIENTS))


def queue_digest(quarter: Quarter, recipients: list[str], search: Search | None = None) -> int:
    """Write the quarter's digest (HTML with a plain-text alternative) into the outbox, one
    message per address so that no one sees the other recipients; workers send them. Returns
    how many messages were queued."""
    subject, plain, html = Digest(quarter, search=search).render_email()
    with transaction.atomic():
        for address in recipients:
            outbox.store([address], subject, plain, html)
    return len(recipients)
