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

from common.cache import content_changed
from common.text import unique_slug
from organizations.models import Organization
from resources import duplicates, links
from resources.links import title_key, url_key
from resources.models import Resource, Series, TaggedResource
from resources.signals import published_words_changed
from thesaurus.models import Audience, Region, Topic

from .exports import RESOURCE_FIELDS
from .import_rows import Cells, Names, key
from .imports import BATCH, CatalogueImport, Parsed

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
    statuses = [  # in English, as the admin is
        (Resource.Status.PUBLISHED, "Published"),
        (Resource.Status.PENDING, "Pending review (not public until a moderator publishes it)"),
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
        # New and changed rows are written BATCH at a time, in one statement each (no savepoint
        # a row): relations, history and the derived copies follow each batch.
        use_bulk = True
        batch_size = BATCH

    update_fields = ["slug", "title", "kind", "summary", "url", "recording_url", "date",
                     "starts_at", "ends_at", "timezone", "registration_url", "presenters",
                     "language", "access", "ce_credit", "series", "url_key", "title_key",
                     "updated_at"]  # fmt: skip

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
        slug_column = dataset.headers.index("slug")
        self.find_existing([str(values[slug_column] or "") for values in dataset])
        self.seen: dict[str, dict] = {"slugs": {}, "links": {}, "titles": {}}
        self.ids: dict[int, tuple] = {}  # row -> (its id in the file, its versions', language)
        chunk: list[int] = []
        for number, values in enumerate(dataset, 1):
            self.parsed[number] = self.parse(dict(zip(dataset.headers, values, strict=True)))
            chunk.append(number)
            if len(chunk) == COMPARED_AT_ONCE:
                self.check_chunk(chunk)
                chunk = []
        self.check_chunk(chunk)
        self.check_versions()
        self.keep_pks = {n for members in self.groups for n in members}
        del self.seen, self.ids

    def check_chunk(self, numbers: list[int]) -> None:
        self.find_duplicates(numbers)
        for number in numbers:
            parsed = self.parsed[number]
            if parsed.file_id is not None:
                self.ids[number] = (parsed.file_id, parsed.versions, parsed.language)
        self.keep_found(numbers)

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
        if not values["slug"]:
            cells.error("slug", "Give the resource's slug: it is how the resource is found.")
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
        parsed.language = values["language"]
        file_id = cells.raw("id")
        parsed.file_id = int(file_id) if str(file_id).isdigit() else None
        return parsed

    def check_versions(self) -> None:
        """The rows the file says are versions of one another, in groups; a group with two rows
        in one language is refused on those rows."""
        number_of = {file_id: n for n, (file_id, _v, _l) in self.ids.items()}
        root = {n: n for n in self.ids}

        def find(n):
            while root[n] != n:
                root[n] = root[root[n]]
                n = root[n]
            return n

        for number, (_id, versions, _language) in self.ids.items():
            for other in versions:
                if other in number_of:
                    root[find(number_of[other])] = find(number)
        groups: dict[int, list[int]] = {}
        for number in self.ids:
            groups.setdefault(find(number), []).append(number)
        self.groups = []
        for members in groups.values():
            if len(members) < 2:
                continue
            members.sort(key=lambda n: self.ids[n][0])
            by_language: dict[str, list[int]] = {}
            for n in members:
                by_language.setdefault(self.ids[n][2], []).append(n)
            clash = [ns for ns in by_language.values() if len(ns) > 1]
            for numbers in clash:
                where = " and ".join(self.report.where(n) for n in numbers)
                for n in numbers:
                    self.flag(n).add_error(
                        "language_versions",
                        f"Two versions of one resource in the same language: {where}.",
                    )
            if not clash:
                self.groups.append(members)

    def find_duplicates(self, numbers: list[int]) -> None:
        """Mark the rows that would list a resource twice: the same link or title (in the same
        language) as an earlier row of the file, or a duplicate of a published or pending
        resource here. Then keep only what was found."""
        seen, new = self.seen, []  # (keys kept as their hashes, and the row they were first on)
        for number in numbers:
            parsed = self.parsed[number]
            values = parsed.values
            slug = hash(values["slug"])
            if slug in seen["slugs"]:
                where = self.report.where(seen["slugs"][slug])
                parsed.add_error("slug", f"The same slug as {where}: each resource once.")
            seen["slugs"].setdefault(slug, number)
            if parsed.errors or parsed.extra:
                continue
            link = url_key(values["url"])
            title = hash((title_key(values["title"]), values["language"]))
            if link and hash(link) in seen["links"]:
                where = self.report.where(seen["links"][hash(link)])
                parsed.duplicate = f"The same link as {where} of this file."
            elif title_key(values["title"]) and title in seen["titles"]:
                where = self.report.where(seen["titles"][title])
                parsed.duplicate = f"The same title as {where} of this file."
            if link:
                seen["links"].setdefault(hash(link), number)
            seen["titles"].setdefault(title, number)
            if not parsed.duplicate and values["slug"] not in self.existing:
                new.append(parsed)
        proposals = [
            duplicates.Proposal(title=p.values["title"], url=p.values["url"], kind=p.values["kind"],
                                organization_ids=frozenset(p.relations["organizations"]))
            for p in new
        ]  # fmt: skip
        for parsed, found in zip(new, duplicates.compare(proposals), strict=True):
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
        """Pending, or published at the file's date: written as a draft with that date, and
        published by the statement that fills in its derived copies once its relations are in
        (:meth:`finish`), so that its search row is written once, complete."""
        if self.status == Resource.Status.PUBLISHED:
            instance.status = Resource.Status.DRAFT
            instance.published_at = parsed.published_at or timezone.now()
        else:
            instance.status, instance.published_at = self.status, None

    def before_save_instance(self, instance, row, **kwargs):
        """What ``Resource.save()`` would do, which a bulk write does not call: the comparable
        forms of the link and title; and the series, found or (not in the dry run) created."""
        super().before_save_instance(instance, row, **kwargs)
        instance.url_key = links.url_key(instance.url)
        instance.title_key = links.title_key(instance.title)[:300]
        instance.updated_at = timezone.now()
        name = self.row.series
        if not name:
            instance.series = None
        elif key(name) in self.series:
            instance.series_id = self.series[key(name)]
        elif not self.dry_run:
            series = Series(name=name)
            series.slug = unique_slug(series, name)
            series.save()
            self.series[key(name)] = series.pk
            instance.series = series

    # -- At the end

    def finish(self, dataset, result, **kwargs) -> None:
        """Link the language versions (the first of each group by the source's id is the one
        the others are versions of)."""
        versions = []
        for members in self.groups:
            pks = [self.pk_of[n] for n in members if n in self.pk_of]
            if len(pks) > 1:
                versions.append(Resource(pk=pks[0], original_id=None))
                versions.extend(Resource(pk=pk, original_id=pks[0]) for pk in pks[1:])
        Resource.objects.bulk_update(versions, ["original"], batch_size=1000)
        if self.written:  # what post_save would have said, once
            content_changed()
            published_words_changed.send(sender=Resource)

    def after_batch(self, created: list[int], changed: list[int]) -> None:
        """Each batch's rows, their relations in: their copies of related data refreshed, in one
        statement, which also publishes the new ones when the moderator chose to publish."""
        publish = {"status": self.status} if self.status == Resource.Status.PUBLISHED else {}
        Resource.objects.filter(pk__in=created).refresh_derived_fields(**publish)
        Resource.objects.filter(pk__in=changed).refresh_derived_fields()
