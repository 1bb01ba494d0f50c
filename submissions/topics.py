"""The topics a submitter typed, mapped to the thesaurus by a moderator.

A typed topic never becomes a public topic by itself: the submission page shows, for each term,
the topics and concepts whose labels (in any language) it matches, and the moderator links one,
makes a concept of the thesaurus a topic, or creates a topic (a new concept) for the term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from common.audit import log_action
from resources.models import Resource
from thesaurus.index import current
from thesaurus.models import Concept, Topic
from thesaurus.text import words

SEPARATORS = re.compile(r"[,;\n]+")


@dataclass
class TermMapping:
    """One typed term: the topics it names, and concepts it names that are not topics yet."""

    term: str
    topics: list[Topic] = field(default_factory=list)
    concepts: list[tuple[int, str]] = field(default_factory=list)  # (concept id, English name)
    linked: set[int] = field(default_factory=set)  # ids of its topics the resource already has


def proposed_terms(text: str) -> list[str]:
    seen, terms = set(), []
    for part in SEPARATORS.split(text or ""):
        term = " ".join(part.split())[:100]
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms


def map_terms(text: str, resource: Resource) -> list[TermMapping]:
    """What each term of ``text`` matches in the thesaurus (whole term first, else the concepts
    named inside it)."""
    thesaurus = current()
    terms = proposed_terms(text)
    found: dict[str, set[int]] = {}
    for term in terms:
        ids = thesaurus.find(words(term))
        if not ids:
            for match in thesaurus.match(term.split()):
                ids |= set(match.concept_ids)
        found[term] = ids
    every = {concept_id for ids in found.values() for concept_id in ids}
    topics = {topic.concept_id: topic for topic in Topic.objects.filter(concept_id__in=every)}
    linked = set(resource.topics.values_list("pk", flat=True)) if resource.pk else set()
    mappings = []
    for term in terms:
        mapping = TermMapping(term)
        for concept_id in sorted(found[term]):
            topic = topics.get(concept_id)
            if topic is not None:
                mapping.topics.append(topic)
                if topic.pk in linked:
                    mapping.linked.add(topic.pk)
            elif thesaurus.concepts[concept_id].kind in {Concept.Kind.TOPIC, Concept.Kind.TERM}:
                mapping.concepts.append((concept_id, thesaurus.name(concept_id, "en")))
        mappings.append(mapping)
    return mappings


def link(resource: Resource, topic: Topic, user) -> None:
    """Tag the resource with ``topic`` and say so in its history."""
    with transaction.atomic():
        resource.topics.add(topic)
        _log(resource, user, f"Linked the topic “{topic.name}” that the submitter proposed.")


def make_topic(resource: Resource, user, *, concept: Concept | None = None, term: str = ""):
    """A topic for an existing concept (named after its English label), or for a new term (a new
    concept); then link it. Returns the topic."""
    with transaction.atomic():
        if concept is not None:
            topic = Topic.objects.filter(concept=concept).first()
            if topic is None:
                name = current().name(concept.pk, "en") or term
                topic = Topic.objects.filter(name__iexact=name).first() or Topic(name=name)
                topic.concept = concept
                topic.save()
                if concept.kind == Concept.Kind.TERM:
                    Concept.objects.filter(pk=concept.pk).update(kind=Concept.Kind.TOPIC)
        else:
            topic = Topic.objects.filter(name__iexact=term).first()
            if topic is None:  # named as topics are: "Sleep hygiene", not "sleep hygiene"
                topic = Topic.objects.create(name=term[:1].upper() + term[1:])
        link(resource, topic, user)
    return topic


def _log(resource: Resource, user, message: str) -> None:
    log_action(user, [resource], message)
