"""Search that meets practitioners in their own words: synonyms and acronyms, other languages,
places and their people, corrections, phrases that find nothing, partial matches, wider subjects,
organisations and the organisations they are part of, and one search behind every output."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from organizations.models import Organization
from resources.models import Resource
from thesaurus import skos
from thesaurus.models import Region

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db

NS = "https://healtorture.org/thesaurus/"
THESAURUS = f"""
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ht: <{NS}> .
@prefix topic: <{NS}topic/> .
@prefix region: <{NS}region/> .
@prefix term: <{NS}term/> .
ht:topics a skos:Collection ; skos:member topic:mental-health, topic:children .
ht:regions a skos:Collection ; skos:member region:afghanistan .
topic:mental-health a skos:Concept ;
    skos:prefLabel "Mental health"@en, "Santé mentale"@fr, "Salud mental"@es, "الصحة النفسية"@ar .
topic:children a skos:Concept ;
    skos:prefLabel "Children"@en, "Enfants"@fr, "Niños"@es, "الأطفال"@ar ;
    skos:altLabel "child"@en, "minors"@en .
term:unaccompanied-minors a skos:Concept ;
    skos:prefLabel "unaccompanied minors"@en, "mineurs non accompagnés"@fr,
        "menores no acompañados"@es, "القاصرون غير المصحوبين"@ar ;
    skos:broader topic:children .
term:ptsd a skos:Concept ;
    skos:prefLabel "post-traumatic stress disorder"@en,
        "trouble de stress post-traumatique"@fr, "trastorno de estrés postraumático"@es,
        "اضطراب ما بعد الصدمة"@ar ;
    skos:altLabel "PTSD"@en, "post-traumatic stress"@en, "TSPT"@fr ;
    skos:broader topic:mental-health .
term:refugees a skos:Concept ;
    skos:prefLabel "refugees"@en, "réfugiés"@fr, "refugiados"@es, "اللاجئون"@ar .
term:forensic-documentation a skos:Concept ;
    skos:prefLabel "forensic documentation"@en, "documentation médico-légale"@fr,
        "documentación forense"@es, "التوثيق الطبي الشرعي"@ar ;
    skos:altLabel "medico-legal documentation"@en .
region:afghanistan a skos:Concept ;
    skos:prefLabel "Afghanistan"@en, "Afghanistan"@fr, "Afganistán"@es, "أفغانستان"@ar ;
    skos:altLabel "Afghan"@en, "Afghans"@en .
