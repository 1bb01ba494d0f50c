"""Time zones by name, for showing and writing a session's times in its own zone."""

import functools
import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


@functools.lru_cache(maxsize=256)
def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The time zone called ``name`` ("Europe/Copenhagen"); UTC when it is empty or unknown (a
    page still shows the time, in UTC, rather than failing)."""
    if not name:
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def utc_day(moment):
    """The day ``moment`` falls on in UTC: the day a session that gives only its date is
    upcoming until the end of (the database files such sessions the same way)."""
    return moment.astimezone(UTC).date()
