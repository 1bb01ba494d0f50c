"""Send the e-mails still waiting in the outbox now (a worker retries them every few minutes)."""

from django.core.management.base import BaseCommand

from common.outbox import send_waiting


class Command(BaseCommand):
    help = (
        "Retry queued and failed e-mails in the outbox now (the periodic job "
        "common.tasks.retry_outbox does the same every five minutes)."
    )

    def handle(self, *args, **options):
        sent, failed = send_waiting()
        self.stdout.write(f"Outbox: {sent} sent, {failed} still failing.")