"""
URL = reverse("search:list")


def slugs(response) -> list[str]:
    return [resource.slug for resource in response.context["resources"]]


def page_text(response) -> str:
    return " ".join(response.text.split())


@pytest.fixture
def library():
    skos.import_skos(THESAURUS.encode(), "turtle")
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT", slug="cvt")
    project = make_organization(name="National Capacity Building Project", acronym="NCB",
                                slug="cvt-ncb")  # fmt: skip
    project.networks.add(cvt)
    items = {
        "ptsd": make_resource(
            slug="ptsd", title="Treating PTSD in torture survivors",
            summary="Evidence-based therapy for PTSD.", organizations=[project],
        ),
        "afghan": make_resource(
            slug="afghan", title="Afghans in crisis",
            summary="What Afghan survivors face in exile.",
        ),
        "kabul": make_resource(slug="kabul", title="Care after Kabul", summary="Trauma care."),
        "children": make_resource(
            slug="children", title="Identifying torture in young people",
            summary="Documenting what happened to them.", topics=["Children"],
        ),
        "forensic": make_resource(
            slug="forensic", title="Medico-legal documentation of torture",
            summary="How clinicians document torture for courts.",
        ),
        "refugee-trauma": make_resource(
            slug="refugee-trauma", title="Trauma among refugees",
            summary="Psychological trauma after flight.", organizations=[cvt],
        ),
    }  # fmt: skip
    items["kabul"].regions.add(Region.objects.get(slug="afghanistan"))
    return items


# --- Synonyms, acronyms, places, languages -------------------------------------------------------


def test_a_synonym_finds_what_the_resource_calls_it_and_the_page_says_so(client, library):
    response = client.get(URL, {"q": "post-traumatic stress"})

    assert slugs(response) == ["ptsd"]
    text = page_text(response)
    assert "Also searched for:" in text and "PTSD" in text and "TSPT" in text
    # The way back to the words as typed: nothing has them.
    exact = client.get(URL, {"q": "post-traumatic stress", "exact": "1"})
    assert slugs(exact) == []
    assert 'href="?q=post-traumatic+stress&amp;exact=1"' in response.text


def test_an_acronym_finds_the_full_name_and_the_full_name_the_acronym(client, library):
    assert slugs(client.get(URL, {"q": "ptsd"})) == ["ptsd"]
    assert slugs(client.get(URL, {"q": "post-traumatic stress disorder"})) == ["ptsd"]


def test_a_place_finds_its_people_and_the_people_their_place(client, library):
    by_place = set(slugs(client.get(URL, {"q": "afghanistan"})))
    by_people = set(slugs(client.get(URL, {"q": "afghans"})))

    # "Afghans" in the title; "kabul" only tagged with the region.
    assert by_place == by_people == {"afghan", "kabul"}


@pytest.mark.parametrize(
    "language,q,expected",
    [
        ("fr", "trauma des réfugiés", {"refugee-trauma"}),
        ("fr", "refugies", {"refugee-trauma"}),  # without accents
        ("es", "documentación forense", {"forensic"}),
        ("ar", "اضطراب ما بعد الصدمة", {"ptsd"}),
    ],
)
def test_a_query_in_the_interface_language_finds_english_resources(
    client, library, language, q, expected
):
    with translation.override(language):
        url = reverse("search:list")
    assert set(slugs(client.get(url, {"q": q}))) == expected


def test_a_concept_finds_what_is_tagged_with_its_narrower_concepts(client, library):
    library["ptsd"].topics.add("post-traumatic stress disorder")

    # "mental health" is in no text: PTSD is narrower than it.
    assert slugs(client.get(URL, {"q": "mental health"})) == ["ptsd"]


def test_a_label_added_edited_or_removed_later_changes_what_the_concept_finds(client, library):
    """Which labels a resource contains is written with the resource (a marker lexeme per
    concept); a label changed afterwards re-marks the resources it concerns."""
    from thesaurus.models import Concept, Label

    court = make_resource(slug="court", title="Preparing courtroom evidence",
                          summary="Reports for judges.")  # fmt: skip
    concept = Concept.objects.get(labels__text="forensic documentation")
    assert slugs(client.get(URL, {"q": "forensic documentation"})) == ["forensic"]

    label = Label.objects.create(concept=concept, language="en", kind="alt",
                                 text="courtroom evidence")  # fmt: skip
    assert set(slugs(client.get(URL, {"q": "forensic documentation"}))) == {"forensic", "court"}

    label.text = "judicial reports"
    label.save()
    assert slugs(client.get(URL, {"q": "forensic documentation"})) == ["forensic"]
    court.title = "Writing judicial reports"
    court.save()
    assert set(slugs(client.get(URL, {"q": "forensic documentation"}))) == {"forensic", "court"}

    label.delete()
    assert slugs(client.get(URL, {"q": "forensic documentation"})) == ["forensic"]


def test_a_label_marks_resources_in_its_own_language_only(client, library):
    """As before the markers: an English label finds English resources, a French one French."""
    make_resource(slug="fr-doc", language="fr", title="La documentation médico-légale",
                  summary="Pour les tribunaux.")  # fmt: skip
    make_resource(slug="en-doc", language="en", title="Documentation médico-légale in English",
                  summary="An English resource quoting the French name.")  # fmt: skip

    found = set(slugs(client.get(URL, {"q": "forensic documentation"})))

    assert "fr-doc" in found and "en-doc" not in found


def test_a_concept_is_matched_by_plain_lexemes_the_index_answers_alone(library):
    """Labels of several words are phrases, which the index cannot decide without reading each
    candidate's vector: in WHERE a concept is its markers (bench/NOTES.md)."""
    from django.http import QueryDict

    from search.engine import Search

    with translation.override("en"):
        plan = Search(QueryDict("q=medico-legal+documentation")).plan

    assert "LABEL_" in plan.readings.main and "CONCEPT_" in plan.readings.main
    assert "<->" not in plan.readings.main and "<" not in plan.readings.main.replace("<->", "")
    # Ranking still reads the labels themselves.
    assert "<->" in plan.readings.per_config["english"]


# --- When little matches --------------------------------------------------------------------------


def test_resources_that_match_most_of_the_words_follow_those_that_match_all(client, library):
    response = client.get(URL, {"q": "torture children courts zebra"})

    found = slugs(response)
    # Torture and children; torture and courts: rarer words than torture alone.
    assert set(found[:2]) == {"children", "forensic"}
    text = page_text(response)
    assert "Resources that match some of your words" in text
    assert "No resource matches all your words" in text
    assert slugs(client.get(URL, {"q": "torture children courts zebra", "exact": "1"})) == []


