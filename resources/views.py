"""Public pages for resources, topics and guides. Everything goes through ``published()``."""

from urllib.parse import urlencode

from django.db.models import F, OuterRef, Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from organizations.models import Organization
from search.models import FacetTotal

from .access import calendar_links, ways_in, whom_to_ask
from .cache import cache_rendered_page
from .filters import SORTS
from .models import LANGUAGES, Guide, GuideItem, Resource, ResourceFile, Topic
from .search import Search


def public_resources():
    """Published resources with everything a list row shows, in a constant number of queries."""
    return (
        Resource.objects.published()
        .select_related("series")
        .with_organizations()
        .prefetch_related("topics")
    )


@require_safe
@cache_rendered_page
def resource_list(request):
    """Search and filter the published resources: one URL for every state of the page."""
    return render_search(request, request.GET)


@require_safe
@cache_rendered_page
def topic_detail(request, slug):
    """One topic's resources: the search page with that topic chosen. The address of a topic
    merged into another leads to that one."""
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        merged_into = get_object_or_404(Topic, former_slugs__contains=[slug])
        url = merged_into.get_absolute_url()
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url, permanent=True)
    params = request.GET.copy()
    params.setlist("topic", [slug])
    return render_search(request, params, topic=topic)


def render_search(request, params, **extra):
    search = Search(params)
    page = search.page
    facets = search.facets
    labels = {(f.name, c.value): c.label for f in facets for c in f.choices}
    active = [
        {
            "name": name,
            "label": str(ACTIVE_LABELS.get(name, name)),
            "value": _active_value_label(name, value, labels),
            "remove_url": reverse("resources:list") + _without(params, name, value),
        }
        for name, value in search.filterset.active()
    ]
    clear = reverse("resources:list") + (f"?{urlencode({'q': search.text})}" if search.text else "")
    full = [resource for resource in page.object_list if not resource.partial]
    context = {
        "search": search,
        "form": search.filterset.form,
        "page_obj": page,
        "resources": page.object_list,
        "full_matches": full,
        "partial_matches": [resource for resource in page.object_list if resource.partial],
        "partial_start": page.start_index() + len(full),
        "facets": facets,
        "active_filters": active,
        "ignored": search.filterset.ignored,
        "clear_url": clear,
        "sorts": SORTS,
        "feed_query": _without(params, "page", None)[1:],
        **extra,
    }
    # Malformed parameters are ignored and named on the page; the status says so too.
    status = 400 if search.filterset.ignored else 200
    return render(request, "resources/resource_list.html", context, status=status)


ACTIVE_LABELS = {
    "kind": gettext_lazy("Type"), "topic": gettext_lazy("Topic"),
    "audience": gettext_lazy("Audience"), "language": gettext_lazy("Language"),
    "organization": gettext_lazy("Organisation"), "region": gettext_lazy("Country or region"),
    "year": gettext_lazy("Year"), "access": gettext_lazy("Access"),
    "has": gettext_lazy("Has"), "date_from": gettext_lazy("From"), "date_to": gettext_lazy("To"),
    "upcoming": gettext_lazy("Upcoming only"),
}  # fmt: skip


