"""RSS 2.0 and Atom 1.0 feeds: valid, published items only, the same items as the pages they
follow, enclosures for files, and a constant number of queries."""

import datetime as dt
import json
import re
from xml.etree import ElementTree

import feedparser
import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization
from resources.models import Guide, GuideItem, Resource

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def content(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT", slug="cvt")
    hidden_org = make_organization(
        name="Hidden Draft Org", slug="hidden", status=Organization.Status.DRAFT
    )
    now = timezone.now()
    manual = make_resource(
        title="Interpreting in torture treatment",
        kind=Resource.Kind.GUIDE,
        topics=["Children", "Interpreters"],
        organizations=[cvt, hidden_org],
        published_at=now - dt.timedelta(days=1),
    )
    manual.files.create(file=SimpleUploadedFile("manual.pdf", PDF), position=0)
    manual.files.create(file=SimpleUploadedFile("slides.pdf", PDF + b"more"), position=1)
    webinar = make_resource(
        title="Group work with tortured children",
        kind=Resource.Kind.WEBINAR,
        topics=["Children"],
        organizations=[cvt],
        published_at=now - dt.timedelta(days=2),
    )
    other = make_resource(
        title="Legal standards & the Istanbul Protocol",
        kind=Resource.Kind.REPORT,
        topics=["Documentation"],
        published_at=now - dt.timedelta(days=3),
    )
    pending = make_resource(
        title="Secret pending webinar",
        topics=["Children"],
        organizations=[cvt],
        status=Resource.Status.PENDING,
    )
    draft = make_resource(title="Secret draft report", topics=["Children"], organizations=[cvt],
                          status=Resource.Status.DRAFT)  # fmt: skip
    guide = Guide.objects.create(title="Children", slug="children-guide", published=True)
    for position, resource in enumerate([other, pending, manual, webinar]):
        GuideItem.objects.create(guide=guide, resource=resource, position=position)
    hidden_guide = Guide.objects.create(title="Unfinished", slug="unfinished", published=False)
    GuideItem.objects.create(guide=hidden_guide, resource=manual)
    return {
        "cvt": cvt, "manual": manual, "webinar": webinar, "other": other, "pending": pending,
        "draft": draft, "guide": guide, "hidden_guide": hidden_guide,
    }  # fmt: skip


FEEDS = [
    ("search-feed", []),
    ("topic-feed", ["children"]),
    ("organization-feed", ["cvt"]),
    ("guide-feed", ["children-guide"]),
]
ALL_FEEDS = [(name + suffix, args) for name, args in FEEDS for suffix in ("", "-atom")]
IDS = [name for name, _args in ALL_FEEDS]


def parse(response):
    assert response.status_code == 200, response.status_code
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def links(parsed) -> list[str]:
    return [entry.link for entry in parsed.entries]


def absolute(resource) -> str:
    return f"http://testserver{resource.get_absolute_url()}"


@pytest.mark.parametrize("name,args", ALL_FEEDS, ids=IDS)
def test_every_feed_is_valid_and_holds_only_published_resources(client, content, name, args):
    response = client.get(reverse(f"opendata:{name}", args=args))
    parsed = parse(response)

    expected_type = "application/atom+xml" if name.endswith("atom") else "application/rss+xml"
    assert response["Content-Type"].startswith(expected_type)
    assert parsed.version == ("atom10" if name.endswith("atom") else "rss20")
    assert parsed.entries
    assert absolute(content["manual"]) in links(parsed)
    for secret in ("Secret pending", "Secret draft", "Hidden Draft Org"):
        assert secret not in response.text
    # Every entry has what a reader shows.
    for entry in parsed.entries:
        assert entry.title and entry.link.startswith(f"http://testserver{reverse('search:list')}")
        assert entry.summary
        assert entry.published_parsed
        if name.endswith("atom"):
            assert "updated" in entry


def test_the_latest_feed_lists_the_newest_published_first(client, content):
    parsed = parse(client.get(reverse("opendata:search-feed")))

    assert links(parsed) == [absolute(content[k]) for k in ("manual", "webinar", "other")]
    assert parsed.feed.title == "HealTorture: new resources"
    assert parsed.feed.link == f"http://testserver{reverse('search:list')}"


@pytest.mark.parametrize("feed", ["search-feed", "search-feed-atom"])
@pytest.mark.parametrize(
    "params",
    [{}, {"q": "children"}, {"topic": "children", "kind": "webinar"}, {"organization": "cvt"},
     {"q": "torture", "topic": "children", "sort": "title", "page": "1"}],
)  # fmt: skip
def test_a_search_feed_holds_the_items_of_the_search_page(client, content, feed, params):
    page = client.get(reverse("search:list"), params)
    parsed = parse(client.get(reverse(f"opendata:{feed}"), params))

    shown = {absolute(resource) for resource in page.context["resources"]}
    assert shown  # the comparison means something
    assert set(links(parsed)) == shown


def test_a_search_feed_links_back_to_its_search(client, content):
    parsed = parse(client.get(reverse("opendata:search-feed-atom"), {"q": "children"}))

    assert parsed.feed.link == f"http://testserver{reverse('search:list')}?q=children"
    assert "children" in parsed.feed.title
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link == "http://testserver/feeds/resources/atom/?q=children"


def test_entries_carry_authors_categories_and_dates(client, content):
    for name in ("search-feed", "search-feed-atom"):
        parsed = parse(client.get(reverse(f"opendata:{name}")))
        entry = next(e for e in parsed.entries if e.link == absolute(content["manual"]))

        assert entry.title == "Interpreting in torture treatment"
        assert entry.summary == content["manual"].summary
        assert [a.name for a in entry.authors] == ["Center for Victims of Torture"]
        assert {tag.term for tag in entry.tags} == {"Children", "Interpreters"}
        published = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
        assert abs(published - content["manual"].published_at) < dt.timedelta(seconds=1)


def test_text_with_markup_characters_survives_both_formats(client, content):
    for name in ("search-feed", "search-feed-atom"):
        parsed = parse(client.get(reverse(f"opendata:{name}")))
        entry = next(e for e in parsed.entries if e.link == absolute(content["other"]))
        assert entry.title == "Legal standards & the Istanbul Protocol"


def test_rss_carries_the_first_file_as_its_enclosure_and_atom_all_files(client, content):
    files = list(content["manual"].files.all())

    rss = parse(client.get(reverse("opendata:search-feed")))
    atom = parse(client.get(reverse("opendata:search-feed-atom")))

    for parsed, expected in ((rss, files[:1]), (atom, files)):
        entry = next(e for e in parsed.entries if e.link == absolute(content["manual"]))
        enclosures = [link for link in entry.links if link.rel == "enclosure"]
        assert [e.href for e in enclosures] == [
            f"http://testserver{f.get_absolute_url()}" for f in expected
        ]
        for enclosure, attached in zip(enclosures, expected, strict=True):
            assert int(enclosure.length) == attached.size > 0
            assert enclosure.type == "application/pdf"
        other = next(e for e in parsed.entries if e.link == absolute(content["webinar"]))
        assert not [link for link in other.links if link.rel == "enclosure"]


def test_an_enclosure_can_be_downloaded(client, content):
    parsed = parse(client.get(reverse("opendata:search-feed")))
    entry = next(e for e in parsed.entries if e.link == absolute(content["manual"]))
    href = next(link.href for link in entry.links if link.rel == "enclosure")

    response = client.get(href.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_topic_and_organisation_feeds_hold_their_resources(client, content):
    topic = parse(client.get(reverse("opendata:topic-feed", args=["children"])))
    assert links(topic) == [absolute(content["manual"]), absolute(content["webinar"])]
    assert topic.feed.title == "HealTorture: Children"
    assert topic.feed.link == f"http://testserver{reverse('search:topic', args=['children'])}"

    narrowed = parse(client.get(reverse("opendata:topic-feed", args=["children"]),
                                {"kind": "webinar"}))  # fmt: skip
    assert links(narrowed) == [absolute(content["webinar"])]

    organization = parse(client.get(reverse("opendata:organization-feed-atom", args=["cvt"])))
    assert links(organization) == [absolute(content["manual"]), absolute(content["webinar"])]
    assert "Center for Victims of Torture" in organization.feed.title


def test_a_guide_feed_lists_its_published_resources_in_the_guide_order(client, content):
    for name in ("guide-feed", "guide-feed-atom"):
        parsed = parse(client.get(reverse(f"opendata:{name}", args=["children-guide"])))
        assert links(parsed) == [absolute(content[k]) for k in ("other", "manual", "webinar")]
        guide = reverse("resources:guide", args=["children-guide"])
        assert parsed.feed.link == f"http://testserver{guide}"


@pytest.mark.parametrize(
    "name,slug",
    [("topic-feed", "no-such-topic"), ("organization-feed", "no-such-org"),
     ("organization-feed", "hidden"), ("guide-feed", "no-such-guide"),
     ("guide-feed", "unfinished")],
)  # fmt: skip
def test_feeds_of_unknown_or_unpublished_things_are_not_found(client, content, name, slug):
    for suffix in ("", "-atom"):
        assert client.get(reverse(f"opendata:{name}{suffix}", args=[slug])).status_code == 404


def test_a_resource_leaves_every_feed_when_it_is_unpublished(client, content):
    content["manual"].status = Resource.Status.ARCHIVED
    content["manual"].save()

    for name, args in ALL_FEEDS:
        response = client.get(reverse(f"opendata:{name}", args=args))
        assert "Interpreting in torture treatment" not in response.text, name


@pytest.mark.parametrize("name,args", ALL_FEEDS, ids=IDS)
def test_feeds_run_a_constant_number_of_queries(
    client, content, django_assert_max_num_queries, name, args
):
    url = reverse(f"opendata:{name}", args=args)
    # A topic's feed is titled in the reader's language: the thesaurus version, and the thesaurus
    # when it has changed.
    budget = 7 if name.startswith("topic-feed") else 5
    with django_assert_max_num_queries(budget):
        first = parse(client.get(url))
    # More resources, organisations, topics and files: the same number of queries.
    for i in range(12):
        org = make_organization()
        resource = make_resource(title=f"More {i}", topics=["Children", f"Topic {i}"],
                                 organizations=[content["cvt"], org])  # fmt: skip
        resource.files.create(file=SimpleUploadedFile(f"more-{i}.pdf", PDF))
        GuideItem.objects.create(guide=content["guide"], resource=resource, position=10 + i)
    with django_assert_max_num_queries(budget):
        second = parse(client.get(url))
    assert len(second.entries) == len(first.entries) + 12


# --- links from the pages -----------------------------------------------------------------------


def alternates(response) -> dict[str, str]:
    found = re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', response.text)
    return {href: kind for kind, href in found}


def test_pages_link_their_feeds(client, content):
    home = alternates(client.get(reverse("home")))
    assert home["/feeds/resources/"] == "application/rss+xml"
    assert home["/feeds/resources/atom/"] == "application/atom+xml"

    search = alternates(client.get(reverse("search:list"), {"q": "children"}))
    assert search["/feeds/resources/?q=children"] == "application/rss+xml"
    assert search["/feeds/resources/atom/?q=children"] == "application/atom+xml"

    topic = alternates(client.get(reverse("search:topic", args=["children"])))
    assert topic["/feeds/topics/children/"] == "application/rss+xml"
    assert topic["/feeds/topics/children/atom/"] == "application/atom+xml"
    assert topic["/topics/children/events.ics"] == "text/calendar"

    organization = alternates(client.get(content["cvt"].get_absolute_url()))
    assert organization["/feeds/organizations/cvt/"] == "application/rss+xml"
    assert organization["/feeds/organizations/cvt/atom/"] == "application/atom+xml"

    guide = alternates(client.get(content["guide"].get_absolute_url()))
    assert guide["/feeds/guides/children-guide/"] == "application/rss+xml"
    assert guide["/feeds/guides/children-guide/atom/"] == "application/atom+xml"

    for url in [*home, *search, *topic, *organization, *guide]:
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


# --- A feed's title, and the feed opened in a browser ---------------------------------------------

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGE_NS = "{https://healtorture.org/ns/feed-page}"


@pytest.mark.parametrize(
    "params,language,title",
    [
        ({"kind": "video", "language": "en", "topic": "children"}, "en",
         "HealTorture: Videos in English about Children"),
        ({"kind": ["webinar", "guide"], "organization": "cvt"}, "en",
         "HealTorture: Webinars or Guides and manuals from Center for Victims of Torture"),
        ({"q": "children", "topic": ["children", "interpreters"], "topic_mode": "all"}, "en",
         "HealTorture: Resources matching “children” about Children and Interpreters"),
        ({"kind": "video", "language": ["en", "fr"]}, "fr",
         "HealTorture : Vidéos en anglais ou français"),
        ({"kind": "video", "language": "en"}, "es", "HealTorture: Vídeos en inglés"),
        ({"kind": "webinar", "language": "en"}, "ar",
         "HealTorture: ندوات عبر الإنترنت باللغة الإنجليزية"),
    ],
)  # fmt: skip
def test_a_search_feed_is_titled_with_its_search_in_the_readers_language(
    client, content, params, language, title
):
    response = client.get(
        reverse("opendata:search-feed"), params, headers={"accept-language": language}
    )
    assert parse(response).feed.title == title


def test_a_topic_feed_narrowed_by_filters_names_them_all(client, content):
    url = reverse("opendata:topic-feed", args=["children"])
    assert parse(client.get(url, {"kind": "webinar"})).feed.title == (
        "HealTorture: Webinars about Children"
    )


@pytest.mark.parametrize("name,args", ALL_FEEDS, ids=IDS)
def test_every_feed_names_a_same_origin_stylesheet_and_still_parses(client, content, name, args):
    response = client.get(reverse(f"opendata:{name}", args=args))
    text = response.text
    # The processing instruction comes before the root element, pointing to our own XSL file.
    found = re.search(r"<\?xml-stylesheet ([^?]*)\?>\s*<(rss|feed)\b", text)
    assert found, text[:300]
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', found.group(1)))
    assert attributes["type"] == "text/xsl"
    assert attributes["href"] == "/static/feeds/feed.xsl"
    assert finders.find("feeds/feed.xsl")
    # Feed readers still read it (feedparser, and a plain XML parser).
    assert parse(response).entries
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    reading = root.find(f".//{PAGE_NS}reading")
    assert reading.get("lang") == "en" and reading.get("dir") == "ltr"
    assert reading.get("stylesheet") == "/static/css/site.css"
    assert "feed reader" in reading.find(f"{PAGE_NS}how").text


def test_the_feed_stylesheet_needs_no_script_and_no_inline_style():
    xsl = ElementTree.parse(finders.find("feeds/feed.xsl")).getroot()  # noqa: S314 (our own file)
    everything = list(xsl.iter())
    assert not [e for e in everything if e.tag in {"script", "style"}]
    assert not [e for e in everything if "style" in e.attrib or "onload" in e.attrib]
    links = [e for e in everything if e.tag == "link"]
    assert [link.get("rel") for link in links] == ["stylesheet"]


@pytest.mark.parametrize("feed", ["search-feed", "search-feed-atom"])
def test_a_browser_gets_the_feed_labelled_as_xml_and_a_reader_as_a_feed(client, content, feed):
    url = reverse(f"opendata:{feed}")
    reader = client.get(url, headers={"accept": "application/rss+xml, application/atom+xml"})
    browser = client.get(url, headers={"accept": BROWSER_ACCEPT})
    assert reader["Content-Type"].startswith(("application/rss+xml", "application/atom+xml"))
    assert browser["Content-Type"] == "application/xml; charset=utf-8"
    assert browser.content == reader.content
    assert "Accept" in browser["Vary"] and "Accept" in reader["Vary"]


def test_an_arabic_reader_gets_the_feed_page_right_to_left(client, content):
    response = client.get(reverse("opendata:search-feed"), headers={"accept-language": "ar"})
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    reading = root.find(f".//{PAGE_NS}reading")
    assert reading.get("lang") == "ar" and reading.get("dir") == "rtl"


# --- Organization JSON-LD -----------------------------------------------------------------------


def test_the_organisation_page_describes_it_in_json_ld(client):
    from thesaurus.models import Region

    denmark = Region.objects.create(name="Denmark", slug="denmark", code="DK")
    irct = make_organization(name="International Rehabilitation Council for Torture Victims",
                             acronym="IRCT", slug="irct", kind=Organization.Kind.NETWORK,
                             website="https://irct.org/")  # fmt: skip
    hidden = make_organization(name="Hidden network", status=Organization.Status.DRAFT)
    dignity = make_organization(
        name="DIGNITY – Danish Institute Against Torture",
        acronym="DIGNITY",
        slug="dignity",
        website="https://www.dignity.dk/",
        description="A **Danish** centre & research institute.\n\n- Treatment\n- <b>Research</b>",
        headquarters=denmark,
    )
    dignity.networks.set([irct, hidden])

    response = client.get(dignity.get_absolute_url())
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    data = json.loads(blocks[0])

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "DIGNITY – Danish Institute Against Torture"
    assert data["alternateName"] == "DIGNITY"
    assert data["url"] == "https://www.dignity.dk/"
    assert data["description"].startswith("A Danish centre & research institute.")
    assert "<" not in data["description"] and "**" not in data["description"]
    assert data["memberOf"] == [{"@type": "Organization", "name": irct.name,
                                 "url": "https://irct.org/"}]  # fmt: skip
    assert data["address"] == {"@type": "PostalAddress", "addressCountry": "DK"}