def test_a_concept_with_nothing_tagged_widens_to_broader_subjects_and_says_so(client, library):
    response = client.get(URL, {"q": "unaccompanied minors"})

    assert slugs(response) == ["children"]
    text = page_text(response)
    assert "related and wider subjects were searched too: <bdi>Children</bdi>" in text


def test_a_phrase_that_finds_nothing_falls_back_to_its_words(client, library):
    response = client.get(URL, {"q": '"torture medico-legal documentation"'})

    assert slugs(response) == ["forensic"]
    assert "No resource has those words as an exact phrase" in page_text(response)


def test_every_fallback_keeps_the_number_of_queries_bounded(
    client, library, django_assert_max_num_queries
):
    # A phrase, a typo, a concept with little tagged and four words: every step is tried.
    params = {"q": '"unaccompanied minors" torturr courts zebra'}
    with django_assert_max_num_queries(18):
        response = client.get(URL, params)
    for i in range(20):
        make_resource(title=f"Courts and torture {i}", topics=["Children"])
    with django_assert_max_num_queries(18):
        client.get(URL, params)
    assert response.status_code == 200


# --- Organisations -------------------------------------------------------------------------------


def test_an_organisation_name_and_acronym_find_its_resources_and_its_projects(client, library):
    assert set(slugs(client.get(URL, {"q": "ncb"}))) == {"ptsd"}
    # CVT's own resource and its project's.
    assert set(slugs(client.get(URL, {"q": "cvt"}))) == {"ptsd", "refugee-trauma"}
    assert set(slugs(client.get(URL, {"q": "center for victims of torture"}))) >= {
        "ptsd",
        "refugee-trauma",
    }


def test_the_parent_organisations_page_lists_its_projects_resources(client, library):
    cvt = Organization.objects.get(slug="cvt")

    page = client.get(cvt.get_absolute_url())
    directory = client.get(reverse("organizations:list"))

    assert {r.slug for r in page.context["resources"]} == {"ptsd", "refugee-trauma"}
    assert page.context["resource_count"] == 2
    counts = {o.slug: o.resource_count for o in directory.context["organizations"]}
    assert counts["cvt"] == 2 and counts["cvt-ncb"] == 1


def test_a_draft_organisation_is_never_a_facet_nor_found_nor_a_filter(client, library):
    draft = make_organization(name="Secret Draft Centre", acronym="SDC", slug="secret-draft",
                              status=Organization.Status.DRAFT)  # fmt: skip
    library["afghan"].organizations.add(draft)

    response = client.get(URL)
    assert "Secret Draft Centre" not in response.text
    assert slugs(client.get(URL, {"q": "secret draft centre", "exact": "1"})) == []
    assert client.get(URL, {"organization": "secret-draft"}).context["search"].total == 0


# --- One search everywhere ---------------------------------------------------------------------


def test_feeds_calendars_exports_and_the_digest_find_what_the_page_finds(client, library):
    now = timezone.now()
    session = make_resource(
        slug="session", title="Live clinic on PTSD", kind=Resource.Kind.WEBINAR,
        starts_at=now + dt.timedelta(days=3), timezone="Europe/Paris", date=now.date(),
    )  # fmt: skip
    params = {"q": "post-traumatic stress"}

    page = set(slugs(client.get(URL, params)))
    assert page == {"ptsd", "session"}
    feed = client.get(reverse("opendata:search-feed"), params).text
    exported = client.get("/resources.json", params).json()
    calendar = client.get(reverse("opendata:events-ics"), params).text
    digest = client.get(reverse("digest", args=[_quarter(now)]), params)

    assert all(f"/resources/{slug}/" in feed for slug in page)
    assert {row["slug"] for row in exported["results"]} == page
    assert calendar.count("BEGIN:VEVENT") == 1 and session.title in calendar
    assert "Live clinic on PTSD" in digest.text and "Treating PTSD" in digest.text
    assert "Afghans in crisis" not in digest.text


def _quarter(moment) -> str:
    return f"{moment.year}-q{(moment.month - 1) // 3 + 1}"


def test_a_label_that_a_word_of_the_same_term_covers_is_not_searched_again():
    """ "acts of torture" can only match what "torture" matches: the index looks up less."""
    import json

    from search.readings import _alternatives

    found = _alternatives(json.dumps([
        "'tortur'", "'act' <-> 'tortur'", "'tortur' <-> 'victim'", "'cvt'",
        "'post-traumat' <-> 'post' <-> 'traumat'", "", "'tortur'",
    ]))  # fmt: skip

    assert found == "('tortur') | ('cvt') | ('post-traumat' <-> 'post' <-> 'traumat')"
