"""Response headers that make repeat visits cheap and server time visible, and the friendly
answer when the database is unreachable."""

import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from common.outage import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)


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
        # The admin's views and the public forms mark themselves private (never_cache).
        personal = settings.SESSION_COOKIE_NAME in request.COOKIES or response.cookies
        if personal or response.status_code != 200:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
            patch_vary_headers(response, ["Cookie"])
        return response


class RememberLanguageMiddleware:
    """Remember a language chosen with the language switcher (or any link into another
    language's pages): when a page's language is not the one the visitor's cookie or browser
    asks for, the response sets the language cookie, so that an address without a language
    prefix (an older link, a bookmark) later leads to the chosen language. A visitor whose browser
    already asks for the page's language gets no cookie, and the page stays publicly cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = translation.get_language_from_path(request.path_info)
        if (
            language
            and response.status_code == 200
            and request.method in {"GET", "HEAD"}
            and translation.get_language_from_request(request) != language
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
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
            # Before LocaleMiddleware: the page's language is read here, from the address.
            language = translation.get_language_from_request(request, check_path=True)
            with translation.override(language):
                body = render_to_string("413.html", {"limit_mb": limit}, request=None)
            return HttpResponse(body, status=413)
        return self.get_response(request)


# Text compresses to a fraction of its size; PDFs, video and images are compressed already.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
)


class CompressTextMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation) for pages, feeds, calendars and
    exports only. A file people download is sent as it is, with its Content-Length, so that a
    browser on a slow line can show how much is left."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


def database_unavailable_response() -> HttpResponse:
    """The friendly 503 page. Rendered without a request, so without context processors: nothing
    in it may read the database, the session or the user."""
    response = HttpResponse(render_to_string("503.html"), status=503)
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
