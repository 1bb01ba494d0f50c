"""Load the demo content: real starter resources, organisations and guides drawn from the seeds.

``manage.py load_demo [--path DIR]``

Reads ``topics.toml``, ``regions.toml``, ``organizations.toml``, ``series.toml``,
``resources.toml`` and ``guides.toml`` from ``fixtures/demo/`` (or ``--path``) and writes them to
the database in one transaction, so that a fresh site has something true to show and a developer has
something to work with. Every row is found by its slug (topics by name) and updated in place, so the
command can be run any number of times: a second run with unchanged files writes nothing, and every
row keeps its primary key and ``updated_at``. Relations are set to exactly what the files say.
Resources are published with a ``published_at`` derived from their own date, never from the clock.

A reference to a slug that no file defines (an organisation, region, series, topic, audience or
resource) stops the load with an error naming the file and the item, and nothing is written; so
does an item of the wrong shape (``resources/management/demo_files.py`` reads the files).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from organizations.models import Organization
from resources.management import demo_files
from resources.models import Guide, GuideItem, Resource, Series, derived_fields_deferred
from resources.signals import published_words_changed
from thesaurus import skos
from thesaurus.models import Audience, Region, Topic

# Resources the files give no date for are published at this fixed moment, so that reloading never
# changes them.
DEFAULT_PUBLISHED_AT = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)


class Command(BaseCommand):
    help = "Load the demo regions, organisations, series, resources and guides (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures" / "demo",
            help="Folder holding the TOML files (default: fixtures/demo/).",
        )
        parser.add_argument(
            "--thesaurus",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures" / "thesaurus" / "healtorture.ttl",
            help="The starter thesaurus, in SKOS Turtle (default: fixtures/thesaurus/).",
        )

    def handle(self, *args, path: Path, thesaurus: Path, **options):
        data = demo_files.read_all(path)
        self.rows = Counter()  # created / updated / unchanged
        self.relations_changed = 0
        with transaction.atomic(), derived_fields_deferred():
            topics = self.load_topics(data["topics"])
            regions = self.load_regions(data["regions"])
            organizations = self.load_organizations(data["organizations"], regions, topics)
            concepts = self.load_thesaurus(thesaurus)
            series = self.load_series(data["series"], organizations)
            resources = self.load_resources(
                data["resources"], organizations, regions, series, topics
            )
            guides = self.load_guides(data["guides"], organizations, resources)
            loaded = Resource.objects.filter(pk__in=[r.pk for r in resources.values()])
            loaded.refresh_derived_fields()
        published_words_changed.send(sender=Resource, immediately=True)

        if options["verbosity"]:
            items = sum(len(g.get("items", [])) for g in data["guides"].values())
            self.stdout.write(
                f"Demo content: {len(topics)} topics, {len(regions)} regions, "
                f"{len(organizations)} organisations, {len(series)} series, "
                f"{len(resources)} resources, {len(guides)} guides with {items} items; "
                f"{self.rows['created']} rows created, {self.rows['updated']} updated, "
                f"{self.rows['unchanged']} unchanged; "
                f"{self.relations_changed} relation sets changed. Thesaurus: "
                f"{len(concepts.concepts)} concepts, {concepts.created} created, "
                f"{concepts.updated} updated."
            )

    def load_thesaurus(self, path: Path) -> skos.ImportResult:
        """The starter thesaurus: its topics, audiences, regions and organisations are the ones
        just loaded (by slug), with their names in every language, synonyms and acronyms."""
        try:
            # Demo content, not a moderator's change: no history.
            return skos.import_skos(path.read_bytes(), "turtle", history=False)
        except (OSError, skos.SkosError) as error:
            raise CommandError(f"{path}: {error}") from error

    def resolve(self, known: dict, slugs: list[str], what: str, where: str) -> list:
        missing = [s for s in slugs if s not in known]
        if missing:
            raise CommandError(f"{where}: unknown {what} {', '.join(map(repr, missing))}.")
        return [known[s] for s in slugs]

    # --- Writing ----------------------------------------------------------------------------------

    def upsert(self, obj, model, lookup: dict, values: dict, where: str, exclude=()):
        """``update_or_create`` that leaves an unchanged row alone: it is saved (and validated)
        only when one of ``values`` differs, so ``updated_at`` moves only on a real change."""
        if obj is None:
            obj = model(**lookup, **values)
            self.rows["created"] += 1
        else:
            changed = [f for f, v in values.items() if getattr(obj, f) != v]
            if not changed:
                self.rows["unchanged"] += 1
                return obj
            for field in changed:
                setattr(obj, field, values[field])
            self.rows["updated"] += 1
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as exc:
            problems = "; ".join(f"{f}: {' '.join(m)}" for f, m in exc.message_dict.items())
            raise CommandError(f"{where}: {problems}") from None
        obj.save()
        return obj

    def sync(self, obj: models.Model, field: str, wanted: list, created: bool) -> None:
        """Set a many-to-many (or taggit) relation to ``wanted`` if it differs."""
        manager = getattr(obj, field)
        current = set() if created else {o.pk for o in manager.all()}
        if current != {o.pk for o in wanted}:
            manager.set(wanted)
            self.relations_changed += 1

    @staticmethod
    def text(item: dict, field: str) -> str:
        return item.get(field, "").strip()

    def load_topics(self, items: dict[str, dict]) -> dict[str, Topic]:
        existing = Topic.objects.in_bulk(list(items), field_name="name")
        return {
            name: self.upsert(
                existing.get(name),
                Topic,
                {"name": name},
                {"description": self.text(item, "description")},
                item["_where"],
                exclude=["slug"],  # taggit makes the slug from the name when it saves
            )
            for name, item in items.items()
        }

    def load_regions(self, items: dict[str, dict]) -> dict[str, Region]:
        existing = Region.objects.in_bulk(list(items), field_name="slug")
        return {
            slug: self.upsert(
                existing.get(slug),
                Region,
                {"slug": slug},
                {
                    "name": item["name"],
                    "kind": item.get("kind", Region.Kind.COUNTRY),
                    "code": item.get("code", ""),
                },
                item["_where"],
            )
            for slug, item in items.items()
        }

    def load_organizations(self, items, regions, topics) -> dict[str, Organization]:
        existing = {
            o.slug: o
            for o in Organization.objects.filter(slug__in=list(items)).prefetch_related(
                "regions_served", "topics", "networks"
            )
        }
        organizations = {}
        for slug, item in items.items():
            where = item["_where"]
            headquarters = item.get("headquarters")
            if headquarters:
                headquarters = self.resolve(regions, [headquarters], "region", where)[0]
            values = {
                "name": item["name"],
                "acronym": item.get("acronym", ""),
                "kind": item["kind"],
                "description": self.text(item, "description"),
                "website": item.get("website", ""),
                "headquarters_id": headquarters.pk if headquarters else None,
                "is_key": item.get("is_key", False),
                "status": Organization.Status.PUBLISHED,
            }
            org = self.upsert(existing.get(slug), Organization, {"slug": slug}, values, where)
            created = slug not in existing
            served = self.resolve(regions, item.get("regions_served", []), "region", where)
            self.sync(org, "regions_served", served, created)
            self.sync(
                org, "topics", self.resolve(topics, item.get("topics", []), "topic", where), created
            )
            organizations[slug] = org
        # Networks point at other organisations: only now do they all exist.
        for slug, item in items.items():
            networks = self.resolve(
                organizations, item.get("networks", []), "organisation", item["_where"]
            )
            self.sync(organizations[slug], "networks", networks, slug not in existing)
        return organizations

    def load_series(self, items, organizations) -> dict[str, Series]:
        existing = Series.objects.in_bulk(list(items), field_name="slug")
        series = {}
        for slug, item in items.items():
            organization = None
            if "organization" in item:
                organization = self.resolve(
                    organizations, [item["organization"]], "organisation", item["_where"]
                )[0]
            values = {
                "name": item["name"],
                "description": self.text(item, "description"),
                "organization_id": organization.pk if organization else None,
            }
            series[slug] = self.upsert(
                existing.get(slug), Series, {"slug": slug}, values, item["_where"]
            )
        return series

    def load_resources(self, items, organizations, regions, series, topics):
        audiences = Audience.objects.in_bulk(field_name="slug")
        existing = {
            r.slug: r
            for r in Resource.objects.filter(slug__in=list(items)).prefetch_related(
                "organizations", "audiences", "regions", "topics"
            )
        }
        resources = {}
        for slug, item in items.items():
            where = item["_where"]
            in_series = None
            if "series" in item:
                in_series = self.resolve(series, [item["series"]], "series", where)[0]
            elif "series_position" in item:
                raise CommandError(f"{where}: 'series_position' without 'series'.")
            starts_at = demo_files.moment(item, "starts_at", where)
            ends_at = demo_files.moment(item, "ends_at", where)
            date = demo_files.day(item, "date", where)
            day = date or (starts_at.date() if starts_at else None)
            values = {
                "title": item["title"],
                "kind": item["kind"],
                "summary": self.text(item, "summary"),
                "description": self.text(item, "description"),
                "url": item.get("url", ""),
                "recording_url": item.get("recording_url", ""),
                "registration_url": item.get("registration_url", ""),
                "date": date,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "timezone": item.get("timezone", ""),
                "presenters": "\n".join(p.strip() for p in item.get("presenters", [])),
                "language": item.get("language", "en"),
                "series_id": in_series.pk if in_series else None,
                "series_position": item.get("series_position"),
                "access": item.get("access", Resource.Access.FREE),
                "ce_credit": item.get("ce_credit", False),
                "content_note": item.get("content_note", "").strip(),
                "status": Resource.Status.PUBLISHED,
                "published_at": (
                    dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
                    if day
                    else DEFAULT_PUBLISHED_AT
                ),
            }
            resource = self.upsert(existing.get(slug), Resource, {"slug": slug}, values, where)
            created = slug not in existing
            for field, known, what in (
                ("organizations", organizations, "organisation"),
                ("audiences", audiences, "audience"),
                ("regions", regions, "region"),
                ("topics", topics, "topic"),
            ):
                wanted = self.resolve(known, item.get(field, []), what, where)
                self.sync(resource, field, wanted, created)
            resources[slug] = resource
        self.load_related(items, resources)
        return resources

    def load_related(self, items, resources) -> None:
        """``related`` is symmetrical: a link written on either side is one pair. Pairs between
        demo resources are made exactly what the files say; links to other resources are kept."""
        wanted = set()
        for slug, item in items.items():
            for other in self.resolve(
                resources, item.get("related", []), "resource", item["_where"]
            ):
                if other.slug == slug:
                    raise CommandError(f"{item['_where']}: a resource cannot be related to itself.")
                wanted.add(frozenset((resources[slug].pk, other.pk)))
        through = Resource.related.through
        ids = [r.pk for r in resources.values()]
        current = {
            frozenset(pair)
            for pair in through.objects.filter(
                from_resource_id__in=ids, to_resource_id__in=ids
            ).values_list("from_resource_id", "to_resource_id")
        }
        if wanted == current:
            return
        for a, b in current - wanted:
            through.objects.filter(
                models.Q(from_resource_id=a, to_resource_id=b)
                | models.Q(from_resource_id=b, to_resource_id=a)
            ).delete()
        through.objects.bulk_create(
            [
                through(from_resource_id=x, to_resource_id=y)
                for a, b in sorted(tuple(sorted(p)) for p in wanted - current)
                for x, y in ((a, b), (b, a))
            ]
        )
        self.relations_changed += 1

    def load_guides(self, items, organizations, resources) -> dict[str, Guide]:
        audiences = Audience.objects.in_bulk(field_name="slug")
        existing = {
            g.slug: g
            for g in Guide.objects.filter(slug__in=list(items)).prefetch_related(
                "audiences", "key_organizations", "items"
            )
        }
        guides = {}
        for slug, item in items.items():
            where = item["_where"]
            values = {
                "title": item["title"],
                "summary": self.text(item, "summary"),
                "introduction": self.text(item, "introduction"),
                "published": item.get("published", True),
                "featured": item.get("featured", False),
            }
            guide = self.upsert(existing.get(slug), Guide, {"slug": slug}, values, where)
            created = slug not in existing
            self.sync(
                guide,
                "audiences",
                self.resolve(audiences, item.get("audiences", []), "audience", where),
                created,
            )
            key_organizations = self.resolve(
                organizations, item.get("key_organizations", []), "organisation", where
            )
            self.sync(guide, "key_organizations", key_organizations, created)

            wanted = []
            for position, entry in enumerate(item.get("items", []), start=1):
                resource = self.resolve(resources, [entry["resource"]], "resource", entry["_where"])
                wanted.append(
                    (
                        resource[0].pk,
                        self.text(entry, "section"),
                        self.text(entry, "note"),
                        position,
                    )
                )
            seen = Counter(pk for pk, *_ in wanted)
            if any(n > 1 for n in seen.values()):
                raise CommandError(f"{where}: a resource is listed twice.")
            current = (
                []
                if created
                else [(i.resource_id, i.section, i.note, i.position) for i in guide.items.all()]
            )
            if current != wanted:
                guide.items.all().delete()
                GuideItem.objects.bulk_create(
                    GuideItem(guide=guide, resource_id=pk, section=section, note=note, position=pos)
                    for pk, section, note, pos in wanted
                )
                self.relations_changed += 1
            guides[slug] = guide
        return guides
