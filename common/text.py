"""Markdown written by staff and submitters, rendered to HTML that is safe to show.

Markdown is converted with Python-Markdown and the result cleaned by nh3 (the Rust ``ammonia``
sanitiser) to a short list of tags: any HTML a writer typed is removed, not trusted. And slugs
that no other row of a model has.
"""

import markdown
import nh3
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

# Between lines of a value the admin shows (links, messages): markup of our own, never typed.
LINE_BREAK = mark_safe("<br>")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML. Headings start at h3 so they sit under the page's own h1/h2."""
    if not text:
        return mark_safe("")
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def unique_slug(instance: models.Model, value: str, max_length: int = 80) -> str:
    """A slug for ``value`` that no other row of ``instance``'s model uses."""
    base = slugify(value)[:max_length].strip("-") or "item"
    slug, n = base, 2
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return slug
