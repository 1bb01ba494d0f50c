"""Check the links and attached files of published resources now (a worker checks them every
night: ``upkeep.tasks``)."""

from django.core.management.base import BaseCommand, CommandError

from upkeep.linkcheck import check_resources, links_to_check


class Command(BaseCommand):
    help = (
        "Check every published resource's link (HEAD, then GET if HEAD is refused; redirects "
        "followed) and that its files are in storage at the size recorded. Records the answer on "
        "each resource; a link is marked broken after --failures checks in a row have failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=8, help="Requests at once (default 8).")
        parser.add_argument(
            "--timeout", type=float, default=10, help="Seconds to wait for an answer (default 10)."
        )
        parser.add_argument(
            "--failures",
            type=int,
            default=3,
            help="Failed checks in a row before a link is marked broken (default 3).",
        )
        parser.add_argument(
            "--max-redirects", type=int, default=5, help="Redirects followed (default 5)."
        )
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="DAYS",
            help="Only links not checked for this many days (or never, or changed since).",
        )
        parser.add_argument(
            "--resource", metavar="ID_OR_SLUG", help="Only this published resource."
        )

    def handle(self, *args, workers, timeout, failures, max_redirects, older_than, resource,
               **options):  # fmt: skip
        for name, value, least in (("--workers", workers, 1), ("--failures", failures, 1),
                                   ("--timeout", timeout, 0.1),
                                   ("--max-redirects", max_redirects, 0)):  # fmt: skip
            if value < least:
                raise CommandError(f"{name} must be at least {least}.")
        try:
            resources = links_to_check(resource=resource or "", older_than=older_than)
        except (LookupError, ValueError) as error:
            raise CommandError(str(error)) from None
        summary = check_resources(
            resources,
            workers=workers,
            timeout=timeout,
            failures=failures,
            max_redirects=max_redirects,
        )
        self.stdout.write(str(summary))
