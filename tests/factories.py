"""Small factories: the fewest fields a valid object needs, the rest overridable."""

import itertools

from django.utils import timezone

from organizations.models import Organization
from resources.models import Resource

_n = itertools.count(1)


def make_resource(**fields) -> Resource:
    n = next(_n)
    topics = fields.pop("topics", [])
    organizations = fields.pop("organizations", [])
    defaults = {
        "title": f"Resource {n}",
        "kind": Resource.Kind.VIDEO,
        "summary": f"Summary of resource {n}.",
        "status": Resource.Status.PUBLISHED,
    }
    defaults.update(fields)
    if defaults["status"] == Resource.Status.PUBLISHED:
        defaults.setdefault("published_at", timezone.now())
    resource = Resource.objects.create(**defaults)
    if topics:
        resource.topics.set(topics)
    if organizations:
        resource.organizations.set(organizations)
    return resource


def make_organization(**fields) -> Organization:
    n = next(_n)
    defaults = {
        "name": f"Organisation {n}",
        "slug": f"organisation-{n}",
        "kind": Organization.Kind.TREATMENT_CENTRE,
        "status": Organization.Status.PUBLISHED,
    }
    defaults.update(fields)
    return Organization.objects.create(**defaults)
