"""Feeds of published resources (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from .search import Search

FEED_SIZE = 50


class SearchFeed(Feed):
    """The newest published resources matching any search URL's parameters."""

    feed_type = Rss201rev2Feed
    description = "New resources for people who serve survivors of torture."

    def get_object(self, request):
        params = request.GET.copy()
        params["sort"] = "newest"
        params.pop("page", None)
        self.request_query = request.GET.urlencode()
        return Search(params, page_size=FEED_SIZE)

    def title(self, search):
        return f"HealTorture: “{search.text}”" if search.text else "HealTorture: new resources"

    def link(self, search):
        url = reverse("resources:list")
        return f"{url}?{self.request_query}" if self.request_query else url

    def items(self, search):
        return list(search.ordered().prefetch_related("organizations", "topics")[:FEED_SIZE])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(org.name for org in item.organizations.all()) or None

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]
