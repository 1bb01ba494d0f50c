"""RSS 2.0 and Atom 1.0 feeds of published resources (Django's syndication framework).

Every feed lists the newest *published* resources first (by the day they were published here,
not by their own date), so that a subscriber hears of an old report the day it is added:

- ``/feeds/resources/``: the latest resources, or those of any search (the parameters of
  ``/resources/``; ``sort`` and ``page`` are ignored);
- ``/feeds/topics/<slug>/`` and ``/feeds/organizations/<slug>/``: one topic's or one
  organisation's resources (the same further parameters narrow them);
- ``/feeds/guides/<slug>/``: a curated guide's published resources, in the guide's own order.

Each has an Atom twin at the same path plus ``atom/``. A feed costs the same few queries however
many items it holds.

A feed opened in a browser is shown as a page (``static/feeds/feed.xsl``, named by an
``xml-stylesheet`` processing instruction) that says what a feed is and how to follow it, in words
the feed carries in an element of its own namespace (``ht:reading``), which feed readers ignore.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, Stylesheet
from django.utils.html import escape
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from organizations.models import Organization
from resources.models import Guide, Resource
from search.engine import Search
from search.phrases import describe
from thesaurus.models import Topic

FEED_SIZE = 50
SITE = "HealTorture"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
# Our own elements: the words of the page a browser shows for a feed (see ``reading``).
PAGE_NAMESPACE = "https://healtorture.org/ns/feed-page"
# Characters XML 1.0 cannot hold: Django's XML writer refuses them (a 500) rather than drop them.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """``value`` (a string, or a list of strings) without the characters XML cannot hold."""
    if isinstance(value, str):
        # A vertical tab or form feed (pasted from a word processor) separated words: a space.
        return NOT_IN_XML.sub(lambda found: " " if found[0] in "\x0b\x0c" else "", value)
    if isinstance(value, list | tuple):
        return [xml_text(item) for item in value]
    return value


# --- the documents ------------------------------------------------------------------------------


def reading(source: Source) -> dict[str, str]:
    """What the page of a feed opened in a browser says, in the visitor's language."""
    return {
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "stylesheet": static("css/site.css"),
        "what": _(
            "This is a feed: the newest resources of this list, which a feed reader app checks "
            "for you, so that you hear of each new one without coming back to this site."
        ),
        "how": _(
            "To follow it, copy the address below into your feed reader (often under “Add feed” "
            "or “Subscribe”). Many news, podcast and e-mail apps can follow feeds too."
        ),
        "address": _("Address of this feed"),
        "page": _("See this list on the site"),
        "latest": _("Newest resources"),
    }


def add_reading(handler, words: dict | None) -> None:
    """The ``ht:reading`` element: its texts as child elements, the rest as attributes."""
    if not words:
        return
    attributes = {"xmlns:ht": PAGE_NAMESPACE}
    attributes.update({name: words[name] for name in ("lang", "dir", "stylesheet")})
    handler.startElement("ht:reading", attributes)
    for name in ("what", "how", "address", "page", "latest"):
        handler.addQuickElement(f"ht:{name}", xml_text(words[name]))
    handler.endElement("ht:reading")


