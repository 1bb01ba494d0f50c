"""Open data: the search page's results as JSON (a page at a time) and CSV (streamed).

``/resources.json`` and ``/resources.csv`` take exactly the parameters of ``/resources/`` and run
the same :class:`~resources.search.Search`, so a URL means the same resources, in the same order,
in the page, its feed and its exports. Only published resources are reachable, and nothing about
who proposed a resource (``submissions``) is ever read here. The fields are documented on
``/data/`` (``templates/data/index.html``).

- JSON: ``count``, ``page``, ``pages``, ``next`` and ``previous`` (absolute URLs or null) and
  ``results``, ``PAGE_SIZE`` resources a page, in 6 queries whatever the page or the total.
- CSV: every result, streamed ``CHUNK_SIZE`` rows at a time: the ids in the search's order from a
  server-side cursor, then each chunk's rows with their related names in one statement: memory
  stays flat and each chunk costs one query.
- A malformed parameter is a 400 (a JSON error for JSON), never a 500 and never a silent change
  of meaning.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from organizations.models import Organization
from resources.models import Resource
from search.engine import Search
from thesaurus.models import Audience, Region, Topic

PAGE_SIZE = 100  # resources per JSON page
CHUNK_SIZE = 500  # rows fetched at a time for CSV
LIST_SEPARATOR = "; "  # between the names of a list in a CSV cell
LINES_A_WRITE = 100  # CSV lines handed to the server at a time

# The fields of a resource, in order (CSV columns, JSON keys). Documented on /data/.
RESOURCE_FIELDS = [
    "id", "slug", "url", "title", "kind", "summary", "link", "recording_link", "date",
    "starts_at", "ends_at", "timezone", "registration_link", "presenters", "organizations",
    "topics", "audiences", "language", "language_versions", "regions", "series", "access",
    "ce_credit", "published_at", "updated_at",
]  # fmt: skip

# Only the columns the export writes: not the description, nor the large search columns.
RESOURCE_COLUMNS = [
    "id", "slug", "title", "kind", "summary", "url", "recording_url", "date", "starts_at",
    "ends_at", "timezone", "registration_url", "presenters", "language", "series__name",
    "access", "ce_credit", "published_at", "updated_at",
]  # fmt: skip

PAGE_RE = re.compile(r"^[1-9][0-9]{0,8}$")


# --- shared by the resource and organisation exports -------------------------------------------


def json_error(message: str, parameters: dict | None = None, status: int = 400) -> JsonResponse:
    data = {"error": message}
    if parameters:
        data["parameters"] = parameters
    return open_data(JsonResponse(data, status=status))


def open_data(response):
    """Anyone may read this data, from any site: it is public and carries no credentials."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def absolute_url_maker(request, view_name: str) -> Callable[[str], str]:
    """A function from a slug to the absolute URL of its page, reversing the URL only once."""
    pattern = request.build_absolute_uri(reverse(view_name, kwargs={"slug": "slug-placeholder"}))
    before, after = pattern.split("slug-placeholder")
    return lambda slug: f"{before}{slug}{after}"


def json_page(request, queryset, count: int, record: Callable) -> JsonResponse:
    """One page of ``queryset`` as JSON, with links to the pages before and after it."""
    page_size = PAGE_SIZE
    raw = request.GET.get("page", "1")
    if not PAGE_RE.match(raw):
        return json_error(
            "Malformed parameters.", {"page": ["Give a whole number from 1."]}, status=400
        )
    number = int(raw)
    pages = max(1, math.ceil(count / page_size))
    if number > pages:
        return json_error(
            f"There is no page {number}: the last page is {pages}.",
            {"page": [f"Give a whole number from 1 to {pages}."]},
            status=404,
        )
    start = (number - 1) * page_size
    rows = [record(row) for row in queryset[start : start + page_size]]

    def page_url(n: int) -> str:
        params = request.GET.copy()
        params["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    data = {
        "count": count,
        "page": number,
        "pages": pages,
        "page_size": page_size,
        "next": page_url(number + 1) if number < pages else None,
        "previous": page_url(number - 1) if number > 1 else None,
        "documentation": request.build_absolute_uri(reverse("open-data")),
        "results": rows,
    }
    return open_data(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A value as CSV text that no spreadsheet will run as a formula: text starting with
    = + - @, a tab or a carriage return gets a leading apostrophe (OWASP's advice)."""
    if value is None:
        return ""
    if type(value) is str:  # the common case, first
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(item) for item in value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() returns what it was given, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, fields: list[str], records: Iterable[dict]
) -> StreamingHttpResponse:
    """Stream ``records`` as CSV (UTF-8 with a byte-order mark, so that spreadsheets read
    Arabic, Persian or accented names correctly)."""
    writer = csv.writer(_Echo())
    # The rows are read while the response streams, after its 200 has gone out: make sure now
    # that the database answers, so that an outage is a clear 503 and not a truncated file.
    connection.ensure_connection()

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(fields)
        batch = []
        for record in records:
            batch.append(writer.writerow([safe_cell(record[field]) for field in fields]))
            if len(batch) == LINES_A_WRITE:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return open_data(response)


def csv_error(parameters: dict) -> HttpResponse:
    lines = ["Malformed parameters:"] + [
        f"- {name}: {' '.join(errors)}" for name, errors in parameters.items()
    ]
    response = HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )
    return open_data(response)


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value.isoformat()


