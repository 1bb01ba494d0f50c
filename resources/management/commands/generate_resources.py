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
from resources.models import Resource, TaggedResource
from resources.signals import published_words_changed
from thesaurus.models import Audience, Region, Topic

PREFIX = "synthetic-"
ORG_PREFIX = f"{PREFIX}org-"
NUMBERED_SLUG = rf"^{PREFIX}[0-9]+$"

# --- Vocabulary -----------------------------------------------------------------------------------
#
# Word frequencies are uneven on purpose. About half the rows are "torture-focused" and say
# "torture" and (mostly) "survivors"; the other half never do. Specialised terms (interpreters,
# telehealth, Istanbul Protocol, vicarious trauma...) appear only with their topic, so each is in a
# few per cent of the rows; RARE_SENTENCES put a handful of words in about 1 row in 2,000.

TOPICS = [
    # (name, weight, phrase used in sentences, title phrases, sentence for the description)
    ("Torture rehabilitation", 30, "torture rehabilitation",
     ["Holistic rehabilitation of torture survivors", "Torture rehabilitation services"],
     "Rehabilitation after torture works best when medical, psychological, social and legal "
     "support are offered together."),
    ("Trauma-focused therapy", 20, "trauma-focused therapy",
     ["Trauma-focused therapy", "Trauma-focused cognitive behavioural therapy"],
     "Trauma-focused therapy should begin only when the person is safe and stable enough."),
    ("Mental health", 18, "mental health care",
     ["Mental health care", "Community mental health"],
     "Mental health care is more effective when it is culturally adapted and offered close to "
     "home."),
    ("Psychosocial support", 14, "psychosocial support",
     ["Psychosocial support", "Psychosocial support in crisis settings"],
     "Psychosocial support helps people rebuild routines, relationships and a sense of control."),
    ("Asylum evaluation", 10, "asylum evaluations",
     ["Medico-legal asylum evaluations", "Psychological evaluations for asylum"],
     "A careful asylum evaluation can make the difference between protection and return."),
    ("Istanbul Protocol", 8, "the Istanbul Protocol",
     ["Documenting torture under the Istanbul Protocol", "The Istanbul Protocol in practice"],
     "The Istanbul Protocol sets out how to investigate and document torture and "
     "ill-treatment."),
    ("Forensic documentation", 6, "forensic documentation",
     ["Forensic documentation of torture", "Documenting physical and psychological evidence"],
     "Forensic documentation must be accurate, consistent and safe for the person who gives it."),
    ("Working with interpreters", 6, "working with interpreters",
     ["Working with interpreters", "Interpreter-mediated therapy"],
     "Interpreters are part of the therapeutic team and need briefing, debriefing and "
     "supervision."),
    ("Children and adolescents", 6, "care for children and adolescents",
     ["Supporting children and adolescents", "Child-centred care"],
     "Children may show distress through behaviour, play or school difficulties rather than "
     "words."),
    ("Families", 5, "family work",
     ["Working with families", "Family-centred care"],
     "Families are affected too, and can be a source of strength and recovery."),
    ("Group therapy", 5, "group therapy",
     ["Group therapy", "Running therapeutic groups"],
     "Group therapy can reduce isolation and help people rebuild a sense of belonging."),
    ("Vicarious trauma", 4, "vicarious trauma",
     ["Vicarious trauma and staff care", "Preventing vicarious trauma"],
     "Staff who hear accounts of violence every day are at risk of vicarious trauma and "
     "burnout."),
    ("Staff care", 4, "staff care",
     ["Caring for the carers", "Staff wellbeing"],
     "Regular supervision, peer support and reasonable caseloads protect staff wellbeing."),
    ("Case management", 4, "case management",
     ["Case management", "Case management and referral pathways"],
     "Good case management connects people with housing, income, health care and legal aid."),
    ("Monitoring and evaluation", 4, "monitoring and evaluation",
     ["Monitoring and evaluation of rehabilitation services", "Measuring outcomes"],
     "Monitoring and evaluation help services learn what works and show it to funders."),
    ("Telehealth", 3, "telehealth",
     ["Telehealth for trauma care", "Remote therapy by video"],
     "Telehealth has made specialist care possible where no rehabilitation centre exists."),
    ("Refugees", 8, "refugee health",
     ["Refugee health", "Serving refugees and asylum seekers"],
     "Refugees often face long waits, uncertain status and separation from family."),
    ("Detention", 3, "care after detention",
     ["Health in immigration detention", "Care after detention"],
     "Detention, even without physical violence, can leave lasting psychological harm."),
    ("Human rights", 5, "a human rights approach",
     ["Health and human rights", "A human rights approach to care"],
     "A human rights approach puts dignity, participation and accountability at the centre of "
     "care."),
    ("Prevention of torture", 3, "the prevention of torture",
     ["Prevention of torture", "Monitoring places of detention to prevent torture"],
     "Independent monitoring of places of detention is one of the best ways to prevent "
     "torture."),
    ("Legal advocacy", 3, "legal advocacy",
     ["Legal advocacy", "Strategic litigation and reparation"],
     "Legal advocacy and the search for justice can be part of healing for some clients."),
    ("Gender-based violence", 3, "responses to gender-based violence",
     ["Responding to gender-based violence", "Gender-based violence in conflict"],
     "Gender-based violence calls for safe, confidential and survivor-centred responses."),
    ("Sexual violence", 2, "care after sexual violence",
     ["Care after sexual violence", "Sexual violence against men and boys"],
     "Disclosure of sexual violence may come late, and only when trust is established."),
    ("LGBTQI+ survivors", 2, "support for LGBTQI+ survivors",
     ["Supporting LGBTQI+ survivors", "Sexual and gender minorities in exile"],
     "LGBTQI+ survivors may face rejection from their own communities as well as from the "
     "state."),
    ("Physical therapy", 3, "physiotherapy",
     ["Physiotherapy and the body", "Physical rehabilitation"],
     "Physiotherapy and gentle movement can ease pain held in the body."),
    ("Chronic pain", 3, "chronic pain",
     ["Chronic pain", "Living with chronic pain"],
     "Chronic pain is common and is best treated with a combination of physical and "
     "psychological care."),
    ("Sleep", 2, "sleep problems",
     ["Sleep and nightmares", "Treating insomnia after trauma"],
     "Disturbed sleep and nightmares are among the most common complaints and often improve "
     "with treatment."),
    ("Substance use", 2, "substance use",
     ["Substance use and trauma", "Harm reduction"],
     "Alcohol and other substances are sometimes used to cope with intrusive memories."),
    ("Primary care", 3, "trauma-informed primary care",
     ["Trauma-informed primary care", "Screening in primary care"],
     "General practitioners are often the first professionals to hear about past violence."),
    ("PTSD", 5, "PTSD",
     ["Understanding PTSD", "Treating PTSD"],
     "Post-traumatic stress disorder is treatable, though recovery may take time."),
    ("Complex PTSD", 2, "complex PTSD",
     ["Complex PTSD", "Complex trauma beyond PTSD"],
     "Complex PTSD adds difficulties with emotions, self-image and relationships to the core "
     "symptoms."),
    ("Depression and anxiety", 3, "depression and anxiety",
     ["Depression and anxiety", "Treating depression after trauma"],
     "Depression and anxiety often accompany post-traumatic symptoms and need treatment in their "
     "own right."),
    ("Grief and loss", 2, "grief and loss",
     ["Grief and ambiguous loss", "Living with loss"],
     "Many clients grieve people who disappeared and whose fate is still unknown."),
    ("Resilience", 3, "resilience",
     ["Resilience and recovery", "Strengths-based approaches"],
     "Recovery builds on the strengths, skills and beliefs people bring with them."),
    ("Cultural humility", 3, "cultural humility",
     ["Cultural humility", "Working across cultures"],
     "Cultural humility means asking rather than assuming what recovery looks like."),
    ("Community-based approaches", 3, "community-based rehabilitation",
     ["Community-based rehabilitation", "Working with communities"],
     "Community-based approaches reach people who would never come to a clinic."),
    ("Clinical supervision", 2, "clinical supervision",
     ["Clinical supervision", "Reflective supervision"],
     "Clinical supervision gives staff a safe space to reflect on difficult cases."),
    ("Research methods", 2, "research methods",
     ["Research with trauma-affected populations", "Ethical research methods"],
     "Research with trauma-affected people needs careful consent procedures and follow-up "
     "support."),
    ("Ethics", 2, "professional ethics",
     ["Ethical dilemmas in practice", "Dual loyalty and professional ethics"],
     "Health professionals may face dual loyalty between their employer and their patient."),
    ("Funding and sustainability", 2, "sustainable funding",
     ["Funding and sustainability", "Building a sustainable service"],
     "Diverse funding and strong partnerships help services last through funding cuts."),
]  # fmt: skip

