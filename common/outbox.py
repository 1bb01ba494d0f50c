"""Sending e-mail without ever losing what caused it, and without keeping a request waiting.

``queue(...)`` stores the message in the outbox and defers a background job
(``common.tasks.send_message``) in the same transaction: both are saved with the request's
data or neither is, and a worker sends the message once they are. A request never talks to the
mail server. A failure to send is recorded on the message and retried every few minutes by a
periodic job (``common.tasks.retry_outbox``, or ``manage.py send_outbox``, the same function).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
WAITING = [OutboxMessage.Status.QUEUED, OutboxMessage.Status.FAILED]


def queue(
    to: list[str] | str,
    subject: str,
    template: str,
    context: dict,
    *,
    headers: dict[str, str] | None = None,
    private: bool = False,
) -> OutboxMessage | None:
    """Store an e-mail rendered from ``template`` (plain text), with ``headers``; a background
    job sends it once the current transaction commits. ``private``: to a subscriber, whose
    address the admin does not show."""
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return None
    body = render_to_string(
        template, {"site_name": "HealTorture", "site_url": settings.SITE_URL, **context}
    )
    return store(recipients, subject, body, headers=headers, private=private)


def store(
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    *,
    headers: dict[str, str] | None = None,
    private: bool = False,
) -> OutboxMessage:
    """Store an e-mail already written (``html``: an HTML alternative to the plain ``body``) and
    defer the job that sends it, in the current transaction."""
    from .tasks import send_message

    with transaction.atomic():
        message = OutboxMessage.objects.create(
            to=to, subject=" ".join(subject.split())[:300], body=body, html=html,
            headers=headers or {}, private=private,
        )  # fmt: skip
        send_message.defer(message_id=message.pk)
    return message


def send(message_id: int) -> bool | None:
    """Send one stored message and record the outcome: True when sent, False when the mail
    server refused it (kept for a retry), None when there was nothing to do (sent already, given
    up, or being sent right now by another worker: the row is locked while it is sent, so no
    message goes out twice)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status__in=WAITING)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            email = EmailMultiAlternatives(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=message.to,
                headers=message.headers or None,
            )
            if message.html:
                email.attach_alternative(message.html, "text/html")
            email.send()
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


def send_waiting() -> tuple[int, int]:
    """Try every message still waiting (queued, or refused before), oldest first. Returns how
    many were sent and how many are still failing. For the periodic retry and ``manage.py
    send_outbox``."""
    waiting = OutboxMessage.objects.filter(status__in=WAITING).order_by("created_at")
    sent = failed = 0
    for message_id in list(waiting.values_list("pk", flat=True)):
        outcome = send(message_id)
        sent += outcome is True
        failed += outcome is False
    return sent, failed


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