def dated_filename(name: str) -> str:
    return f"healtorture-{name}-{timezone.now():%Y-%m-%d}.csv"


# --- resources ----------------------------------------------------------------------------------


def published_versions():
    """The ids of a row's other published language versions, in the same statement."""
    root = Coalesce(OuterRef("original_id"), OuterRef("pk"))
    versions = (
        Resource.objects.published()
        .filter(Q(pk=root) | Q(original=root))
        .exclude(pk=OuterRef("pk"))
        .order_by("pk")
        .values("pk")
    )
    return ArraySubquery(versions)


def names(queryset, **link) -> ArraySubquery:
    """The names of a row's related objects (in their model's order), in the row's statement."""
    return ArraySubquery(queryset.filter(**link).values("name"))


def export_queryset(search: Search):
    """The search's results, in its order, as plain rows (no model instances: the CSV streams
    thousands a second) with their published organisations' names and the ids of their
    published language versions read in the row's statement; topics, audiences and regions are
    named from the ids each row keeps (see :func:`resource_record`)."""
    row = OuterRef("pk")
    return search.resources(
        lambda queryset: queryset.values(
            *RESOURCE_COLUMNS, "topic_ids", "audience_ids", "region_ids"
        ).annotate(
            organization_names=names(Organization.objects.published(), resources=row),
            language_versions=published_versions(),
        )
    )


def vocabulary_names() -> dict[str, dict[int, tuple]]:
    """Every topic, audience and region by id: (its place in the list, its name), the list
    ordered as the resource pages list them (topics by name regardless of case, the others in
    their model's order). Three small tables, read once a request."""
    topics = sorted(Topic.objects.values_list("pk", "name"), key=lambda pair: pair[1].lower())
    return {
        kind: {pk: (place, name) for place, (pk, name) in enumerate(pairs)}
        for kind, pairs in [
            ("topic", topics),
            ("audience", Audience.objects.values_list("pk", "name")),
            ("region", Region.objects.values_list("pk", "name")),
        ]
    }


def resource_record(page_url: Callable[[str], str]) -> Callable[[dict], dict]:
    named = vocabulary_names()

    def sorted_names(kind: str, ids: list[int]) -> list[str]:
        return [name for _place, name in sorted(named[kind][pk] for pk in ids if pk in named[kind])]

    def record(row: dict) -> dict:
        return {
            "id": row["id"],
            "slug": row["slug"],
            "url": page_url(row["slug"]),
            "title": row["title"],
            "kind": row["kind"],
            "summary": row["summary"],
            "link": row["url"] or None,
            "recording_link": row["recording_url"] or None,
            "date": iso(row["date"]),
            "starts_at": iso(row["starts_at"]),
            "ends_at": iso(row["ends_at"]),
            "timezone": row["timezone"] or None,
            "registration_link": row["registration_url"] or None,
            "presenters": Resource.split_presenters(row["presenters"]),
            "organizations": row["organization_names"],
            "topics": sorted_names("topic", row["topic_ids"]),
            "audiences": sorted_names("audience", row["audience_ids"]),
            "language": row["language"],
            "language_versions": row["language_versions"],
            "regions": sorted_names("region", row["region_ids"]),
            "series": row["series__name"],
            "access": row["access"],
            "ce_credit": row["ce_credit"],
            "published_at": iso(row["published_at"]),
            "updated_at": iso(row["updated_at"]),
        }

    return record


def _search(request) -> tuple[Search, dict]:
    search = Search(request.GET, facets=False)
    return search, search.filterset.ignored


@require_safe
def resources_json(request):
    """One page of the search's results: ``/resources.json?<the search page's parameters>``."""
    search, ignored = _search(request)
    if ignored:
        return json_error("Malformed parameters.", ignored)
    record = resource_record(absolute_url_maker(request, "resources:detail"))
    return json_page(request, export_queryset(search), search.total, record)


@require_safe
def resources_csv(request):
    """Every result of the search, streamed as CSV."""
    search, ignored = _search(request)
    if ignored:
        return csv_error(ignored)
    record = resource_record(absolute_url_maker(request, "resources:detail"))
    rows = export_queryset(search).iterator(chunk_size=CHUNK_SIZE)
    return csv_response(dated_filename("resources"), RESOURCE_FIELDS, map(record, rows))


@require_safe
def open_data_page(request):
    """``/data/``: what the exports hold, field by field."""
    context = {
        "page_size": PAGE_SIZE,
        "kinds": Resource.Kind.choices,
        "accesses": Resource.Access.choices,
        "organization_kinds": Organization.Kind.choices,
    }
    return render(request, "data/index.html", context)
