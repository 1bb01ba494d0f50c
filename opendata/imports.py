"""Importing a catalogue: the rows of our own exports read back (resources in
``resource_import``, organisations in ``organization_import``), with django-import-export
running the rounds: the dry run whose preview the moderator confirms, one transaction, a row at a
time in a savepoint.

What this module adds to each row's round, for both:
- the row is read by our rules (:mod:`opendata.import_rows`); its slug is its identity: a row whose
  slug is already here changes that one ("changed", or "unchanged" when nothing differs);
- a row that would list the same thing twice is a **duplicate**: reported, skipped, never created;
- **invalid** rows are reported with their line and what is wrong, column by column; unless the
  moderator chose to skip them, one invalid row rolls the whole import back (the admin passes
  ``rollback_on_validation_errors``);
- relations are written in bulk at the end of each batch, and the admin's history gets one entry
  per imported object, written a batch at a time: memory does not grow with the rows.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader
from import_export.resources import ModelResource
from import_export.results import RowResult

from common.audit import ADDITION, CHANGE, log_action

BATCH = 500  # rows between two writes of relations and history
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
    with it, and what the preview calls it."""

    def __init__(self, label: str, values: dict, relations: dict, errors: dict):
        self.label = label
        self.values = values
        self.relations = relations
        self.errors = errors
        self.duplicate: str = ""  # what it duplicates, when it does
        self.duplicate_link: str = ""  # the admin page of what it duplicates, if it is here


