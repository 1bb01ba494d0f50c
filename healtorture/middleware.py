"""Response headers that make repeat visits cheap and server time visible, and the friendly
answer when the database is unreachable."""

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

# The errors of a database that cannot be reached or stopped answering (connection refused or
# lost, server shutting down, too many clients, a statement cancelled): worth trying again later.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds a visitor (or a crawler, or a load balancer) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 60

# Paths never cached by browsers or proxies, whoever asks.
PRIVATE_PREFIXES = ("/admin/", "/share/", "/contact/")


class CacheHeadersMiddleware:
    """Pages an anonymous visitor sees may be kept for ``PUBLIC_PAGE_MAX_AGE`` seconds by
    browsers and shared caches; ConditionalGetMiddleware adds an ETag, so that after that a
    repeat visit costs a 304 instead of the page. Anything personal (a session, a CSRF cookie, a
    staff user) is marked private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control") or request.method not in {"GET", "HEAD"}:
            return response
        personal = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or response.cookies
            or request.path.startswith(PRIVATE_PREFIXES)
        )
        if personal or response.status_code != 200:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
            patch_vary_headers(response, ["Cookie"])
        return response


class ServerTimingMiddleware:
    """``Server-Timing: app;dur=…`` on every response: how long the application took, in ms,
    for `make bench` and for anyone looking at a slow page in their browser's tools."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response


class RequestSizeLimitMiddleware:
    """Refuse, before reading it, a request body larger than any form here accepts (413)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
            body = render_to_string("413.html", {"limit_mb": limit}, request=None)
            return HttpResponse(body, status=413)
        return self.get_response(request)


def database_unavailable_response() -> HttpResponse:
    """The friendly 503 page. Rendered without a request, so without context processors: nothing
    in it may read the database, the session or the user."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database is unreachable answers the friendly 503 page with
    ``Retry-After`` instead of a 500. (Failures outside views reach ``handler500``, which answers
    the same page for the same errors: ``healtorture.views.server_error``.) Nothing needs
    restarting when the database returns: ``CONN_HEALTH_CHECKS`` replaces the dead connection on
    the next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response()
