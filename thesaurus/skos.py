"""SKOS in and out (Turtle or RDF/XML, with rdflib), so that a library can load an existing
thesaurus and take ours.

- Concepts are ``skos:Concept`` resources; ``skos:prefLabel``, ``skos:altLabel`` and
  ``skos:hiddenLabel`` give their labels, ``skos:broader`` / ``skos:narrower`` and
  ``skos:related`` their links, ``skos:notation`` and ``skos:definition`` the rest.
- Acronyms are written as ``skos:altLabel`` (what any SKOS tool reads) and also as ``ht:acronym``,
  declared a sub-property of it; on the way in, an alternative label written in capitals ("PTSD")
  is an acronym too.
- Our collections ``ht:topics``, ``ht:audiences``, ``ht:regions`` and ``ht:organizations`` say
  which concepts are topics, audiences, regions or organisations; the last segment of such a
  concept's URI is the slug of its topic (region...).

An import is all or nothing. A file that cannot be parsed, a concept with two preferred labels in
one language, two concepts with the same preferred label in one language, a link to a concept
that exists nowhere, or broader links that go round in a circle: the import is refused with a
message that names the concepts, and nothing is written.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from . import index
from .merge import find_cycle
from .models import Concept, Label

FORMATS = {"turtle": "text/turtle", "xml": "application/rdf+xml"}
EXTENSIONS = {"turtle": "ttl", "xml": "rdf"}
ACRONYM_RE = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z0-9&./+-]{2,15}$")
# Which of our collections holds the concepts of each kind.
COLLECTIONS = {
    Concept.Kind.TOPIC: "topics",
    Concept.Kind.AUDIENCE: "audiences",
    Concept.Kind.REGION: "regions",
    Concept.Kind.ORGANIZATION: "organizations",
}
COLLECTION_NAMES = {
    "topics": {"en": "Topics", "fr": "Thèmes", "es": "Temas", "ar": "المواضيع"},
    "audiences": {"en": "Audiences", "fr": "Publics", "es": "Destinatarios",
                  "ar": "الفئات المستهدفة"},
    "regions": {"en": "Countries and regions", "fr": "Pays et régions",
                "es": "Países y regiones", "ar": "البلدان والمناطق"},
    "organizations": {"en": "Organisations", "fr": "Organisations", "es": "Organizaciones",
                      "ar": "المنظمات"},
}  # fmt: skip

SCHEME_NAMES = {"en": "HealTorture thesaurus", "fr": "Thésaurus HealTorture",
                "es": "Tesauro HealTorture", "ar": "مكنز HealTorture"}  # fmt: skip

# Sent after an import has written its concepts, inside its transaction: the apps whose rows are
# concepts link them (a topic concept to the topic with its slug, creating it if need be).
concepts_imported = Signal()  # sender=Concept, concepts=list[Concept]


class SkosError(ValueError):
    """The file is refused; the message says why, for a person."""


def namespace() -> Namespace:
    return Namespace(settings.THESAURUS_NAMESPACE)


# --- export -------------------------------------------------------------------------------------


def export_graph() -> Graph:
    ht = namespace()
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dct", DCTERMS)
    graph.bind("ht", ht)
    for kind in Concept.Kind.values:  # our URIs are <namespace><kind>/<slug>
        graph.bind(kind, Namespace(f"{ht}{kind}/"))
    scheme = ht.scheme
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    for language, text in SCHEME_NAMES.items():
        graph.add((scheme, SKOS.prefLabel, Literal(text, lang=language)))
    graph.add((ht.acronym, RDF.type, RDF.Property))
    graph.add((ht.acronym, RDFS.subPropertyOf, SKOS.altLabel))
    graph.add((ht.acronym, RDFS.label, Literal("acronym or abbreviation", lang="en")))
    for name, labels in COLLECTION_NAMES.items():
        graph.add((ht[name], RDF.type, SKOS.Collection))
        for language, text in labels.items():
            graph.add((ht[name], SKOS.prefLabel, Literal(text, lang=language)))
    concepts = Concept.objects.prefetch_related("labels", "broader", "related")
    for concept in concepts:
        node = URIRef(concept.uri)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        if concept.kind in COLLECTIONS:
            graph.add((ht[COLLECTIONS[concept.kind]], SKOS.member, node))
        for label in concept.labels.all():
            literal = Literal(label.text, lang=label.language)
            if label.kind == Label.Kind.PREFERRED:
                graph.add((node, SKOS.prefLabel, literal))
            elif label.kind == Label.Kind.HIDDEN:
                graph.add((node, SKOS.hiddenLabel, literal))
            else:
                graph.add((node, SKOS.altLabel, literal))
                if label.kind == Label.Kind.ACRONYM:
                    graph.add((node, ht.acronym, literal))
        if concept.notation:
            graph.add((node, SKOS.notation, Literal(concept.notation)))
        if concept.definition:
            graph.add((node, SKOS.definition, Literal(concept.definition, lang="en")))
        for broader in concept.broader.all():
            graph.add((node, SKOS.broader, URIRef(broader.uri)))
            graph.add((URIRef(broader.uri), SKOS.narrower, node))
        for related in concept.related.all():
            graph.add((node, SKOS.related, URIRef(related.uri)))
        if not concept.broader.all():
            graph.add((scheme, SKOS.hasTopConcept, node))
            graph.add((node, SKOS.topConceptOf, scheme))
    return graph


def export(fmt: str = "turtle") -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}")
    return export_graph().serialize(format=fmt, encoding="utf-8")


# --- import -------------------------------------------------------------------------------------


@dataclass
class ParsedConcept:
    uri: str
    kind: str | None = None  # None: not in one of our collections
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (language, kind, text)
    broader: set[str] = field(default_factory=set)
    related: set[str] = field(default_factory=set)
    # Concepts outside the file that this one is broader than (skos:narrower to them).
    narrower_outside: set[str] = field(default_factory=set)
    notation: str = ""
    definition: str = ""


@dataclass
class ImportResult:
    created: int
    updated: int
    concepts: list[Concept]

    @property
    def unchanged(self) -> int:
        return len(self.concepts) - self.created - self.updated


def parse(data: bytes, fmt: str) -> dict[str, ParsedConcept]:
    """The concepts of a SKOS file, checked on their own (not yet against the database)."""
    if fmt not in FORMATS:
        raise SkosError(f"Unknown format {fmt!r}: use Turtle or RDF/XML.")
    graph = Graph()
    try:
        graph.parse(data=data, format=fmt)
    except Exception as error:  # rdflib raises many kinds; each means the same to the moderator
        name = "Turtle" if fmt == "turtle" else "RDF/XML"
        detail = " ".join(str(error).split())[:300]
        raise SkosError(f"The file is not valid {name}: {detail}") from error
    ht = namespace()
    concepts = {
        str(node): ParsedConcept(str(node))
        for node in graph.subjects(RDF.type, SKOS.Concept)
        if isinstance(node, URIRef)
    }
    if not concepts:
        raise SkosError("The file holds no skos:Concept.")
    kinds = {ht[name]: kind for kind, name in COLLECTIONS.items()}
    for collection, kind in kinds.items():
        for member in graph.objects(collection, SKOS.member):
            if str(member) in concepts:
                concepts[str(member)].kind = kind
    acronyms = {(str(s), str(o)) for s, o in graph.subject_objects(ht.acronym)}
    for uri, concept in concepts.items():
        node = URIRef(uri)
        preferred: dict[str, str] = {}
        seen: set[tuple[str, str]] = set()
        for predicate, kind in [(SKOS.prefLabel, Label.Kind.PREFERRED),
                                (SKOS.altLabel, Label.Kind.ALTERNATIVE),
                                (ht.acronym, Label.Kind.ACRONYM),
                                (SKOS.hiddenLabel, Label.Kind.HIDDEN)]:  # fmt: skip
            for literal in sorted(graph.objects(node, predicate), key=str):
                text = " ".join(str(literal).split())
                language = (getattr(literal, "language", None) or "en").lower()
                if not text or len(text) > 200 or len(language) > 10:
                    raise SkosError(f"{uri} has a label that is empty or too long: “{text[:60]}”.")
                if kind == Label.Kind.PREFERRED:
                    if language in preferred:
                        raise SkosError(
                            f"{uri} has two preferred labels in “{language}”: "
                            f"“{preferred[language]}” and “{text}”."
                        )
                    preferred[language] = text
                label_kind = kind
                if kind == Label.Kind.ALTERNATIVE and (
                    (uri, str(literal)) in acronyms or ACRONYM_RE.match(text)
                ):
                    label_kind = Label.Kind.ACRONYM
                if (language, text.casefold()) in seen:
                    continue  # an acronym is also an altLabel; a label given twice counts once
                seen.add((language, text.casefold()))
                concept.labels.append((language, label_kind, text))
        if not preferred:
            raise SkosError(f"{uri} has no preferred label (skos:prefLabel).")
        for broader in graph.objects(node, SKOS.broader):
            concept.broader.add(str(broader))
        for narrower in graph.objects(node, SKOS.narrower):
            if str(narrower) in concepts:
                concepts[str(narrower)].broader.add(uri)
            else:  # a concept already in the thesaurus gets this one as a broader concept
                concept.narrower_outside.add(str(narrower))
        for related in graph.objects(node, SKOS.related):
            concept.related.add(str(related))
        for notation in graph.objects(node, SKOS.notation):
            concept.notation = str(notation)[:50]
        definitions = {
            getattr(d, "language", None): str(d) for d in graph.objects(node, SKOS.definition)
        }
        concept.definition = definitions.get("en") or next(iter(definitions.values()), "")
    return concepts


def check(concepts: dict[str, ParsedConcept]) -> None:
    """Check the file's concepts against each other and against the thesaurus as it is."""
    owners: dict[tuple[str, str], str] = {}
    for uri, concept in concepts.items():
        for language, kind, text in concept.labels:
            if kind != Label.Kind.PREFERRED:
                continue
            key = (language, text.casefold())
            if key in owners:
                raise SkosError(
                    f"“{text}” is the preferred {language} label of two concepts: {owners[key]} "
                    f"and {uri}."
                )
            owners[key] = uri
    existing = Label.objects.filter(kind=Label.Kind.PREFERRED).exclude(concept__uri__in=concepts)
    for language, text, uri in existing.values_list("language", "text", "concept__uri"):
        key = (language, text.casefold())
        if key in owners:
            raise SkosError(
                f"“{text}” is the preferred {language} label of {owners[key]} in the file and of "
                f"{uri} in the thesaurus."
            )
    known = set(concepts)
    referenced = {t for c in concepts.values() for t in links(c)} - known
    in_database = set(Concept.objects.filter(uri__in=referenced).values_list("uri", flat=True))
    for uri, concept in concepts.items():
        for target in sorted(links(concept) - known - in_database):
            raise SkosError(
                f"{uri} is linked to {target}, which is neither in the file nor in the thesaurus."
            )
    # Broader links after the import: the file's for its concepts, the database's for the others.
    parents: dict[str, set[str]] = defaultdict(set)
    for narrower, broader in Concept.broader.through.objects.exclude(
        from_concept__uri__in=concepts
    ).values_list("from_concept__uri", "to_concept__uri"):
        parents[narrower].add(broader)
    for uri, concept in concepts.items():
        parents[uri] = set(concept.broader)
    for uri, concept in concepts.items():
        for narrower in concept.narrower_outside:
            parents[narrower].add(uri)
    cycle = find_cycle(parents)
    if cycle:
        raise SkosError("Broader links go round in a circle: " + " → ".join(cycle) + ".")


