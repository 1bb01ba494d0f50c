"""Template helpers for the directory's pages."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from common.i18n import day_and_time, weekday_and_date
from common.timezones import UTC, zone_named

register = template.Library()

# Characters that could end a <script> block or start markup, escaped inside JSON.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data) -> str:
    """A schema.org JSON-LD block, safe to place in a page whatever the data holds."""
    text = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.simple_tag
def content_lang(resource) -> str:
    """``lang`` and ``dir`` attributes for a resource's own text (its title, summary and
    description), which is in the resource's language, not the interface's: a screen reader
    pronounces it right, and an English title reads left to right on an Arabic page."""
    if resource.language and resource.language != "mul":
        return format_html(' lang="{}" dir="auto"', resource.language)
    return mark_safe(' dir="auto"')


@register.simple_tag
def session_time(resource) -> str:
    """A live session's time in its own time zone, with UTC beside it for everyone else; its
    day alone when it gives no time."""
    if not resource.starts_at:
        return weekday_and_date(resource.date) if resource.date else ""
    zone = zone_named(resource.timezone)
    start = resource.starts_at.astimezone(zone)
    end = resource.ends_at.astimezone(zone) if resource.ends_at else None
    utc_start = resource.starts_at.astimezone(UTC)
    when = day_and_time(start, weekday=True)
    if end:
        same_day = end.date() == start.date()
        if same_day:
            when += f"–{end:%H:%M}"
        else:
            when += f" – {day_and_time(end, short=True)}"
    local = f"{when} {start.tzname()}"
    if zone.key == "UTC":
        return local
    return format_html(
        '{} <span class="meta">({} UTC)</span>', local, day_and_time(utc_start, short=True)
    )


@register.filter
def session_datetime(resource) -> str:
    """The machine-readable ``datetime`` of a session's ``<time>``: its start, or its day."""
    if resource.starts_at:
        return resource.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    return resource.date.isoformat() if resource.date else ""
