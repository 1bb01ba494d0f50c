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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from organizations.models import Organization

from .models import Guide, Resource, Topic
from .search import Search

FEED_SIZE = 50
SITE = "HealTorture"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
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


class RssFeed(Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per organisation."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", []):
            handler.addQuickElement("dc:creator", name, {"xmlns:dc": DC_NAMESPACE})


class AtomFeed(Atom1Feed):
    """Atom 1.0 with one ``<author>`` per organisation (Django's writes only one)."""

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
        if search.text:
            title = _("HealTorture: resources matching “%(text)s”") % {"text": search.text}
        elif query:
            title = _("HealTorture: resources for a search")
        else:
            title = _("HealTorture: new resources")
        return Source(
            request=request,
            title=title,
            description=_("New resources for people who serve survivors of torture."),
            page_url=with_query(reverse("resources:list"), query),
            resources=newest_results(search),
        )


class SearchAtomFeed(AtomMixin, SearchFeed):
    pass


class TopicFeed(ResourceFeed):
    """One topic's newest published resources (further search parameters narrow them)."""

    def get_object(self, request, slug):
        topic = get_object_or_404(Topic, slug=slug)
        search = Search(feed_params(request, topic=topic.slug), page_size=FEED_SIZE, facets=False)
        return Source(
            request=request,
            title=f"{SITE}: {topic.label}",
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
