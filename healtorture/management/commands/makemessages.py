"""``manage.py makemessages`` with the project's settings, so that a plain
``manage.py makemessages -l fr -l es -l ar`` (and the test that compares its result with the
committed catalogues) always extracts the same strings.

Left out: the admin's own pages and admin classes (staff only, in English), the e-mail templates
(in English), the tests, the benchmark, and the virtual environment and var/ folders."""

from django.core.management.commands import makemessages

IGNORED = [
    ".venv/*",
    "var/*",
    "tests/*",
    "bench/*",
    "templates/admin/*",
    "templates/submissions/email/*",
    "*/admin.py",
    "*/admin_decisions.py",
    "*/admin_proposal.py",
    "*/resource_admin.py",
    "submissions/admin_forms.py",
]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        options["no_obsolete"] = True
        if options.get("add_location") is None:
            options["add_location"] = "file"  # no line numbers: smaller diffs when code moves
        return super().handle(*args, **options)
