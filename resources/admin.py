"""Curation of resources, series and guides in the Django admin. The upkeep app adds its columns,
filters and buttons (link health, reviews, problem reports) to the resource admin."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.text import LINE_BREAK

from . import admin_messages
from .admin_forms import SessionTimesForm
from .models import Guide, GuideItem, LinkCheck, Resource, ResourceFile, Series


def open_decisions() -> tuple[str, ...]:
    """The decisions that leave a public proposal open in the submissions queue, as the
    submissions app defines them (``Submission.OPEN_DECISIONS``): read through the relation,
    because that app is a layer above this one and is not imported here."""
    return Resource._meta.get_field("submission").related_model.OPEN_DECISIONS


class ResourceFileInline(admin.TabularInline):
    model = ResourceFile
    extra = 0
    fields = ["title", "file", "position", "size", "content_type"]
    readonly_fields = ["size", "content_type"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = SessionTimesForm  # session times in the session's own time zone
    list_display = [
        "title",
        "kind",
        "language",
        "status",
        "published_at",
        "date",
    ]
    list_filter = ["status", "kind", "access", "language", "audiences", "ce_credit"]
    search_fields = ["title", "summary", "slug", "url", "presenters"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organizations", "regions", "series", "related", "original"]
    filter_horizontal = ["audiences"]
    readonly_fields = [
        "created_at", "updated_at", "last_reviewed_at", "last_reviewed_by", "language_versions",
    ]  # fmt: skip
    inlines = [ResourceFileInline]
    actions = ["publish", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "description", "content_note"]}),
        (
            _("Where to find it"),
            {"fields": ["url", "recording_url", "date", "access", "ce_credit"]},
        ),
        (_("Live session"), {"fields": ["starts_at", "ends_at", "timezone", "registration_url"]}),
        (
            _("Description"),
            {
                "fields": [
                    "presenters",
                    "organizations",
                    "topics",
                    "audiences",
                    "language",
                    "original",
                    "language_versions",
                    "regions",
                    "series",
                    "series_position",
                    "related",
                ]
            },
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "last_reviewed_at",
                    "last_reviewed_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("language versions"))
    def language_versions(self, obj):
        """Every version of this resource, whatever its status, with a link to edit it."""
        if obj is None or obj.pk is None:
            return "—"
        versions = obj.versions().order_by("language", "pk")
        if not versions:
            return _("None yet: link one by choosing this resource as its “a version of”.")
        return format_html_join(
            LINE_BREAK,
            '<a href="{}">{}</a> — {} ({})',
            (
                (
                    reverse("admin:resources_resource_change", args=[version.pk]),
                    version.title,
                    version.get_language_display(),
                    version.get_status_display(),
                )
                for version in versions
            ),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_derived_fields()

    @admin.action(description=_("Publish the selected resources"))
    def publish(self, request, queryset):
        now = timezone.now()
        count = 0
        waiting = queryset.filter(submission__decision__in=open_decisions())
        for resource in queryset.exclude(status=Resource.Status.PUBLISHED).exclude(
            pk__in=waiting.values("pk")
        ):
            resource.status = Resource.Status.PUBLISHED
            resource.published_at = resource.published_at or now
            resource.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        skipped = waiting.count()
        if count or not skipped:
            self.message_user(request, admin_messages.PUBLISHED % {"count": count})
        if skipped:
            self.message_user(
                request,
                admin_messages.WAITING_IN_QUEUE % {"count": skipped},
                level=messages.WARNING,
            )

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "proposed_by_submitter"]
        if obj is not None and self._open_submission(obj):
            fields.append("status")  # decided in the submissions queue, which tells the submitter
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self._open_submission(obj):
            return [(_("Proposed by the public"), {"fields": ["proposed_by_submitter"]}),
                    *fieldsets]  # fmt: skip
        return fieldsets

    @staticmethod
    def _open_submission(obj):
        submission = getattr(obj, "submission", None)
        return submission if submission and submission.decision in open_decisions() else None

    @admin.display(description=_("What the submitter wrote"))
    def proposed_by_submitter(self, obj):
        submission = self._open_submission(obj)
        if submission is None:
            return "—"
        return format_html(
            "Organisations: {}<br>Other topics: {}<br>"
            '<a href="{}">Decide on this proposal in the submissions queue</a>',
            submission.proposed_organizations or "—",
            submission.proposed_topics or "—",
            reverse("admin:submissions_submission_change", args=[submission.pk]),
        )

    @admin.action(description=_("Archive the selected resources"))
    def archive(self, request, queryset):
        count = queryset.update(status=Resource.Status.ARCHIVED, updated_at=timezone.now())
        self.message_user(
            request,
            admin_messages.ARCHIVED % {"count": count},
        )


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    search_fields = ["name"]
    autocomplete_fields = ["organization"]
    prepopulated_fields = {"slug": ["name"]}


class GuideItemInline(admin.TabularInline):
    model = GuideItem
    extra = 1
    autocomplete_fields = ["resource"]
    fields = ["position", "section", "resource", "note"]


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "published", "featured", "updated_at", "view_link"]
    list_filter = ["published", "featured"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["key_organizations"]
    filter_horizontal = ["audiences"]
    inlines = [GuideItemInline]

    @admin.display(description=_("page"))
    def view_link(self, obj):
        if not obj.published:
            return "—"
        return format_html('<a href="{}">view</a>', obj.get_absolute_url())


@admin.register(ResourceFile)
class ResourceFileAdmin(admin.ModelAdmin):
    """All attached files in one list: find large or unexpected files across resources."""

    list_display = ["__str__", "resource", "content_type", "size"]
    list_filter = ["content_type"]
    search_fields = ["title", "file", "resource__title"]
    autocomplete_fields = ["resource"]
    readonly_fields = ["size", "content_type"]
    list_select_related = ["resource"]


@admin.register(GuideItem)
class GuideItemAdmin(admin.ModelAdmin):
    """Guide entries across guides: which guides feature a resource."""

    list_display = ["guide", "position", "section", "resource"]
    list_filter = ["guide"]
    search_fields = ["resource__title", "guide__title", "note"]
    autocomplete_fields = ["guide", "resource"]
    list_select_related = ["guide", "resource"]


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """Every link checker record, worst first. Written by ``manage.py check_links`` only."""

    list_display = ["resource", "outcome", "failures", "broken_since", "checked_at", "final_url"]
    list_filter = ["error", "permanent_redirect"]
    search_fields = ["resource__title", "url", "final_url"]
    list_select_related = ["resource"]
    ordering = ["-failures", "-checked_at"]
    fields = ["resource", "url", "checked_at", "status_code", "error", "final_url",
              "permanent_redirect", "failures", "broken_since", "file_problems"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