# Text that says "torture" or "survivor" goes only into torture-focused rows.
TORTURE_WORDS = re.compile(r"tortur|surviv", re.IGNORECASE)


def _is_torture_text(*texts: str) -> bool:
    return any(TORTURE_WORDS.search(text) for text in texts)


# Topic indexes a row that is not torture-focused may use.
NEUTRAL_TOPICS = [
    i
    for i, (name, _w, phrase, titles, sentence) in enumerate(TOPICS)
    if not _is_torture_text(name, phrase, sentence, *titles)
]

PEOPLE_TORTURE = [
    ("survivors of torture", 30),
    ("torture survivors", 20),
    ("survivors of torture and their families", 6),
    ("survivors of torture in detention", 3),
    ("older survivors of torture", 2),
]
PEOPLE_NEUTRAL = [
    ("refugees and asylum seekers", 15),
    ("trauma-affected communities", 8),
    ("people seeking asylum", 8),
    ("displaced families", 6),
    ("frontline staff", 6),
    ("new clinicians", 5),
    ("young people", 3),
    ("children and adolescents", 3),
    ("interpreters", 2),
]
SETTINGS_ = [
    ("in trauma-focused therapy", 8),
    ("in low-resource settings", 6),
    ("in primary care", 5),
    ("in humanitarian settings", 5),
    ("after detention", 3),
    ("in the asylum process", 6),
    ("in the community", 5),
    ("across cultures", 5),
    ("in rehabilitation centres", 6),
    ("in mental health services", 6),
    ("in exile", 3),
    ("through telehealth", 1),
]
ACTIONS = [
    "Working with", "Supporting", "Assessing", "Caring for", "Engaging", "Treating",
    "Listening to", "Serving", "Accompanying", "Building trust with",
]  # fmt: skip
ANGLES = [
    "a practical guide for clinicians", "lessons from the field", "what the evidence says",
    "first steps for new staff", "common pitfalls and how to avoid them",
    "a case-based discussion", "tools for programme managers", "questions and answers",
    "ethical considerations", "building a sustainable practice", "an introduction",
    "advanced skills", "the client's perspective", "ten years on",
]  # fmt: skip

