"""``manage.py thesaurus import FILE`` and ``manage.py thesaurus export [--format xml]``: the
thesaurus as SKOS (Turtle or RDF/XML), for libraries that give or take one."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thesaurus import skos


class Command(BaseCommand):
    help = "Import a SKOS thesaurus (all or nothing) or export ours, in Turtle or RDF/XML."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Import a SKOS file.")
        load.add_argument("file", type=Path)
        load.add_argument("--format", choices=sorted(skos.FORMATS), default=None,
                          help="turtle or xml (default: from the file name)")  # fmt: skip
        dump = sub.add_parser("export", help="Write the thesaurus as SKOS to stdout or a file.")
        dump.add_argument("--format", choices=sorted(skos.FORMATS), default="turtle")
        dump.add_argument("--output", type=Path, help="A file to write instead of stdout.")

    def handle(self, *args, action, **options):
        if action == "import":
            path: Path = options["file"]
            fmt = options["format"] or ("xml" if path.suffix in {".rdf", ".xml", ".owl"}
                                        else "turtle")  # fmt: skip
            try:
                result = skos.import_skos(path.read_bytes(), fmt)
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from error
            except skos.SkosError as error:
                raise CommandError(f"{path}: nothing was imported. {error}") from error
            self.stdout.write(
                f"{len(result.concepts)} concepts: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
            return
        data = skos.export(options["format"])
        if options["output"]:
            options["output"].write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
