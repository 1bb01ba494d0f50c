"""``manage.py compilemessages`` for this project's catalogues only (locale/): never the
installed packages' ones in .venv/."""

from django.core.management.commands import compilemessages

IGNORED = [".venv", "var", "node_modules"]


class Command(compilemessages.Command):
    def handle(self, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        return super().handle(**options)
