"""``manage.py digest 2026-q4``: the quarterly digest as an HTML e-mail.

Without ``--send-to`` the HTML is written to stdout, or to ``--output PATH`` (``--text`` writes
the plain-text version instead). With ``--send-to a@example.org,b@example.org`` it is queued in
the outbox, HTML with a plain-text alternative, one message per address (no one sees the other
recipients), and a worker sends it. Each quarter's digest goes to its subscribers by itself
(``digest.tasks``).
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.http import QueryDict
from django.utils.translation import get_language

from digest.digest import InvalidPeriod, Quarter, digest_search
from digest.mailing import DigestEmail, queue_digest


class Command(BaseCommand):
    help = "Render the quarterly digest (new resources, coming sessions) as an HTML e-mail."

    def add_arguments(self, parser):
        parser.add_argument("period", help="The quarter, e.g. 2026-q4.")
        parser.add_argument(
            "--send-to",
            default="",
            help="Comma-separated addresses to send the digest to (else it is printed).",
        )
        parser.add_argument("--output", help="Write the e-mail to this file instead of stdout.")
        parser.add_argument(
            "--text", action="store_true", help="Print the plain-text version, not the HTML."
        )
        parser.add_argument(
            "--search",
            default="",
            help="Only what a search finds: the search page's query string, e.g. "
            "'q=children&topic=istanbul-protocol'.",
        )

    def handle(self, *args, period, send_to, output, text, search, **options):
        try:
            quarter = Quarter.parse(period)
        except InvalidPeriod as error:
            raise CommandError(str(error)) from None
        recipients = [address.strip() for address in send_to.split(",") if address.strip()]
        for address in recipients:
            try:
                validate_email(address)
            except ValidationError:
                raise CommandError(f"“{address}” is not an e-mail address.") from None

        found = digest_search(QueryDict(search.lstrip("?"))) if search else None
        if found is not None and found.filterset.ignored:
            raise CommandError(f"The search could not be understood: {found.filterset.ignored}")
        if recipients:
            queued = queue_digest(quarter, recipients, search=found)
            self.stderr.write(
                f"Queued the {quarter} digest for {queued} address(es) in the outbox; a worker "
                "sends them (make run starts one)."
            )
            return

        _subject, plain, html = DigestEmail(quarter, get_language(), search=found).render()
        body = plain if text else html
        if output:
            Path(output).write_text(body, encoding="utf-8")
            self.stderr.write(f"Wrote the {quarter} digest to {output}.")
        else:
            self.stdout.write(body, ending="")