def _active_value_label(name: str, value: str, labels: dict) -> str:
    if name == "upcoming":
        return _("yes")
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
    """Everything a practitioner needs to decide whether to open a resource."""

    template_name = "resources/resource_detail.html"
    context_object_name = "resource"

    def get_queryset(self):
        return public_resources().prefetch_related("audiences", "regions", "files")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resource = self.object
        follow_ups = list(
            resource.related.published().select_related("series").order_by("-published_at")[:6]
        )
        in_series = []
        if resource.series_id:
            in_series = list(
                Resource.objects.published()
                .filter(series=resource.series_id)
                .order_by(F("series_position").asc(nulls_last=True), "sort_date", "pk")
                .only("title", "slug", "kind", "series_position", "date", "starts_at")[:30]
            )
        versions = language_versions(resource)
        shown = {resource.pk, *(r.pk for r in follow_ups), *(r.pk for r in in_series),
                 *(r.pk for r in versions)}  # fmt: skip
        same_topics = []
        if resource.topic_ids:
            same_topics = list(
                Resource.objects.published()
                .filter(topic_ids__overlap=resource.topic_ids)
                .exclude(pk__in=shown)
                .select_related("series")
                .order_by("-published_at")[:4]
            )
        organizations = list(resource.organizations.all())
        files = list(resource.files.all())
        page_url = self.request.build_absolute_uri(resource.get_absolute_url())
        context.update(
            ways=ways_in(resource, organizations, files),
            ask=whom_to_ask(organizations),
            calendar_links=calendar_links(resource, page_url),
            organizations=organizations,
            files=files,
            versions=versions,
            follow_ups=follow_ups,
            in_series=in_series,
            same_topics=same_topics,
            json_ld=structured_data(resource, self.request),
        )
        return context


def language_versions(resource: Resource) -> list[Resource]:
    """The resource's other published language versions, in the order languages are listed."""
    order = [code for code, _label in LANGUAGES]
    versions = resource.versions().published().only("slug", "title", "language")
    return sorted(versions, key=lambda version: order.index(version.language))


def structured_data(resource: Resource, request) -> dict:
    """schema.org description of a resource: an Event for live sessions, else a LearningResource."""
    url = request.build_absolute_uri(resource.get_absolute_url())
    organizations = [
        {"@type": "Organization", "name": org.name, "url": org.website or None}
        for org in resource.organizations.all()
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Event" if resource.starts_at else "LearningResource",
        "name": resource.title,
        "description": resource.summary,
        "url": url,
        "inLanguage": resource.language,
        "keywords": [topic.name for topic in resource.topics.all()],
        "isAccessibleForFree": resource.access in {"free", "registration"},
    }
    if resource.starts_at:
        data.update(
            startDate=resource.starts_at.isoformat(),
            endDate=resource.ends_at.isoformat() if resource.ends_at else None,
            eventAttendanceMode="https://schema.org/OnlineEventAttendanceMode",
            location={"@type": "VirtualLocation", "url": resource.registration_url or url},
            organizer=organizations or None,
        )
    else:
        data.update(
            learningResourceType=resource.get_kind_display(),
            datePublished=resource.date.isoformat() if resource.date else None,
            publisher=organizations or None,
            audience=[{"@type": "Audience", "audienceType": a.name}
                      for a in resource.audiences.all()] or None,
        )  # fmt: skip
    return {key: value for key, value in data.items() if value not in (None, [], "")}


class TopicListView(ListView):
    """Every topic that has at least one published resource, with its count."""

    template_name = "resources/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        # The counts kept beside the search rows (exact, one row each): counting the tagged
        # published resources of every topic took 400 ms at 100,000 resources.
        return (
            Topic.objects.annotate(count=FacetTotal.of("topic", OuterRef("pk")))
            .filter(count__gt=0)
            .order_by("name")
        )


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
        items = (
            GuideItem.objects.filter(resource__in=Resource.objects.published())
            .select_related("resource")
            .prefetch_related("resource__files")  # its downloads, listed under each card
        )
        return Guide.objects.published().prefetch_related(
            Prefetch("items", queryset=items),
            Prefetch("key_organizations", queryset=Organization.objects.published()),
            "audiences",
        )


@require_safe
def resource_file(request, pk, name):
    """A published resource's file, as a download. Files of pending, draft or rejected resources
    are never served: uploads are not reachable by their storage path at all."""
    attached = get_object_or_404(
        ResourceFile.objects.select_related("resource").filter(
            resource__in=Resource.objects.published()
        ),
        pk=pk,
    )
    response = FileResponse(
        attached.file.open("rb"),
        as_attachment=True,
        filename=attached.download_name,
        content_type=attached.content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
