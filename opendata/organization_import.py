"""Importing organisations: the rows of ``/organizations.csv`` and ``/organizations.json`` read
back. Import them before the resources that name them.

- A row's slug is its identity here; ``id``, ``url`` and ``resource_count`` are the source's and
  are not imported (the count follows from the resources).
- The headquarters is found by its name, else by ``headquarters_code``; the regions served by
  name, slug, code or a label of the thesaurus. An unknown one makes the row invalid: countries
  and regions are the thesaurus's, not a spreadsheet's.
- ``networks`` (the organisations it is part of) may name organisations of the same file, which
  are linked once all the rows are in.
- A new organisation is published or kept as a draft, as the moderator chose; one already here
  keeps its status. A new row with the name of an organisation already here, or of an earlier
  row, is a duplicate (names are unique).
"""

from __future__ import annotations

from django.urls import reverse

from common.cache import content_changed
from organizations.models import Organization
from resources.models import Resource
from thesaurus.models import Region

from .import_rows import Cells, Names, key
from .imports import CatalogueImport, Parsed
from .organization_exports import ORGANIZATION_FIELDS

NETWORKS = Organization.networks.through


class OrganizationImport(CatalogueImport):
    columns = ORGANIZATION_FIELDS
    what = "organisations"
    statuses = [  # in English, as the admin is
        (Organization.Status.PUBLISHED, "Published"),
        (Organization.Status.DRAFT, "Draft (not shown until a moderator publishes it)"),
    ]
    column_of = {"is_key": "key", "headquarters_id": "headquarters"}
    links = {
        "regions_served": (Organization.regions_served.through, "organization_id", "region_id"),
    }

    class Meta(CatalogueImport.Meta):
        model = Organization
        name = "Organisations (our CSV or JSON export)"

    def get_queryset(self):
        return Organization.objects.defer("description")

    def chunk_loaded(self, pks: list[int]) -> None:
        """Nothing: a few hundred organisations' relations are all read in ``prepare``."""

    def prepare(self, dataset) -> None:
        self.regions = Names(Region.objects.all(), ("name", "slug"), concept_of="region")
        self.codes = Names(Region.objects.exclude(code=""), ("code",))
        self.served = Names(Region.objects.all(), ("name", "slug", "code"), concept_of="region")
        self.organizations = Names(Organization.objects.all(), ("name", "slug", "acronym"))
        rows = [dict(zip(dataset.headers, values, strict=True)) for values in dataset]
        self.in_file = {key(row[column]) for row in rows for column in ("name", "slug", "acronym")
                        if isinstance(row[column], str) and row[column]}  # fmt: skip
        self.find_existing([str(row["slug"] or "") for row in rows])
        self.load_current(self.existing_pks)  # a few hundred: all at once
        networks = NETWORKS.objects.filter(from_organization__in=self.existing_pks)
        for pk, network in networks.values_list("from_organization", "to_organization"):
            self.current.setdefault(pk, {}).setdefault("networks", set()).add(network)
        for number, row in enumerate(rows, 1):
            self.parsed[number] = self.parse(row)
        self.find_duplicates()
        self.networks = {n: p.networks for n, p in self.parsed.items() if p.networks}
        self.keep_found(list(self.parsed))

    def parse(self, row: dict) -> Parsed:
        cells = Cells(row)
        values = {
            "slug": cells.text("slug"),
            "name": cells.text("name"),
            "acronym": cells.text("acronym"),
            "kind": cells.text("kind"),
            "website": cells.text("website"),
            "is_key": cells.boolean("key", "is_key"),
        }
        headquarters, code = cells.text("headquarters"), cells.text("headquarters_code")
        values["headquarters_id"] = None
        if headquarters or code:
            found = self.regions.find([headquarters])[0] if headquarters else []
            found = found or (self.codes.find([code])[0] if code else [])
            if found:
                values["headquarters_id"] = found[0]
            else:
                cells.error("headquarters_id", f"No country or region is called “{headquarters}”"
                            f"{f' (code {code})' if code else ''}: add it in the thesaurus, or "
                            "correct the name.")  # fmt: skip
        regions, unknown = self.served.find(cells.names("regions_served"))
        if unknown:
            cells.error("regions_served", "No country or region is called "
                        + ", ".join(f"“{name}”" for name in unknown) + ".")  # fmt: skip
        networks = cells.names("networks")
        missing = [name for name in networks if key(name) not in self.in_file
                   and not self.organizations.find([name])[0]]  # fmt: skip
        if missing:
            cells.error("networks", "No organisation here or in the file is called "
                        + ", ".join(f"“{name}”" for name in missing) + ".")  # fmt: skip
        parsed = Parsed(values["name"] or values["slug"], values, {"regions_served": regions},
                        cells.errors)  # fmt: skip
        parsed.networks = networks
        return parsed

    def find_duplicates(self) -> None:
        names = dict(Organization.objects.values_list("name", "pk"))
        names = {key(name): pk for name, pk in names.items()}
        seen_slugs, seen_names = {}, {}
        for number, parsed in self.parsed.items():
            values, where = parsed.values, self.report.where(number)
            if values["slug"] in seen_slugs:
                parsed.add_error(
                    "slug",
                    f"The same slug as {seen_slugs[values['slug']]}: each organisation once.",
                )
            seen_slugs.setdefault(values["slug"], where)
            name = key(values["name"])
            if parsed.errors or parsed.extra or not name:
                continue
            if name in seen_names:
                parsed.duplicate = f"The same name as {seen_names[name]} of this file."
            elif values["slug"] not in self.existing and name in names:
                parsed.duplicate = f"An organisation called “{values['name']}” is already here."
                parsed.duplicate_link = reverse(
                    "admin:organizations_organization_change", args=[names[name]]
                )
            seen_names.setdefault(name, where)

    def changes(self, instance, parsed: Parsed) -> list[str]:
        changed = super().changes(instance, parsed)
        if instance.pk is not None:
            wanted = set(self.organizations.find(parsed.networks)[0])
            if len(wanted) != len(parsed.networks) or wanted != self.current.get(
                instance.pk, {}
            ).get("networks", set()):
                changed.append("networks")
        return changed

    def set_status(self, instance, parsed: Parsed) -> None:
        instance.status = self.status

    def finish(self, dataset, result, **kwargs) -> None:
        """Link each organisation to the networks it is part of (now that every row is in), then
        recompute what the links change: the organisations' ancestors, and the resources found
        under them."""
        names = Names(Organization.objects.all(), ("name", "slug", "acronym"))
        rows = []
        for number, pk in self.pk_of.items():
            wanted = [n for n in names.find(self.networks.get(number, []))[0] if n != pk]
            if set(wanted) != self.current.get(pk, {}).get("networks", set()):
                NETWORKS.objects.filter(from_organization=pk).delete()
                rows.extend(NETWORKS(from_organization_id=pk, to_organization_id=n)
                            for n in wanted)  # fmt: skip
        NETWORKS.objects.bulk_create(rows)
        moved = Organization.objects.refresh_ancestors()
        if moved:
            Resource.objects.filter(organizations__in=moved).refresh_derived_fields()
        content_changed()
