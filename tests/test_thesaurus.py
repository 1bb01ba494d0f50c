"""The thesaurus: SKOS in and out, curation in the admin (labels, merges, history), topics in the
visitor's language, and the topics submitters type mapped by moderators."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from rdflib import Graph
from rdflib.compare import isomorphic

from resources.models import Resource
from submissions.models import Submission
from thesaurus import skos
from thesaurus.models import Concept, Label, Region, Topic

from .factories import make_resource

pytestmark = pytest.mark.django_db

NS = "https://healtorture.org/thesaurus/"
PREFIXES = f"""
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ht: <{NS}> .
@prefix topic: <{NS}topic/> .
@prefix region: <{NS}region/> .
@prefix term: <{NS}term/> .
"""
STARTER = (
    PREFIXES
    + """
ht:topics a skos:Collection ; skos:member topic:mental-health .
ht:regions a skos:Collection ; skos:member region:afghanistan .

topic:mental-health a skos:Concept ;
    skos:prefLabel "Mental health"@en, "Santé mentale"@fr, "Salud mental"@es, "الصحة النفسية"@ar ;
    skos:altLabel "psychological wellbeing"@en .
term:ptsd a skos:Concept ;
    skos:prefLabel "post-traumatic stress disorder"@en,
        "trouble de stress post-traumatique"@fr, "trastorno de estrés postraumático"@es,
        "اضطراب ما بعد الصدمة"@ar ;
    skos:altLabel "PTSD"@en, "post-traumatic stress"@en, "TSPT"@fr, "TEPT"@es ;
    skos:hiddenLabel "post traumatic stres"@en ;
    skos:broader topic:mental-health .
region:afghanistan a skos:Concept ;
    skos:prefLabel "Afghanistan"@en, "Afghanistan"@fr, "Afganistán"@es, "أفغانستان"@ar ;
    skos:altLabel "Afghan"@en, "Afghans"@en, "afganos"@es ;
    skos:notation "AF" .
