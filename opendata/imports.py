"""Importing a catalogue: the rows of our own exports read back (resources in
``resource_import``, organisations in ``organization_import``), with django-import-export
running the rounds: the dry run whose preview the moderator confirms (it writes nothing at all),
then the import in one transaction (organisations a row at a time, resources ``BATCH`` rows a
statement with its ``use_bulk``).

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

from django.core.exceptions import ValidationError
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import ModelResource
from import_export.results import RowResult

from common.audit import ADDITION, CHANGE, log_action

from .import_rows import NOTHING, LeanResult, Parsed, Report

BATCH = 500  # rows between two writes of relations and history


class ExistingLoader(BaseInstanceLoader):
    """The rows already here that the file names, found by slug, read ``BATCH`` at a time in the
    file's order (django-import-export's cached loader reads them all at once, and copies the
    whole file to find them)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.cache: dict[str, object] = {}

    def get_instance(self, row):
        slug = row.get("slug")
        place = self.resource.existing.get(slug)
        if place is None:
            return None
        if slug not in self.cache:
            chunk = self.resource.existing_order[place : place + BATCH]
            queryset = self.resource.get_queryset().filter(slug__in=chunk)
            self.cache = {obj.slug: obj for obj in queryset}
            self.resource.chunk_loaded([obj.pk for obj in self.cache.values()])
        return self.cache.get(slug)


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
        instance_loader_class = ExistingLoader
        skip_diff = True
        report_skipped = True
        use_transactions = True

    def __init__(self, status: str = "", skip_invalid: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.status = status or self.statuses[0][0]
        self.skip_invalid = skip_invalid
        self.report = Report([])
        # What the checks before the rows found, by row number, for the rows where they found
        # something (each row is read again when it is imported: holding every row's values
        # would grow with the file).
        self.parsed: dict[int, Parsed] = {}
        self.row: Parsed | None = None  # the row being imported, read
        self.current: dict[int, dict[str, set[int]]] = {}  # existing rows' relations, by pk
        self.existing: dict[str, int] = {}  # slugs of the file already here: their place in
        self.existing_order: list[str] = []  # ... this list, in the file's order
        self.number = 0
        self.dry_run = False
        self.log_context: dict = {}
        self.pending_links: list[tuple[object, str, list[int], bool]] = []
        self.pending_log: dict[int, list] = {ADDITION: [], CHANGE: []}
        self.pk_of: dict[int, int] = {}  # row -> id, for the rows ``keep_pks`` names (None: all)
        self.keep_pks: set[int] | None = None
        self.created: list[int] = []  # ids of the rows of this batch written, new
        self.touched: list[int] = []  # ... and changed
        self.written = 0

    def import_data(self, dataset, dry_run=False, **kwargs):
        self.dry_run = dry_run
        self.log_context = {"user": kwargs.get("user"), "file_name": kwargs.get("file_name")}
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    @classmethod
    def get_result_class(cls):
        return LeanResult

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

    def parse(self, row: dict) -> Parsed:
        raise NotImplementedError

    def flags(self, number: int) -> Parsed:
        return self.parsed.get(number, NOTHING)

    def flag(self, number: int) -> Parsed:
        """The row's record of what the checks found, made if it has none."""
        if number not in self.parsed:
            self.parsed[number] = Parsed(self.report.where(number))
        return self.parsed[number]

    def keep_found(self, numbers) -> None:
        """Forget the values of the rows checked, and the rows where nothing was found."""
        for number in numbers:
            parsed = self.parsed[number]
            if parsed.extra or parsed.duplicate:
                parsed.values = parsed.relations = None
                parsed.errors = {}
            else:
                del self.parsed[number]

    def find_existing(self, slugs: list[str]) -> None:
        """Which of the file's slugs are here already, and their rows' relations."""
        found = dict(self._meta.model.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        self.existing_order = [slug for slug in dict.fromkeys(slugs) if slug in found]
        self.existing = {slug: place for place, slug in enumerate(self.existing_order)}
        self.existing_pks = list(found.values())

    def chunk_loaded(self, pks: list[int]) -> None:
        """``ExistingLoader`` read these rows already here: read their relations."""
        self.current = {}
        self.load_current(pks)

    def load_current(self, pks: list[int]) -> None:
        """The relations of these rows already here, in one query each."""
        for name, (through, own, other) in self.links.items():
            for pk, related in through.objects.filter(**{f"{own}__in": pks}).values_list(
                own, other
            ):
                self.current.setdefault(pk, {}).setdefault(name, set()).add(related)

    # -- Each row

    def import_row(self, row, instance_loader, **kwargs):
        kwargs["retain_instance_in_row_result"] = False  # memory must not grow with the rows
        self.number = kwargs["row_number"]
        self.row = self.parse(row)
        result = super().import_row(row, instance_loader, **kwargs)
        self.record(self.number, result)
        self.row = None
        if not self._meta.use_bulk and self.number % BATCH == 0:
            self.flush()
        return result

    def import_instance(self, instance, row, **kwargs):
        self.changed = self.changes(instance, self.row)
        for field, value in self.row.values.items():
            setattr(instance, field, value)
        errors = dict(self.row.errors)  # the row's, and what the file's checks found
        for field, messages in self.flags(self.number).extra.items():
            errors[field] = errors.get(field, []) + messages
        if errors:
            raise ValidationError(errors)

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
        if self.flags(self.number).duplicate:
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

    def before_save_instance(self, instance, row, **kwargs):
        instance._import_number = self.number
        instance._import_new = instance.pk is None
        if instance._import_new:
            self.set_status(instance, self.row)

    def do_instance_save(self, instance, is_create):
        """One row saved (without ``use_bulk``); the dry run writes nothing at all."""
        if not self.dry_run:
            instance.save(force_insert=is_create)
            self.saved(instance)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):  # fmt: skip
        """A batch of new rows in one statement (``use_bulk``): then their relations and
        history. The dry run writes nothing."""
        batch, self.create_instances = self.create_instances, []
        self.write_batch(batch, result, raise_errors, lambda objs: self._meta.model.objects
                         .bulk_create(objs, batch_size=batch_size))  # fmt: skip

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):  # fmt: skip
        batch, self.update_instances = self.update_instances, []
        self.write_batch(batch, result, raise_errors, lambda objs: self._meta.model.objects
                         .bulk_update(objs, self.update_fields, batch_size=batch_size))  # fmt: skip

    update_fields: list[str] = []

    def write_batch(self, batch, result, raise_errors, write) -> None:
        if self.dry_run or not batch:
            return
        try:
            write(batch)
        except Exception as error:  # reported as the file's error; the import is rolled back
            self.handle_import_error(result, error, raise_errors)
            return
        for instance in batch:
            self.saved(instance)
        self.flush()

    def set_status(self, instance, parsed: Parsed) -> None:
        raise NotImplementedError

    def save_m2m(self, instance, row, **kwargs):
        if self.dry_run:
            return
        current = self.current.get(instance.pk, {}) if instance.pk else {}
        for name, ids in self.row.relations.items():
            if set(ids) != current.get(name, set()):
                self.pending_links.append((instance, name, ids, bool(current)))

    def saved(self, instance) -> None:
        """A row written: remember its id, and note it for the history."""
        if self.keep_pks is None or instance._import_number in self.keep_pks:
            self.pk_of[instance._import_number] = instance.pk
        (self.created if instance._import_new else self.touched).append(instance.pk)
        self.written += 1
        action = ADDITION if instance._import_new else CHANGE
        self.pending_log[action].append((instance.pk, str(instance)))

    def record(self, number: int, result) -> None:
        parsed = self.flags(number)
        label = self.row.label if self.row else parsed.label
        match result.import_type:
            case RowResult.IMPORT_TYPE_NEW:
                self.report.add("new", number, label)
            case RowResult.IMPORT_TYPE_UPDATE:
                self.report.add("changed", number, label, [f"Changes {', '.join(self.changed)}."])
            case RowResult.IMPORT_TYPE_SKIP if parsed.duplicate:
                self.report.add("duplicate", number, label, [parsed.duplicate],
                                parsed.duplicate_link)  # fmt: skip
            case RowResult.IMPORT_TYPE_SKIP:
                self.report.add("unchanged", number, label)
                if result.object_id and (self.keep_pks is None or number in self.keep_pks):
                    self.pk_of[number] = int(result.object_id)  # language versions may link it
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

    def flush(self) -> None:
        """Write the relations of the rows saved since the last batch (in bulk, without the
        signals that would refresh each row's copies: :meth:`finish` refreshes them once), and
        their entries in the admin's history."""
        by_name: dict[str, list] = {}
        for instance, name, ids, replace in self.pending_links:
            through, own, other = self.links[name]
            pk = instance.pk
            if replace:
                through.objects.filter(**{own: pk}).delete()
            by_name.setdefault(name, []).extend(through(**{own: pk, other: i}) for i in ids)
        for name, rows in by_name.items():
            self.links[name][0].objects.bulk_create(rows, batch_size=2000)
        self.pending_links = []
        message = f"Imported from {self.log_context.get('file_name') or 'a file'}."
        for action, entries in self.pending_log.items():
            log_action(self.log_context.get("user"), self.model_objects(entries), message,
                       action=action)  # fmt: skip
        self.pending_log = {ADDITION: [], CHANGE: []}
        if self.created or self.touched:
            self.after_batch(self.created, self.touched)
        self.created, self.touched = [], []

    def after_batch(self, created: list[int], changed: list[int]) -> None:
        """What follows each batch written, its relations in: nothing, unless said."""

    def model_objects(self, entries) -> list:
        model = self._meta.model
        return [model(pk=pk, **{self.label_field: text}) for pk, text in entries]

    def after_import(self, dataset, result, **kwargs):
        self.flush()
        if self.report.total and not self.dry_run:
            self.finish(dataset, result, **kwargs)
        super().after_import(dataset, result, **kwargs)
        result.report = self.report
        result.skip_invalid = self.skip_invalid

    def finish(self, dataset, result, **kwargs) -> None:
        """What is done once all the rows are written (not in the dry run)."""