class CatalogueImport(ModelResource):
    """What the resource and organisation imports share (see the module's docstring)."""

    columns: list[str] = []
    what = ""
    # The status the moderator chooses for new rows: (value, label), the first the default.
    statuses: list[tuple[str, str]] = []
    # The file's column for a field of the model, where the two names differ.
    column_of: dict[str, str] = {}
    # The field that names a row (its str()).
    label_field = "name"
    # The relations written in bulk: name -> (through model, its column for this row, for the
    # related row).
    links: dict[str, tuple] = {}

    class Meta:
        import_id_fields = ["slug"]
        fields = ["slug"]
        instance_loader_class = CachedInstanceLoader
        skip_diff = True
        report_skipped = True
        use_transactions = True

    def __init__(self, status: str = "", skip_invalid: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.status = status or self.statuses[0][0]
        self.skip_invalid = skip_invalid
        self.report = Report([])
        self.parsed: dict[int, Parsed] = {}
        self.current: dict[int, dict[str, set[int]]] = {}  # existing rows' relations, by pk
        self.number = 0
        self.pending_links: list[tuple[object, str, list[int], bool]] = []
        self.pending_log: dict[int, list] = {ADDITION: [], CHANGE: []}
        self.touched: list[int] = []

    def get_user_visible_fields(self):
        return [Field(column_name=column) for column in self.columns]

    def column(self, field: str) -> str:
        return self.column_of.get(field, field)

    # -- Before the rows: read them all, find what they name and what they duplicate

    def before_import(self, dataset, **kwargs):
        self.report = Report(getattr(dataset, "locations", []))
        self.prepare(dataset)

    def prepare(self, dataset) -> None:
        raise NotImplementedError

    def load_current(self, pks: list[int]) -> None:
        """The relations of the rows already here that the file names, in one query each."""
        for name, (through, own, other) in self.links.items():
            for pk, related in through.objects.filter(**{f"{own}__in": pks}).values_list(
                own, other
            ):
                self.current.setdefault(pk, {}).setdefault(name, set()).add(related)

    # -- Each row

    def import_row(self, row, instance_loader, **kwargs):
        kwargs["retain_instance_in_row_result"] = False  # memory must not grow with the rows
        self.number = kwargs["row_number"]
        result = super().import_row(row, instance_loader, **kwargs)
        self.record(self.number, result)
        if self.number % BATCH == 0:
            self.flush(kwargs)
        return result

    def import_instance(self, instance, row, **kwargs):
        parsed = self.parsed[kwargs["row_number"]]
        self.changed = self.changes(instance, parsed)
        for field, value in parsed.values.items():
            setattr(instance, field, value)
        if parsed.errors:
            raise ValidationError(parsed.errors)

    def changes(self, instance, parsed: Parsed) -> list[str]:
        """The columns whose values differ from those of the row already here."""
        if instance.pk is None:
            return []
        changed = [
            self.column(field)
            for field, value in parsed.values.items()
            if getattr(instance, field) != value
        ]
        current = self.current.get(instance.pk, {})
        return changed + [
            self.column(name)
            for name, ids in parsed.relations.items()
            if set(ids) != current.get(name, set())
        ]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        if self.parsed[self.number].duplicate:
            return True
        return instance.pk is not None and not self.changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own checks: its fields and ``clean()``. Slugs and names are checked
        against the database and the file before the rows (duplicates), and the database's
        constraints hold anyway: not one query a row for them."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=list(errors), validate_unique=False,
                                validate_constraints=False)  # fmt: skip
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        if is_create:
            self.set_status(instance, self.parsed[self.number])
        instance.save(force_insert=is_create)

    def set_status(self, instance, parsed: Parsed) -> None:
        raise NotImplementedError

    def save_m2m(self, instance, row, **kwargs):
        parsed = self.parsed[self.number]
        current = self.current.get(instance.pk, {})
        for name, ids in parsed.relations.items():
            if set(ids) != current.get(name, set()):
                self.pending_links.append((instance.pk, name, ids, bool(current)))
        self.touched.append(instance.pk)

    def after_import_row(self, row, row_result, **kwargs):
        if not kwargs.get("dry_run") and row_result.import_type in {"new", "update"}:
            action = ADDITION if row_result.import_type == "new" else CHANGE
            self.pending_log[action].append((row_result.object_id, row_result.object_repr))

    def record(self, number: int, result) -> None:
        parsed = self.parsed.get(number)
        label = parsed.label if parsed else ""
        match result.import_type:
            case RowResult.IMPORT_TYPE_NEW:
                self.report.add("new", number, label)
            case RowResult.IMPORT_TYPE_UPDATE:
                self.report.add("changed", number, label, [f"Changes {', '.join(self.changed)}."])
            case RowResult.IMPORT_TYPE_SKIP if parsed and parsed.duplicate:
                self.report.add("duplicate", number, label, [parsed.duplicate],
                                parsed.duplicate_link)  # fmt: skip
            case RowResult.IMPORT_TYPE_SKIP:
                self.report.add("unchanged", number, label)
            case RowResult.IMPORT_TYPE_INVALID:
                self.report.add("invalid", number, label, self.messages(result.validation_error))
            case _:
                errors = [f"Could not be saved: {error.error}" for error in result.errors]
                self.report.add("invalid", number, label, errors)

    def messages(self, error: ValidationError) -> list[str]:
        if not hasattr(error, "error_dict"):
            return list(error.messages)
        return [
            f"{self.column(field)}: {message}" if field != "__all__" else message
            for field, errors in error.message_dict.items()
            for message in errors
        ]

    # -- Batches and the end

    def flush(self, kwargs) -> None:
        """Write the relations of the rows saved since the last batch (in bulk, without the
        signals that would refresh each row's copies: :meth:`finish` refreshes them once), and
        their entries in the admin's history."""
        by_name: dict[str, list] = {}
        for pk, name, ids, replace in self.pending_links:
            through, own, other = self.links[name]
            if replace:
                through.objects.filter(**{own: pk}).delete()
            by_name.setdefault(name, []).extend(through(**{own: pk, other: i}) for i in ids)
        for name, rows in by_name.items():
            self.links[name][0].objects.bulk_create(rows, batch_size=2000)
        self.pending_links = []
        user = kwargs.get("user")
        for action, entries in self.pending_log.items():
            objects = self.model_objects(entries)
            message = f"Imported from {kwargs.get('file_name') or 'a file'}."
            log_action(user, objects, message, action=action)
        self.pending_log = {ADDITION: [], CHANGE: []}

    def model_objects(self, entries) -> list:
        model = self._meta.model
        return [model(pk=pk, **{self.label_field: text}) for pk, text in entries]

    def after_import(self, dataset, result, **kwargs):
        self.flush(kwargs)
        if self.parsed:
            self.finish(dataset, result, **kwargs)
        super().after_import(dataset, result, **kwargs)
        result.report = self.report
        result.skip_invalid = self.skip_invalid

    def finish(self, dataset, result, **kwargs) -> None:
        """What is done once all the rows are in (language versions, derived copies)."""
