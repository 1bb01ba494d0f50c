"""The public directory of organisations."""

import html

from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.views.generic import DetailView
from django_filters.views import FilterView

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
            .with_resource_count()
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
        # Its own resources and those of the organisations part of it (projects, members).
        # (The model of the reverse relation: the organisations app is below the resources app
        # and does not import it.)
        published = self.object.resources.model.objects.published()
        resources = published.filter(organization_ids__contains=[self.object.pk])
        context["resources"] = list(resources.order_by("-published_at", "-pk")[:RESOURCES_SHOWN])
        context["resource_count"] = (
            len(context["resources"])
            if len(context["resources"]) < RESOURCES_SHOWN
            else resources.count()
        )
        context["json_ld"] = structured_data(self.object, self.request)
        return context


def structured_data(organization: Organization, request) -> dict:
    """schema.org description of an organisation, from what the page already loaded."""
    page = request.build_absolute_uri(organization.get_absolute_url())
    description = " ".join(html.unescape(strip_tags(organization.description_html)).split())
    headquarters = organization.headquarters
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": page,
        "name": organization.name,
        "alternateName": organization.acronym,
        "url": organization.website or page,
        "description": description,
        "memberOf": [
            {
                "@type": "Organization",
                "name": network.name,
                "url": network.website or request.build_absolute_uri(network.get_absolute_url()),
            }
            for network in organization.networks.all()
        ],
        "address": {
            "@type": "PostalAddress",
            "addressCountry": headquarters.code or headquarters.name,
        }
        if headquarters
        else None,
        "areaServed": [region.name for region in organization.regions_served.all()],
    }
    return {key: value for key, value in data.items() if value not in (None, [], "")}


RESOURCES_SHOWN = 12
