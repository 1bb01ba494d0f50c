"""Forget who proposed a resource once it has been decided long enough ago; keep the resource."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from common.models import OutboxMessage
from submissions.models import Submission


class Command(BaseCommand):
    help = (
        "Blank the submitter's name, e-mail, organisation, role and note on submissions decided "
        "more than N days ago (the resource and the decision history stay), and delete e-mails "
        "sent more than N days ago from the outbox, which hold the same details."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=180,
            help="Purge submissions decided more than this many days ago (default 180).",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
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
        self.stdout.write(
            f"Purged the contact details of {purged} submission(s) decided before "
            f"{cutoff:%Y-%m-%d}; deleted {deleted} old e-mail(s) from the outbox."
        )
