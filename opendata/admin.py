"""The admin's "Import" for resources and organisations (django-import-export), added to whatever
admin is registered for them: upkeep's resource admin, the organisations' own.

The moderator uploads a file of our own export (CSV or JSON) and chooses what new rows become
(published, or pending/draft) and whether invalid rows are skipped; a dry run shows what would
happen, row by row, and nothing is written until the moderator confirms. See
``opendata.imports`` for what a row's round does.

The import is added by :func:`add_import_to_admins`, which ``OpenDataConfig.ready()`` calls: apps
are made ready after the admin has discovered every ``admin`` module (``django.contrib.admin``
comes first in INSTALLED_APPS), so the admin it extends is the final one, whichever app
registered it last. Neither ``resources`` nor ``organizations`` imports this app.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.tmp_storages import TempFolderStorage

from organizations.models import Organization
from resources.models import Resource

from .import_files import ORGANIZATION_FORMATS, RESOURCE_FORMATS, ImportFileError
from .organization_import import OrganizationImport
from .resource_import import ResourceImport

SKIP_INVALID = _("Skip invalid rows and import the others (otherwise one invalid row stops it all)")


class CatalogueImportForm(ImportForm):
    status = forms.ChoiceField(label=_("New rows become"), widget=forms.RadioSelect)
    skip_invalid = forms.BooleanField(label=SKIP_INVALID, required=False)

    def __init__(self, formats, resources, statuses=(), **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["status"].choices = statuses
        self.fields["status"].initial = statuses[0][0]
        self.fields["import_file"].help_text = _(
            "A file of our own export, as downloaded (CSV or JSON), up to %(mb)s MB."
        ) % {"mb": settings.MAX_IMPORT_BYTES // (1024 * 1024)}

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; files up to %(limit)d MB can be imported. Split it "
                  "into smaller files (e.g. one search or one organisation at a time).")
                % {"size": upload.size / (1024 * 1024),
                   "limit": settings.MAX_IMPORT_BYTES // (1024 * 1024)}
            )  # fmt: skip
        return upload


class CatalogueConfirmForm(ConfirmImportForm):
    status = forms.ChoiceField(widget=forms.HiddenInput())
    skip_invalid = forms.BooleanField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses


def options(form) -> dict:
    """The moderator's choices, from the upload form or the confirmation's hidden fields."""
    data = getattr(form, "cleaned_data", None) or {}
    return {"status": data.get("status", ""), "skip_invalid": bool(data.get("skip_invalid"))}


class CatalogueImportMixin(ImportMixin):
    """django-import-export's admin import, with our formats, options, preview and messages."""

    import_template_name = "admin/opendata/import.html"
    import_form_class = CatalogueImportForm
    confirm_form_class = CatalogueConfirmForm
    skip_admin_log = True  # each import writes its own entries (opendata.imports)
    catalogue_formats: list = []

    def get_import_formats(self):
        return self.catalogue_formats

    def has_import_permission(self, request):
        """The model's "import" permission (Moderators have it), and adding and changing."""
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def get_import_form_kwargs(self, request):
        return {**super().get_import_form_kwargs(request),
                "statuses": self.resource_classes[0].statuses}  # fmt: skip

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {**super().get_confirm_form_kwargs(request, import_form),
                "statuses": self.resource_classes[0].statuses}  # fmt: skip

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        return {**initial, **options(import_form)} if import_form is not None else initial

    def get_import_resource_kwargs(self, request, *args, **kwargs):
        return options(kwargs.get("form"))

    def get_import_data_kwargs(self, **kwargs):
        chosen = options(kwargs.get("form"))
        return {"rollback_on_validation_errors": not chosen["skip_invalid"]}

    def write_to_tmp_storage(self, import_file, input_format):
        """The upload copied to the temporary file a chunk at a time (django-import-export joins
        the chunks into one bytes object first, copying the file over and over)."""
        storage = self.get_tmp_storage_class()(
            read_mode=input_format.get_read_mode(), **self.get_tmp_storage_class_kwargs()
        )
        if not isinstance(storage, TempFolderStorage):
            return super().write_to_tmp_storage(import_file, input_format)
        with tempfile.NamedTemporaryFile(delete=False) as file:
            for chunk in import_file.chunks():
                file.write(chunk)
        storage.name = Path(file.name).name  # in the temporary folder, where the storage looks
        return storage

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("The file could not be read: %(error)s") % {"error": e})

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is None:
            return response
        result, form = context.get("result"), context.get("form")
        report = getattr(result, "report", None)
        if (
            result is not None
            and "confirm_form" not in context
            and not result.has_errors()
            and options(form)["skip_invalid"]
            and report is not None
            and report.total > report.counts["invalid"]
        ):
            context["confirm_form"] = self.create_confirm_form(request, import_form=form)
        if "confirm_form" not in context:  # nothing to confirm: the uploaded copy can go
            name = getattr(getattr(form, "cleaned_data", {}).get("import_file"),
                           "tmp_storage_name", "")  # fmt: skip
            if name:
                Path(tempfile.gettempdir(), Path(name).name).unlink(missing_ok=True)
        context["report"] = report
        context["skip_invalid_label"] = SKIP_INVALID
        return response

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except (FileNotFoundError, ImportFileError):
            self.message_user(
                request,
                _("The uploaded file is no longer here: upload it again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(self.import_url())

    def process_result(self, result, request):
        report = getattr(result, "report", None)
        failed = result.has_errors() or (
            result.has_validation_errors() and not getattr(result, "skip_invalid", False)
        )
        if failed or report is None:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Import"),
                "opts": self.model._meta,
                "form": self.create_import_form_unbound(request),
                "result": result,
                "report": report,
                "nothing_written": True,
                "skip_invalid_label": SKIP_INVALID,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context)
        self.message_user(
            request,
            _("Imported: %(new)d new, %(changed)d changed, %(unchanged)d unchanged; "
              "%(duplicate)d duplicates and %(invalid)d invalid rows were not imported.")
            % report.counts,
            messages.SUCCESS,
        )  # fmt: skip
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def create_import_form_unbound(self, request):
        return self.import_form_class(
            self.get_import_formats(),
            self.get_import_resource_classes(request),
            statuses=self.resource_classes[0].statuses,
        )

    def import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")


def add_import(model, resource_class, formats) -> None:
    """Register, for ``model``, its current admin with the import added."""
    current = type(admin.site.get_model_admin(model))
    if issubclass(current, CatalogueImportMixin):
        return
    combined = type(
        current.__name__,
        (CatalogueImportMixin, current),
        {
            "__module__": __name__,
            "__doc__": f"{current.__doc__ or ''} With the catalogue import.",
            "resource_classes": [resource_class],
            "catalogue_formats": formats,
        },
    )
    admin.site.unregister(model)
    admin.site.register(model, combined)


def add_import_to_admins() -> None:
    add_import(Resource, ResourceImport, RESOURCE_FORMATS)
    add_import(Organization, OrganizationImport, ORGANIZATION_FORMATS)