def links(concept: ParsedConcept) -> set[str]:
    return concept.broader | concept.related | concept.narrower_outside


def import_skos(data: bytes, fmt: str, *, user=None, history: bool = True) -> ImportResult:
    """Write the file's concepts: each concept found by its URI is replaced by the file's version
    of it (labels, links, notation), the others are created; a concept the file gives as it is
    already is left alone. All or nothing. With ``history``, the concepts changed are recorded
    in their history (a revision with the moderator's name)."""
    concepts = parse(data, fmt)
    check(concepts)
    revision = reversion.create_revision() if history else contextlib.nullcontext()
    with transaction.atomic(), revision:
        existing = {
            concept.uri: concept
            for concept in Concept.objects.filter(uri__in=list(concepts)).prefetch_related(
                "labels", "broader"
            )
        }
        rows: dict[str, Concept] = {}
        changed: list[str] = []
        new: list[Concept] = []
        for uri, parsed in concepts.items():
            concept = existing.get(uri)
            kind = parsed.kind or (concept.kind if concept else Concept.Kind.TERM)
            if concept is None:
                concept = Concept(uri=uri)
                new.append(concept)
            elif _same(concept, parsed, kind):
                rows[uri] = concept
                continue
            concept.kind, concept.notation, concept.definition = (
                kind,
                parsed.notation,
                parsed.definition,
            )
            concept.updated_at = timezone.now()
            rows[uri] = concept
            changed.append(uri)
        Concept.objects.bulk_create(new)
        Concept.objects.bulk_update(
            [rows[uri] for uri in changed if rows[uri] not in new],
            ["kind", "notation", "definition", "updated_at"],
        )
        created = len(new)
        # Replace the labels of the concepts that changed: first remove them all, so that a
        # preferred label may move from one concept of the file to another.
        with connection.cursor() as cursor:  # in one statement, without a signal per label
            cursor.execute(
                "DELETE FROM thesaurus_label WHERE concept_id = ANY(%s)",
                [[rows[uri].pk for uri in changed]],
            )
        Label.objects.bulk_create(
            [
                Label(concept=rows[uri], language=language, kind=kind, text=text)
                for uri in changed
                for language, kind, text in concepts[uri].labels
            ]
        )
        targets = Concept.objects.in_bulk(
            list({t for c in concepts.values() for t in links(c)}), field_name="uri"
        )
        targets.update(rows)
        # Links, written straight to the join tables (one statement each, not one per concept).
        Broader, Related = Concept.broader.through, Concept.related.through
        Broader.objects.filter(from_concept__in=[rows[uri] for uri in changed]).delete()
        broader = [
            Broader(from_concept_id=rows[uri].pk, to_concept_id=targets[t].pk)
            for uri in changed
            for t in concepts[uri].broader
        ] + [
            Broader(from_concept_id=targets[narrower].pk, to_concept_id=rows[uri].pk)
            for uri, parsed in concepts.items()
            for narrower in parsed.narrower_outside
        ]
        Broader.objects.bulk_create(broader, ignore_conflicts=True)
        related = [
            Related(from_concept_id=a.pk, to_concept_id=b.pk)
            for uri, parsed in concepts.items()
            for t in parsed.related
            for a, b in [(rows[uri], targets[t]), (targets[t], rows[uri])]
            if a.pk != b.pk
        ]
        Related.objects.bulk_create(related, ignore_conflicts=True)
        if history:
            for uri in changed:
                reversion.add_to_revision(rows[uri])
            if user is not None and user.is_authenticated:
                reversion.set_user(user)
            reversion.set_comment(f"Imported from a SKOS file ({len(changed)} concepts changed).")
        concepts_imported.send(sender=Concept, concepts=list(rows.values()))
        if changed or broader or related:
            index.changed()
    return ImportResult(created, len(changed) - created, list(rows.values()))


def _same(concept: Concept, parsed: ParsedConcept, kind: str) -> bool:
    labels = {(label.language, label.kind, label.text) for label in concept.labels.all()}
    broader = {c.uri for c in concept.broader.all()}
    return (
        concept.kind == kind
        and concept.notation == parsed.notation
        and concept.definition == parsed.definition
        and labels == set(parsed.labels)
        and broader == parsed.broader
    )
