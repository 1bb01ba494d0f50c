"""Comparable forms of links and titles, for spotting a resource that is already listed."""

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit

# Query parameters that track a click rather than name a page.
TRACKING = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|ref|ref_src|igshid|"
    r"yclid|twclid|si)$",
    re.IGNORECASE,
)


def url_key(url: str) -> str:
    """The same key for the same page: no scheme, no ``www.``, no trailing slash, no fragment,
    no tracking parameters, host in lower case, remaining parameters sorted.

    >>> url_key("HTTPS://www.Example.org/path/?utm_source=x&b=2&a=1#top")
    'example.org/path?a=1&b=2'
    """
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = site(url)
    if parts.port and parts.port not in {80, 443}:
        host = f"{host}:{parts.port}"
    path = re.sub(r"/+$", "", parts.path) or ""
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)
    )
    key = f"{host}{path}"
    return f"{key}?{urlencode(query)}" if query else key


def site(url: str) -> str:
    """The site an address leads to, as people say it: "irct.org".

    >>> site("https://www.IRCT.org/what-we-do")
    'irct.org'
    """
    url = (url or "").strip()
    parts = urlsplit(url if "//" in url else f"//{url}")
    return (parts.hostname or "").lower().removeprefix("www.")


def title_key(title: str) -> str:
    """Lower-case words without accents or punctuation.

    >>> title_key("Group Work - Part 1: Réfugiés!")
    'group work part 1 refugies'
    """
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[^\W_]+", text))
