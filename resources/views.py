"""Public pages for a resource, its files and guides. Everything goes through ``published()``."""

from django.db.models import F, Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from organizations.models import Organization

from .access import calendar_links, ways_in, whom_to_ask
from .models import LANGUAGES, Guide, GuideItem, Resource, ResourceFile


def public_resources():
    """Published resources with everything a list row shows, in a constant number of queries."""
    return (
        Resource.objects.published()
        .select_related("series")
        .with_organizations()
        .prefetch_related("topics")
    )


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
