"""Generate synthetic published resources, for benchmarks only.

``manage.py generate_resources --resources 100000 [--seed 1] [--batch 5000] [--replace]``

Fills the database with realistic-looking resources so that search, listing and filter queries can
be timed at scale. Never run it against a production database. Everything it makes is
recognisable by the slug prefix ``synthetic-``: resources are ``synthetic-<n>`` and organisations
are ``synthetic-org-<nn>``. ``--replace`` first deletes those rows, and only those (topics,
audiences and regions are shared vocabulary and are kept). ``--replace --resources 0`` removes
all synthetic data.

The text is built from the vocabulary of the field with deliberately uneven word frequencies, so
that a benchmark can query a common word ("torture" and "survivors" are in about half the rows), a
rarer one ("interpreters", "telehealth"), a very rare one ("photovoice", "sociotherapy",
"odontology", "falanga": a few rows in 10,000), a phrase ("Istanbul Protocol", "vicarious trauma")
and a prefix ("istan", "rehab"). The same ``--seed`` gives the same resources.
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
from resources.models import Audience, Region, Resource, TaggedResource, Topic

PREFIX = "synthetic-"
ORG_PREFIX = f"{PREFIX}org-"
NUMBERED_SLUG = rf"^{PREFIX}[0-9]+$"

# --- Vocabulary -----------------------------------------------------------------------------------

TOPICS = [
    # (name, weight): a few topics are on many resources, most on few.
    ("Torture rehabilitation", 30),
    ("Trauma-focused therapy", 20),
    ("Mental health", 18),
    ("Psychosocial support", 14),
    ("Asylum evaluation", 10),
    ("Istanbul Protocol", 8),
    ("Forensic documentation", 8),
    ("Working with interpreters", 7),
    ("Children and adolescents", 7),
    ("Families", 6),
    ("Group therapy", 6),
    ("Vicarious trauma", 5),
    ("Staff care", 5),
    ("Case management", 5),
    ("Monitoring and evaluation", 5),
    ("Telehealth", 4),
    ("Refugees", 8),
    ("Detention", 4),
    ("Human rights", 6),
    ("Prevention of torture", 4),
    ("Legal advocacy", 4),
    ("Gender-based violence", 4),
    ("Sexual violence", 3),
    ("LGBTQI+ survivors", 2),
    ("Physical therapy", 3),
    ("Chronic pain", 3),
    ("Sleep", 2),
    ("Substance use", 2),
    ("Primary care", 3),
    ("PTSD", 6),
    ("Complex PTSD", 3),
    ("Depression and anxiety", 3),
    ("Grief and loss", 2),
    ("Resilience", 3),
    ("Cultural humility", 3),
    ("Community-based approaches", 3),
    ("Clinical supervision", 2),
    ("Research methods", 2),
    ("Ethics", 2),
    ("Funding and sustainability", 2),
]

REGIONS = [
    # (slug, name, kind, ISO code)
    ("global", "Global", Region.Kind.REGION, ""),
    ("africa", "Africa", Region.Kind.REGION, ""),
    ("asia-pacific", "Asia-Pacific", Region.Kind.REGION, ""),
    ("europe", "Europe", Region.Kind.REGION, ""),
    ("latin-america", "Latin America", Region.Kind.REGION, ""),
    ("middle-east-and-north-africa", "Middle East and North Africa", Region.Kind.REGION, ""),
    ("north-america", "North America", Region.Kind.REGION, ""),
    ("united-states", "United States", Region.Kind.COUNTRY, "US"),
    ("denmark", "Denmark", Region.Kind.COUNTRY, "DK"),
    ("lebanon", "Lebanon", Region.Kind.COUNTRY, "LB"),
    ("uganda", "Uganda", Region.Kind.COUNTRY, "UG"),
    ("colombia", "Colombia", Region.Kind.COUNTRY, "CO"),
    ("ukraine", "Ukraine", Region.Kind.COUNTRY, "UA"),
    ("philippines", "Philippines", Region.Kind.COUNTRY, "PH"),
]

# Invented organisations: "<place> <type>", 60 of them, the same in every run.
ORG_PLACES = [
    "Northbridge", "Harbourview", "Cedar Valley", "Riverside", "Stonegate", "Lakemont",
    "Westmarch", "Eastfield", "Silverbay", "Oakridge", "Brightwater", "Highmoor",
    "Fernhill", "Greystone", "Amberlee",
]  # fmt: skip
ORG_TYPES = [
    ("Centre for Survivors of Torture", Organization.Kind.TREATMENT_CENTRE),
    ("Trauma Recovery Network", Organization.Kind.NETWORK),
    ("Institute for Human Rights and Health", Organization.Kind.ACADEMIC),
    ("Rehabilitation Alliance", Organization.Kind.INTERNATIONAL_NGO),
]

KINDS = [
    (Resource.Kind.WEBINAR, 24),
    (Resource.Kind.E_CONSULTATION, 6),
    (Resource.Kind.VIDEO, 14),
    (Resource.Kind.ON_DEMAND_TRAINING, 5),
    (Resource.Kind.E_LEARNING, 5),
    (Resource.Kind.GUIDE, 12),
    (Resource.Kind.REPORT, 10),
    (Resource.Kind.ARTICLE, 10),
    (Resource.Kind.PODCAST, 4),
    (Resource.Kind.TOOL, 5),
    (Resource.Kind.EVENT, 5),
]
TIMED_KINDS = {Resource.Kind.WEBINAR, Resource.Kind.E_CONSULTATION, Resource.Kind.EVENT}
LANGUAGES = [("en", 85), ("fr", 6), ("es", 6), ("ar", 3)]
ACCESS = [
    (Resource.Access.FREE, 60),
    (Resource.Access.REGISTRATION, 25),
    (Resource.Access.MEMBERS, 10),
    (Resource.Access.PAID, 5),
]
TIMEZONES = [
    "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Bogota",
    "Europe/Copenhagen", "Europe/London", "Africa/Kampala", "Asia/Beirut", "Asia/Manila",
    "UTC",
]  # fmt: skip

# Titles: "<kind label>: <subject>", "<subject>: <angle>", and a few other shapes.
KIND_LABELS = {
    Resource.Kind.WEBINAR: ["Webinar", "Live webinar", "Webinar recording"],
    Resource.Kind.E_CONSULTATION: ["E-consultation", "Case consultation"],
    Resource.Kind.VIDEO: ["Video", "Short film", "Lecture"],
    Resource.Kind.ON_DEMAND_TRAINING: ["On-demand training", "Training module"],
    Resource.Kind.E_LEARNING: ["E-learning course", "Online course"],
    Resource.Kind.GUIDE: ["Guide", "Manual", "Toolkit", "Practice guide"],
    Resource.Kind.REPORT: ["Report", "Research brief", "Annual report", "Study"],
    Resource.Kind.ARTICLE: ["Article", "Practice note", "Blog"],
    Resource.Kind.PODCAST: ["Podcast", "Podcast episode"],
    Resource.Kind.TOOL: ["Tool", "Screening tool", "Checklist"],
    Resource.Kind.EVENT: ["Conference", "Symposium", "Workshop"],
}
ACTIONS = [
    "Working with", "Supporting", "Assessing", "Caring for", "Engaging", "Treating",
    "Listening to", "Serving", "Accompanying", "Building trust with",
]  # fmt: skip
# (phrase, weight): "torture survivors" and "survivors of torture" dominate on purpose.
PEOPLE = [
    ("survivors of torture", 30),
    ("torture survivors", 20),
    ("refugees and asylum seekers", 10),
    ("children and adolescents", 6),
    ("families affected by torture", 5),
    ("survivors in detention", 4),
    ("older survivors", 2),
    ("LGBTQI+ survivors", 2),
    ("interpreters", 5),
    ("frontline staff", 4),
    ("new clinicians", 3),
]
SETTINGS_ = [
    ("in trauma-focused therapy", 10),
    ("in group therapy", 6),
    ("through telehealth", 4),
    ("in low-resource settings", 6),
    ("in primary care", 5),
    ("in humanitarian settings", 5),
    ("after detention", 3),
    ("in the asylum process", 6),
    ("in the community", 5),
    ("across cultures", 5),
    ("in rehabilitation centres", 6),
]
CONCEPTS = [
    # (noun phrase for "<concept>: <angle>" titles, weight)
    ("Documenting torture under the Istanbul Protocol", 6),
    ("The Istanbul Protocol in practice", 4),
    ("Medico-legal asylum evaluations", 6),
    ("Forensic documentation of torture", 5),
    ("Vicarious trauma and staff care", 5),
    ("Case management for torture survivors", 5),
    ("Monitoring and evaluation of rehabilitation services", 5),
    ("Telehealth for trauma survivors", 4),
    ("Group therapy with survivors", 4),
    ("Psychosocial support after torture", 6),
    ("Chronic pain and the body after torture", 4),
    ("Sleep and nightmares after trauma", 3),
    ("Measuring outcomes in torture rehabilitation", 4),
    ("Narrative exposure therapy", 3),
    ("Interpreter-mediated therapy", 4),
    ("Holistic rehabilitation", 5),
    ("Prevention of torture", 3),
    ("Clinical supervision in trauma care", 3),
    ("Gender-based violence and torture", 3),
    ("Resilience and recovery", 4),
]
ANGLES = [
    "a practical guide for clinicians", "lessons from the field", "what the evidence says",
    "first steps for new staff", "common pitfalls and how to avoid them",
    "a case-based discussion", "tools for programme managers", "questions and answers",
    "ethical considerations", "building a sustainable practice", "an introduction",
    "advanced skills", "the survivor's perspective", "ten years on",
]  # fmt: skip

SUMMARY_OPENERS = [
    "This {kind} looks at {topic_lc} for {people}.",
    "An introduction to {topic_lc} for professionals who work with {people}.",
    "Practical guidance on {topic_lc} {setting}.",
    "Presenters share experience of {topic_lc} with {people} {setting}.",
    "A {kind} on {topic_lc}, drawing on work with {people}.",
    "How services can improve {topic_lc} {setting}.",
]
SUMMARY_SECONDS = [
    # (sentence, weight); "" means a one-sentence summary.
    ("", 30),
    ("It covers assessment, safety planning and referral.", 6),
    ("Participants learn how to document physical and psychological evidence of torture.", 4),
    ("It describes how to work with interpreters without losing the therapeutic relationship.", 4),
    ("Speakers discuss vicarious trauma and how teams can look after themselves.", 3),
    ("It draws on the Istanbul Protocol and recent research on rehabilitation.", 3),
    ("The session includes examples from case management and monitoring and evaluation.", 3),
    ("It considers the needs of children, families and communities.", 4),
    ("It explains how telehealth can reach survivors in remote areas.", 2),
    ("Recommendations are given for programme managers and funders.", 3),
]
BODY_SENTENCES = [
    "Survivors of torture often live with chronic pain, disturbed sleep and memories that return "
    "without warning.",
    "Rehabilitation works best when medical, psychological, social and legal support are offered "
    "together.",
    "Trust is built slowly: explain each step, ask for consent and let the survivor set the pace.",
    "Interpreters are part of the therapeutic team and need briefing, debriefing and supervision.",
    "The Istanbul Protocol sets out how to investigate and document torture and ill-treatment.",
    "A careful asylum evaluation can make the difference between protection and return.",
    "Children may show distress through behaviour, play or school difficulties rather than words.",
    "Group therapy can reduce isolation and help survivors rebuild a sense of belonging.",
    "Staff who hear accounts of torture every day are at risk of vicarious trauma and burnout.",
    "Good case management connects survivors with housing, income, health care and legal aid.",
    "Monitoring and evaluation help services learn what works and show it to funders.",
    "Telehealth has made specialist care possible where no rehabilitation centre exists.",
    "Cultural humility means asking rather than assuming what recovery looks like.",
    "Families and communities are affected too, and can be a source of strength.",
    "Documentation must be accurate, consistent and safe for the person who gives it.",
    "Trauma-focused therapy should begin only when the survivor is safe and stable enough.",
    "Physical therapy and gentle movement can ease pain held in the body after torture.",
    "Legal advocacy and the search for justice can be part of healing for some survivors.",
]
KEY_POINTS = [
    "Screening for torture at intake",
    "Safety and stabilisation first",
    "Informed consent and confidentiality",
    "Briefing and debriefing interpreters",
    "Writing a medico-legal affidavit",
    "Referral pathways and case management",
    "Self-care and supervision for staff",
    "Measuring change over time",
    "Adapting sessions for telehealth",
    "Working with parents and caregivers",
    "Recognising signs of vicarious trauma",
    "Documenting injuries and scars",
]
# Rare terms: each lands in about 1 row in 2,000 (a handful per 10,000).
RARE_SENTENCES = [
    "A short section discusses forensic odontology and dental evidence.",
    "One programme used photovoice so that participants could tell their story in pictures.",
    "The authors compare sociotherapy groups with individual counselling.",
    "Clinicians describe how they examined the feet of people subjected to falanga.",
    "A national ombudsperson explains how detention monitoring visits are organised.",
]
RARE_RATE = 0.0025

FIRST_NAMES = [
    "Amina", "Carlos", "Leila", "Johan", "Grace", "Tomás", "Nadia", "Samuel", "Mariam",
    "Pierre", "Ayşe", "David", "Fatima", "Luis", "Hannah", "Omar", "Sofia", "Kwame", "Elena",
    "Yusuf", "Ingrid", "Rahel", "Mateo", "Priya", "Daniel", "Nour", "Claire", "Joseph",
]  # fmt: skip
LAST_NAMES = [
    "Haddad", "Mendoza", "Rahimi", "Nielsen", "Okello", "García", "Karimi", "Mensah", "Dubois",
    "Demir", "Cohen", "Benali", "Ortiz", "Schmidt", "Farah", "Petrenko", "Santos", "Achieng",
    "Larsen", "Nasser", "Moreau", "Tesfaye", "Reyes", "Iyer", "Walker", "Khoury",
]  # fmt: skip
ROLES = [
    "clinical psychologist", "psychiatrist", "physician", "physiotherapist", "social worker",
    "case manager", "human rights lawyer", "programme manager", "researcher", "interpreter",
    "clinical director", "trauma therapist", "forensic doctor", "family therapist",
]  # fmt: skip

ACRONYM_WORDS = re.compile(r"[A-Z]")


def _weighted(pairs):
    """(values, cumulative weights) for ``random.choices``."""
    values = [value for value, _ in pairs]
    cumulative, total = [], 0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative


class Command(BaseCommand):
    help = (
        "Generate N synthetic published resources (slugs 'synthetic-<n>') for benchmarks. "
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
                f"Deleted {deleted} synthetic resources ({time.monotonic() - started:.1f}s)."
            )
        if resources == 0:
            self.stdout.write(f"Created 0 resources in {time.monotonic() - started:.1f}s.")
            return

        topics = self.ensure_topics()
        organizations = self.ensure_organizations()
        regions = list(self.ensure_regions())
        audiences = list(Audience.objects.values_list("pk", flat=True))

        self.rng = random.Random(seed)
        self.topic_ids = [(topic.pk, topic.name) for topic in topics]
        self.topic_cum = _weighted([(i, w) for i, (_, w) in enumerate(TOPICS)])[1]
        self.organizations = organizations
        self.region_ids = regions
        self.audience_ids = audiences
        self.now = timezone.now()
        # A fixed anchor (today, midnight UTC) keeps a seed's dates stable within a day.
        self.anchor = self.now.replace(hour=0, minute=0, second=0, microsecond=0)

        first = self.next_number()
        created = 0
        while created < resources:
            size = min(batch, resources - created)
            with transaction.atomic():
                self.create_batch(first + created, size)
            created += size
            self.stdout.write(
                f"  {created:>8} / {resources} resources ({time.monotonic() - started:.1f}s)"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Created {created} resources in {time.monotonic() - started:.1f}s.")
        )

    # --- Setup and clean-up -------------------------------------------------------------------

    def delete_synthetic(self) -> int:
        """Delete synthetic resources and organisations, and nothing else."""
        synthetic = Resource.objects.filter(slug__startswith=PREFIX)
        deleted = 0
        # In chunks of primary keys, so that the deletion collector never holds every row.
        while True:
            with transaction.atomic():
                chunk = list(synthetic.order_by("pk").values_list("pk", flat=True)[:20_000])
                if not chunk:
                    break
                _, per_model = Resource.objects.filter(pk__in=chunk).delete()
                deleted += per_model.get(Resource._meta.label, 0)
        Organization.objects.filter(slug__startswith=ORG_PREFIX).delete()
        return deleted

    def ensure_topics(self) -> list[Topic]:
        topics = []
        for name, _weight in TOPICS:
            topic = Topic.objects.filter(name__iexact=name).first()
            if topic is None:
                topic = Topic.objects.create(name=name)
            topics.append(topic)
        return topics

    def ensure_regions(self):
        for slug, name, kind, code in REGIONS:
            region = Region.objects.filter(slug=slug).first() or (
                Region.objects.filter(name=name).first()
            )
            if region is None:
                region = Region.objects.create(slug=slug, name=name, kind=kind, code=code)
            yield region.pk

    def ensure_organizations(self) -> list[tuple[int, str]]:
        """The pool of 60 synthetic organisations: (pk, name and acronym)."""
        existing = {
            org.slug: org for org in Organization.objects.filter(slug__startswith=ORG_PREFIX)
        }
        taken = set(
            Organization.objects.exclude(slug__startswith=ORG_PREFIX).values_list("name", flat=True)
        )
        pool = []
        n = 0
        for org_type, kind in ORG_TYPES:
            for place in ORG_PLACES:
                n += 1
                slug = f"{ORG_PREFIX}{n:02d}"
                name = f"{place} {org_type}"
                if name in taken:
                    name = f"{name} (synthetic)"
                org = existing.get(slug)
                if org is None:
                    org = Organization(
                        slug=slug,
                        name=name,
                        acronym="".join(ACRONYM_WORDS.findall(name))[:30],
                        kind=kind,
                        description=f"An invented organisation for benchmarks, based in {place}.",
                        status=Organization.Status.PUBLISHED,
                    )
                    org.save()
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
        rows, links = [], []
        for number in range(first, first + size):
            resource, topic_ids, org_ids, audience_ids, region_ids = self.make_resource(number)
            rows.append(resource)
            links.append((topic_ids, org_ids, audience_ids, region_ids))
        Resource.objects.bulk_create(rows, batch_size=1000)

        tagged, orgs, audiences, regions = [], [], [], []
        OrgLink = Resource.organizations.through
        AudienceLink = Resource.audiences.through
        RegionLink = Resource.regions.through
        for resource, (topic_ids, org_ids, audience_ids, region_ids) in zip(
            rows, links, strict=True
        ):
            pk = resource.pk
            tagged.extend(TaggedResource(content_object_id=pk, tag_id=t) for t in topic_ids)
            orgs.extend(OrgLink(resource_id=pk, organization_id=o) for o in org_ids)
            audiences.extend(AudienceLink(resource_id=pk, audience_id=a) for a in audience_ids)
            regions.extend(RegionLink(resource_id=pk, region_id=r) for r in region_ids)
        TaggedResource.objects.bulk_create(tagged, batch_size=5000)
        OrgLink.objects.bulk_create(orgs, batch_size=5000)
        AudienceLink.objects.bulk_create(audiences, batch_size=5000)
        RegionLink.objects.bulk_create(regions, batch_size=5000)
        Resource.objects.filter(pk__in=[r.pk for r in rows]).refresh_search_text()

    def make_resource(self, number: int):
        rng = self.rng
        kind = rng.choices(_KIND_VALUES, cum_weights=_KIND_CUM)[0]

        # Topics first: the text talks about the main one.
        count = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        picked = []
        while len(picked) < count:
            i = rng.choices(range(len(TOPICS)), cum_weights=self.topic_cum)[0]
            if i not in picked:
                picked.append(i)
        topic_ids = [self.topic_ids[i][0] for i in picked]
        main_topic = self.topic_ids[picked[0]][1]

        people = rng.choices(_PEOPLE, cum_weights=_PEOPLE_CUM)[0]
        setting = rng.choices(_SETTINGS, cum_weights=_SETTINGS_CUM)[0]
        concept = rng.choices(_CONCEPTS, cum_weights=_CONCEPTS_CUM)[0]
        kind_label = rng.choice(KIND_LABELS[kind])
        title = self.make_title(kind_label, people, setting, concept, main_topic)

        org_ids = [pk for pk, _name in rng.sample(self.organizations, rng.choice((1, 1, 1, 2)))]
        org_names = [name for pk, name in self.organizations if pk in org_ids]
        audience_ids = rng.sample(self.audience_ids, min(len(self.audience_ids), rng.randint(0, 3)))
        region_ids = rng.sample(self.region_ids, rng.choice((0, 1, 1, 1, 2)))

        summary = self.make_summary(kind_label, main_topic, people, setting)
        description = self.make_description(org_names)
        presenters = "\n".join(
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, {rng.choice(ROLES)}, "
            f"{rng.choice(org_names)}"
            for _ in range(rng.choice((1, 1, 2, 2, 3)))
        )

        # Published some time in the last ten years, more of them recently.
        age = timedelta(days=3650 * rng.random() ** 1.5, seconds=rng.randrange(86_400))
        published_at = self.anchor - age
        starts_at = ends_at = None
        tz = ""
        if kind in TIMED_KINDS and rng.random() < 0.10:
            tz = rng.choice(TIMEZONES)
            if rng.random() < 0.3:  # Upcoming: announced recently, held in the next six months.
                starts_at = self.anchor + timedelta(days=rng.randint(1, 180))
                published_at = self.anchor - timedelta(days=rng.randint(1, 60))
            else:
                starts_at = published_at + timedelta(days=rng.randint(7, 45))
                if starts_at > self.anchor:
                    starts_at = published_at
            starts_at = starts_at.replace(hour=rng.choice((8, 12, 13, 14, 15, 16)), minute=0)
            starts_at = starts_at.replace(second=0, microsecond=0)
            ends_at = starts_at + timedelta(minutes=rng.choice((60, 75, 90, 120, 480)))

        access = rng.choices(_ACCESS, cum_weights=_ACCESS_CUM)[0]
        resource = Resource(
            title=title[:300],
            slug=f"{PREFIX}{number}",
            kind=kind,
            summary=summary[:600],
            description=description,
            url=f"https://example.org/resources/{number}",
            recording_url=(
                f"https://example.org/recordings/{number}"
                if starts_at and starts_at < self.anchor and rng.random() < 0.6
                else ""
            ),
            date=(starts_at or published_at).date(),
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=tz,
            registration_url=(
                f"https://example.org/register/{number}"
                if starts_at and access == Resource.Access.REGISTRATION
                else ""
            ),
            presenters=presenters,
            language=rng.choices(_LANGUAGES, cum_weights=_LANGUAGES_CUM)[0],
            access=access,
            ce_credit=rng.random() < 0.08,
            featured=rng.random() < 0.005,
            status=Resource.Status.PUBLISHED,
            published_at=published_at,
        )
        return resource, topic_ids, org_ids, audience_ids, region_ids

    def make_title(self, kind_label, people, setting, concept, topic) -> str:
        rng = self.rng
        shape = rng.randrange(8)
        if shape <= 1:
            title = f"{kind_label}: {rng.choice(ACTIONS)} {people} {setting}"
        elif shape == 2:
            title = f"{concept}: {rng.choice(ANGLES)}"
        elif shape == 3:
            title = f"{kind_label}: {concept}"
        elif shape == 4:
            title = f"{topic} {setting}: {rng.choice(ANGLES)}"
        elif shape == 5:
            title = f"{rng.choice(ACTIONS)} {people}: {rng.choice(ANGLES)}"
        elif shape == 6:
            title = f"{concept} ({rng.randint(2015, 2025)})"
        else:
            title = f"{kind_label}: {topic.lower() if topic != 'PTSD' else topic} with {people}"
        return title[0].upper() + title[1:]

    def make_summary(self, kind_label, topic, people, setting) -> str:
        rng = self.rng
        topic_lc = topic if topic.isupper() or topic.startswith("Istanbul") else topic.lower()
        first = rng.choice(SUMMARY_OPENERS).format(
            kind=kind_label.lower(), topic_lc=topic_lc, people=people, setting=setting
        )
        second = rng.choices(_SECONDS, cum_weights=_SECONDS_CUM)[0]
        summary = f"{first} {second}".strip()
        if rng.random() < RARE_RATE:
            summary = f"{summary} {rng.choice(RARE_SENTENCES)}"
        return summary

    def make_description(self, org_names) -> str:
        rng = self.rng
        paragraphs = [" ".join(rng.sample(BODY_SENTENCES, rng.randint(2, 4)))]
        if rng.random() < 0.5:
            points = rng.sample(KEY_POINTS, rng.randint(2, 4))
            paragraphs.append("**Key points:**\n\n" + "\n".join(f"- {p}" for p in points))
        if rng.random() < 0.6:
            paragraphs.append(
                f"Produced by *{org_names[0]}*. "
                + rng.choice(BODY_SENTENCES)
                + " [More information](https://example.org/about)."
            )
        return "\n\n".join(paragraphs)


_KIND_VALUES, _KIND_CUM = _weighted(KINDS)
_PEOPLE, _PEOPLE_CUM = _weighted(PEOPLE)
_SETTINGS, _SETTINGS_CUM = _weighted(SETTINGS_)
_CONCEPTS, _CONCEPTS_CUM = _weighted(CONCEPTS)
_SECONDS, _SECONDS_CUM = _weighted(SUMMARY_SECONDS)
_LANGUAGES, _LANGUAGES_CUM = _weighted(LANGUAGES)
_ACCESS, _ACCESS_CUM = _weighted(ACCESS)