SUMMARY_OPENERS = [
    "This {kind} looks at {topic} for {people}.",
    "An introduction to {topic} for professionals who work with {people}.",
    "Practical guidance on {topic} {setting}.",
    "Practitioners share their experience of {topic} with {people} {setting}.",
    "A {kind} on {topic}, drawing on work with {people}.",
    "What services have learned about {topic} {setting}.",
]
SUMMARY_SECONDS = [
    # (sentence, weight); "" makes a one-sentence summary.
    ("", 30),
    ("It covers assessment, safety planning and referral.", 6),
    ("Recommendations are given for programme managers and funders.", 4),
    ("It draws on recent research and years of practice.", 5),
    ("Participants receive a certificate of attendance.", 2),
    ("It is suitable for staff who are new to the field.", 4),
    ("All case examples are anonymised.", 3),
]
BODY_TORTURE = [
    "Survivors of torture often live with chronic pain, disturbed sleep and memories that return "
    "without warning.",
    "Torture aims to break a person's identity; rehabilitation aims to restore it.",
    "Many survivors of torture never tell anyone what happened to them.",
    "Services for torture survivors should explain each step, ask for consent and let the "
    "survivor set the pace.",
    "The effects of torture reach families and whole communities.",
    "Staff who listen to accounts of torture need supervision and support of their own.",
]
BODY_NEUTRAL = [
    "Trust is built slowly: explain each step, ask for consent and let the client set the pace.",
    "The session combines short presentations with discussion of real cases.",
    "Practitioners from several countries describe what has worked in their services.",
    "Examples come from clinics, community programmes and outreach teams.",
    "Participants are invited to reflect on their own practice.",
    "Slides and a reading list are available afterwards.",
    "The approach is trauma-informed and adapted to each person's culture and language.",
    "Safety, stability and a predictable routine come before any work on memories.",
    "Good practice depends on clear roles, respectful communication and reliable follow-up.",
    "The evidence base is growing but still small, and more research is needed.",
    "Rehabilitation is a long process and setbacks are normal.",
    "Mental health needs are assessed alongside physical health, housing and legal status.",
]
KEY_POINTS = [
    "Assessment at intake",
    "Safety and stabilisation first",
    "Informed consent and confidentiality",
    "Referral pathways",
    "Self-care for staff",
    "Measuring change over time",
    "Working with parents and caregivers",
    "Writing clear reports",
    "Setting goals together",
    "Ending therapy well",
]
# Rare words: each of these sentences lands in about 1 row in 2,000.
RARE_SENTENCES = [
    "A short section discusses forensic odontology and dental evidence.",
    "One programme used photovoice so that participants could tell their story in pictures.",
    "The authors compare sociotherapy groups with individual counselling.",
    "Clinicians describe how they examined the feet of people subjected to falanga.",
    "A national ombudsperson explains how monitoring visits are organised.",
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
    "case manager", "human rights lawyer", "programme manager", "researcher",
    "clinical director", "trauma therapist", "forensic doctor", "family therapist",
]  # fmt: skip

