"""Is a proposed resource already listed, or already waiting for review?

The one answer for every caller: the "Share a resource" form, the moderation queue's count, a
submission's page and its "mark as a duplicate" form. A resource duplicates another when their
links are the same page (after normalising them), or when their titles say the same thing:
"Istanbul Protocol Q&A video (IRCT)" and "The Istanbul Protocol: Questions and Answers".

Titles are compared as sets of words: lower case, without accents or punctuation, without the
small words that say nothing ("the", "and", "de", "la"), without words that name a format
("video", "webinar") or the organisation behind it ("(IRCT)"), plurals folded and common
abbreviations spelled out ("Q&A" is "questions and answers"). The share of words in common is
weighed up when both have the same type or the same organisation. Two titles that both carry
numbers must carry the same ones: "Part 1" and "Part 2" are two resources.

Any number of proposals is checked in four queries, so that a list of them costs the same
whatever its length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection

from .links import title_key, url_key
from .models import Resource

# Resources a proposal can duplicate: those listed, or waiting to be.
CANDIDATE_STATUSES = (Resource.Status.PUBLISHED, Resource.Status.PENDING)
SIMILAR = 0.8  # the score from which two titles are the same resource
SAME_KIND = 0.1  # added to the share of words in common when the types are the same
SAME_ORGANIZATION = 0.1  # ... and when an organisation is the same
CANDIDATES_PER_PROPOSAL = 30  # the titles closest by words, from which the similar are kept


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


STOP_WORDS = _set(
    # English
    "a an and are as at be by can do for from how in into is it its of on or our the their "
    "this to what when where who why with you your about after before between through over "
    # French, Spanish, Portuguese
    "au aux avec ce ces dans de des du en et la le les par pour sur un une "
    "al con del e el en las los o para por sobre un una y da do das dos em na no os um uma"
)
# Words that name a format, not a subject (without accents): the type is compared on its own.
FORMAT_WORDS = _set(
    "video videos webinar webinars recording recorded podcast podcasts slides pdf "
    "webinaire webinaires enregistrement seminario grabacion"
)
# Abbreviations and their words, applied to lower-case text without accents.
ABBREVIATIONS = [
    (re.compile(r"\bq\s*(?:&|and|\+|/)\s*a\b"), " questions answers "),
    (re.compile(r"\bfaqs?\b"), " frequently asked questions "),
    (re.compile(r"\bp\s*&\s*r\b"), " questions answers "),  # "preguntas y respuestas"
    (re.compile(r"\bintro\b"), " introduction "),
    (re.compile(r"\bptsd\b"), " post traumatic stress disorder "),
    (re.compile(r"&"), " and "),
]
WORD = re.compile(r"[^\W_]+")


def _plain(text: str) -> str:
    """Lower case without accents."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _fold(word: str) -> str:
    """A plural's singular, crudely but the same way on both sides ("answers" -> "answer")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _terms(title: str) -> dict[str, set[str]]:
    """Each word of a title that says what it is about (singular), with the forms it was
    written in."""
    text = _plain(title)
    for pattern, words in ABBREVIATIONS:
        text = pattern.sub(words, text)
    terms: dict[str, set[str]] = {}
    for word in WORD.findall(text):
        if word not in STOP_WORDS and word not in FORMAT_WORDS:
            terms.setdefault(_fold(word), set()).add(word)
    return terms


def title_words(title: str) -> frozenset[str]:
    """The words of a title that say what it is about.

    >>> sorted(title_words("Istanbul Protocol Q&A video (IRCT)"))
    ['answer', 'irct', 'istanbul', 'protocol', 'question']
    """
    return frozenset(_terms(title))


def candidate_query(title: str) -> str:
    """A text search query (simple configuration) for the titles that share a word with this
    one, in any of the forms it was written in or its singular.

    >>> candidate_query("Questions on sleep")
    'question | questions | sleep'
    """
    terms = _terms(title)
    return " | ".join(sorted(set().union(*terms.values(), terms)))


def organization_keys(names: str) -> frozenset[str]:
    """Organisations as a submitter types them ("IRCT, Freedom from Torture"), comparable with
    the names and acronyms of ours."""
    return frozenset(
        " ".join(sorted(title_words(name))) for name in re.split(r"[,;\n]", names) if name.strip()
    ) - {""}


@dataclass
class Proposal:
    """What is compared: a resource, or what a visitor typed into the share form."""

    title: str = ""
    url: str = ""
    kind: str = ""
    organization_ids: frozenset[int] = frozenset()
    organizations: str = ""  # typed by a submitter, comma-separated
    pk: int | None = None
    # Filled in while comparing:
    words: frozenset[str] = field(default=frozenset(), init=False)
    organization_keys: frozenset[str] = field(default=frozenset(), init=False)

    @classmethod
    def of(cls, resource: Resource, organizations: str = "") -> Proposal:
        return cls(
            title=resource.title,
            url=resource.url,
            kind=resource.kind,
            organization_ids=frozenset(resource.organization_ids or ()),
            organizations=organizations,
            pk=resource.pk,
        )


@dataclass
class Duplicate:
    resource: Resource
    reason: str  # "link" or "title"
    score: float = 1.0

    @property
    def is_published(self) -> bool:
        return self.resource.is_published


def similarity(a: Proposal, b: Proposal) -> float:
    """How surely two titles name the same resource: the share of words in common (Dice), plus
    a little for the same type and for the same organisation; 0 when their numbers differ."""
    acronyms = {key for key in a.organization_keys | b.organization_keys if " " not in key}
    same_org = bool(
        (a.organization_ids & b.organization_ids)
        or (a.organization_keys & b.organization_keys)
        or (a.words & b.organization_keys)
        or (b.words & a.organization_keys)
    )
    words_a, words_b = a.words - acronyms, b.words - acronyms
    numbers_a = {w for w in words_a if w.isdigit()}
    numbers_b = {w for w in words_b if w.isdigit()}
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return 0.0
    if not words_a or not words_b:
        same = title_key(a.title) and title_key(a.title) == title_key(b.title)
        return 1.0 if same else 0.0
    dice = 2 * len(words_a & words_b) / (len(words_a) + len(words_b))
    return dice + SAME_KIND * bool(a.kind and a.kind == b.kind) + SAME_ORGANIZATION * same_org


def find_duplicates(
    url: str = "", title: str = "", *, kind: str = "", organizations: str = "", exclude_pk=None
) -> list[Duplicate]:
    """Published or pending resources that a proposal typed into the share form duplicates."""
    proposal = Proposal(title=title, url=url, kind=kind, organizations=organizations,
                        pk=exclude_pk)  # fmt: skip
    return compare([proposal])[0]


def duplicates_of(
    resources: list[Resource], organizations: dict[int, str] | None = None
) -> dict[int, list[Duplicate]]:
    """For each resource (by pk), the other published or pending resources it duplicates.
    ``organizations`` adds, by resource pk, the organisations its submitter typed."""
    organizations = organizations or {}
    proposals = [Proposal.of(r, organizations.get(r.pk, "")) for r in resources]
    return {r.pk: found for r, found in zip(resources, compare(proposals), strict=True)}


def compare(proposals: list[Proposal]) -> list[list[Duplicate]]:
    """For each proposal, its duplicates: same link first (certain), then the titles by how
    similar they are."""
    if not proposals:
        return []
    for proposal in proposals:
        proposal.words = title_words(proposal.title)
    link_matches = _same_links(proposals)
    title_matches = _closest_titles(proposals)
    wanted = set().union(*link_matches.values(), *title_matches.values())
    found = {
        r.pk: r
        for r in Resource.objects.filter(pk__in=wanted).only(
            "title", "url", "slug", "kind", "status", "organization_ids", "published_at"
        )
    }
    candidates = {pk: Proposal.of(resource) for pk, resource in found.items()}
    for candidate in candidates.values():
        candidate.words = title_words(candidate.title)
    _name_organizations([*proposals, *candidates.values()])
    results = []
    for n, proposal in enumerate(proposals):
        by_link = [Duplicate(found[pk], "link") for pk in link_matches.get(n, []) if pk in found]
        scored = [
            (similarity(proposal, candidates[pk]), pk)
            for pk in title_matches.get(n, [])
            if pk in found and pk not in link_matches.get(n, [])
        ]
        by_title = [
            Duplicate(found[pk], "title", round(score, 2))
            for score, pk in sorted(scored, key=lambda s: (-s[0], s[1]))
            if score >= SIMILAR
        ]
        results.append(by_link + by_title)
    return results


def _same_links(proposals: list[Proposal]) -> dict[int, list[int]]:
    keys = {n: url_key(p.url) for n, p in enumerate(proposals)}
    if not any(keys.values()):
        return {}
    rows = (
        Resource.objects.filter(url_key__in={k for k in keys.values() if k},
                                status__in=CANDIDATE_STATUSES)
        .order_by("-status", "pk")  # published before pending, then oldest first
        .values_list("pk", "url_key")
    )  # fmt: skip
    matches: dict[int, list[int]] = {}
    for pk, key in rows:
        for n, proposal in enumerate(proposals):
            if keys[n] == key and pk != proposal.pk:
                matches.setdefault(n, []).append(pk)
    return matches


def _closest_titles(proposals: list[Proposal]) -> dict[int, list[int]]:
    """Each proposal's candidates, in one statement: the resources whose search words share
    enough with its title's (see candidate_query), closest first, or whose normalised title is
    the same."""
    queries = [candidate_query(p.title) for p in proposals]
    keys = [title_key(p.title) for p in proposals]
    own = [p.pk or 0 for p in proposals]
    table = Resource._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.n - 1, c.id
            FROM unnest(%s::text[], %s::text[], %s::bigint[]) WITH ORDINALITY AS p(q, tk, own, n)
            CROSS JOIN LATERAL (
                SELECT r.id FROM {table} r
                WHERE r.status = ANY(%s) AND r.id <> p.own
                  AND ((p.q <> '' AND r.search_vector_simple @@ to_tsquery('simple', p.q))
                       OR (p.tk <> '' AND r.title_key = p.tk))
                ORDER BY r.title_key = p.tk DESC,
                         ts_rank(r.search_vector_simple, to_tsquery('simple', p.q)) DESC, r.id
                LIMIT %s
            ) c
            """,  # noqa: S608 - the table name is ours, every value a parameter
            [queries, keys, own, list(CANDIDATE_STATUSES), CANDIDATES_PER_PROPOSAL],
        )
        matches: dict[int, list[int]] = {}
        for n, pk in cursor.fetchall():
            matches.setdefault(n, []).append(pk)
    return matches


def _name_organizations(proposals: list[Proposal]) -> None:
    """Each proposal's organisations as comparable keys: the names and acronyms of those it is
    linked to (one query for all), and those its submitter typed."""
    from organizations.models import Organization

    ids = set().union(*(p.organization_ids for p in proposals))
    named = {
        pk: organization_keys(name) | organization_keys(acronym)
        for pk, name, acronym in Organization.objects.filter(pk__in=ids).values_list(
            "pk", "name", "acronym"
        )
    }
    for proposal in proposals:
        keys = organization_keys(proposal.organizations)
        for pk in proposal.organization_ids:
            keys |= named.get(pk, frozenset())
        proposal.organization_keys = frozenset(keys)
