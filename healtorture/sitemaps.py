"""``/sitemap.xml``: an index of one sitemap per kind of page, published content only.

Each section costs a constant number of queries (a count, a page of rows, and for the index one
aggregate for its last change), whatever the amount of content; a section longer than ``limit``
URLs is split into pages (``/sitemap-resources.xml?p=2``) listed in the index.

Every page is listed in each language (``/en/…``, ``/fr/…``, …), each entry with its versions in
the other languages and ``x-default`` (the address without a prefix, which redirects each visitor
to their own language) as ``<xhtml:link rel="alternate" hreflang>``.
"""

from collections.abc import Sequence

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property

from organizations.models import Organization
from resources.models import Guide, Resource, TaggedResource, Topic


class LanguageVersions(Sequence):
    """The (item, language) pairs of a sitemap, read a page at a time: a count, then one slice
    of the items for the page asked for. (Django's i18n sitemaps make the list of every pair
    first, reading every row of the table for each page of the sitemap.)"""

    def __init__(self, items, languages: list[str]):
        self.items, self.languages = items, languages

    @cached_property
    def _count(self) -> int:
        items = self.items
        return items.count() if isinstance(items, QuerySet) else len(items)

    def __len__(self) -> int:
        return self._count * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        n = len(self.languages)
        first, last = start // n, -(-stop // n)
        pairs = [(item, code) for item in self.items[first:last] for code in self.languages]
        return pairs[start - first * n : stop - first * n]


class LanguagesSitemap(Sitemap):
    """A sitemap of pages in every language of ``settings.LANGUAGES``, with hreflang links."""

    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        return LanguageVersions(self.items(), self._languages())


class ResourceSitemap(LanguagesSitemap):
    # URLs a page (2,500 resources in four languages, each with five alternates): a page of
    # this size renders in well under a second.
    limit = 10_000

    def items(self):
        return Resource.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Resource.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class OrganizationSitemap(LanguagesSitemap):
    def items(self):
        return Organization.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Organization.objects.published().aggregate(latest=Max("updated_at"))["latest"]


def _topics_with_published_resources():
    """Topics that have at least one published resource, with the newest change among those."""
    published = Q(resource_items__content_object__in=Resource.objects.published())
    return (
        Topic.objects.annotate(
            last_change=Max("resource_items__content_object__updated_at", filter=published)
        )
        .filter(last_change__isnull=False)
        .only("slug")
    )


class TopicSitemap(LanguagesSitemap):
    def items(self):
        return _topics_with_published_resources().order_by("pk")

    def lastmod(self, item):
        return item.last_change

    def get_latest_lastmod(self):
        tagged = TaggedResource.objects.filter(content_object=OuterRef("pk"))
        return (
            Resource.objects.published()
            .filter(Exists(tagged))
            .aggregate(latest=Max("updated_at"))["latest"]
        )


class GuideSitemap(LanguagesSitemap):
    def items(self):
        return Guide.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Guide.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(LanguagesSitemap):
    """The site's fixed pages. A listing's last change is the newest change to what it lists;
    pages that do not list content (about, open data) have none."""

    # URL name, and the content whose changes change the page (None: none).
    PAGES = [
        ("home", "resources"),
        ("resources:list", "resources"),
        ("resources:topics", "resources"),
        ("resources:events", "resources"),  # added by the events work; skipped until it exists
        ("organizations:list", "organizations"),
        ("resources:guides", "guides"),
        ("about", None),
        ("open-data", None),
    ]

    def items(self):
        pages = []
        for name, content in self.PAGES:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            pages.append((name, content))
        return pages

    def location(self, item):
        return reverse(item[0])  # in the language the sitemap framework activates

    def lastmod(self, item):
        return self._latest.get(item[1])

    def get_latest_lastmod(self):
        return max((value for value in self._latest.values() if value), default=None)

    @cached_property
    def _latest(self) -> dict:
        return {
            "resources": ResourceSitemap().get_latest_lastmod(),
            "organizations": OrganizationSitemap().get_latest_lastmod(),
            "guides": GuideSitemap().get_latest_lastmod(),
        }


SITEMAPS = {
    "pages": PageSitemap,
    "resources": ResourceSitemap,
    "topics": TopicSitemap,
    "guides": GuideSitemap,
    "organizations": OrganizationSitemap,
}
