"""Is a proposed resource already listed, or already waiting for review?"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Q

from .links import title_key, url_key
from .models import Resource

SIMILAR_TITLE = 0.9  # difflib ratio between normalised titles


@dataclass
class Duplicate:
    resource: Resource
    reason: str  # "link" or "title"

    @property
    def is_published(self) -> bool:
        return self.resource.is_published


def find_duplicates(url: str = "", title: str = "", *, exclude_pk=None) -> list[Duplicate]:
    """Published or pending resources with the same link (after normalising it) or a near
    identical title. Links first: they are certain; titles may be two editions of one thing."""
    live = Resource.objects.filter(
        Q(status=Resource.Status.PUBLISHED) | Q(status=Resource.Status.PENDING)
    ).exclude(pk=exclude_pk)
    found: dict[int, Duplicate] = {}
    key = url_key(url)
    if key:
        for resource in live.filter(url_key=key)[:5]:
            found[resource.pk] = Duplicate(resource, "link")
    wanted = title_key(title)
    if wanted:
        words = SearchQuery(" OR ".join(wanted.split()[:12]), config="simple",
                            search_type="websearch")  # fmt: skip
        candidates = (
            live.filter(Q(title_key=wanted) | Q(search_vector_simple=words))
            .annotate(rank=SearchRank(F("search_vector_simple"), words))
            .order_by("-rank")
            .only("title", "title_key", "slug", "status", "published_at")
        )
        for resource in candidates[:50]:
            similar = difflib.SequenceMatcher(None, wanted, resource.title_key).ratio()
            if resource.pk not in found and similar >= SIMILAR_TITLE:
                found[resource.pk] = Duplicate(resource, "title")
    return sorted(found.values(), key=lambda d: d.reason != "link")
