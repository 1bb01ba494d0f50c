"""Public pages for resources, topics and guides. Everything goes through ``published()``."""

from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from organizations.models import Organization

from .filters import SORTS
from .models import Guide, GuideItem, Resource, Topic
from .search import Search

PAGE_SIZE = 20


def public_resources():
    """Published resources with everything a list row shows, in a constant number of queries."""
    return (
        Resource.objects.published()
        .select_related("series")
        .prefetch_related(
            Prefetch(
                "organizations",
                queryset=Organization.objects.published().only("name", "acronym", "slug"),
            ),
            "topics",
        )
    )


@require_safe
def resource_list(request):
    """Search and filter the published resources: one URL for every state of the page."""
    search = Search(request.GET)
    page = search.page
    facets = search.facets
    labels = {(f.name, c.value): c.label for f in facets for c in f.choices}
    active = [
        {
            "name": name,
            "label": ACTIVE_LABELS.get(name, name),
            "value": _active_value_label(name, value, labels),
            "remove_url": _without(request.GET, name, value),
        }
        for name, value in search.filterset.active()
    ]
    context = {
        "search": search,
        "form": search.filterset.form,
        "page_obj": page,
        "resources": page.object_list,
        "facets": facets,
        "active_filters": active,
        "ignored": search.filterset.ignored,
        "clear_url": "?" + urlencode({"q": search.text}) if search.text else "?",
        "sorts": SORTS,
        "feed_query": _without(request.GET, "page", None)[1:],
    }
    # Malformed parameters are ignored and named on the page; the status says so too.
    status = 400 if search.filterset.ignored else 200
    return render(request, "resources/resource_list.html", context, status=status)


ACTIVE_LABELS = {
    "kind": "Type", "topic": "Topic", "audience": "Audience", "language": "Language",
    "organization": "Organisation", "region": "Country or region", "year": "Year",
    "access": "Access", "has": "Has", "date_from": "From", "date_to": "To",
    "upcoming": "Upcoming only",
}  # fmt: skip


def _active_value_label(name: str, value: str, labels: dict) -> str:
    if name == "upcoming":
        return "yes"
    return labels.get((name, value), value)


def _without(params, name: str, value: str | None) -> str:
    """The current URL's query string without one value of one parameter (and without page)."""
    kept = [
        (key, item)
        for key, items in params.lists()
        for item in items
        if key != "page" and not (key == name and (value is None or item.lower() == value))
    ]
    return "?" + urlencode(kept)


class ResourceDetailView(DetailView):
    template_name = "resources/resource_detail.html"
    context_object_name = "resource"

    def get_queryset(self):
        return public_resources().prefetch_related("audiences", "regions", "files")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = list(
            self.object.related.published().select_related("series").order_by("-published_at")[:6]
        )
        return context


class TopicListView(ListView):
    """Every topic that has at least one published resource, with its count."""

    template_name = "resources/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        published = Q(resource_items__content_object__status=Resource.Status.PUBLISHED) & Q(
            resource_items__content_object__published_at__isnull=False
        )
        return (
            Topic.objects.annotate(count=Count("resource_items", filter=published))
            .filter(count__gt=0)
            .order_by("name")
        )


class TopicDetailView(ListView):
    """One topic's published resources."""

    template_name = "resources/topic_detail.html"
    context_object_name = "resources"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return public_resources().filter(topics=self.topic).order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class GuideListView(ListView):
    template_name = "resources/guide_list.html"
    context_object_name = "guides"

    def get_queryset(self):
        return Guide.objects.published().order_by("-featured", "title")


class GuideDetailView(DetailView):
    """A curated guide: introduction, ordered published resources with notes, key organisations."""

    template_name = "resources/guide_detail.html"
    context_object_name = "guide"

    def get_queryset(self):
        items = GuideItem.objects.filter(resource__in=Resource.objects.published()).select_related(
            "resource"
        )
        return Guide.objects.published().prefetch_related(
            Prefetch("items", queryset=items),
            Prefetch("key_organizations", queryset=Organization.objects.published()),
            "audiences",
        )
