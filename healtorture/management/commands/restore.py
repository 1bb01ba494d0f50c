"""Replace the database's contents with a backup made by ``manage.py backup``."""

import re
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from healtorture import pg_client

DUMP_SIGNATURE = b"PGDMP"  # the first bytes of pg_dump's custom format
# A line of pg_restore's table of contents that fills a materialized view.
MATVIEW_DATA = re.compile(r"^\d+; \d+ \d+ MATERIALIZED VIEW DATA ", re.MULTILINE)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database: every table "
        "in the backup is dropped and recreated with the backup's rows (pg_restore --clean "
        "--if-exists --no-owner, in one transaction: a failure changes nothing). Asks for 'yes' "
        "unless --no-input is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .dump file written by manage.py backup.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (for scripts).",
        )

    def handle(self, *args, file, interactive=True, **options):
        file = file.expanduser().resolve()
        try:
            with open(file, "rb") as handle:
                signature = handle.read(len(DUMP_SIGNATURE))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        if signature != DUMP_SIGNATURE:
            raise CommandError(
                f"{file} is not a backup in pg_dump's custom format (made by manage.py backup)."
            )
        params = pg_client.database_parameters()
        target = pg_client.describe(params)
        if interactive:
            question = (
                f"This replaces everything in the {target} with the contents of {file}.\n"
                "Type 'yes' to continue, or anything else to cancel: "
            )
            try:
                answer = input(question)
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")

        contents = pg_client.run("pg_restore", ["--list", str(file)], params)
        if contents.returncode != 0:
            raise CommandError(f"pg_restore cannot read {file}:\n{contents.stderr.strip()}")
        # Materialized views are filled afterwards, not by pg_restore: it runs with an empty
        # search_path, and the vocabulary's query (a string given to ts_stat) names its table
        # without a schema, so refreshing it there fails and would undo the whole restore.
        with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
            listing.write(MATVIEW_DATA.sub(";", contents.stdout))
            listing.flush()
            result = pg_client.run(
                "pg_restore",
                [
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--use-list={listing.name}",
                    f"--dbname={params['dbname']}",
                    str(file),
                ],
                params,
            )
        if result.returncode != 0:
            raise CommandError(
                f"pg_restore could not restore {file} into the {target}; nothing was changed:\n"
                f"{result.stderr.strip()}"
            )
        self._forget_cached_content()
        self.stdout.write(self.style.SUCCESS(f"Restored {file} into the {target}."))

    def _forget_cached_content(self):
        """Every process's cached searches and pages are of the old content: a new content
        version makes them stale. The "did you mean" vocabulary (left empty by the restore) is
        computed from the restored resources."""
        from common import cache
        from search import vocabulary

        try:
            cache.content_changed()
            vocabulary.refresh()
        except DatabaseError as exc:
            self.stderr.write(
                self.style.WARNING(
                    f"Restored, but the caches could not be reset ({exc}). If the backup is older "
                    "than this code, run `manage.py migrate` now."
                )
            )
