"""Reading one row of a catalogue file into values: each cell as the export wrote it (text from a
CSV, typed values from JSON), converted, or a message that names the column and says what was
expected; finding the organisations, topics, audiences and regions a row names; and what the
preview says of the rows (:class:`Report`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from import_export.results import Result

from thesaurus.models import Label

from .exports import LIST_SEPARATOR


def key(name: str) -> str:
    """How names are compared: case and runs of spaces do not matter."""
    return " ".join(str(name).split()).casefold()


class Names:
    """The rows of a vocabulary (or the organisations) found by what a file calls them: their
    name, slug or another field ``fields`` lists, or, for concepts of the thesaurus, any of their
    labels in any language ("Santé mentale" finds the topic "Mental health"). A name that could be
    two rows is not guessed at: the first field listed wins, then the labels."""

    def __init__(self, queryset, fields: tuple[str, ...], concept_of: str = ""):
        self.found: dict[str, int] = {}
        rows = list(queryset.values_list("pk", *fields))
        for place in range(len(fields)):
            for row in rows:
                if row[place + 1]:
                    self.found.setdefault(key(row[place + 1]), row[0])
        if concept_of:
            labels = Label.objects.filter(**{f"concept__{concept_of}__isnull": False})
            for pk, text in labels.values_list(f"concept__{concept_of}", "text"):
                self.found.setdefault(key(text), pk)

    def add(self, name: str, pk: int) -> None:
        self.found.setdefault(key(name), pk)

    def find(self, names: list[str]) -> tuple[list[int], list[str]]:
        """The ids of ``names`` (without repeats), and the names not found."""
        ids, unknown = [], []
        for name in names:
            pk = self.found.get(key(name))
            if pk is None:
                unknown.append(name)
            elif pk not in ids:
                ids.append(pk)
        return ids, unknown


class Cells:
    """One row's cells, read by type; what cannot be read is noted in ``errors`` under the
    row's field (the model's name for it: messages name the file's column)."""

    def __init__(self, row: dict):
        self.row = row
        self.errors: dict[str, list[str]] = {}

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raw(self, column: str):
        value = self.row.get(column)
        return None if value == "" else value

    def text(self, column: str, field: str = "") -> str:
        value = self.raw(column)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(field or column, "Expected text.")
            return ""
        return str(value)

    def names(self, column: str, field: str = "") -> list[str]:
        """A list: JSON's list of text, or a CSV cell with the items joined by "; "."""
        value = self.raw(column)
        if value is None:
            return []
        if isinstance(value, str):
            items = value.split(LIST_SEPARATOR.strip())
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            items = value
        else:
            self.error(field or column, "Expected a list of names.")
            return []
        return [item.strip() for item in items if item.strip()]

    def ids(self, column: str) -> list[int]:
        """Ids, as the export lists the language versions: "12; 40" in a CSV, [12, 40] in JSON."""
        value = self.raw(column)
        if value is None:
            return []
        items = value.split(LIST_SEPARATOR.strip()) if isinstance(value, str) else value
        if not isinstance(items, list):
            items = [items]
        found = []
        for item in items:
            text = str(item).strip()
            if isinstance(item, bool) or not text.isdigit():
                self.error(column, f"“{text}” is not the id of a resource in the file.")
            else:
                found.append(int(text))
        return found

    def boolean(self, column: str, field: str = "") -> bool:
        value = self.raw(column)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
        self.error(field or column, f"Expected true or false, not “{value}”.")
        return False

    def date(self, column: str, field: str = "") -> dt.date | None:
        value = self.raw(column)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.error(field or column, f"Expected a date such as 2024-05-01, not “{value}”.")
            return None

    def moment(self, column: str, field: str = "") -> dt.datetime | None:
        """A date and time; one without a UTC offset is in UTC, as the exports write them."""
        value = self.raw(column)
        if value is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.error(
                field or column,
                f"Expected a date and time such as 2024-05-01T17:00:00+00:00, not “{value}”.",
            )
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


SHOWN = 100  # new and unchanged rows listed by name in the preview (all are counted)
KINDS = ["new", "changed", "unchanged", "duplicate", "invalid"]


class Report:
    """What the preview and the final message say: how many rows of each kind, and which
    (every changed, duplicate and invalid row; the first ``SHOWN`` new and unchanged ones), each
    with its place in the file and what there is to say about it."""

    def __init__(self, locations: list[str]):
        self.locations = locations
        self.counts = Counter(dict.fromkeys(KINDS, 0))
        self.rows: dict[str, list[dict]] = {kind: [] for kind in KINDS}

    def add(self, kind: str, number: int, label: str, details=(), link: str = "") -> None:
        self.counts[kind] += 1
        if kind in {"new", "unchanged"} and len(self.rows[kind]) >= SHOWN:
            return
        self.rows[kind].append(
            {"where": self.where(number), "label": label, "details": list(details), "link": link}
        )

    def where(self, number: int) -> str:
        return self.locations[number - 1] if number <= len(self.locations) else f"row {number}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Parsed:
    """One row read: the values of its fields, its relations (ids by relation), what is wrong
    with it, and what the preview calls it; then what the checks of the whole file found: more
    errors (``extra``), or what it duplicates."""

    def __init__(self, label: str = "", values=None, relations=None, errors=None):
        self.label = label
        self.values: dict | None = values
        self.relations: dict | None = relations
        self.errors: dict = errors or {}
        self.extra: dict[str, list[str]] = {}
        self.duplicate: str = ""  # what it duplicates, when it does
        self.duplicate_link: str = ""  # the admin page of what it duplicates, if it is here

    def add_error(self, field: str, message: str) -> None:
        self.extra.setdefault(field, []).append(message)


NOTHING = Parsed()  # what the checks found of most rows


class LeanResult(Result):
    """django-import-export's result without a ``RowResult`` kept for every valid row: the
    counts and the rows worth showing are in :class:`Report`; invalid rows are still kept."""

    def append_row_result(self, row_result):
        pass