class RssFeed(Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per organisation, and the words of its page."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        add_reading(handler, self.feed.get("reading"))

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", []):
            handler.addQuickElement("dc:creator", name, {"xmlns:dc": DC_NAMESPACE})


class AtomFeed(Atom1Feed):
    """Atom 1.0 with one ``<author>`` per organisation (Django's writes only one), and, as the
    RSS twin, the stylesheet and the words of its page (Django gives stylesheets to RSS only)."""

    def write(self, outfile, encoding):
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", str(stylesheet))
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        add_reading(handler, self.feed.get("reading"))

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", []):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


# --- what a feed is about -------------------------------------------------------------------------


@dataclass
class Source:
    """One request's feed: its title, the page it mirrors, and its resources. Feed views are
    shared by every request, so nothing request-specific is kept on them."""

    request: HttpRequest
    title: str
    description: str
    page_url: str  # the HTML page this feed follows (path and query)
    resources: object  # a queryset of published resources, in feed order

    @property
    def feed_url(self) -> str:
        return self.request.get_full_path()


def with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def feed_params(request: HttpRequest, **fixed):
    """The request's search parameters, without those a feed ignores, with ``fixed`` set."""
    params = request.GET.copy()
    for name in ("page", "sort"):
        params.pop(name, None)
    for name, value in fixed.items():
        params.setlist(name, [value])
    return params


def newest_first(queryset):
    return queryset.order_by("-published_at", "-pk")


def newest_results(search) -> QuerySet:
    """A search's newest results, as resources: the ids from the search rows, then the rows."""
    return newest_first(Resource.objects.published().filter(pk__in=search.newest(FEED_SIZE)))


class ResourceFeed(Feed):
    """RSS 2.0 of published resources; subclasses say which (``get_object``)."""

    feed_type = RssFeed
    max_enclosures = 1  # RSS 2.0 allows one enclosure per item

    def __call__(self, request, *args, **kwargs):
        """The feed; to a browser (which asks for HTML first) labelled as plain XML, the one
        kind of XML that browsers show through its stylesheet (RSS and Atom they show as text or
        download). The document is the same either way."""
        response = super().__call__(request, *args, **kwargs)
        if "text/html" in request.headers.get("Accept", ""):
            response["Content-Type"] = "application/xml; charset=utf-8"
        patch_vary_headers(response, ["Accept"])
        return response

    def get_feed(self, obj, request):
        """The feed, with every text in it made writable as XML: a search typed with a control
        character, or a title pasted with a vertical tab, must not break the whole feed."""
        feed = super().get_feed(obj, request)
        for fields in [feed.feed, *feed.items]:
            for name, value in fields.items():
                fields[name] = xml_text(value)
        return feed

    def items(self, source: Source):
        resources = list(
            source.resources.defer("description", "search_vector", "search_vector_simple")
            .with_organizations()
            .with_topic_names()
            .prefetch_related("files")[:FEED_SIZE]
        )
        for resource in resources:
            # Absolute file URLs need the request, which item methods are not given.
            resource.feed_enclosures = [
                Enclosure(
                    url=source.request.build_absolute_uri(attached.get_absolute_url()),
                    length=str(attached.size),
                    mime_type=attached.content_type or "application/octet-stream",
                )
                for attached in resource.files.all()
            ]
        return resources

    def title(self, source: Source) -> str:
        return source.title

    def stylesheets(self, source: Source) -> list[Stylesheet]:
        return [Stylesheet(static("feeds/feed.xsl"), mimetype="text/xsl")]

    def feed_extra_kwargs(self, source: Source) -> dict:
        return {"reading": reading(source)}

    def description(self, source: Source) -> str:
        return source.description

    def link(self, source: Source) -> str:
        return source.page_url

    def feed_url(self, source: Source) -> str:
        return source.feed_url

    def item_title(self, item: Resource) -> str:
        return item.title

    def item_description(self, item: Resource) -> str:
        return escape(item.summary)  # declared HTML in both formats; the summary is plain text

    def item_pubdate(self, item: Resource):
        return item.published_at

    def item_updateddate(self, item: Resource):
        return item.updated_at

    def item_categories(self, item: Resource) -> list[str]:
        return item.topic_list

    def item_enclosures(self, item: Resource) -> list[Enclosure]:
        return item.feed_enclosures[: self.max_enclosures]

    def item_extra_kwargs(self, item: Resource) -> dict:
        return {"authors": [org.name for org in item.organizations.all()]}


class AtomMixin:
    """The Atom 1.0 twin of an RSS feed: every file as an enclosure, the site as the feed's
    author (Atom wants an author for entries that name no organisation)."""

    feed_type = AtomFeed
    max_enclosures = None
    author_name = SITE

    def subtitle(self, source: Source) -> str:
        return source.description


# --- the feeds ----------------------------------------------------------------------------------


class SearchFeed(ResourceFeed):
    """The newest published resources matching any search URL's parameters."""

    def get_object(self, request):
        search = Search(feed_params(request), page_size=FEED_SIZE, facets=False)
        query = feed_params(request).urlencode()
        phrase = describe(search.filterset)
        if phrase:
            title = _("HealTorture: %(search)s") % {"search": phrase}
        else:
            title = _("HealTorture: new resources")
        return Source(
            request=request,
            title=title,
            description=_("New resources for people who serve survivors of torture."),
            page_url=with_query(reverse("search:list"), query),
            resources=newest_results(search),
        )


class SearchAtomFeed(AtomMixin, SearchFeed):
    pass


class TopicFeed(ResourceFeed):
    """One topic's newest published resources (further search parameters narrow them)."""

    def get_object(self, request, slug):
        topic = get_object_or_404(Topic, slug=slug)
        search = Search(feed_params(request, topic=topic.slug), page_size=FEED_SIZE, facets=False)
        narrowed = set(feed_params(request)) - {"topic", "topic_mode"}
        return Source(
            request=request,
            # Its name, or with further filters the whole search: "Videos about Children".
            title=f"{SITE}: " + (describe(search.filterset) if narrowed else topic.label),
            description=topic.description
            or _("New resources on %(topic)s.") % {"topic": topic.label},
            page_url=with_query(topic.get_absolute_url(), request.GET.urlencode()),
            resources=newest_results(search),
        )


class TopicAtomFeed(AtomMixin, TopicFeed):
    pass


class OrganizationFeed(ResourceFeed):
    """One published organisation's newest published resources."""

    def get_object(self, request, slug):
        organization = get_object_or_404(Organization.objects.published(), slug=slug)
        params = feed_params(request, organization=organization.slug)
        search = Search(params, page_size=FEED_SIZE, facets=False)
        return Source(
            request=request,
            title=_("HealTorture: resources from %(name)s") % {"name": organization.name},
            description=_("New resources from %(name)s.") % {"name": organization},
            page_url=organization.get_absolute_url(),
            resources=newest_results(search),
        )


class OrganizationAtomFeed(AtomMixin, OrganizationFeed):
    pass


class GuideFeed(ResourceFeed):
    """A published guide's published resources, in the guide's own order (as on its page)."""

    def get_object(self, request, slug):
        guide = get_object_or_404(Guide.objects.published(), slug=slug)
        resources = (
            Resource.objects.published()
            .filter(guide_items__guide=guide)
            .order_by("guide_items__position", "guide_items__pk")
        )
        return Source(
            request=request,
            title=_("HealTorture guide: %(title)s") % {"title": guide.title},
            description=guide.summary
            or _("The resources of the guide “%(title)s”.") % {"title": guide.title},
            page_url=guide.get_absolute_url(),
            resources=resources,
        )


class GuideAtomFeed(AtomMixin, GuideFeed):
    pass
