"""Send the e-mails that could not be sent when they were written (run it every few minutes)."""

from django.core.management.base import BaseCommand

from common.models import OutboxMessage
from common.outbox import send


class Command(BaseCommand):
    help = "Retry queued and failed e-mails in the outbox."

    def handle(self, *args, **options):
        waiting = OutboxMessage.objects.filter(
            status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.FAILED]
        ).order_by("created_at")
        sent = failed = 0
        for message in waiting.iterator():
            if send(message):
                sent += 1
            else:
                failed += 1
        self.stdout.write(f"Outbox: {sent} sent, {failed} still failing.")
