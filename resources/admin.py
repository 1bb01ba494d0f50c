"""Curation of resources, their vocabularies and guides in the Django admin."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Audience, Guide, GuideItem, Region, Resource, ResourceFile, Series, Topic


class ResourceFileInline(admin.TabularInline):
    model = ResourceFile
    extra = 0
    fields = ["title", "file", "position", "size", "content_type"]
    readonly_fields = ["size", "content_type"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "published_at",
        "date",
        "featured",
        "last_reviewed_on",
    ]
    list_filter = ["status", "kind", "access", "featured", "language", "audiences", "ce_credit"]
    search_fields = ["title", "summary", "slug", "url", "presenters"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organizations", "regions", "series", "related", "last_reviewed_by"]
    filter_horizontal = ["audiences"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ResourceFileInline]
    actions = ["publish", "archive", "mark_reviewed"]
    list_select_related = True
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
                    "featured",
                    "last_reviewed_on",
                    "last_reviewed_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_derived_fields()

    @admin.action(description=_("Publish the selected resources"))
    def publish(self, request, queryset):
        now = timezone.now()
        count = 0
        for resource in queryset.exclude(status=Resource.Status.PUBLISHED):
            resource.status = Resource.Status.PUBLISHED
            resource.published_at = resource.published_at or now
            resource.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        self.message_user(request, _("%(count)d resource(s) published.") % {"count": count})

    @admin.action(description=_("Archive the selected resources"))
    def archive(self, request, queryset):
        count = queryset.update(status=Resource.Status.ARCHIVED, updated_at=timezone.now())
        self.message_user(request, _("%(count)d resource(s) archived.") % {"count": count})

    @admin.action(description=_("Mark the selected resources as reviewed today"))
    def mark_reviewed(self, request, queryset):
        count = queryset.update(
            last_reviewed_on=timezone.localdate(), last_reviewed_by=request.user
        )
        self.message_user(request, _("%(count)d resource(s) marked reviewed.") % {"count": count})


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


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
