"""The public directory of organisations."""

from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView
from django_filters.views import FilterView

from resources.models import Resource

from .filters import OrganizationFilterSet
from .models import Organization


class OrganizationListView(FilterView):
    """Published organisations, key organisations first, searchable and filterable."""

    template_name = "organizations/organization_list.html"
    context_object_name = "organizations"
    filterset_class = OrganizationFilterSet
    paginate_by = 30
    strict = False  # an invalid filter is reported beside its field; the list still shows

    def get_queryset(self):
        return (
            Organization.objects.published()
            .select_related("headquarters")
            .annotate(
                resource_count=Count(
                    "resources",
                    filter=Q(resources__in=Resource.objects.published()),
                    distinct=True,
                )
            )
            .order_by("-is_key", "name")
        )

    def render_to_response(self, context, **kwargs):
        if self.filterset.errors:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class OrganizationDetailView(DetailView):
    template_name = "organizations/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        published = Organization.objects.published()
        return published.select_related("headquarters").prefetch_related(
            Prefetch("networks", queryset=published),
            Prefetch("members", queryset=published.select_related("headquarters")),
            "regions_served",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resources = Resource.objects.published().filter(organizations=self.object)
        context["resources"] = list(resources.order_by("-published_at", "-pk")[:RESOURCES_SHOWN])
        context["resource_count"] = (
            len(context["resources"])
            if len(context["resources"]) < RESOURCES_SHOWN
            else resources.count()
        )
        return context


RESOURCES_SHOWN = 12
