"""Forget who proposed a resource once it has been decided long enough ago; keep the resource.

A worker does this every night (``submissions.tasks``); the command does it now."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from submissions.purge import purge_submitter_details


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
            default=settings.PURGE_SUBMITTERS_AFTER_DAYS,
            help="Purge submissions decided more than this many days ago (default "
            "HEALTORTURE_PURGE_AFTER_DAYS, 180).",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        purged, deleted = purge_submitter_details(days)
        cutoff = timezone.now() - timedelta(days=days)
        self.stdout.write(
            f"Purged the contact details of {purged} submission(s) decided before "
            f"{cutoff:%Y-%m-%d}; deleted {deleted} old e-mail(s) from the outbox."
        )
