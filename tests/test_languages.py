"""Resources in several languages: linked language versions, and search in each language."""

import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from resources.models import Resource
from search import vocabulary

from .factories import make_resource

pytestmark = pytest.mark.django_db
URL = reverse("search:list")


def titles(response) -> list[str]:
    return [r.title for r in response.context["resources"]]


def matches_with_one_config(config: str, text: str, query: str) -> bool:
    """Whether ``query`` finds ``text`` when both are read with one configuration: what search
    did before each resource was indexed in its own language."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector(%s::regconfig, %s) @@ websearch_to_tsquery(%s::regconfig, %s)",
            [config, text, config, query],
        )
        return cursor.fetchone()[0]


# --- Search in each resource's language ----------------------------------------------------------


@pytest.fixture
def multilingual():
    resources = {
        "fr": make_resource(
            title="Soins psychologiques pour les personnes torturées",
            summary="Accompagner les enfants et leurs familles.",
            language="fr",
        ),
        "es": make_resource(
            title="Documentación médica de la tortura",
            summary="Una guía para los equipos de salud.",
            language="es",
        ),
        "ar": make_resource(
            title="التعذيب والصحة النفسية",
            summary="دليل للعاملين مع الناجين",
            language="ar",
        ),
        "en": make_resource(
            title="Torture of children",
            summary="Identifying and documenting the torture of children.",
            language="en",
        ),
        "fa": make_resource(title="راهنمای مستندسازی شکنجه", summary="برای پزشکان", language="fa"),
    }
    vocabulary.refresh()
    return resources


@pytest.mark.parametrize(
    "language,text,query",
    [
        ("french", "Soins psychologiques pour les personnes torturées", "psychologie"),
        ("french", "Soins psychologiques pour les personnes torturées", "torture"),
        ("spanish", "Documentación médica de la tortura", "documentar"),
        ("arabic", "التعذيب والصحة النفسية", "تعذيب"),
    ],
)
def test_a_query_finds_a_resource_through_the_stemming_of_its_language(
    client, multilingual, language, text, query
):
    # Neither English stemming nor word-for-word matching would find it.
    assert not matches_with_one_config("english", text, query)
    assert not matches_with_one_config("simple", text, query)

    assert text in set(titles(client.get(URL, {"q": query})))


def test_english_searches_are_unchanged(client, multilingual):
    assert set(titles(client.get(URL, {"q": "documenting"}))) == {"Torture of children"}
    assert set(titles(client.get(URL, {"q": '"torture of children"'}))) == {"Torture of children"}


def test_an_exclusion_excludes_in_every_language(client, multilingual):
    results = set(titles(client.get(URL, {"q": "torture -enfants"})))
    assert "Soins psychologiques pour les personnes torturées" not in results
    assert "Torture of children" in results

    results = set(titles(client.get(URL, {"q": "torture -children"})))
    assert "Torture of children" not in results
    assert "Soins psychologiques pour les personnes torturées" in results


def test_stop_words_are_those_of_the_resources_language(client, multilingual):
    # "les" is a French stop word: the French resource is found by its other words.
    assert set(titles(client.get(URL, {"q": "les enfants"}))) == {
        "Soins psychologiques pour les personnes torturées"
    }
    # Before a prefix, stop words of the resource's language do not have to match.
    assert "Soins psychologiques pour les personnes torturées" in titles(
        client.get(URL, {"q": "les psycho"})
    )
    assert "Torture of children" in titles(client.get(URL, {"q": "the tortu"}))


def test_languages_without_a_stemmer_are_searched_word_for_word(client, multilingual):
    assert titles(client.get(URL, {"q": "شکنجه"})) == ["راهنمای مستندسازی شکنجه"]


def test_matches_are_highlighted_with_the_resources_own_stemming(client, multilingual):
    response = client.get(URL, {"q": "psychologie"})

    assert "<mark>psychologiques</mark>" in response.text


def test_a_french_title_match_ranks_above_a_summary_match(client, multilingual):
    make_resource(title="Guide pour les familles", summary="Soins psychologiques.", language="fr")

    assert titles(client.get(URL, {"q": "psychologie"})) == [
        "Soins psychologiques pour les personnes torturées",
        "Guide pour les familles",
    ]


def test_did_you_mean_knows_words_in_every_language(client, multilingual):
    response = client.get(URL, {"q": "psycologiques", "exact": "1"})
    assert response.context["search"].suggestion == "psychologiques"

    response = client.get(URL, {"q": "psycologiques"})  # confident: searched at once
    assert response.context["search"].text == "psychologiques"
    assert response.context["search"].plan.corrected_from == "psycologiques"


def test_a_search_in_another_language_runs_the_same_number_of_queries(
    client, multilingual, django_assert_max_num_queries
):
    params = {"q": "enfants torturés", "language": "fr"}
    for i in range(4):
        make_resource(title=f"Enfants torturés {i}", language="fr")
    with django_assert_max_num_queries(9):  # as in English (see test_search.py)
        client.get(URL, params)
    for i in range(30):
        make_resource(title=f"Les enfants torturés {i}", language="fr")
    with django_assert_max_num_queries(9):
        response = client.get(URL, params)
    assert response.context["search"].total == 35


def test_unpublished_resources_are_not_found_in_any_language(client, multilingual):
    make_resource(title="Brouillon sur la torture", language="fr", status=Resource.Status.DRAFT)

    assert "Brouillon sur la torture" not in titles(client.get(URL, {"q": "torture"}))


# --- Language versions ---------------------------------------------------------------------------


@pytest.fixture
def versions():
    """One guide in English, French and Spanish, and a Russian draft of it."""
    en = make_resource(title="Working with interpreters", language="en", topics=["Interpreting"])
    fr = make_resource(title="Travailler avec des interprètes", language="fr", original=en,
                       topics=["Interpreting"])  # fmt: skip
    es = make_resource(title="Trabajar con intérpretes", language="es", original=en)
    ru = make_resource(title="Работа с переводчиками", language="ru", original=en,
                       status=Resource.Status.DRAFT)  # fmt: skip
    return {"en": en, "fr": fr, "es": es, "ru": ru}


def versions_block(text: str) -> str:
    """The "Also in:" line (the page's head and language switcher have hreflang links too)."""
    match = re.search(r'<p class="versions".*?</p>', text, flags=re.S)
    return match.group(0) if match else ""


def test_the_detail_page_offers_the_other_published_versions(client, versions):
    response = client.get(versions["fr"].get_absolute_url())

    assert response.status_code == 200
    text = response.text
    assert "Also in:" in text
    assert (
        f'<a href="{versions["en"].get_absolute_url()}" hreflang="en" lang="en">English</a>' in text
    )
    assert (
        f'<a href="{versions["es"].get_absolute_url()}" hreflang="es" lang="es">Español</a>' in text
    )
    assert "Русский" not in text  # a draft is never offered
    assert versions["ru"].get_absolute_url() not in text
    assert 'hreflang="fr"' not in versions_block(text)  # not a link to itself
    # The other versions are not offered again as "more on these topics".
    assert [r.pk for r in response.context["same_topics"]] == []


def test_the_original_offers_its_versions_and_a_lone_resource_none(client, versions):
    text = client.get(versions["en"].get_absolute_url()).text
    assert 'hreflang="fr" lang="fr">Français</a>' in text
    assert 'hreflang="es" lang="es">Español</a>' in text

    lone = make_resource(title="Lone resource")
    assert "Also in:" not in client.get(lone.get_absolute_url()).text


def test_right_to_left_languages_are_marked(client, versions):
    make_resource(title="العمل مع المترجمين", language="ar", original=versions["en"])

    text = client.get(versions["en"].get_absolute_url()).text

    assert 'hreflang="ar" lang="ar" dir="rtl">العربية</a>' in text


def test_an_unpublished_original_still_links_its_published_versions(client, versions):
    Resource.objects.filter(pk=versions["en"].pk).update(status=Resource.Status.ARCHIVED)

    text = client.get(versions["fr"].get_absolute_url()).text

    assert 'hreflang="es"' in versions_block(text)
    assert 'hreflang="en"' not in versions_block(text)


def test_the_detail_page_runs_a_constant_number_of_queries(
    client, versions, django_assert_max_num_queries
):
    url = versions["fr"].get_absolute_url()
    with django_assert_max_num_queries(13) as before:
        client.get(url)
    for code in ("pt", "de", "it", "nl", "da", "tr"):
        make_resource(title=f"Version {code}", language=code, original=versions["en"])
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert versions_block(response.text).count('hreflang="') == 8


def test_the_language_filter_finds_each_version_under_its_language(client, versions):
    assert titles(client.get(URL, {"language": "fr"})) == ["Travailler avec des interprètes"]
    assert titles(client.get(URL, {"language": "es"})) == ["Trabajar con intérpretes"]
    assert titles(client.get(URL, {"language": "ru"})) == []


def test_each_version_is_a_search_result_of_its_own_showing_its_language(client, versions):
    response = client.get(URL, {"q": "interpreters OR interprètes OR intérpretes"})

    assert set(titles(response)) == {
        "Working with interpreters",
        "Travailler avec des interprètes",
        "Trabajar con intérpretes",
    }
    assert "French" in response.text and "Spanish" in response.text
    assert 'lang="fr"' in response.text


def test_linking_to_a_version_links_to_its_original(versions):
    de = make_resource(title="Arbeit mit Dolmetschern", language="de", original=versions["fr"])

    assert de.original == versions["en"]
    assert {r.title for r in versions["es"].versions()} == {
        "Working with interpreters", "Travailler avec des interprètes", "Работа с переводчиками",
        "Arbeit mit Dolmetschern",
    }  # fmt: skip


def test_a_group_that_joins_another_brings_its_versions(versions):
    pt = make_resource(title="Trabalhar com intérpretes", language="pt")
    it = make_resource(title="Lavorare con interpreti", language="it", original=pt)

    pt.original = versions["es"]
    pt.save()

    it.refresh_from_db()
    assert it.original == versions["en"]
    assert pt.original == versions["en"]


def test_deleting_the_original_keeps_the_others_linked(versions):
    versions["en"].delete()

    groups = {r.original_id or r.pk for r in Resource.objects.all()}
    assert len(groups) == 1
    versions["fr"].refresh_from_db()
    assert {r.title for r in versions["fr"].versions()} == {
        "Trabajar con intérpretes", "Работа с переводчиками"
    }  # fmt: skip


@pytest.mark.parametrize(
    "who,changes,field,message",
    [
        ("en", {"original": "en"}, "original", "cannot be a version of itself"),
        ("en", {"original": "fr"}, "original", "is already a version of this resource"),
        ("es", {"language": "fr"}, "original", "is already the French version"),
        ("en", {"language": "es"}, "language", "is already the Spanish version"),
    ],
)
def test_a_group_has_one_version_per_language(versions, who, changes, field, message):
    resource = versions[who]
    for name, value in changes.items():
        setattr(resource, name, versions[value] if name == "original" else value)

    with pytest.raises(ValidationError) as error:
        resource.full_clean()

    assert message in " ".join(error.value.message_dict[field])


# --- Admin ---------------------------------------------------------------------------------------


def test_the_admin_links_versions_with_an_autocomplete_and_lists_them(admin_client, versions):
    page = admin_client.get(reverse("admin:resources_resource_change", args=[versions["fr"].pk]))

    assert page.status_code == 200
    assert 'name="original"' in page.text
    assert "admin-autocomplete" in page.text
    for version in ("en", "es", "ru"):
        change_url = reverse("admin:resources_resource_change", args=[versions[version].pk])
        assert change_url in page.text
    assert "Draft" in page.text

    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "resources", "model_name": "resource", "field_name": "original",
         "term": "interpreters"},
    )  # fmt: skip
    assert found.status_code == 200
    assert "Working with interpreters" in found.text