# The pool of 60 invented organisations, the same in every run: "<place> <type>".
ORG_PLACES = [
    "Northbridge", "Harbourview", "Cedar Valley", "Riverside", "Stonegate", "Lakemont",
    "Westmarch", "Eastfield", "Silverbay", "Oakridge", "Brightwater", "Highmoor",
    "Fernhill", "Greystone", "Amberlee",
]  # fmt: skip
ORG_TYPES = [
    ("Trauma Recovery Centre", Organization.Kind.TREATMENT_CENTRE),
    ("Health and Human Rights Network", Organization.Kind.NETWORK),
    ("Institute for Refugee Health", Organization.Kind.ACADEMIC),
    ("Rehabilitation Alliance", Organization.Kind.INTERNATIONAL_NGO),
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
TORTURE_FOCUSED_RATE = 0.5
TIMED_RATE = 0.10  # Share of webinars, e-consultations and events with a start time.
UPCOMING_RATE = 0.3  # Share of those that are still to come.


def _cumulative(pairs) -> tuple[list, list[int]]:
    """(values, cumulative weights) for ``random.choices``."""
    values, cumulative, total = [], [], 0
    for value, weight in pairs:
        values.append(value)
        total += weight
        cumulative.append(total)
    return values, cumulative


_KINDS = _cumulative(KINDS)
_PEOPLE = {True: _cumulative(PEOPLE_TORTURE), False: _cumulative(PEOPLE_NEUTRAL)}
_SETTINGS = _cumulative(SETTINGS_)
_SECONDS = _cumulative(SUMMARY_SECONDS)
_LANGUAGES = _cumulative(LANGUAGES)
_ACCESS = _cumulative(ACCESS)
_TOPICS = {
    True: _cumulative((i, topic[1]) for i, topic in enumerate(TOPICS)),
    False: _cumulative((i, TOPICS[i][1]) for i in NEUTRAL_TOPICS),
}
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
        """(pk, name) of every topic in TOPICS, created if missing."""
        topics = []
        for name, *_rest in TOPICS:
            topic, _ = Topic.objects.get_or_create(name__iexact=name, defaults={"name": name})
            topics.append((topic.pk, topic.name))
        return topics

    def ensure_regions(self) -> list[int]:
        region_ids = []
        for slug, name, kind, code in REGIONS:
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
        for n, (org_type, kind, place) in enumerate(
            ((t, k, p) for t, k in ORG_TYPES for p in ORG_PLACES), start=1
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
        rng = self.rng
        torture = rng.random() < TORTURE_FOCUSED_RATE
        kind = self.choose(_KINDS)
        kind_label = rng.choice(KIND_LABELS[kind])

        topic_count = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        picked: list[int] = []
        while len(picked) < topic_count:
            i = self.choose(_TOPICS[torture])
            if i not in picked:
                picked.append(i)
        main = TOPICS[picked[0]]
        people = self.choose(_PEOPLE[torture])
        setting = self.choose(_SETTINGS)
        if setting.removeprefix("in ") in main[2]:  # Not "trauma-focused therapy in trauma-..."
            setting = "in practice"

        orgs = rng.sample(self.organizations, rng.choice((1, 1, 1, 2)))
        org_names = [name for _pk, name in orgs]

        title = self.make_title(kind_label, rng.choice(main[3]), people, setting)
        summary = self.make_summary(kind_label, main[2], people, setting)
        description = self.make_description(torture, picked, org_names[0])
        presenters = "\n".join(
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, {rng.choice(ROLES)}, "
            f"{rng.choice(org_names)}"
            for _ in range(rng.choice((1, 1, 2, 2, 3)))
        )

        # Published in the last ten years, more of them recently.
        age = timedelta(days=3650 * rng.random() ** 1.5, seconds=rng.randrange(86_400))
        published_at = self.anchor - age
        starts_at = ends_at = None
        session_tz = ""
        if kind in TIMED_KINDS and rng.random() < TIMED_RATE:
            session_tz = rng.choice(TIMEZONES)
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
        access = self.choose(_ACCESS)

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
            language=self.choose(_LANGUAGES),
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
        rng = self.rng
        shape = rng.randrange(8)
        if shape <= 1:  # "Webinar: Working with interpreters in trauma-focused therapy"
            title = f"{kind_label}: {rng.choice(ACTIONS)} {people} {setting}"
        elif shape == 2:
            title = f"{subject}: {rng.choice(ANGLES)}"
        elif shape == 3:
            title = f"{kind_label}: {subject}"
        elif shape == 4:
            title = f"{subject} {setting}"
        elif shape == 5:
            title = f"{rng.choice(ACTIONS)} {people}: {rng.choice(ANGLES)}"
        elif shape == 6:
            title = f"{subject} ({rng.randint(2015, 2025)})"
        else:
            title = f"{kind_label}: {subject} with {people}"
        return title

    def make_summary(self, kind_label: str, topic: str, people: str, setting: str) -> str:
        rng = self.rng
        first = rng.choice(SUMMARY_OPENERS).format(
            kind=kind_label.lower(), topic=topic, people=people, setting=setting
        )
        summary = f"{first[0].upper()}{first[1:]} {self.choose(_SECONDS)}".strip()
        if rng.random() < RARE_RATE:
            summary = f"{summary} {rng.choice(RARE_SENTENCES)}"
        return summary

    def make_description(self, torture: bool, topics: list[int], organization: str) -> str:
        """A few sentences of Markdown: the topics' own sentences, general ones, key points."""
        rng = self.rng
        sentences = [TOPICS[i][4] for i in topics[:2]]
        sentences += rng.sample(BODY_NEUTRAL, rng.randint(1, 3))
        if torture:
            sentences.insert(0, rng.choice(BODY_TORTURE))
        paragraphs = [" ".join(sentences)]
        if rng.random() < 0.4:
            points = rng.sample(KEY_POINTS, rng.randint(2, 4))
            paragraphs.append("**Key points:**\n\n" + "\n".join(f"- {p}" for p in points))
        if rng.random() < 0.5:
            paragraphs.append(
                f"Produced by *{organization}*. [More information](https://example.org/about)."
            )
        return "\n\n".join(paragraphs)
