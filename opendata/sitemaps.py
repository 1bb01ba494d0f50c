"""``/sitemap.xml``: an index of one sitemap per kind of page, published content only.

Each section costs a constant number of queries (a count, a page of rows, and for the index one
aggregate for its last change), whatever the amount of content; a section longer than ``limit``
URLs is split into pages (``/sitemap-resources.xml?p=2``) listed in the index.

Every page is listed in each language (``/en/…``, ``/fr/…``, …), each entry with its versions in
the other languages and ``x-default`` (the address without a prefix, which redirects each visitor
to their own language) as ``<xhtml:link rel="alternate" hreflang>``.

A file is written by :func:`render_urlset` rather than Django's template, and a detail page's
address from its language's pattern rather than ``reverse()``: a file of 10,000 entries with
five alternates each is then a few database rows and string joins (see bench/NOTES.md).
"""

from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.db.models import IntegerField, Max, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from common.request_memo import remembered
from organizations.models import Organization
from resources.models import Guide, Resource
from search.models import FacetTotal, SearchRow
from thesaurus.models import Topic


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
    """A sitemap of pages in every language of ``settings.LANGUAGES``, with hreflang links.

    A section of detail pages names their URL (``url_name``, taking the item's slug): each
    address is then its language's pattern with the slug in it, not a ``reverse()`` (five of
    them an entry, 50,000 for a file of 10,000 entries)."""

    i18n = True
    alternates = True
    x_default = True
    url_name: str | None = None

    def _items(self):
        return LanguageVersions(self.items(), self._languages())

    @cached_property
    def _patterns(self) -> dict[str, tuple[str, str]]:
        patterns = {}
        for code in self._languages():
            with translation.override(code):
                path = reverse(self.url_name, kwargs={"slug": "slug-placeholder"})
            before, after = path.split("slug-placeholder")
            patterns[code] = (before, after)
        return patterns

    def _location(self, item, force_lang_code=None):
        if self.url_name is None:
            return super()._location(item, force_lang_code)
        obj, code = item
        before, after = self._patterns[force_lang_code or code]
        return f"{before}{obj.slug}{after}"


class ResourceSitemap(LanguagesSitemap):
    url_name = "resources:detail"
    # URLs a page (2,500 resources in four languages, each with five alternates): a page of
    # this size renders in well under a second.
    limit = 10_000

    def items(self):
        return PublishedResources()

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return latest_published_change()


class PublishedResources(Sequence):
    """Published resources in id order, a slice at a time: the slice's ids from the narrow
    search rows (an index-only scan, however deep the page), then those resources' slugs."""

    def __len__(self) -> int:
        total = FacetTotal.objects.filter(facet="total", value="").values_list("n", flat=True)
        return next(iter(total), 0)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = SearchRow.objects.order_by("resource_id").values("resource_id")[index]
        return list(
            Resource.objects.published()
            .filter(pk__in=ids)
            .only("slug", "updated_at")
            .order_by("pk")
        )


class OrganizationSitemap(LanguagesSitemap):
    url_name = "organizations:detail"

    def items(self):
        return Organization.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Organization.objects.published().aggregate(latest=Max("updated_at"))["latest"]


def topic_last_changes() -> dict[int, object]:
    """Each topic's newest change among its published resources, in one pass over the narrow
    search rows (the join of tagged items with the resource table took over a second at
    100,000 resources); topics without a published resource are not in it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, max(s.updated_at) FROM search_searchrow s "
            "CROSS JOIN unnest(s.topic_ids) AS t(id) GROUP BY t.id"
        )
        return dict(cursor.fetchall())


class TopicSitemap(LanguagesSitemap):
    url_name = "search:topic"

    def items(self):
        # Topics with a published resource, from the counts kept beside the search rows (the
        # index needs only how many there are; a section file, their last changes too).
        counted = FacetTotal.objects.filter(facet="topic", n__gt=0).values(
            topic=Cast("value", IntegerField())
        )
        return Topic.objects.filter(pk__in=counted).only("slug").order_by("pk")

    def lastmod(self, item):
        return self._last_changes.get(item.pk)

    @cached_property
    def _last_changes(self) -> dict:
        return topic_last_changes()

    def get_latest_lastmod(self):
        return latest_published_change(tagged=True)


def latest_published_change(*, tagged: bool = False):
    """The newest change among published resources (with a topic, when ``tagged``): one pass
    over the search rows a request, however many sections ask."""

    def both():
        return SearchRow.objects.aggregate(
            every=Max("updated_at"), tagged=Max("updated_at", filter=~Q(topic_ids=[]))
        )

    return remembered("sitemap-latest-change", both)["tagged" if tagged else "every"]


class GuideSitemap(LanguagesSitemap):
    url_name = "resources:guide"

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
        ("search:list", "resources"),
        ("search:topics", "resources"),
        ("opendata:events", "resources"),  # added by the events work; skipped until it exists
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


def render_urlset(urls: list[dict]) -> Iterator[str]:
    """The ``<urlset>`` of Django's sitemap.xml template, written directly: a file of 10,000
    entries with five alternates each renders in a fraction of the template's time."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    )
    for url in urls:
        lastmod = url["lastmod"]
        parts = [f"<url><loc>{escape(url['location'])}</loc>"]
        if lastmod:
            parts.append(f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>")
        parts.extend(
            f'<xhtml:link rel="alternate" hreflang="{alternate["lang_code"]}" '
            f"href={quoteattr(alternate['location'])}/>"
            for alternate in url["alternates"]
        )
        parts.append("</url>\n")
        yield "".join(parts)
    yield "</urlset>\n"


@require_safe
def sitemap(request, sitemaps, section):
    """One file of a section (``?p=`` for the next ones), as Django's view would answer it."""
    if section not in sitemaps:
        raise Http404(f"No sitemap available for section: {section!r}")
    site = sitemaps[section]()
    try:
        urls = site.get_urls(
            page=request.GET.get("p", 1), site=get_current_site(request), protocol=request.scheme
        )
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(str(error)) from error
    response = HttpResponse("".join(render_urlset(urls)), content_type="application/xml")
    latest = getattr(site, "latest_lastmod", None)
    if latest is not None and hasattr(latest, "timestamp"):
        response["Last-Modified"] = http_date(latest.timestamp())
    return response


SITEMAPS = {
    "pages": PageSitemap,
    "resources": ResourceSitemap,
    "topics": TopicSitemap,
    "guides": GuideSitemap,
    "organizations": OrganizationSitemap,
}
