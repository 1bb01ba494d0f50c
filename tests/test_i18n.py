"""The interface in English, French, Spanish and Arabic: language prefixes in page addresses, the
language switcher and hreflang links, right-to-left Arabic, caches that keep languages apart,
and translation catalogues that are complete and compiled."""

import datetime as dt
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation

from resources.models import Guide, GuideItem

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATED = [code for code in LANGUAGES if code != settings.LANGUAGE_CODE]


def url_in(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def gettext_in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.fixture
def content():
    org = make_organization(name="Center for Victims of Torture", acronym="CVT", slug="cvt")
    resource = make_resource(
        title="Working with interpreters", topics=["Children"], organizations=[org],
        date=dt.date(2026, 1, 15), language="en",
    )  # fmt: skip
    guide = Guide.objects.create(title="Children", slug="children", published=True)
    GuideItem.objects.create(guide=guide, resource=resource, position=1)
    return {"org": org, "resource": resource, "guide": guide}


# --- addresses ----------------------------------------------------------------------------------


def test_page_addresses_carry_the_language():
    assert url_in("en", "search:list") == "/en/resources/"
    assert url_in("fr", "search:list") == "/fr/resources/"
    assert url_in("ar", "home") == "/ar/"
    assert url_in("es", "submissions:share") == "/es/share/"
    assert url_in("es", "submissions:contact-thanks") == "/es/contact/thanks/"
    assert url_in("fr", "organizations:detail", "cvt") == "/fr/organizations/cvt/"
    assert url_in("ar", "digest", "2026-q2") == "/ar/digest/2026-q2/"


def test_files_feeds_calendars_and_exports_keep_one_address():
    for language in LANGUAGES:
        assert url_in(language, "opendata:search-feed") == "/feeds/resources/"
        assert url_in(language, "opendata:calendar", "x") == "/resources/x/calendar.ics"
        assert url_in(language, "opendata:events-ics") == "/events.ics"
        assert url_in(language, "resources:file", 1, "a.pdf") == "/files/1/a.pdf"
        assert url_in(language, "resources-csv") == "/resources.csv"
        assert url_in(language, "organizations-json") == "/organizations.json"
        assert url_in(language, "sitemap") == "/sitemap.xml"
        assert url_in(language, "robots") == "/robots.txt"
        assert url_in(language, "healthz") == "/healthz"
        assert url_in(language, "admin:index") == "/admin/"


@pytest.mark.parametrize(
    "accept,expected",
    [("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("es-419,es;q=0.9", "es"), ("ar-JO,ar;q=0.9", "ar"),
     ("de-DE,de;q=0.9", "en"), ("", "en")],
)  # fmt: skip
def test_an_unprefixed_page_address_redirects_to_the_visitors_language(client, accept, expected):
    response = client.get("/resources/?q=children&kind=webinar", HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 302
    assert response["Location"] == f"/{expected}/resources/?q=children&kind=webinar"
    assert "Accept-Language" in response["Vary"]
    assert "private" in response["Cache-Control"]  # a shared cache must not keep one for all
    assert client.get("/", HTTP_ACCEPT_LANGUAGE=accept)["Location"] == f"/{expected}/"


def test_the_language_cookie_comes_before_the_browsers_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    response = client.get("/organizations/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response["Location"] == "/ar/organizations/"


def test_a_language_chosen_against_the_browsers_is_remembered(client):
    response = client.get(url_in("es", "home"), HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "private" in response["Cache-Control"]

    # An old link without a prefix now leads to Spanish, whatever the browser says.
    assert client.get("/events/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/es/events/"


def test_no_cookie_when_the_page_is_in_the_browsers_language(client):
    response = client.get(url_in("fr", "home"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr")

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/feeds/resources/", "/events.ics", "/resources.json",
                                  "/organizations.csv", "/sitemap.xml", "/robots.txt",
                                  "/healthz"])  # fmt: skip
def test_machine_addresses_answer_without_a_prefix(client, content, path):
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="fr").status_code == 200


def test_a_missing_page_is_a_404_in_the_pages_language(client):
    response = client.get("/fr/no-such-page/")

    assert response.status_code == 404
    assert gettext_in("fr", "Page not found") in response.text
    assert '<html lang="fr" dir="ltr">' in response.text
    # The switcher still offers the other languages (their home pages); no hreflang links.
    assert '<a href="/ar/" lang="ar" hreflang="ar">' in response.text
    assert 'rel="alternate" hreflang' not in response.text


# --- every page in every language ----------------------------------------------------------------

PAGES = [
    ("home", lambda c: ("home",)),
    ("search", lambda c: ("search:list",)),
    ("resource", lambda c: ("resources:detail", c["resource"].slug)),
    ("topics", lambda c: ("search:topics",)),
    ("topic", lambda c: ("search:topic", "children")),
    ("guides", lambda c: ("resources:guides",)),
    ("guide", lambda c: ("resources:guide", "children")),
    ("events", lambda c: ("opendata:events",)),
    ("organizations", lambda c: ("organizations:list",)),
    ("organization", lambda c: ("organizations:detail", "cvt")),
    ("about", lambda c: ("about",)),
    ("open data", lambda c: ("open-data",)),
    ("digest", lambda c: ("latest-digest",)),
    ("share", lambda c: ("submissions:share",)),
    ("contact", lambda c: ("submissions:contact",)),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name,page", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_answers_in_every_language(client, content, language, name, page):
    response = client.get(url_in(language, *page(content)), follow=True)

    assert response.status_code == 200
    html = response.text
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    # The header and footer are in the page's language.
    for text in ("Share a resource", "Skip to content", "Open data"):
        assert gettext_in(language, text) in html, text
    if language != "en":
        assert ">Skip to content<" not in html


def test_the_french_home_page_speaks_french(client, content):
    html = client.get(url_in("fr", "home")).text

    assert '<button type="submit">Rechercher</button>' in html
    assert "Par où commencer" in html
    assert "Where to start" not in html


def test_the_spanish_and_arabic_search_pages_count_in_their_language(client, content):
    spanish = client.get(url_in("es", "search:list")).text
    arabic = client.get(url_in("ar", "search:list")).text

    assert "1 recurso" in spanish and "Ordenar por" in spanish
    assert "مورد واحد" in arabic  # Arabic's "one" form of its six plural forms
    assert 'dir="rtl"' in arabic


def test_arabic_plural_forms(content):
    with translation.override("ar"):
        forms = {
            n: translation.ngettext("%(counter)s resource", "%(counter)s resources", n)
            % {"counter": n}
            for n in (0, 1, 2, 3, 11, 100)
        }
    assert forms == {0: "لا توجد موارد", 1: "مورد واحد", 2: "موردان", 3: "3 موارد",
                     11: "11 مورداً", 100: "100 مورد"}  # fmt: skip


def test_choice_labels_and_dates_are_translated(client, content):
    html = client.get(url_in("fr", "resources:detail", content["resource"].slug)).text

    assert "15 janvier 2026" in html
    assert gettext_in("fr", "Video") in html  # the resource's kind
    assert "Anglais" in html  # its language
    english = url_in("en", "resources:detail", content["resource"].slug)
    assert "15 January 2026" in client.get(english).text


def test_form_labels_and_errors_are_translated(client):
    response = client.post(url_in("es", "submissions:contact"), {"name": "", "email": "x"})

    assert response.status_code == 400
    assert "Su pregunta" in response.text
    assert "Este formulario ha caducado o se ha modificado" in response.text  # no signed time


# --- the switcher and hreflang ------------------------------------------------------------------


def test_the_switcher_links_to_the_same_page_in_each_other_language(client, content):
    html = client.get(url_in("fr", "search:list"), {"q": "interpreters", "kind": "video"}).text
    switcher = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)

    links = re.findall(r'<a href="([^"]+)" lang="([^"]+)" hreflang="([^"]+)">([^<]+)</a>', switcher)
    assert links == [
        ("/en/resources/?q=interpreters&amp;kind=video", "en", "en", "English"),
        ("/es/resources/?q=interpreters&amp;kind=video", "es", "es", "Español"),
        ("/ar/resources/?q=interpreters&amp;kind=video", "ar", "ar", "العربيّة"),
    ]
    assert 'aria-current="true">Français</span>' in switcher
    for href, *_rest in links:
        assert client.get(href.replace("&amp;", "&")).status_code == 200


def test_the_switcher_keeps_a_resources_page(client, content):
    html = client.get(content["resource"].get_absolute_url()).text

    assert f'href="/ar/resources/{content["resource"].slug}/" lang="ar"' in html


def test_the_head_names_every_language_version_and_x_default(client, content):
    path = url_in("es", "search:topic", "children")
    html = client.get(path, {"page": "1"}).text

    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert alternates == {
        "en": "http://testserver/en/topics/children/",
        "fr": "http://testserver/fr/topics/children/",
        "es": "http://testserver/es/topics/children/",
        "ar": "http://testserver/ar/topics/children/",
        "x-default": "http://testserver/topics/children/",
    }
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', html) == [
        f"http://testserver{path}"
    ]


def test_the_sitemap_lists_every_language_with_alternates(client, content):
    root = ET.fromstring(client.get("/sitemap-resources.xml").content)  # noqa: S314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}

    slug = content["resource"].slug
    locations = [urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", ns)]
    assert locations == [f"/{language}/resources/{slug}/" for language in LANGUAGES]
    first = root.find("s:url", ns)
    alternates = {
        link.get("hreflang"): urlsplit(link.get("href")).path
        for link in first.findall("x:link", ns)
    }
    assert alternates == {
        **{language: f"/{language}/resources/{slug}/" for language in LANGUAGES},
        "x-default": f"/resources/{slug}/",
    }


def test_sitemap_pages_split_the_language_versions_without_reading_every_row(
    client, content, monkeypatch, django_assert_max_num_queries
):
    from opendata.sitemaps import LanguageVersions, ResourceSitemap

    versions = LanguageVersions(["a", "b", "c"], ["en", "fr"])
    assert len(versions) == 6
    assert versions[1:4] == [("a", "fr"), ("b", "en"), ("b", "fr")]
    assert versions[5] == ("c", "fr")

    for i in range(2):
        make_resource(title=f"More {i}")
    monkeypatch.setattr(ResourceSitemap, "limit", 5)  # 3 resources x 4 languages: 3 pages
    seen = []
    for page in (1, 2, 3):
        with django_assert_max_num_queries(3):
            response = client.get("/sitemap-resources.xml", {"p": page})
        root = ET.fromstring(response.content)  # noqa: S314
        seen += [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(seen) == len(set(seen)) == 12
    assert client.get("/sitemap-resources.xml", {"p": 4}).status_code == 404


# --- caches keep languages apart ----------------------------------------------------------------


def test_the_rendered_search_page_cache_keeps_languages_apart(client, content, settings):
    settings.SEARCH_PAGE_CACHE_SECONDS = 600
    caches["default"].clear()

    french = client.get(url_in("fr", "search:list"), {"q": "interpreters"}).text
    english = client.get(url_in("en", "search:list"), {"q": "interpreters"}).text
    french_again = client.get(url_in("fr", "search:list"), {"q": "interpreters"}).text

    assert 'lang="fr"' in french and "Trier par" in french
    assert 'lang="en"' in english and "Sort by" in english and "Trier par" not in english
    assert french_again == french


def test_etags_differ_between_languages(client, content):
    english = client.get(url_in("en", "resources:guides"))
    french = client.get(url_in("fr", "resources:guides"), HTTP_ACCEPT_LANGUAGE="fr")

    assert english["ETag"] != french["ETag"]
    # A French ETag never validates the English page.
    revalidated = client.get(url_in("en", "resources:guides"), HTTP_IF_NONE_MATCH=french["ETag"])
    assert revalidated.status_code == 200


def test_an_unprefixed_feed_answers_in_the_visitors_language_and_says_it_varies(client, content):
    french = client.get("/feeds/resources/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/feeds/resources/", HTTP_ACCEPT_LANGUAGE="en")

    assert "HealTorture : nouvelles ressources" in french.text
    assert "<language>fr</language>" in french.text
    assert "HealTorture: new resources" in english.text
    assert "Accept-Language" in french["Vary"]


# --- constant queries, in every language --------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize(
    "name,page,budget",
    [("search", lambda c: ("search:list",), 7),
     ("resource", lambda c: ("resources:detail", c["resource"].slug), 12),
     ("organization", lambda c: ("organizations:detail", "cvt"), 8)],
    ids=["search", "resource", "organization"],
)  # fmt: skip
def test_translated_pages_run_a_constant_number_of_queries(
    client, content, django_assert_max_num_queries, language, name, page, budget
):
    url = url_in(language, *page(content))
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    for i in range(6):
        make_resource(title=f"More {i}", topics=["Children"],
                      organizations=[content["org"], make_organization()])  # fmt: skip
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


# --- the catalogues -----------------------------------------------------------------------------


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)

    assert len(po) > 400
    assert not po.untranslated_entries()
    assert not po.fuzzy_entries()
    assert not po.obsolete_entries()
    plurals = po.metadata["Plural-Forms"]
    for entry in po:
        if entry.msgid_plural:
            expected = int(plurals.split("nplurals=")[1].split(";")[0])
            assert len(entry.msgstr_plural) == expected, entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid
        # Placeholders survive translation (a missing one would be a KeyError at render time,
        # an extra one too).
        placeholders = set(re.findall(r"%\(\w+\)s", entry.msgid + entry.msgid_plural))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                assert set(re.findall(r"%\(\w+\)s", text)) <= placeholders, entry.msgid
        if not entry.msgid_plural:
            assert set(re.findall(r"%\(\w+\)s", entry.msgstr)) == placeholders, entry.msgid


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_compiled_catalogue_matches_its_source(language):
    po = catalogue(language)
    mo = polib.mofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"))

    def messages(entries):
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            for entry in entries
            if entry.msgid
        }

    assert messages(mo) == messages(po), "run: manage.py compilemessages"


@pytest.mark.slow
def test_the_catalogues_hold_every_marked_string(tmp_path):
    """makemessages run on a copy of the project finds no message the committed catalogues
    lack (a string marked for translation and never translated)."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed: cannot extract messages here")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "*.pyc", "__pycache__", "*_cache"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "-l", "es", "-l", "ar"],
        cwd=copy,
        env={
            "PATH": "/usr/bin:/bin",
            "HEALTORTURE_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": "postgres://unused@localhost/unused",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for language in TRANSLATED:
        extracted = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        committed = {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue(language)}
        missing = [e.msgid for e in extracted if (e.msgctxt, e.msgid, e.msgid_plural)
                   not in committed]  # fmt: skip
        assert not missing, (
            f"{language}: run manage.py makemessages -l {language}, translate, compilemessages"
        )
