"""Forgetting who proposed a resource once it has been decided long enough ago."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from common.models import OutboxMessage
from submissions.models import Submission


def purge_submitter_details(days: int) -> tuple[int, int]:
    """Blank the submitter's name, e-mail, organisation, role and note on submissions decided
    more than ``days`` ago (the resource and the decision history stay), and delete the e-mails
    sent (or given up) more than ``days`` ago, which hold the same details. Returns how many
    submissions were purged and how many e-mails deleted. For ``manage.py
    purge_submitter_details`` and the nightly job (``submissions.tasks``)."""
    if days < 0:
        raise ValueError("days cannot be negative.")
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        purged = (
            Submission.objects.exclude(decision=Submission.Decision.PENDING)
            .filter(decided_at__lt=cutoff, contact_purged_at__isnull=True)
            .update(
                name="",
                email="",
                organization="",
                role="",
                message="",
                contact_purged_at=timezone.now(),
            )
        )
        # Acknowledgements and decisions e-mailed to submitters keep their address and name.
        deleted, _ = OutboxMessage.objects.filter(
            status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.GAVE_UP],
            created_at__lt=cutoff,
        ).delete()
    return purged, deleted
