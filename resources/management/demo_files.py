"""The demo content's files: what ``manage.py load_demo`` reads, and the shape each item must have.

Each file of ``fixtures/demo/`` is an array of TOML tables (``[[resource]]``), each item found by
its slug (a topic by its name). An unknown or missing field, a value of the wrong type, a slug
used twice: the load stops with an error naming the file and the item, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

STR_LIST = "list of strings"
DATE = "date"
DATETIME = "datetime"

# table name -> {field: type}; the first group of fields in REQUIRED must be present.
FIELDS: dict[str, dict[str, Any]] = {
    "topic": {"name": str, "description": str},
    "region": {"name": str, "slug": str, "kind": str, "code": str},
    "organization": {
        "name": str,
        "acronym": str,
        "slug": str,
        "kind": str,
        "description": str,
        "website": str,
        "headquarters": str,
        "regions_served": STR_LIST,
        "topics": STR_LIST,
        "networks": STR_LIST,
        "is_key": bool,
    },
    "series": {"name": str, "slug": str, "description": str, "organization": str},
    "resource": {
        "title": str,
        "slug": str,
        "kind": str,
        "summary": str,
        "description": str,
        "url": str,
        "recording_url": str,
        "registration_url": str,
        "date": DATE,
        "starts_at": DATETIME,
        "ends_at": DATETIME,
        "timezone": str,
        "presenters": STR_LIST,
        "organizations": STR_LIST,
        "topics": STR_LIST,
        "audiences": STR_LIST,
        "language": str,
        "regions": STR_LIST,
        "series": str,
        "series_position": int,
        "related": STR_LIST,
        "access": str,
        "ce_credit": bool,
        "content_note": str,
    },
    "guide": {
        "title": str,
        "slug": str,
        "summary": str,
        "introduction": str,
        "audiences": STR_LIST,
        "key_organizations": STR_LIST,
        "featured": bool,
        "published": bool,
        "items": list,
    },
    "guide item": {"resource": str, "section": str, "note": str},
}
REQUIRED = {
    "topic": {"name"},
    "region": {"name", "slug"},
    "organization": {"name", "slug", "kind"},
    "series": {"name", "slug"},
    "resource": {"title", "slug", "kind", "summary"},
    "guide": {"title", "slug"},
    "guide item": {"resource"},
}
# file stem -> the name of its array of tables
FILES = {
    "topics": "topic",
    "regions": "region",
    "organizations": "organization",
    "series": "series",
    "resources": "resource",
    "guides": "guide",
}


def read(file: Path, table: str) -> dict[str, dict]:
    """The items of one file, keyed by slug (topics by name), checked for shape."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"{file}: file not found.") from None
    except tomllib.TOMLDecodeError as exc:
        raise CommandError(f"{file.name}: not valid TOML: {exc}") from None
    extra = set(data) - {table}
    if extra:
        raise CommandError(
            f"{file.name}: unexpected top-level key(s) {sorted(extra)}; use [[{table}]] tables."
        )
    key = "name" if table == "topic" else "slug"
    items: dict[str, dict] = {}
    for n, item in enumerate(data.get(table, []), start=1):
        where = f"{file.name}: {table} #{n}"
        if isinstance(item.get(key), str):
            where = f"{file.name}: {table} '{item[key]}'"
        check_item(item, table, where)
        if item[key] in items:
            raise CommandError(f"{where}: the {key} '{item[key]}' is used twice.")
        item["_where"] = where
        if table == "guide":
            for i, entry in enumerate(item.get("items", []), start=1):
                entry_where = f"{where}, item {i}"
                if not isinstance(entry, dict):
                    raise CommandError(f"{entry_where}: write items as [[guide.items]] tables.")
                check_item(entry, "guide item", entry_where)
                entry["_where"] = entry_where
        items[item[key]] = item
    return items


def check_item(item: dict, table: str, where: str) -> None:
    fields = FIELDS[table]
    unknown = set(item) - set(fields)
    if unknown:
        raise CommandError(f"{where}: unknown field(s) {sorted(unknown)}.")
    missing = REQUIRED[table] - set(item)
    if missing:
        raise CommandError(f"{where}: missing field(s) {sorted(missing)}.")
    for name, value in item.items():
        kind = fields[name]
        if kind == STR_LIST:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif kind == DATE:
            ok = isinstance(value, dt.date | str) and not isinstance(value, dt.datetime)
        elif kind == DATETIME:
            ok = isinstance(value, dt.datetime | str)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, kind)
        if not ok:
            expected = kind if isinstance(kind, str) else kind.__name__
            raise CommandError(f"{where}: '{name}' should be a {expected}, not {value!r}.")


def moment(item: dict, field: str, where: str) -> dt.datetime | None:
    """A time written with its UTC offset, as TOML or as ISO 8601 text."""
    value = item.get(field)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise CommandError(f"{where}: '{field}' is not an ISO 8601 time.") from None
    if value is not None and value.tzinfo is None:
        raise CommandError(f"{where}: '{field}' needs a UTC offset, e.g. -05:00.")
    return value


def day(item: dict, field: str, where: str) -> dt.date | None:
    """A date, as TOML or as YYYY-MM-DD text."""
    value = item.get(field)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"{where}: '{field}' is not YYYY-MM-DD: {value!r}.") from None
    return value


def read_all(folder: Path) -> dict[str, dict[str, dict]]:
    """Every file's items, by file stem ("resources"), each keyed by slug (topics by name)."""
    return {stem: read(folder / f"{stem}.toml", table) for stem, table in FILES.items()}
