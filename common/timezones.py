"""Time zones by name, for showing and writing a session's times in its own zone."""

import functools
import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


@functools.lru_cache(maxsize=256)
def known_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The time zone called ``name`` ("Europe/Copenhagen"), or None when it is empty or unknown
    (a form then says so beside its field)."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@functools.cache
def zone_names() -> frozenset[str]:
    """Every time zone name the zoneinfo database knows, read once a process: asking zoneinfo
    walks its folders each time (about 30 ms), which an import of 10,000 sessions cannot pay."""
    return frozenset(zoneinfo.available_timezones())


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The time zone called ``name``; UTC when it is empty or unknown (a page still shows the
    time, in UTC, rather than failing)."""
    return known_zone(name) or UTC


def utc_day(moment):
    """The day ``moment`` falls on in UTC: the day a session that gives only its date is
    upcoming until the end of (the database files such sessions the same way)."""
    return moment.astimezone(UTC).date()