def change_form_data(admin_client, url) -> dict:
    """What the admin's change form would post back unchanged."""
    from django.forms import SplitDateTimeWidget

    form = admin_client.get(url).context["adminform"].form
    data = {"files-TOTAL_FORMS": 0, "files-INITIAL_FORMS": 0, "_save": "Save"}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, SplitDateTimeWidget):
            day, time = field.widget.decompress(value)
            data[f"{name}_0"], data[f"{name}_1"] = day or "", time or ""
        elif value is not None:
            data[name] = value
    return data


def test_a_moderator_links_a_new_version_in_the_admin(admin_client, versions):
    pt = make_resource(title="Trabalhar com intérpretes", language="pt")
    url = reverse("admin:resources_resource_change", args=[pt.pk])
    data = change_form_data(admin_client, url)
    data.update(original=versions["fr"].pk, topics="")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    pt.refresh_from_db()
    assert pt.original == versions["en"]  # the original, not the version chosen

    data.update(original=versions["es"].pk, language="es")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "is already the Spanish version" in response.text
    pt.refresh_from_db()
    assert pt.language == "pt"


# --- Open data -----------------------------------------------------------------------------------


def test_the_exports_link_published_versions(client, versions):
    data = client.get(reverse("resources-json")).json()
    by_title = {r["title"]: r for r in data["results"]}

    assert by_title["Travailler avec des interprètes"]["language_versions"] == sorted(
        [versions["en"].pk, versions["es"].pk]
    )
    assert by_title["Working with interpreters"]["language_versions"] == sorted(
        [versions["fr"].pk, versions["es"].pk]
    )

    response = client.get(reverse("resources-csv"), {"language": "es"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["language_versions"] == f"{versions['en'].pk}; {versions['fr'].pk}"
    assert str(versions["ru"].pk) not in rows[0]["language_versions"].split("; ")


def test_the_open_data_page_documents_the_link_between_versions(client):
    assert "<code>language_versions</code>" in client.get(reverse("open-data")).text
