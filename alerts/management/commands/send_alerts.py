"""``manage.py send_alerts daily`` (once a day) and ``manage.py send_alerts weekly`` (once a week):
e-mail each confirmed alert of that frequency what was published since its last e-mail, and
delete the sign-ups whose confirmation link expired. Running it again in the same day (or week)
sends nothing twice."""

from django.core.management.base import BaseCommand

from alerts.models import Alert
from alerts.sending import send_due_alerts
from alerts.signup import purge_unconfirmed


class Command(BaseCommand):
    help = "Send the daily or weekly e-mail alerts that are due; forget expired sign-ups."

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=Alert.Frequency.values)

    def handle(self, *args, frequency, **options):
        purged = purge_unconfirmed()
        sent = send_due_alerts(frequency)
        self.stdout.write(
            f"{sent} {frequency} alert e-mail(s) queued; {purged} expired sign-up(s) deleted."
        )
