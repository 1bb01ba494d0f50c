"""Importing resources: the rows of ``/resources.csv`` and ``/resources.json`` read back.

- A row's slug is its identity here; its ``id``, ``url``, ``updated_at`` are the source's and are
  not imported (``language_versions`` are read through the file's ids: the rows they name become
  versions of one another).
- Organisations, topics, audiences and regions are found by name, slug or (for the thesaurus's
  vocabularies) any label; one that is not here makes the row invalid, saying which: an
  organisation has more to it than a name (import the organisations first), and the vocabularies
  are the thesaurus's, named in four languages, which a spreadsheet's typo must not extend. A
  series is only a name: an unknown one is created.
- A new resource is published (at the file's ``published_at``) or queued as pending, as the
  moderator chose; one already here keeps its status.
- A duplicate is what :mod:`resources.duplicates` says it is (the same link, or a title that says
  the same thing) among the published and pending resources, or a row with the same link or
  title as an earlier row of the file.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import unique_slug
from organizations.models import Organization
from resources import duplicates
from resources.links import title_key, url_key
from resources.models import Resource, Series, TaggedResource
from thesaurus.models import Audience, Region, Topic

from .exports import RESOURCE_FIELDS
from .import_rows import Cells, Names, key
from .imports import CatalogueImport, Parsed

COMPARED_AT_ONCE = 500  # rows whose duplicates are looked for in one call
UNKNOWN = {
    "organizations": "No organisation here is called {names}: import the organisations first "
                     "(their own Import), or correct the name.",
    "topics": "No topic is called {names} (by its name, slug or a label in the thesaurus): add "
              "it in the thesaurus, or correct the name.",
    "audiences": "No audience is called {names}.",
    "regions": "No country or region is called {names}: add it in the thesaurus, or correct "
               "the name.",
}  # fmt: skip


def quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


class ResourceImport(CatalogueImport):
    columns = RESOURCE_FIELDS
    what = "resources"
    label_field = "title"
    statuses = [
        (Resource.Status.PUBLISHED, _("Published")),
        (Resource.Status.PENDING, _("Pending review (in the moderators' queue)")),
    ]
    column_of = {"url": "link", "recording_url": "recording_link",
                 "registration_url": "registration_link"}  # fmt: skip
    links = {
        "organizations": (Resource.organizations.through, "resource_id", "organization_id"),
        "topics": (TaggedResource, "content_object_id", "tag_id"),
        "audiences": (Resource.audiences.through, "resource_id", "audience_id"),
        "regions": (Resource.regions.through, "resource_id", "region_id"),
    }

    class Meta(CatalogueImport.Meta):
        model = Resource
        name = "Resources (our CSV or JSON export)"

    def get_queryset(self):
        return Resource.objects.select_related("series").defer(
            "search_vector", "search_vector_simple", "description"
        )

    # -- Before the rows

    def prepare(self, dataset) -> None:
        self.names = {
            "organizations": Names(Organization.objects.all(), ("name", "slug", "acronym")),
            "topics": Names(Topic.objects.all(), ("name", "slug"), concept_of="topic"),
            "audiences": Names(Audience.objects.all(), ("name", "slug"), concept_of="audience"),
            "regions": Names(Region.objects.all(), ("name", "slug", "code"), concept_of="region"),
        }
        self.series = {key(name): pk for pk, name in Series.objects.values_list("pk", "name")}
        self.pk_of: dict[int, int] = {}
        rows = [dict(zip(dataset.headers, values, strict=True)) for values in dataset]
        slugs = [str(row["slug"] or "") for row in rows]
        existing = dict(Resource.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        self.load_current(list(existing.values()))
        for number, row in enumerate(rows, 1):
            self.parsed[number] = self.parse(row)
        del rows
        self.check_versions()
        self.find_duplicates(existing)

    def parse(self, row: dict) -> Parsed:
        cells = Cells(row)
        values = {
            "slug": cells.text("slug"),
            "title": cells.text("title"),
            "kind": cells.text("kind"),
            "summary": cells.text("summary"),
            "url": cells.text("link", "url"),
            "recording_url": cells.text("recording_link", "recording_url"),
            "date": cells.date("date"),
            "starts_at": cells.moment("starts_at"),
            "ends_at": cells.moment("ends_at"),
            "timezone": cells.text("timezone"),
            "registration_url": cells.text("registration_link", "registration_url"),
            "presenters": "\n".join(cells.names("presenters")),
            "language": cells.text("language"),
            "access": cells.text("access"),
            "ce_credit": cells.boolean("ce_credit"),
        }
        relations = {}
        for name in self.links:
            relations[name], unknown = self.names[name].find(cells.names(name))
            if unknown:
                hint = UNKNOWN[name].format(names=quoted(unknown))
                if name == "audiences":
                    known = Audience.objects.values_list("name", flat=True)
                    hint += f" The audiences are: {', '.join(known)}."
                cells.error(name, hint)
        parsed = Parsed(values["title"] or values["slug"], values, relations, cells.errors)
        parsed.series = cells.text("series")
        parsed.published_at = cells.moment("published_at")
        parsed.versions = cells.ids("language_versions")
        file_id = cells.raw("id")
        parsed.file_id = int(file_id) if str(file_id).isdigit() else None
        return parsed

    def check_versions(self) -> None:
        """The rows the file says are versions of one another, in groups; a group with two rows
        in one language is refused on those rows."""
        number_of = {p.file_id: n for n, p in self.parsed.items() if p.file_id is not None}
        root = {n: n for n in self.parsed}

        def find(n):
            while root[n] != n:
                root[n] = root[root[n]]
                n = root[n]
            return n

        for number, parsed in self.parsed.items():
            for other in parsed.versions:
                if other in number_of:
                    root[find(number_of[other])] = find(number)
        groups: dict[int, list[int]] = {}
        for number in self.parsed:
            groups.setdefault(find(number), []).append(number)
        self.groups = []
        for members in groups.values():
            if len(members) < 2:
                continue
            members.sort(key=lambda n: self.parsed[n].file_id)
            by_language: dict[str, list[int]] = {}
            for n in members:
                by_language.setdefault(self.parsed[n].values["language"], []).append(n)
            clash = [ns for ns in by_language.values() if len(ns) > 1]
            for numbers in clash:
                where = " and ".join(self.report.where(n) for n in numbers)
                for n in numbers:
                    self.parsed[n].errors.setdefault("language_versions", []).append(
                        f"Two versions of one resource in the same language: {where}."
                    )
            if not clash:
                self.groups.append(members)

    def find_duplicates(self, existing: dict[str, int]) -> None:
        """Mark the rows that would list a resource twice: the same link or title as an earlier
        row of the file, or a duplicate of a published or pending resource here."""
        seen_slugs, seen_links, seen_titles = {}, {}, {}
        new = []
        for number, parsed in self.parsed.items():
            values = parsed.values
            where = self.report.where(number)
            if values["slug"] and values["slug"] in seen_slugs:
                parsed.errors.setdefault("slug", []).append(
                    f"The same slug as {seen_slugs[values['slug']]}: each resource once."
                )
            seen_slugs.setdefault(values["slug"], where)
            if parsed.errors:
                continue
            link, title = url_key(values["url"]), (title_key(values["title"]), values["language"])
            if link and link in seen_links:
                parsed.duplicate = f"The same link as {seen_links[link]} of this file."
            elif title[0] and title in seen_titles:
                parsed.duplicate = f"The same title as {seen_titles[title]} of this file."
            if link:
                seen_links.setdefault(link, where)
            seen_titles.setdefault(title, where)
            if not parsed.duplicate and values["slug"] not in existing:
                new.append(parsed)
        for start in range(0, len(new), COMPARED_AT_ONCE):
            chunk = new[start : start + COMPARED_AT_ONCE]
            proposals = [
                duplicates.Proposal(title=p.values["title"], url=p.values["url"],
                                    kind=p.values["kind"],
                                    organization_ids=frozenset(p.relations["organizations"]))
                for p in chunk
            ]  # fmt: skip
            for parsed, found in zip(chunk, duplicates.compare(proposals), strict=True):
                if found:
                    resource = found[0].resource
                    where = "listed" if found[0].is_published else "waiting for review"
                    what = "The same link as" if found[0].reason == "link" else "A title like"
                    parsed.duplicate = f"{what} “{resource.title}”, already {where}."
                    parsed.duplicate_link = reverse(
                        "admin:resources_resource_change", args=[resource.pk]
                    )

    # -- Each row

    def changes(self, instance, parsed: Parsed) -> list[str]:
        if instance.pk is None:
            return []
        changed = super().changes(instance, parsed)
        if "presenters" in changed and Resource.split_presenters(
            instance.presenters
        ) == Resource.split_presenters(parsed.values["presenters"]):
            changed.remove("presenters")
        current = instance.series.name if instance.series_id else ""
        if key(current) != key(parsed.series):
            changed.append("series")
        return changed

    def set_status(self, instance, parsed: Parsed) -> None:
        instance.status = self.status
        if self.status == Resource.Status.PUBLISHED:
            instance.published_at = parsed.published_at or timezone.now()
        else:
            instance.published_at = None

    def do_instance_save(self, instance, is_create):
        name = self.parsed[self.number].series
        instance.series_id = self.series_id(name) if name else None
        super().do_instance_save(instance, is_create)

    def series_id(self, name: str) -> int:
        if key(name) not in self.series:
            series = Series(name=name)
            series.slug = unique_slug(series, name)
            series.save()
            self.series[key(name)] = series.pk
        return self.series[key(name)]

    def record(self, number, result) -> None:
        super().record(number, result)
        parsed = self.parsed.get(number)
        kept = result.import_type in {"new", "update", "skip"}
        if result.object_id and kept and parsed and not parsed.duplicate:
            self.pk_of[number] = int(result.object_id)

    # -- At the end

    def finish(self, dataset, result, **kwargs) -> None:
        """Link the language versions (the first of each group by the source's id is the one
        the others are versions of), then refresh, in bulk, the copies of related data on every
        row saved."""
        versions = []
        for members in self.groups:
            pks = [self.pk_of[n] for n in members if n in self.pk_of]
            if len(pks) > 1:
                versions.append(Resource(pk=pks[0], original_id=None))
                versions.extend(Resource(pk=pk, original_id=pks[0]) for pk in pks[1:])
        Resource.objects.bulk_update(versions, ["original"], batch_size=1000)
        for start in range(0, len(self.touched), 1000):
            chunk = self.touched[start : start + 1000]
            Resource.objects.filter(pk__in=chunk).refresh_derived_fields()
