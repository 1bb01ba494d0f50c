"""The public directory of organisations."""

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from resources.models import Resource

from .models import Organization


class OrganizationListView(ListView):
    """Published organisations, key organisations first."""

    template_name = "organizations/organization_list.html"
    context_object_name = "organizations"
    paginate_by = 50

    def get_queryset(self):
        return (
            Organization.objects.published()
            .select_related("headquarters")
            .order_by("-is_key", "name")
        )


class OrganizationDetailView(DetailView):
    template_name = "organizations/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        published = Organization.objects.published()
        return published.select_related("headquarters").prefetch_related(
            Prefetch("networks", queryset=published),
            Prefetch("members", queryset=published),
            "regions_served",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resources"] = list(
            Resource.objects.published()
            .filter(organizations=self.object)
            .order_by("-published_at", "-pk")[:50]
        )
        return context
