"""Generate synthetic published resources, for benchmarks only.

``manage.py generate_resources --resources 100000 [--seed 1] [--batch 5000] [--replace]``

Fills the database with realistic-looking resources so that search, listing and filter queries can
be timed at scale. Never run it against a production database. Everything it makes is
recognisable by its slug: resources are ``synthetic-<n>`` and organisations ``synthetic-org-<nn>``.
``--replace`` first deletes those rows and only those (topics, audiences and regions are shared
vocabulary and are kept); ``--replace --resources 0`` removes all synthetic data.

Word frequencies are realistic for a benchmark: "torture" and "survivors" are in about half the
rows; "interpreters", "telehealth", "Istanbul Protocol" or "vicarious trauma" in a few per cent;
"photovoice", "sociotherapy", "odontology", "falanga" and "ombudsperson" each in about 1 row in
2,000. Prefixes such as "istan" or "rehab" match through ``search_vector_simple``. The same
``--seed`` gives the same resources (dates are relative to today, midnight UTC).

The words are data: ``fixtures/generator/vocabulary.toml``, read when the command runs
(``resources/management/synthetic.py``).
"""

from __future__ import annotations

import random
import re
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from organizations.models import Organization
from resources.management import synthetic
from resources.models import Resource, TaggedResource
from resources.signals import published_words_changed
from thesaurus.models import Audience, Region, Topic

PREFIX = "synthetic-"
ORG_PREFIX = f"{PREFIX}org-"
NUMBERED_SLUG = rf"^{PREFIX}[0-9]+$"

# The rates of the draws; the words themselves are data (see resources/management/synthetic.py).
TORTURE_FOCUSED_RATE = 0.5  # Share of rows that say "torture" and (mostly) "survivors".
TIMED_RATE = 0.10  # Share of webinars, e-consultations and events with a start time.
UPCOMING_RATE = 0.3  # Share of those that are still to come.
RARE_RATE = 0.0025  # Summaries ending with a rare sentence: each of five in 1 row in 2,000.
ACRONYM_LETTERS = re.compile(r"\b([A-Z])")


