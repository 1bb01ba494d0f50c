"""Back up the whole database to one file (pg_dump's custom format)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from healtorture import pg_client


class Command(BaseCommand):
    help = (
        "Write the whole database (every resource, submission, decision, account...) to one "
        "file in pg_dump's custom format, by default var/backups/healtorture-<timestamp>.dump. "
        "Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write (default: var/backups/healtorture-<timestamp>.dump).",
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.VAR_DIR) / "backups" / f"healtorture-{stamp}.dump"
        output = output.expanduser().resolve()
        output.parent.mkdir(parents=True, exist_ok=True)
        params = pg_client.database_parameters()

        # Written under another name first: a failed dump never looks like a good backup. The
        # file holds submitters' names and addresses: readable by its owner only.
        partial = output.with_name(output.name + ".partial")
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        result = pg_client.run("pg_dump", ["--format=custom", f"--file={partial}"], params)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(
                f"pg_dump could not back up the {pg_client.describe(params)}:\n"
                f"{result.stderr.strip()}"
            )
        partial.replace(output)
        size = output.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {pg_client.describe(params)} to {output} ({size / 1024:.0f} KB)."
            )
        )