"""
)


def load(text: str = STARTER, fmt: str = "turtle") -> skos.ImportResult:
    return skos.import_skos(text.encode(), fmt)


def labels(uri: str) -> set[tuple[str, str, str]]:
    return set(Label.objects.filter(concept__uri=uri).values_list("language", "kind", "text"))


# --- SKOS in and out ----------------------------------------------------------------------------


def test_an_import_writes_concepts_labels_links_and_the_rows_they_are():
    result = load()

    assert (result.created, result.updated) == (3, 0)
    ptsd = Concept.objects.get(uri=f"{NS}term/ptsd")
    assert ("en", "acronym", "PTSD") in labels(ptsd.uri)  # a capitalised altLabel is an acronym
    assert ("fr", "acronym", "TSPT") in labels(ptsd.uri)
    assert ("en", "alt", "post-traumatic stress") in labels(ptsd.uri)  # not an acronym
    assert ("en", "hidden", "post traumatic stres") in labels(ptsd.uri)
    assert [c.uri for c in ptsd.broader.all()] == [f"{NS}topic/mental-health"]
    # Concepts of our collections are the topic and region with their slug (created here).
    topic = Topic.objects.get(slug="mental-health")
    assert topic.name == "Mental health" and topic.concept.uri == f"{NS}topic/mental-health"
    region = Region.objects.get(slug="afghanistan")
    assert (region.code, region.kind, region.concept.notation) == ("AF", "country", "AF")


def test_importing_the_same_file_again_changes_nothing():
    load()
    first = dict(Concept.objects.values_list("uri", "updated_at"))

    result = load()

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert dict(Concept.objects.values_list("uri", "updated_at")) == first


def test_an_export_imported_into_an_empty_thesaurus_gives_the_same_thesaurus():
    load()
    exported = skos.export("turtle")
    Concept.objects.all().delete()
    Topic.objects.all().delete()

    load(exported.decode())

    assert isomorphic(
        Graph().parse(data=exported, format="turtle"),
        Graph().parse(data=skos.export("turtle"), format="turtle"),
    )


def test_rdf_xml_goes_out_and_comes_back():
    load()
    exported = skos.export("xml")
    assert exported.startswith(b"<?xml")
    Label.objects.filter(concept__uri=f"{NS}term/ptsd", text="TEPT").delete()

    load(exported.decode(), "xml")

    assert ("es", "acronym", "TEPT") in labels(f"{NS}term/ptsd")


def test_the_command_exports_and_imports_files(tmp_path):
    load()
    path = tmp_path / "ours.ttl"
    call_command("thesaurus", "export", "--output", str(path))
    assert "topic:mental-health" in path.read_text()
    Label.objects.filter(text="TSPT").delete()

    out = StringIO()
    call_command("thesaurus", "import", str(path), stdout=out)

    assert "0 created, 1 updated" in out.getvalue()  # the concept that lost a label
    (tmp_path / "bad.ttl").write_text("not turtle")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("thesaurus", "import", str(tmp_path / "bad.ttl"))


@pytest.mark.parametrize(
    "text,message",
    [
        (PREFIXES + "term:x a skos:Concept ; skos:prefLabel 'x'@en", "not valid Turtle"),
        (
            PREFIXES
            + """term:a a skos:Concept ; skos:prefLabel "A"@en ; skos:broader term:b .
            term:b a skos:Concept ; skos:prefLabel "B"@en ; skos:broader term:a .""",
            "go round in a circle",
        ),
        (
            PREFIXES
            + """term:a a skos:Concept ; skos:prefLabel "Trauma"@en .
            term:b a skos:Concept ; skos:prefLabel "trauma"@en .""",
            "is the preferred en label of two concepts",
        ),
        (
            PREFIXES + """term:a a skos:Concept ; skos:prefLabel "Trauma"@fr, "Traumatisme"@fr .""",
            "has two preferred labels in “fr”",
        ),
        (
            PREFIXES + """term:a a skos:Concept ; skos:prefLabel "A"@en ; skos:broader term:zz .""",
            "neither in the file nor in the thesaurus",
        ),
        (PREFIXES + "ht:x a skos:Collection .", "holds no skos:Concept"),
    ],
    ids=["malformed", "cycle", "duplicate preferred label", "two preferred", "unknown link", "no"],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_written(text, message):
    load()
    before = (Concept.objects.count(), Label.objects.count())

    with pytest.raises(skos.SkosError, match=message):
        load(text)

    assert (Concept.objects.count(), Label.objects.count()) == before


def test_a_preferred_label_already_held_by_a_concept_outside_the_file_is_refused():
    load()
    clash = PREFIXES + """term:other a skos:Concept ; skos:prefLabel "Mental health"@en ."""

    with pytest.raises(skos.SkosError, match=r"in the file and of .*topic/mental-health"):
        load(clash)


def test_a_cycle_through_a_concept_already_in_the_thesaurus_is_refused():
    load()
    # PTSD is narrower than mental health; making mental health narrower than PTSD closes a loop.
    loop = (
        PREFIXES
        + """topic:mental-health a skos:Concept ;
        skos:prefLabel "Mental health"@en ; skos:broader term:ptsd ."""
    )

    with pytest.raises(skos.SkosError, match="circle"):
        load(loop)


# --- Curation in the admin ----------------------------------------------------------------------


@pytest.fixture
def moderator_client(client, django_user_model):
    user = django_user_model.objects.create_user("mod", "m@example.org", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return client


def inline_post(concept: Concept, rows: list[tuple[str, str, str]], **fields) -> dict:
    existing = list(concept.labels.order_by("pk"))
    data = {
        "kind": concept.kind, "uri": concept.uri, "notation": concept.notation,
        "definition": concept.definition,
        "labels-TOTAL_FORMS": str(len(existing) + len(rows)),
        "labels-INITIAL_FORMS": str(len(existing)), "labels-MIN_NUM_FORMS": "0",
        "labels-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, label in enumerate(existing):
        data.update({f"labels-{i}-id": str(label.pk), f"labels-{i}-concept": str(concept.pk),
                     f"labels-{i}-language": label.language, f"labels-{i}-kind": label.kind,
                     f"labels-{i}-text": label.text})  # fmt: skip
    for j, (language, kind, text) in enumerate(rows, len(existing)):
        data.update({f"labels-{j}-concept": str(concept.pk), f"labels-{j}-language": language,
                     f"labels-{j}-kind": kind, f"labels-{j}-text": text})  # fmt: skip
    data.update(fields)
    return data


def test_a_moderator_adds_a_label_and_the_history_says_who(moderator_client):
    load()
    ptsd = Concept.objects.get(uri=f"{NS}term/ptsd")
    url = reverse("admin:thesaurus_concept_change", args=[ptsd.pk])

    response = moderator_client.post(url, inline_post(ptsd, [("ar", "acronym", "PTSD-AR")]))

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert ("ar", "acronym", "PTSD-AR") in labels(ptsd.uri)
    history = moderator_client.get(reverse("admin:thesaurus_concept_history", args=[ptsd.pk]))
    assert history.status_code == 200
    assert "mod" in history.text


def test_two_preferred_labels_in_one_language_are_refused_beside_the_labels(moderator_client):
    load()
    ptsd = Concept.objects.get(uri=f"{NS}term/ptsd")
    url = reverse("admin:thesaurus_concept_change", args=[ptsd.pk])

    response = moderator_client.post(url, inline_post(ptsd, [("fr", "pref", "ESPT")]))

    assert response.status_code == 200
    assert "one preferred label per language" in response.text
    assert ("fr", "pref", "ESPT") not in labels(ptsd.uri)


def test_a_broader_concept_that_would_make_a_cycle_is_refused(moderator_client):
    load()
    health = Concept.objects.get(uri=f"{NS}topic/mental-health")
    ptsd = Concept.objects.get(uri=f"{NS}term/ptsd")
    url = reverse("admin:thesaurus_concept_change", args=[health.pk])

    response = moderator_client.post(url, inline_post(health, [], broader=[str(ptsd.pk)]))

    assert response.status_code == 200
    assert "cycle" in response.text
    assert not health.broader.exists()


def test_merging_two_topics_moves_their_resources_labels_and_address(moderator_client):
    load()
    kept = Topic.objects.get(slug="mental-health")
    other = Topic.objects.create(name="Psychological health")
    Label.objects.create(concept=other.concept, language="fr", kind="pref", text="Santé psy")
    tagged = make_resource(title="Caring for the mind", topics=[other])
    url = reverse("admin:thesaurus_concept_changelist")

    response = moderator_client.post(url, {
        "action": "merge_concepts", "_selected_action": [kept.concept_id, other.concept_id],
        "post": "yes", "keep": kept.concept_id,
    })  # fmt: skip

    assert response.status_code == 302
    assert list(tagged.topics.all()) == [kept]
    assert not Topic.objects.filter(slug="psychological-health").exists()
    kept_labels = labels(f"{NS}topic/mental-health")
    assert ("en", "alt", "Psychological health") in kept_labels  # the old name still finds it
    assert ("fr", "alt", "Santé psy") in kept_labels  # a second French preferred label: alt
    # The merged topic's address leads to the one kept; searching its old name finds it.
    old = moderator_client.get(reverse("search:topic", args=["psychological-health"]))
    assert old.status_code == 301 and old["Location"].endswith("/topics/mental-health/")
    found = moderator_client.get(reverse("search:list"), {"q": "psychological health"})
    assert [r.slug for r in found.context["resources"]] == [tagged.slug]


def test_an_import_through_the_admin_writes_all_or_nothing(moderator_client):
    url = reverse("admin:thesaurus_concept_import")
    bad = SimpleUploadedFile("loop.ttl", (PREFIXES + "term:a a skos:Concept ;").encode())

    refused = moderator_client.post(url, {"file": bad})

    assert refused.status_code == 400
    assert "Nothing was imported" in refused.text and "not valid Turtle" in refused.text
    assert not Concept.objects.filter(uri__startswith=f"{NS}term/").exists()

    good = SimpleUploadedFile("starter.ttl", STARTER.encode())
    response = moderator_client.post(url, {"file": good}, follow=True)

    assert "Imported 3 concepts: 3 new, 0 updated." in response.text
    assert Concept.objects.filter(uri=f"{NS}term/ptsd").exists()


def test_the_export_downloads_turtle_and_rdf_xml(moderator_client):
    load()
    turtle = moderator_client.get(reverse("admin:thesaurus_concept_export", args=["turtle"]))
    xml = moderator_client.get(reverse("admin:thesaurus_concept_export", args=["xml"]))

    assert turtle["Content-Type"].startswith("text/turtle")
    assert "attachment" in turtle["Content-Disposition"]
    assert "skos:prefLabel" in turtle.text
    assert xml["Content-Type"].startswith("application/rdf+xml")


# --- Names in the visitor's language -------------------------------------------------------------


def test_topics_and_regions_show_in_the_visitors_language_with_stable_addresses(client):
    load()
    resource = make_resource(title="Trauma care", topics=["Mental health"])
    resource.regions.add(Region.objects.get(slug="afghanistan"))

    with translation.override("es"):
        detail = client.get(resource.get_absolute_url())
        topic_page = client.get(reverse("search:topic", args=["mental-health"]))
        search = client.get(reverse("search:list"))

    assert ">Salud mental</a>" in detail.text and "Afganistán" in detail.text
    assert ">Salud mental</h1>" in topic_page.text
    assert topic_page.request["PATH_INFO"] == "/es/topics/mental-health/"
    topic_facet = next(f for f in search.context["facets"] if f.name == "topic")
    assert [(c.value, c.label) for c in topic_facet.choices] == [("mental-health", "Salud mental")]


# --- What submitters type -----------------------------------------------------------------------


def test_a_typed_topic_is_mapped_by_a_moderator_never_published_by_itself(moderator_client):
    load()
    resource = make_resource(title="Proposed", status=Resource.Status.PENDING)
    submission = Submission.objects.create(
        resource=resource, proposed_topics="TSPT, mental health, sleep hygiene"
    )
    url = reverse("admin:submissions_submission_change", args=[submission.pk])
    topics_url = reverse("admin:submissions_submission_topics", args=[submission.pk])

    page = moderator_client.get(url)

    assert not Topic.objects.filter(name__iexact="sleep hygiene").exists()
    text = " ".join(page.text.split())
    assert "Make the concept “post-traumatic stress disorder” a topic and link it" in text
    assert "Link the topic “Mental health”" in text
    assert "Create the topic “sleep hygiene”" in text

    moderator_client.post(topics_url, {"topic": Topic.objects.get(slug="mental-health").pk})
    moderator_client.post(topics_url, {"concept": Concept.objects.get(uri=f"{NS}term/ptsd").pk})
    moderator_client.post(topics_url, {"create": "Sleep hygiene"})

    assert sorted(resource.topics.values_list("name", flat=True), key=str.lower) == [
        "Mental health", "post-traumatic stress disorder", "Sleep hygiene",
    ]  # fmt: skip
    assert Concept.objects.get(uri=f"{NS}term/ptsd").kind == Concept.Kind.TOPIC
    # A term nobody typed cannot be created through this door.
    moderator_client.post(topics_url, {"create": "Anything else"})
    assert not Topic.objects.filter(name="Anything else").exists()
    assert moderator_client.get(topics_url).status_code == 405
