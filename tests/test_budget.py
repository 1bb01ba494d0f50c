"""The low-bandwidth budget: every public page with its stylesheets and scripts under 60 KB before
compression, pages compressed, static files cached for a year, no web fonts, and downloads that
say what they are and how large before anyone follows them."""

import gzip
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from search.engine import PAGE_SIZE

from .site_pages import build_site, fetch

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024  # bytes of HTML + CSS + JS, before compression
ONE_YEAR = 365 * 24 * 3600


class Page(HTMLParser):
    """The stylesheets and scripts a page makes the browser fetch, and its download links."""

    def __init__(self, text: str):
        super().__init__()
        self.assets, self.downloads, self._link = [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])
        elif tag == "a" and "download" in attrs:
            self._link = [attrs["href"], ""]
            self.downloads.append(self._link)

    def handle_data(self, data):
        if self._link:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def asset_size(url: str) -> int:
    assert url.startswith(django_settings.STATIC_URL), f"{url} is not one of our static files"
    path = finders.find(url.removeprefix(django_settings.STATIC_URL).split("?")[0])
    assert path, f"{url} does not exist"
    with open(path, "rb") as handle:
        return len(handle.read())


@pytest.fixture
def site(django_user_model, settings, tmp_path):
    settings.FORM_MIN_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_site(django_user_model, synthetic=0)


@pytest.fixture
def heavy_site(django_user_model, settings, tmp_path):
    settings.FORM_MIN_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    # Enough published resources that every facet has many choices and a search fills a page.
    return build_site(django_user_model, synthetic=300)


def test_every_public_page_with_its_css_and_js_is_under_60_kb(client, heavy_site):
    site = heavy_site
    sizes, over = {}, []
    for page in site.pages:
        if not page.public:
            continue
        response = fetch(client, page)
        assert response.status_code == page.status, page.name
        parsed = Page(response.content.decode())
        assets = {url: asset_size(url) for url in parsed.assets}
        sizes[page.name] = (len(response.content), sum(assets.values()))
        if sum(sizes[page.name]) > BUDGET:
            over.append(f"{page.name} ({page.url}): {sum(sizes[page.name]):,} bytes")
        if page.name == "search: full page, every facet":  # the worst case, truly built
            assert len(response.context["resources"]) == PAGE_SIZE
            assert all(len(facet.choices) >= 2 for facet in response.context["facets"])

    print(f"\nPage weight before compression (budget {BUDGET:,} bytes):")
    print(f"  {'HTML':>7} {'CSS+JS':>7} {'total':>7}  page")
    for name, (html, assets) in sizes.items():
        print(f"  {html:7,} {assets:7,} {html + assets:7,}  {name}")
    assert not over, "Over the page-weight budget: " + "; ".join(over)


def test_pages_feeds_and_exports_are_compressed_but_downloads_are_not(client, site):
    for url in [
        reverse("home"),
        site.file_resource.get_absolute_url(),
        "/resources.csv",
        "/feeds/resources/",
    ]:
        plain = client.get(url)
        compressed = client.get(url, headers={"accept-encoding": "gzip"})
        assert compressed["Content-Encoding"] == "gzip", url
        assert gzip.decompress(body(compressed)) == body(plain), url
        assert "Accept-Encoding" in compressed["Vary"]
    # A PDF is compressed already: it keeps its Content-Length (a browser shows the progress).
    download = client.get(
        site.file_resource.files.get().get_absolute_url(), headers={"accept-encoding": "gzip"}
    )
    assert download.status_code == 200
    assert not download.has_header("Content-Encoding")
    assert int(download["Content-Length"]) == site.file_resource.files.get().size


def test_a_compressed_page_still_answers_a_revalidation_with_304(client, site):
    first = client.get(reverse("home"), headers={"accept-encoding": "gzip"})
    again = client.get(
        reverse("home"), headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.slow
def test_fingerprinted_static_files_are_cached_for_a_year_and_served_compressed(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # a new handler: whitenoise reads the collected files when it starts
    assets = Page(client.get(reverse("about")).content.decode()).assets
    assert any(re.search(r"/css/site\.[0-9a-f]{12}\.css$", url) for url in assets), assets
    for url in assets:
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url
        cache_control = response["Cache-Control"]
        assert "immutable" in cache_control, cache_control
        assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= ONE_YEAR


def test_no_web_fonts():
    """System fonts only: a font file would be most of a page's weight on a slow line."""
    for name in ("css/site.css", "css/admin.css"):
        with open(finders.find(name), encoding="utf-8") as handle:
            css = handle.read()
        assert "@font-face" not in css, name
        assert not re.search(r"\.(woff2?|ttf|otf|eot)\b", css), name


@pytest.mark.parametrize("kind", ["resource with a file", "guide page"])
def test_every_download_link_says_the_file_type_and_size(client, site, kind):
    (page,) = [p for p in site.pages if p.name == kind]
    downloads = Page(client.get(page.url).content.decode()).downloads
    files = [(href, text) for href, text in downloads if "/files/" in href]
    assert files, f"no file to download on the {kind}"
    for href, text in files:
        # e.g. "Training manual (PDF, 39.1 KB)": in the link, so a screen reader says it too.
        assert re.search(r"\(PDF, [\d.]+\s(bytes|KB|MB)\)", text), (href, text)