class Command(BaseCommand):
    help = (
        "For benchmarks: generate N synthetic published resources (slugs 'synthetic-<n>'). "
        "Never run it against a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--resources", type=int, default=10_000, help="How many to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--batch", type=int, default=5_000, help="Rows per transaction.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="First delete previously generated synthetic resources and organisations.",
        )

    def handle(self, *args, resources, seed, batch, replace, **options):
        if resources < 0:
            raise CommandError("--resources must be 0 or more.")
        if batch < 1:
            raise CommandError("--batch must be 1 or more.")
        started = time.monotonic()

        if replace:
            deleted = self.delete_synthetic()
            self.stdout.write(
                f"Deleted {deleted} synthetic resources and their organisations "
                f"({time.monotonic() - started:.1f}s)."
            )

        created = 0
        if resources:
            self.rng = random.Random(seed)
            self.words = synthetic.load()
            self.topics = self.ensure_topics()
            self.organizations = self.ensure_organizations()
            self.region_ids = self.ensure_regions()
            self.audience_ids = list(Audience.objects.order_by("pk").values_list("pk", flat=True))
            # Today at midnight UTC: a seed gives the same dates all day long.
            self.anchor = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)

            first = self.next_number()
            while created < resources:
                size = min(batch, resources - created)
                with transaction.atomic():
                    self.create_batch(first + created, size)
                created += size
                self.stdout.write(
                    f"  {created:>7} / {resources} resources ({time.monotonic() - started:.1f}s)"
                )
        published_words_changed.send(sender=Resource, immediately=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created} synthetic resources in {time.monotonic() - started:.1f}s."
            )
        )

    # --- Setup and clean-up -------------------------------------------------------------------

    def delete_synthetic(self) -> int:
        """Delete synthetic resources and organisations, and nothing else."""
        synthetic = Resource.objects.filter(slug__startswith=PREFIX).order_by("pk")
        deleted = 0
        # In chunks, so that Django's deletion collector never holds every row at once.
        while chunk := list(synthetic.values_list("pk", flat=True)[:20_000]):
            with transaction.atomic():
                _, per_model = Resource.objects.filter(pk__in=chunk).delete()
            deleted += per_model.get(Resource._meta.label, 0)
        Organization.objects.filter(slug__startswith=ORG_PREFIX).delete()
        return deleted

    def ensure_topics(self) -> list[tuple[int, str]]:
        """(pk, name) of every topic of the vocabulary, created if missing."""
        topics = []
        for name in (topic.name for topic in self.words.topics):
            topic, _ = Topic.objects.get_or_create(name__iexact=name, defaults={"name": name})
            topics.append((topic.pk, topic.name))
        return topics

    def ensure_regions(self) -> list[int]:
        region_ids = []
        for slug, name, kind, code in self.words.regions:
            region = (
                Region.objects.filter(slug=slug).first()
                or Region.objects.filter(name=name).first()
                or Region.objects.create(slug=slug, name=name, kind=kind, code=code)
            )
            region_ids.append(region.pk)
        return region_ids

    def ensure_organizations(self) -> list[tuple[int, str]]:
        """(pk, name) of the 60 synthetic organisations, created if missing."""
        existing = {
            org.slug: org for org in Organization.objects.filter(slug__startswith=ORG_PREFIX)
        }
        taken = set(
            Organization.objects.exclude(slug__startswith=ORG_PREFIX).values_list("name", flat=True)
        )
        pool = []
        places = self.words.organization_places
        for n, (org_type, kind, place) in enumerate(
            ((t, k, p) for t, k in self.words.organization_types for p in places), start=1
        ):
            slug = f"{ORG_PREFIX}{n:02d}"
            org = existing.get(slug)
            if org is None:
                name = f"{place} {org_type}"
                if name in taken:  # A real organisation of that name: keep them apart.
                    name = f"{name} (synthetic)"
                org = Organization.objects.create(
                    slug=slug,
                    name=name,
                    acronym="".join(ACRONYM_LETTERS.findall(f"{place} {org_type}")),
                    kind=kind,
                    description=f"An invented organisation for benchmarks, based in {place}.",
                    website=f"https://example.org/{slug}",
                    status=Organization.Status.PUBLISHED,
                )
            pool.append((org.pk, org.name))
        return pool

    def next_number(self) -> int:
        """One more than the highest ``synthetic-<n>`` slug, so new rows never collide."""
        highest = (
            Resource.objects.filter(slug__regex=NUMBERED_SLUG)
            .annotate(n=Cast(Substr("slug", len(PREFIX) + 1), IntegerField()))
            .aggregate(highest=Max("n"))["highest"]
        )
        return (highest or 0) + 1

    # --- Generation ---------------------------------------------------------------------------

    def create_batch(self, first: int, size: int) -> None:
        """Create ``size`` resources numbered from ``first``, their links and search text."""
        generated = [self.make_resource(number) for number in range(first, first + size)]
        rows = [resource for resource, _links in generated]
        # Only real columns are sent: PostgreSQL computes the generated search vectors.
        Resource.objects.bulk_create(rows, batch_size=1_000)

        OrgLink = Resource.organizations.through
        AudienceLink = Resource.audiences.through
        RegionLink = Resource.regions.through
        tagged, orgs, audiences, regions = [], [], [], []
        for resource, (topic_ids, org_ids, audience_ids, region_ids) in generated:
            pk = resource.pk
            tagged += [TaggedResource(content_object_id=pk, tag_id=t) for t in topic_ids]
            orgs += [OrgLink(resource_id=pk, organization_id=o) for o in org_ids]
            audiences += [AudienceLink(resource_id=pk, audience_id=a) for a in audience_ids]
            regions += [RegionLink(resource_id=pk, region_id=r) for r in region_ids]
        TaggedResource.objects.bulk_create(tagged, batch_size=5_000)
        OrgLink.objects.bulk_create(orgs, batch_size=5_000)
        AudienceLink.objects.bulk_create(audiences, batch_size=5_000)
        RegionLink.objects.bulk_create(regions, batch_size=5_000)
        # Copy topic and organisation names into the columns the search vector reads.
        Resource.objects.filter(pk__in=[row.pk for row in rows]).refresh_derived_fields()

    def choose(self, values_and_weights):
        values, cumulative = values_and_weights
        return self.rng.choices(values, cum_weights=cumulative)[0]

    def make_resource(self, number: int):
        """An unsaved Resource and the ids it links to: (topics, organisations, audiences,
        regions)."""
        rng, words = self.rng, self.words
        torture = rng.random() < TORTURE_FOCUSED_RATE
        kind = self.choose(words.kinds)
        kind_label = rng.choice(words.kind_labels[kind])

        topic_count = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        picked: list[int] = []
        while len(picked) < topic_count:
            i = self.choose(words.topic_choices[torture])
            if i not in picked:
                picked.append(i)
        main = words.topics[picked[0]]
        people = self.choose(words.people[torture])
        setting = self.choose(words.contexts)
        if setting.removeprefix("in ") in main.phrase:  # Not "trauma-focused therapy in trauma-..."
            setting = "in practice"

        orgs = rng.sample(self.organizations, rng.choice((1, 1, 1, 2)))
        org_names = [name for _pk, name in orgs]

        title = self.make_title(kind_label, rng.choice(main.titles), people, setting)
        summary = self.make_summary(kind_label, main.phrase, people, setting)
        description = self.make_description(torture, picked, org_names[0])
        presenters = "\n".join(
            f"{rng.choice(words.first_names)} {rng.choice(words.last_names)}, "
            f"{rng.choice(words.roles)}, "
            f"{rng.choice(org_names)}"
            for _ in range(rng.choice((1, 1, 2, 2, 3)))
        )

        # Published in the last ten years, more of them recently.
        age = timedelta(days=3650 * rng.random() ** 1.5, seconds=rng.randrange(86_400))
        published_at = self.anchor - age
        starts_at = ends_at = None
        session_tz = ""
        if kind in words.timed_kinds and rng.random() < TIMED_RATE:
            session_tz = rng.choice(words.timezones)
            if rng.random() < UPCOMING_RATE:  # Announced recently, held in the next six months.
                published_at = self.anchor - timedelta(days=rng.randint(1, 60))
                starts_at = self.anchor + timedelta(days=rng.randint(1, 180))
            else:  # Held some weeks after it was announced, in the past.
                starts_at = published_at + timedelta(days=rng.randint(7, 45))
                if starts_at >= self.anchor:
                    starts_at = self.anchor - timedelta(days=1)
            starts_at = starts_at.replace(
                hour=rng.choice((8, 12, 13, 14, 15, 16)), minute=0, second=0, microsecond=0
            )
            ends_at = starts_at + timedelta(minutes=rng.choice((60, 75, 90, 120, 480)))
        past_session = starts_at is not None and starts_at < self.anchor
        access = self.choose(words.access)

        resource = Resource(
            title=title[:300],
            slug=f"{PREFIX}{number}",
            kind=kind,
            summary=summary[:600],
            description=description,
            url=f"https://example.org/resources/{number}",
            recording_url=(
                f"https://example.org/recordings/{number}"
                if past_session and rng.random() < 0.6
                else ""
            ),
            date=(starts_at or published_at).date(),
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=session_tz,
            registration_url=(
                f"https://example.org/register/{number}"
                if starts_at and access == Resource.Access.REGISTRATION
                else ""
            ),
            presenters=presenters,
            language=self.choose(words.languages),
            access=access,
            # (The second draw once decided a "featured" flag: kept so that a seed gives the same
            # resources as before.)
            ce_credit=(rng.random() < 0.08, rng.random())[0],
            status=Resource.Status.PUBLISHED,
            published_at=published_at,
        )
        links = (
            [self.topics[i][0] for i in picked],
            [pk for pk, _name in orgs],
            rng.sample(self.audience_ids, min(len(self.audience_ids), rng.randint(0, 3))),
            rng.sample(self.region_ids, rng.choice((0, 1, 1, 1, 2))),
        )
        return resource, links

    def make_title(self, kind_label: str, subject: str, people: str, setting: str) -> str:
        rng, words = self.rng, self.words
        shape = rng.randrange(8)
        if shape <= 1:  # "Webinar: Working with interpreters in trauma-focused therapy"
            title = f"{kind_label}: {rng.choice(words.actions)} {people} {setting}"
        elif shape == 2:
            title = f"{subject}: {rng.choice(words.angles)}"
        elif shape == 3:
            title = f"{kind_label}: {subject}"
        elif shape == 4:
            title = f"{subject} {setting}"
        elif shape == 5:
            title = f"{rng.choice(words.actions)} {people}: {rng.choice(words.angles)}"
        elif shape == 6:
            title = f"{subject} ({rng.randint(2015, 2025)})"
        else:
            title = f"{kind_label}: {subject} with {people}"
        return title

    def make_summary(self, kind_label: str, topic: str, people: str, setting: str) -> str:
        rng, words = self.rng, self.words
        first = rng.choice(words.openers).format(
            kind=kind_label.lower(), topic=topic, people=people, setting=setting
        )
        summary = f"{first[0].upper()}{first[1:]} {self.choose(words.second_sentences)}".strip()
        if rng.random() < RARE_RATE:
            summary = f"{summary} {rng.choice(words.rare_sentences)}"
        return summary

    def make_description(self, torture: bool, topics: list[int], organization: str) -> str:
        """A few sentences of Markdown: the topics' own sentences, general ones, key points."""
        rng, words = self.rng, self.words
        sentences = [words.topics[i].sentence for i in topics[:2]]
        sentences += rng.sample(words.body_neutral, rng.randint(1, 3))
        if torture:
            sentences.insert(0, rng.choice(words.body_torture))
        paragraphs = [" ".join(sentences)]
        if rng.random() < 0.4:
            points = rng.sample(words.key_points, rng.randint(2, 4))
            paragraphs.append("**Key points:**\n\n" + "\n".join(f"- {p}" for p in points))
        if rng.random() < 0.5:
            paragraphs.append(
                f"Produced by *{organization}*. [More information](https://example.org/about)."
            )
        return "\n\n".join(paragraphs)
