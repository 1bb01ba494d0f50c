from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from digest import digest
from opendata import exports, organization_exports
from opendata.sitemaps import SITEMAPS, sitemap

from . import views


def moved_admin_pages():
    """Permanent redirects from the admin addresses of models that changed app (issue 14's
    re-layering) to their new ones, with whatever followed (an id, "change/") and the query."""
    moved = {
        "submissions/problemreport": "upkeep/problemreport",
        "submissions/outboxmessage": "common/outboxmessage",
        "resources/topic": "thesaurus/topic",
        "resources/audience": "thesaurus/audience",
        "resources/region": "thesaurus/region",
    }
    admin_url = f"/{settings.ADMIN_URL}"
    return [
        path(f"{settings.ADMIN_URL}{old}/{rest}",
             RedirectView.as_view(url=f"{admin_url}{new}/{target}", permanent=True,
                                  query_string=True))
        for old, new in moved.items()
        for rest, target in (("", ""), ("<path:rest>", "%(rest)s"))
    ]  # fmt: skip


# Language-neutral addresses: for machines (crawlers, load balancers, feed readers, calendars,
# spreadsheets) and for staff. Pages are in i18n_patterns below, under a language prefix.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # For crawlers: an index of one sitemap per kind of page, and robots.txt pointing to it.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(
            template_name="robots.txt",
            content_type="text/plain; charset=utf-8",
            # A custom admin address stays out of robots.txt, where anyone could read it.
            extra_context={"admin_path": "/admin/" if settings.ADMIN_URL == "admin/" else None},
        ),
        name="robots",
    ),
    # Open data: the search's results and the organisation directory as JSON and CSV.
    path("resources.json", exports.resources_json, name="resources-json"),
    path("resources.csv", exports.resources_csv, name="resources-csv"),
    path("organizations.json", organization_exports.organizations_json, name="organizations-json"),
    path("organizations.csv", organization_exports.organizations_csv, name="organizations-csv"),
    # Each app's pages (under a language prefix) and its files, calendars and feeds (without).
    path("", include("resources.urls")),
    path("", include("search.urls")),
    path("", include("opendata.urls")),
    path("", include("alerts.urls")),
    # Admin pages of models that moved to another app: links in older staff e-mails still work.
    *moved_admin_pages(),
    path(settings.ADMIN_URL, admin.site.urls),
]

# Pages: /en/..., /fr/..., /es/..., /ar/...; an address without a prefix redirects to the
# visitor's language (LocaleMiddleware), so every older link still works.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("data/", exports.open_data_page, name="open-data"),
    # The quarterly digest (also an e-mail: manage.py digest 2026-q4) and its subscription,
    # whose addresses come before the quarters'.
    path("", include("digest.urls")),
    path("digest/", digest.latest_digest, name="latest-digest"),
    path("digest/<str:period>/", digest.digest_page, name="digest"),
    path("organizations/", include("organizations.urls")),
    path("", include("submissions.urls")),
    path("", include("upkeep.urls")),
    prefix_default_language=True,
)

handler404 = "healtorture.views.page_not_found"
handler500 = "healtorture.views.server_error"
