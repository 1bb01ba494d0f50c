"""Sending e-mail without ever losing what caused it.

``queue(...)`` stores the message in the outbox and asks for it to be sent when the current
transaction commits. A failure to send is logged and kept for ``manage.py send_outbox`` to retry;
it never reaches the visitor.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def queue(
    to: list[str] | str,
    subject: str,
    template: str,
    context: dict,
    *,
    headers: dict[str, str] | None = None,
    private: bool = False,
) -> OutboxMessage | None:
    """Store an e-mail rendered from ``template`` (plain text) and send it after commit, with
    ``headers``; ``private``: to a subscriber, whose address the admin does not show."""
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return None
    message = OutboxMessage.objects.create(
        to=recipients,
        subject=" ".join(subject.split())[:300],
        body=render_to_string(
            template, {"site_name": "HealTorture", "site_url": settings.SITE_URL, **context}
        ),
        headers=headers or {},
        private=private,
    )
    transaction.on_commit(lambda: send(message))
    return message


def send(message: OutboxMessage) -> bool:
    """Try to send one stored message; record the outcome. Returns whether it was sent."""
    message.attempts += 1
    try:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=message.to,
            headers=message.headers or None,
        ).send()
    except Exception as error:  # any failure of the mail server or network: keep it for later
        logger.exception("Could not send e-mail %s (attempt %s)", message.pk, message.attempts)
        message.status = (
            OutboxMessage.Status.GAVE_UP
            if message.attempts >= MAX_ATTEMPTS
            else OutboxMessage.Status.FAILED
        )
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        message.save(update_fields=["status", "attempts", "last_error"])
        return False
    message.status = OutboxMessage.Status.SENT
    message.sent_at = timezone.now()
    message.save(update_fields=["status", "attempts", "sent_at"])
    return True


def moderator_addresses() -> list[str]:
    """Who hears about new submissions: HEALTORTURE_MODERATOR_EMAILS, else the Moderators
    group's members and active superusers with an address."""
    if settings.MODERATOR_EMAILS:
        return list(settings.MODERATOR_EMAILS)
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return sorted(
        set(
            users.filter(Q(groups__name="Moderators") | Q(is_superuser=True)).values_list(
                "email", flat=True
            )
        )
    )
