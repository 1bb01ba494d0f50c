"""Results as pages read them: resources in the order of their ids, and their snippets."""

from __future__ import annotations

import html
import re

from resources.models import Resource

from .plan import MARK_END, MARK_START


class OrderedResources:
    """Resources in the order of a query of their ids: ``[a:b]`` gives a list, ``iterator()``
    reads the ids from a server-side cursor and the resources a batch at a time, so that memory
    stays flat however many there are."""

    def __init__(self, ids, prepare):
        self.ids, self.prepare = ids, prepare

    def fetch(self, ids: list[int]) -> list:
        """The resources of ``ids`` in that order: instances, or rows when ``prepare`` asks for
        ``values()``."""
        rows = self.prepare(Resource.objects.published().filter(pk__in=ids).order_by())
        by_id = {row["id"] if isinstance(row, dict) else row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]

    def __getitem__(self, window: slice) -> list[Resource]:
        return self.fetch(list(self.ids[window]))

    def iterator(self, chunk_size: int):
        batch = []
        for pk in self.ids.iterator(chunk_size=chunk_size):
            batch.append(pk)
            if len(batch) == chunk_size:
                yield from self.fetch(batch)
                batch = []
        if batch:
            yield from self.fetch(batch)


def snippet_for(resource) -> dict[str, str]:
    """Escaped text with <mark> around the matched words."""

    def marked(value: str) -> str:
        return html.escape(value or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")

    description = resource.description_hl if MARK_START in (resource.description_hl or "") else ""
    return {
        "title": marked(resource.title_hl),
        "summary": marked(resource.summary_hl),
        "description": marked(strip_markdown(description)),
    }


def strip_markdown(text: str) -> str:
    """Markdown punctuation out of a description snippet (link targets included)."""
    return re.sub(r"[*_`#>\[\]]", "", re.sub(r"\]\([^)]*\)", "]", text))
