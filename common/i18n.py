"""Language prefixes in URLs, and the other language versions of the current page.

Pages live under a language prefix (``/fr/resources/``) so that each language version has its own
shareable, crawlable address; files, feeds, calendars and exports keep one address for everyone.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import URLResolver, reverse, translate_url
from django.urls.resolvers import RoutePattern
from django.utils.formats import date_format
from django.utils.translation import get_language_from_path, get_language_info, override
from django.utils.translation import gettext as _


def language_prefixed(*urls) -> URLResolver:
    """``i18n_patterns(...)`` for the pages of an app whose URLconf also holds addresses that
    stay without a prefix (files, feeds, calendars), so that every URL keeps its one name in the
    app's namespace (``search:list`` and ``opendata:search-feed``).

    Django's ``include()`` refuses i18n_patterns directly inside an included URLconf because only
    the root URLconf is examined to know whether prefixes are used and whether the default
    language has one; ours has them at its top level with the same ``prefix_default_language``,
    so the wrapping resolver below (which ``include()`` does not look inside) is safe."""
    return URLResolver(RoutePattern(""), i18n_patterns(*urls, prefix_default_language=True))


def language_versions(request) -> list[dict]:
    """The current page in every language: its address (with the same query string), and each
    language's name in that language. Where no URL matched (a page not found), the home page in
    each language."""
    matched = getattr(request, "resolver_match", None) is not None
    query = (
        f"?{urlencode(list(request.GET.lists()), doseq=True)}" if request.GET and matched else ""
    )
    versions = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        if matched:
            path = translate_url(request.path, code)
        else:
            with override(code):
                path = reverse("home")
        versions.append(
            {
                "code": code,
                "name": info["name_local"][:1].upper() + info["name_local"][1:],
                "path": path,
                "url": path + query,
            }
        )
    return versions


def unprefixed(path: str) -> str:
    """``/fr/share/`` → ``/share/``: a path without its language prefix (the address that
    redirects each visitor to their own language: hreflang's ``x-default``)."""
    language = get_language_from_path(path)
    return path[len(language) + 1 :] if language else path


def weekday_and_date(day) -> str:
    """A day in the active language: "Thursday 20 August 2026"."""
    return _("%(weekday)s %(date)s") % {
        "weekday": date_format(day, "l"),
        "date": date_format(day, "DATE_FORMAT"),
    }


def day_and_time(moment, *, weekday: bool = False, short: bool = False) -> str:
    """A moment's date and clock time in the active language: "Thursday 20 August 2026, 12:00"
    (``weekday``), "20 August 2026, 12:00", or "20 Aug, 12:00" (``short``: the language's
    MONTH_DAY_FORMAT, no year)."""
    if short:
        day = date_format(moment, "MONTH_DAY_FORMAT")
    else:
        day = weekday_and_date(moment) if weekday else date_format(moment, "DATE_FORMAT")
    return _("%(date)s, %(time)s") % {"date": day, "time": f"{moment:%H:%M}"}
