"""Site-wide views: the home page, the about page, the health check and the error pages."""

import functools
import logging
import sys
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from common.outage import DATABASE_UNAVAILABLE
from organizations.models import Organization
from resources.models import Guide, Resource

from .middleware import database_unavailable_response

logger = logging.getLogger(__name__)


# The home page's pathways: a guide when it is published, else a search for that audience.
PATHWAYS = [
    (_("I serve survivors"), _("Clinical, psychosocial, legal and case-management resources."),
     None, "service-providers"),
    (_("I’m new to this work"),
     _("The fundamentals, safety, looking after yourself, and who to ask."),
     "new-to-serving-survivors", "new-staff"),
    (_("I’m a student or researcher"), _("Standards, reports, research and expert voices."),
     "students-and-researchers", "students-researchers"),
]  # fmt: skip


@require_safe
def home(request):
    """The front door: search, pathways, guides, latest resources, upcoming sessions, key
    organisations."""
    published = Resource.objects.published().select_related("series")
    guides = {
        guide.slug: guide for guide in Guide.objects.published().order_by("-featured", "title")
    }
    search = reverse("search:list")
    pathways = [
        {
            "title": title,
            "text": text,
            "url": guides[slug].get_absolute_url()
            if slug in guides
            else f"{search}?{urlencode({'audience': audience})}",
        }
        for title, text, slug, audience in PATHWAYS
    ]
    context = {
        "pathways": pathways,
        "latest": list(published.order_by("-published_at", "-pk")[:6]),
        "upcoming": list(published.upcoming()[:4]),
        "guides": [guide for guide in guides.values() if guide.featured][:4]
        or list(guides.values())[:4],
        "key_organizations": list(
            Organization.objects.published().filter(is_key=True).order_by("name")[:12]
        ),
    }
    return render(request, "home.html", context)


@require_safe
def about(request):
    return render(request, "about.html")


# The icon that browsers ask for at /favicon.ico whatever the page says; pages link to the same
# file's fingerprinted copy under /static/. This address cannot change with the file, so it is
# kept for 30 days rather than a year.
FAVICON_MAX_AGE = 30 * 24 * 3600


@functools.cache
def favicon_bytes() -> bytes:
    with open(finders.find("favicon.ico"), "rb") as handle:
        return handle.read()


@require_safe
@cache_control(public=True, max_age=FAVICON_MAX_AGE)
def favicon(request):
    """The site's icon at the address every browser tries, instead of a 404 on every visit."""
    return HttpResponse(favicon_bytes(), content_type="image/x-icon")


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers a round-trip, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database: this page must render whatever else has failed.
    # Django calls this while handling the exception: an unreachable database (in a middleware,
    # say, outside any view) is the friendly 503, not a 500.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response()
    return HttpResponse(loader.get_template("500.html").render(), status=500)
