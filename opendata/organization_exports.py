"""Open data: the organisation directory as JSON (a page at a time) and CSV (streamed).

``/organizations.json`` and ``/organizations.csv`` take the directory's own filters (``q``,
``kind``, ``country``, ``network``, ``key``), list published organisations only, in the
directory's order (key organisations first, then by name), and count only published resources.
The fields are documented on ``/data/``.
"""

from django.db.models import Prefetch
from django.views.decorators.http import require_safe

from opendata import exports
from opendata.exports import (
    absolute_url_maker,
    csv_error,
    csv_response,
    dated_filename,
    json_error,
    json_page,
)
from organizations.filters import OrganizationFilterSet
from organizations.models import Organization

ORGANIZATION_FIELDS = [
    "id", "slug", "url", "name", "acronym", "kind", "website", "headquarters",
    "headquarters_code", "regions_served", "networks", "key", "resource_count",
]  # fmt: skip


# Only the columns the export writes (not the Markdown description).
COLUMNS = ["id", "slug", "name", "acronym", "kind", "website", "is_key", "headquarters__name",
           "headquarters__code"]  # fmt: skip


def directory():
    published = Organization.objects.published()
    return (
        published.select_related("headquarters")
        .only(*COLUMNS)
        .with_resource_count()
        .prefetch_related(
            "regions_served",
            Prefetch("networks", queryset=published.only("name")),
        )
        .order_by("-is_key", "name", "pk")
    )


def organization_record(page_url):
    def record(organization: Organization) -> dict:
        headquarters = organization.headquarters
        return {
            "id": organization.pk,
            "slug": organization.slug,
            "url": page_url(organization.slug),
            "name": organization.name,
            "acronym": organization.acronym or None,
            "kind": organization.kind,
            "website": organization.website or None,
            "headquarters": headquarters.name if headquarters else None,
            "headquarters_code": (headquarters.code or None) if headquarters else None,
            "regions_served": [region.name for region in organization.regions_served.all()],
            "networks": [network.name for network in organization.networks.all()],
            "key": organization.is_key,
            "resource_count": organization.resource_count,
        }

    return record


def _filtered(request):
    filterset = OrganizationFilterSet(request.GET, queryset=directory())
    errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
    return filterset, errors


@require_safe
def organizations_json(request):
    filterset, errors = _filtered(request)
    if errors:
        return json_error("Malformed parameters.", errors)
    queryset = filterset.qs
    record = organization_record(absolute_url_maker(request, "organizations:detail"))
    return json_page(request, queryset, queryset.count(), record)


@require_safe
def organizations_csv(request):
    filterset, errors = _filtered(request)
    if errors:
        return csv_error(errors)
    record = organization_record(absolute_url_maker(request, "organizations:detail"))
    rows = filterset.qs.iterator(chunk_size=exports.CHUNK_SIZE)
    return csv_response(dated_filename("organizations"), ORGANIZATION_FIELDS, map(record, rows))
