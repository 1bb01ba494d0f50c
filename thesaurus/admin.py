"""Curating the thesaurus: a concept with its labels inline, merging concepts, SKOS import and
export, and the history of every change (django-reversion)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from . import skos
from .merge import check_broader, merge_concepts
from .models import CORE_LANGUAGES, Audience, Concept, Label, Region, Topic


class LabelFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete this label")

    def clean(self):
        super().clean()
        preferred, texts = {}, set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("text"):
                continue
            language, text = data["language"].strip().lower(), " ".join(data["text"].split())
            if (language, text.casefold()) in texts:
                raise ValidationError(_("“%(text)s” (%(language)s) is given twice.")
                                      % {"text": text, "language": language})  # fmt: skip
            texts.add((language, text.casefold()))
            if data.get("kind") == Label.Kind.PREFERRED:
                if language in preferred:
                    raise ValidationError(
                        _("A concept has one preferred label per language: “%(a)s” and “%(b)s” "
                          "are both preferred in %(language)s.")
                        % {"a": preferred[language], "b": text, "language": language}
                    )  # fmt: skip
                preferred[language] = text


class LabelInline(admin.TabularInline):
    model = Label
    formset = LabelFormSet
    extra = 2
    fields = ["language", "kind", "text"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Each cell's field named for screen readers (a table header is no label)."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs["aria-label"] = str(db_field.verbose_name).capitalize()
            if db_field.name == "language":
                field.widget.attrs.update(size=6)
            elif db_field.name == "text":
                field.widget.attrs.update(size=48, dir="auto")  # Arabic labels read right to left
        return field


class ConceptForm(forms.ModelForm):
    class Meta:
        model = Concept
        fields = ["kind", "uri", "notation", "definition", "broader", "related"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # a concept is not broader than or related to itself
            for name in ("broader", "related"):
                field = self.fields[name]
                field.queryset = field.queryset.exclude(pk=self.instance.pk)

    def clean_broader(self):
        broader = self.cleaned_data.get("broader")
        if broader is not None:
            check_broader(self.instance, {concept.pk for concept in broader})
        return broader


class MissingLanguageFilter(admin.SimpleListFilter):
    title = _("preferred label missing in")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, code) for code in CORE_LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in CORE_LANGUAGES:
            labelled = Label.objects.filter(
                concept=OuterRef("pk"), kind=Label.Kind.PREFERRED, language=self.value()
            )
            return queryset.exclude(Exists(labelled))
        return queryset


class KeepOneForm(forms.Form):
    """Which of the selected rows to keep when merging them."""

    keep = forms.ModelChoiceField(queryset=None, widget=forms.RadioSelect)

    def __init__(self, *args, rows, label, help_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = rows
        self.fields["keep"].label = label
        self.fields["keep"].help_text = help_text


def merge_action(model_admin, request, rows, *, action, title, keep_label, explanation, merge):
    """The admin's "merge the selected rows" action: a page that asks which to keep, then
    ``merge(keep, others, user)`` (returning the names merged; ValidationError refuses)."""
    if rows.count() < 2:
        model_admin.message_user(request, _("Select at least two to merge."), messages.INFO)
        return None
    posted = request.POST.get("post") == "yes"
    form = KeepOneForm(
        request.POST if posted else None,
        rows=rows,
        label=keep_label,
        help_text=_("The others are merged into it, then deleted."),
    )
    if posted and form.is_valid():
        keep = form.cleaned_data["keep"]
        try:
            merged = merge(keep, list(rows.exclude(pk=keep.pk)), request.user)
        except ValidationError as error:
            model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        model_admin.message_user(
            request,
            _("Merged %(names)s into “%(keep)s”.")
            % {"names": ", ".join(f"“{name}”" for name in merged), "keep": keep},
            messages.SUCCESS,
        )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "rows": rows,
        "action": action,
        "explanation": explanation,
        "form": form,
        "fieldset": helpers.Fieldset(form, fields=["keep"]),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/merge.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("SKOS file"), help_text=_("Turtle (.ttl) or RDF/XML (.rdf)."))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("From the file name")), ("turtle", "Turtle"), ("xml", "RDF/XML")],
        required=False,
    )

    MAX_BYTES = 10 * 1024 * 1024

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        fmt = data.get("format") or (
            "xml" if upload.name.lower().endswith((".rdf", ".xml", ".owl")) else "turtle"
        )
        try:
            data["result"] = skos.import_skos(upload.read(), fmt, user=self.user)
        except skos.SkosError as error:
            self.add_error("file", str(error))
        return data


@admin.register(Concept)
class ConceptAdmin(VersionAdmin):
    form = ConceptForm
    inlines = [LabelInline]
    list_display = ["__str__", "label_fr", "label_es", "label_ar", "kind", "label_count"]
    list_filter = ["kind", MissingLanguageFilter]
    search_fields = ["labels__text", "uri", "notation"]
    actions = ["merge_concepts"]
    fieldsets = [
        (None, {"fields": ["kind", "notation", "definition"]}),
        (_("Links"), {"fields": ["broader", "narrower_list", "related"]}),
        (_("Identifier"), {"fields": ["uri"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["narrower_list"]
    change_list_template = "admin/thesaurus/concept/change_list.html"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Broader and related concepts: plain lists (select2's autocomplete is not accessible to
        screen readers), named by their English label, read in one query."""
        if db_field.name in {"broader", "related"}:
            kwargs["queryset"] = Concept.objects.prefetch_related("labels").order_by("pk")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("labels")
            .annotate(n_labels=Count("labels", distinct=True))
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    @admin.display(description=_("labels"), ordering="n_labels")
    def label_count(self, obj):
        return obj.n_labels

    def _label(self, obj, language):
        return obj.preferred_label(language) or "—"

    @admin.display(description="fr")
    def label_fr(self, obj):
        return self._label(obj, "fr")

    @admin.display(description="es")
    def label_es(self, obj):
        return self._label(obj, "es")

    @admin.display(description="ar")
    def label_ar(self, obj):
        return self._label(obj, "ar")

    @admin.display(description=_("narrower concepts"))
    def narrower_list(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return ", ".join(str(c) for c in obj.narrower.prefetch_related("labels")) or "—"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name=f"{prefix}_export",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a SKOS file: all of it is written, or nothing and the reason why."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        form.user = request.user
        if request.method == "POST" and form.is_valid():
            result = form.cleaned_data["result"]
            self.message_user(
                request,
                _("Imported %(total)s concepts: %(created)s new, %(updated)s updated.")
                % {"total": result.created + result.updated, "created": result.created,
                   "updated": result.updated},
                messages.SUCCESS,
            )  # fmt: skip
            return redirect(reverse("admin:thesaurus_concept_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a SKOS thesaurus"),
            "opts": self.opts,
            "form": form,
            "status": 400 if form.errors else 200,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/thesaurus/concept/import.html", context,
            status=400 if form.errors else 200,
        )  # fmt: skip

    def export_view(self, request, fmt):
        if fmt not in skos.FORMATS or not self.has_view_permission(request):
            return HttpResponse(status=404)
        response = HttpResponse(
            skos.export(fmt), content_type=f"{skos.FORMATS[fmt]}; charset=utf-8"
        )
        name = f"healtorture-thesaurus-{timezone.now():%Y-%m-%d}.{skos.EXTENSIONS[fmt]}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @admin.action(description=_("Merge the selected concepts into one…"), permissions=["change"])
    def merge_concepts(self, request, queryset):
        """Ask which concept to keep, then move the others' labels, links and resources to it."""
        return merge_action(
            self,
            request,
            queryset.prefetch_related("labels").order_by("pk"),
            action="merge_concepts",
            title=_("Merge concepts"),
            keep_label=_("Keep this concept"),
            explanation=_(
                "The labels of the others become labels of the one you keep (a second preferred "
                "label in a language becomes an alternative label), their broader, narrower and "
                "related links become its links, and every resource, organisation and guide "
                "tagged or filtered with them follows. Then the others are deleted; their topic "
                "addresses lead to the one you keep."
            ),
            merge=lambda keep, others, user: merge_concepts(keep, others, user=user),
        )


# --- The managed vocabularies: topics, audiences, regions ---------------------------------------


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_topics"]

    @admin.action(description=_("Merge the selected topics into one…"), permissions=["change"])
    def merge_topics(self, request, queryset):
        """Ask which topic to keep, then move every resource and organisation to it."""
        return merge_action(
            self,
            request,
            queryset.order_by("name"),
            action="merge_topics",
            title=_("Merge topics"),
            keep_label=_("Keep this topic"),
            explanation=_(
                "Every resource and organisation tagged with any of these topics will be tagged "
                "with the one you keep (once), and the other topics deleted: their names become "
                "its alternative labels in the thesaurus, their addresses lead to it."
            ),
            merge=self.merge,
        )

    @staticmethod
    def merge(keep: Topic, others: list[Topic], user) -> list[str]:
        """Merge the topics' concepts (see thesaurus.merge): everything tagged with ``others`` is
        tagged with ``keep`` instead (once), their names become its alternative labels, their
        addresses lead to it; they are deleted. Returns the names merged."""
        names = [topic.name for topic in others]
        for topic in [keep, *others]:
            if topic.concept_id is None:
                topic.sync_concept()
        merge_concepts(keep.concept, [topic.concept for topic in others], user=user)
        return names


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "description"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
