"""The search page as a practitioner uses it: words, filters with counts, sort, pages."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from resources.models import Resource
from search import vocabulary
from thesaurus.models import Audience, Region

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db
URL = reverse("search:list")


def titles(response) -> list[str]:
    return [r.title for r in response.context["resources"]]


def facet(response, name) -> dict[str, tuple[int, bool]]:
    for f in response.context["facets"]:
        if f.name == name:
            return {c.value: (c.count, c.selected) for c in f.choices}
    return {}


@pytest.fixture
def library():
    """A small, varied set of published resources, and one of every unpublished status."""
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT", slug="cvt")
    irct = make_organization(
        name="International Rehabilitation Council for Torture Victims", acronym="IRCT",
        slug="irct",
    )  # fmt: skip
    clinicians = Audience.objects.get(slug="clinicians")
    interpreters = Audience.objects.get(slug="interpreters")
    mexico = Region.objects.create(name="Mexico", slug="mexico", code="MX")
    day = dt.date(2024, 5, 1)
    resources = {
        "protocol": make_resource(
            title="The Istanbul Protocol explained", kind=Resource.Kind.VIDEO,
            summary="Documenting torture for courts.", topics=["Istanbul Protocol"],
            organizations=[irct], date=day, language="en",
        ),
        "children": make_resource(
            title="Identifying the torture of children", kind=Resource.Kind.ON_DEMAND_TRAINING,
            summary="A four-part training for paediatric clinicians.",
            topics=["Children", "Istanbul Protocol"], organizations=[cvt],
            date=day.replace(year=2022), access=Resource.Access.REGISTRATION, ce_credit=True,
        ),
        "group": make_resource(
            title="Group work with survivors", kind=Resource.Kind.WEBINAR,
            summary="Engaging communities through group therapy.", topics=["Group work"],
            organizations=[cvt], date=day.replace(year=2017),
            recording_url="https://example.org/recording",
        ),
        "interpreting": make_resource(
            title="Working with interpreters", kind=Resource.Kind.GUIDE,
            summary="Briefing and debriefing interpreters in therapy.",
            description="How interpreters and clinicians work together in trauma therapy.",
            topics=["Interpreting"], organizations=[cvt, irct], date=day.replace(year=2020),
            language="fr",
        ),
        "upcoming": make_resource(
            title="Live e-consultation on safety planning", kind=Resource.Kind.E_CONSULTATION,
            summary="Bring your questions about client safety.", topics=["Safety"],
            organizations=[cvt], starts_at=timezone.now() + dt.timedelta(days=10),
            timezone="America/Chicago",
        ),
    }  # fmt: skip
    resources["children"].audiences.set([clinicians])
    resources["interpreting"].audiences.set([clinicians, interpreters])
    resources["protocol"].regions.set([mexico])
    for status in Resource.Status:
        if status != Resource.Status.PUBLISHED:
            make_resource(
                title=f"Unpublished Istanbul Protocol {status}", status=status,
                topics=["Istanbul Protocol", "Children"], organizations=[cvt],
            )  # fmt: skip
    vocabulary.refresh()
    return resources


# --- Words ---------------------------------------------------------------------------------------


def test_no_words_lists_every_published_resource_newest_first(client, library):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["search"].total == 5
    assert titles(response)[0] == "Live e-consultation on safety planning"
    assert "Unpublished" not in response.text


@pytest.mark.parametrize(
    "q,expected",
    [
        ("interpreters", {"Working with interpreters"}),
        ('"torture of children"', {"Identifying the torture of children"}),
        ("istanbul -children", {"The Istanbul Protocol explained"}),
        (
            "group OR safety",
            {"Group work with survivors", "Live e-consultation on safety planning"},
        ),
        ("CVT interpreters", {"Working with interpreters"}),  # organisation acronyms count
    ],
)
def test_search_syntax(client, library, q, expected):
    assert set(titles(client.get(URL, {"q": q}))) == expected


def test_a_title_match_ranks_above_a_description_match(client, library):
    assert titles(client.get(URL, {"q": "clinicians"}))[:2] == [
        "Identifying the torture of children",  # in the summary (B)
        "Working with interpreters",  # in the description (C)
    ]
    assert titles(client.get(URL, {"q": "interpreters therapy"}))[0] == "Working with interpreters"


def test_the_last_word_matches_as_a_prefix(client, library):
    assert set(titles(client.get(URL, {"q": "istan"}))) == {
        "The Istanbul Protocol explained",
        "Identifying the torture of children",
    }
    assert titles(client.get(URL, {"q": "documenting istan"})) == [
        "The Istanbul Protocol explained"
    ]
    # Not inside an unfinished phrase (as typed: a phrase that finds nothing falls back to its
    # words, and says so).
    assert titles(client.get(URL, {"q": '"istan', "exact": "1"})) == []
    response = client.get(URL, {"q": '"istan'})
    assert set(titles(response)) == {"The Istanbul Protocol explained",
                                     "Identifying the torture of children"}  # fmt: skip
    assert "No resource has those words as an exact phrase" in response.text


def test_matches_are_highlighted_and_typed_markup_is_escaped(client, library):
    make_resource(
        title="<script>alert('x')</script> Interpreters in court",
        summary="<b>bold</b> claims about interpreters",
    )

    response = client.get(URL, {"q": "interpreters"})

    assert "<mark>interpreters</mark>" in response.text
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert" in response.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in response.text


def test_a_misspelt_query_suggests_the_indexed_spelling(client, library):
    response = client.get(URL, {"q": "istambul protocol", "exact": "1"})

    assert response.context["search"].total == 0
    assert response.context["search"].suggestion == "istanbul protocol"
    assert "Did you mean" in response.text
    assert 'href="?q=istanbul+protocol&amp;exact=1"' in response.text


def test_a_confident_correction_is_searched_and_said(client, library):
    response = client.get(URL, {"q": "istambul protocol"})

    search = response.context["search"]
    assert search.text == "istanbul protocol"
    assert titles(response) == [
        "The Istanbul Protocol explained",
        "Identifying the torture of children",
    ]
    text = " ".join(response.text.split())
    assert "Showing results for <strong>istanbul protocol</strong>" in text
    # The way back: the words as typed, exactly.
    assert (
        'Search instead for <a href="?q=istambul+protocol&amp;exact=1">istambul protocol</a>'
        in text
    )
    assert search.suggestion is None


def test_a_doubtful_correction_is_only_suggested(client, library):
    """A short word, or one not close enough, is not corrected without asking."""
    response = client.get(URL, {"q": "grop work"})

    assert response.context["search"].text == "grop work"
    assert "Showing results for" not in response.text
    assert response.context["search"].suggestion == "group work"


def test_no_suggestion_when_the_query_finds_plenty(client, library):
    response = client.get(URL, {"q": "istanbul"})
    assert response.context["search"].suggestion is None


def test_the_suggestion_never_uses_unpublished_words(client, library):
    make_resource(title="Zygomatic fractures", status=Resource.Status.PENDING)
    vocabulary.refresh()

    assert client.get(URL, {"q": "zygomatik"}).context["search"].suggestion is None


def test_empty_results_explain_themselves_and_offer_ways_out(client, library):
    response = client.get(URL, {"q": "istanbul", "kind": "podcast"})

    assert response.context["search"].total == 0
    # The words found resources (the filter left none): they are not corrected nor widened.
    plan = response.context["search"].plan
    assert plan.matches > 0
    assert (plan.corrected_from, plan.widened, plan.mode) == (None, [], "all")
    assert "No resources match" in response.text
    assert "Remove a filter" in response.text
    assert reverse("search:topics") in response.text


# --- Filters and their counts --------------------------------------------------------------------


def test_kind_facet_counts_every_type_and_ticking_two_widens(client, library):
    response = client.get(URL)
    assert facet(response, "kind")["video"] == (1, False)
    assert facet(response, "kind")["webinar"] == (1, False)

    response = client.get(URL, {"kind": ["video", "webinar"]})

    assert set(titles(response)) == {"The Istanbul Protocol explained", "Group work with survivors"}
    # Counts within a facet ignore that facet's own choice, so other types still show theirs.
    assert facet(response, "kind")["guide"] == (1, False)
    assert facet(response, "kind")["video"] == (1, True)


def test_topic_filter_any_or_all(client, library):
    any_ = client.get(URL, {"topic": ["istanbul-protocol", "children"]})
    all_ = client.get(URL, {"topic": ["istanbul-protocol", "children"], "topic_mode": "all"})

    assert set(titles(any_)) == {
        "The Istanbul Protocol explained",
        "Identifying the torture of children",
    }
    assert titles(all_) == ["Identifying the torture of children"]
    assert facet(any_, "topic")["istanbul-protocol"] == (2, True)


def test_counts_of_one_facet_follow_the_other_filters(client, library):
    response = client.get(URL, {"organization": "irct"})

    assert facet(response, "topic") == {
        "istanbul-protocol": (1, False),
        "interpreting": (1, False),
    }
    assert facet(response, "organization")["cvt"] == (4, False)
    assert facet(response, "organization")["irct"] == (2, True)


def test_above_the_sample_size_facets_say_about_and_the_total_stays_exact(
    client, library, monkeypatch
):
    """Facets over very many matches are counted from a sample and the page says so; the total
    and the results are never estimated."""
    every = {"date_from": "1900-01-01"}  # a filter: counted over the matching rows
    exact = client.get(URL, every)
    monkeypatch.setattr("search.facets.FACET_SAMPLE", 2)
    caches["search"].clear()

    response = client.get(URL, every)

    search = response.context["search"]
    assert search.facets_sampled
    assert search.total == exact.context["search"].total
    assert titles(response) == titles(exact)
    assert "(about " in response.text
    assert "(about " not in exact.text
    assert not exact.context["search"].facets_sampled


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"audience": "interpreters"}, {"Working with interpreters"}),
        ({"language": "fr"}, {"Working with interpreters"}),
        ({"organization": "irct"},
         {"The Istanbul Protocol explained", "Working with interpreters"}),
        ({"region": "mexico"}, {"The Istanbul Protocol explained"}),
        ({"year": "2022"}, {"Identifying the torture of children"}),
        ({"date_from": "2020-01-01", "date_to": "2022-12-31"},
         {"Working with interpreters", "Identifying the torture of children"}),
        ({"access": "registration"}, {"Identifying the torture of children"}),
        ({"upcoming": "true"}, {"Live e-consultation on safety planning"}),
        ({"has": "recording"}, {"Group work with survivors"}),
        ({"q": "torture", "kind": "video", "organization": "irct", "year": "2024"},
         {"The Istanbul Protocol explained"}),
    ],
)  # fmt: skip
def test_each_filter(client, library, params, expected):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert set(titles(response)) == expected
    assert response.context["search"].total == len(expected)


def test_has_file_filter(client, library, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    library["group"].files.create(
        file=SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n")
    )

    response = client.get(URL, {"has": "file"})

    assert titles(response) == ["Group work with survivors"]
    assert facet(client.get(URL), "has")["file"] == (1, False)


def test_active_filters_are_listed_with_one_click_removal(client, library):
    response = client.get(URL, {"q": "torture", "kind": ["video", "webinar"], "page": "1"})

    active = response.context["active_filters"]
    assert [(f["label"], f["value"]) for f in active] == [("Type", "Video"), ("Type", "Webinar")]
    search = reverse("search:list")
    assert active[0]["remove_url"] == f"{search}?q=torture&kind=webinar"
    assert f'href="{search}?q=torture"' in response.text  # clear all keeps the words


# --- Sort and pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sort,first",
    [
        ("newest", "Live e-consultation on safety planning"),
        ("oldest", "Group work with survivors"),
        ("title", "Group work with survivors"),
    ],
)
def test_sort(client, library, sort, first):
    assert titles(client.get(URL, {"sort": sort}))[0] == first


def test_pagination_keeps_every_other_parameter(client, library):
    for i in range(25):
        make_resource(title=f"Extra webinar {i}", kind=Resource.Kind.WEBINAR)

    response = client.get(URL, {"kind": "webinar", "sort": "title"})
    next_link = re.search(r'<a rel="next" href="([^"]+)"', response.text).group(1)

    assert next_link.replace("&amp;", "&") == "?kind=webinar&sort=title&page=2"
    second = client.get(URL + next_link.replace("&amp;", "&"))
    assert len(titles(second)) == 6
    assert second.context["search"].total == 26


# --- Robustness and speed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"sort": "drop table"},
        {"kind": "nonsense"},
        {"topic": "../../etc"},
        {"year": "99999"},
        {"date_from": "not-a-date"},
        {"q": "x" * 5000},
        {"q": "!!! & | <-> :* ' \" ("},
        {"q": "\x00\x01"},
        {"topic_mode": "sideways"},
        {"upcoming": "maybe"},
        {"q": "-"},
    ],
)
def test_malformed_parameters_never_give_a_500(client, library, params):
    response = client.get(URL, params)

    assert response.status_code in {200, 400}
    assert "Resources" in response.text


def test_a_malformed_date_is_named_and_ignored(client, library):
    response = client.get(URL, {"date_from": "yesterday"})

    assert response.status_code == 400
    assert "could not be understood" in response.text
    assert response.context["search"].total == 5


def test_the_search_page_runs_a_constant_number_of_queries(
    client, library, django_assert_max_num_queries
):
    params = {"q": "torture", "kind": ["video", "webinar"], "topic": "children", "sort": "newest"}
    # The content, thesaurus and vocabulary versions, the thesaurus (when it changed), reading
    # the words, the count with the facets, the page's ids (from the narrow search rows), its
    # resources, their organisations.
    with django_assert_max_num_queries(9):
        client.get(URL, params)
    for i in range(30):
        make_resource(title=f"Torture webinar {i}", kind=Resource.Kind.WEBINAR, topics=["Children"],
                      organizations=[make_organization()])  # fmt: skip
    with django_assert_max_num_queries(9):
        response = client.get(URL, params)
    assert response.context["search"].total == 30


def test_the_search_feed_returns_what_the_page_shows(client, library):
    params = {"q": "torture", "organization": "cvt"}
    page = client.get(URL, params)
    feed = client.get(reverse("opendata:search-feed"), params)

    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/rss+xml")
    for title in titles(page):
        assert title in feed.text
    assert "Unpublished" not in feed.text


# --- Dates: the resource's own, never the day it was listed here ---------------------------------


@pytest.fixture
def listed_this_year(library):
    """Resources listed here now: a webinar of 2020, and two that give no date of their own."""
    now = timezone.now()
    return {
        "covid": make_resource(title="Rehabilitation in times of Covid-19",
                               kind=Resource.Kind.WEBINAR, published_at=now,
                               date=dt.date(2020, 6, 4)),
        "undated": make_resource(title="A guide without a date", kind=Resource.Kind.GUIDE,
                                 published_at=now),
        "undated_too": make_resource(title="A tool without a date", kind=Resource.Kind.TOOL,
                                     published_at=now - dt.timedelta(days=1)),
    }  # fmt: skip


def test_the_year_filter_uses_the_resources_own_date(client, library, listed_this_year):
    this_year = str(timezone.localdate().year)
    session_year = str(library["upcoming"].starts_at.year)  # its session's day
    response = client.get(URL)
    years = facet(response, "year")

    assert "2020" in years and years["2020"][0] == 2
    # Listed here this year, dated 2020 or not dated at all: under no year of ours.
    assert years[session_year][0] == 1
    assert sum(count for count, _selected in years.values()) == 6  # 8 resources, 2 undated
    assert set(titles(client.get(URL, {"year": "2020"}))) == {
        "Rehabilitation in times of Covid-19", "Working with interpreters",
    }  # fmt: skip
    assert titles(client.get(URL, {"year": session_year})) == [
        "Live e-consultation on safety planning"
    ]
    # A date range, too, reads the resources' own dates; words and filters count the same way.
    counted = client.get(URL, {"q": "covid OR date", "year": "2020"})
    assert len(titles(client.get(URL, {"q": "covid OR date"}))) == 3
    assert titles(counted) == ["Rehabilitation in times of Covid-19"]
    assert titles(client.get(URL, {"date_from": f"{this_year}-01-01"})) == [
        "Live e-consultation on safety planning"
    ]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_resources_without_a_date_sort_after_the_dated_ones(client, listed_this_year, sort):
    dated = {
        "newest": ["Live e-consultation on safety planning", "The Istanbul Protocol explained",
                   "Identifying the torture of children", "Rehabilitation in times of Covid-19",
                   "Working with interpreters", "Group work with survivors"],
        "oldest": ["Group work with survivors", "Working with interpreters",
                   "Rehabilitation in times of Covid-19", "Identifying the torture of children",
                   "The Istanbul Protocol explained", "Live e-consultation on safety planning"],
    }[sort]  # fmt: skip
    undated = ["A guide without a date", "A tool without a date"]
    if sort == "newest":
        undated.reverse()  # among themselves, the last listed first (by id)

    for params in ({"sort": sort}, {"sort": sort, "kind": list(Resource.Kind)}):
        response = client.get(URL, params)
        assert titles(response) == dated + undated, params
    # The same order read in pages (the statement that counts also orders the page).
    paged = [*titles(client.get(URL, {"sort": sort, "page": 1}))]
    assert paged == dated + undated
