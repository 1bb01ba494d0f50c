"""Start, stop or inspect the embedded PostgreSQL server (used when DATABASE_URL is unset)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from healtorture import embedded_db


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostgreSQL server, or open psql on it."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status", "psql"])

    def handle(self, *args, action, **options):
        db = settings.DATABASES["default"]
        if not settings.EMBEDDED_DATABASE:
            if action == "psql":
                raise CommandError("DATABASE_URL is set: use `manage.py dbshell`.")
            self.stdout.write("DATABASE_URL is set: the embedded server is not used.")
            return
        pgdata = Path(db["OPTIONS"]["pgdata"])
        if action == "stop":
            if embedded_db.stop_server(pgdata):
                self.stdout.write(
                    self.style.SUCCESS(f"Stopped the embedded PostgreSQL ({pgdata}).")
                )
            else:
                self.stdout.write(f"The embedded PostgreSQL ({pgdata}) was not running.")
        elif action == "status":
            info = embedded_db.read_postmaster_pid(pgdata)
            if info and embedded_db.can_connect(info):
                self.stdout.write(f"Running: PID {info.pid}, socket in {info.socket_dir}.")
            else:
                self.stdout.write(f"Not running ({pgdata}).")
        else:
            info = embedded_db.ensure_server(pgdata)
            embedded_db.ensure_database(info, db["NAME"])
            if action == "start":
                self.stdout.write(f"Running: PID {info.pid}, socket in {info.socket_dir}.")
            else:
                psql = str(embedded_db.bin_path() / "psql")
                kwargs = info.connection_kwargs(db["NAME"])
                os.execv(  # noqa: S606 - replaces this process with psql on our own server
                    psql,
                    [
                        psql,
                        "-h",
                        kwargs["host"],
                        "-p",
                        str(kwargs["port"]),
                        "-U",
                        kwargs["user"],
                        kwargs["dbname"],
                    ],
                )
