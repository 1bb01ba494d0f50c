"""Curation of resources, their vocabularies and guides in the Django admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from organizations.models import OrganizationTopic

from .models import (
    Audience,
    Guide,
    GuideItem,
    Region,
    Resource,
    ResourceFile,
    Series,
    TaggedResource,
    Topic,
)

# Decisions that leave a public proposal open in the submissions queue.
OPEN_DECISIONS = ("pending", "changes")


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
        "language",
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
    autocomplete_fields = [
        "organizations", "regions", "series", "related", "original", "last_reviewed_by",
    ]  # fmt: skip
    filter_horizontal = ["audiences"]
    readonly_fields = ["created_at", "updated_at", "language_versions"]
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
                    "featured",
                    "last_reviewed_on",
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
            mark_safe("<br>"),
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
        waiting = queryset.filter(submission__decision__in=OPEN_DECISIONS)
        for resource in queryset.exclude(status=Resource.Status.PUBLISHED).exclude(
            pk__in=waiting.values("pk")
        ):
            resource.status = Resource.Status.PUBLISHED
            resource.published_at = resource.published_at or now
            resource.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        self.message_user(request, _("%(count)d resource(s) published.") % {"count": count})
        if skipped := waiting.count():
            self.message_user(
                request,
                _("%(count)d resource(s) were proposed by the public and wait in the submissions "
                  "queue: approve them there, so that the submitter is told.") % {"count": skipped},
                level=messages.WARNING,
            )  # fmt: skip

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
        return submission if submission and submission.decision in OPEN_DECISIONS else None

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
        self.message_user(request, _("%(count)d resource(s) archived.") % {"count": count})

    @admin.action(description=_("Mark the selected resources as reviewed today"))
    def mark_reviewed(self, request, queryset):
        count = queryset.update(
            last_reviewed_on=timezone.localdate(), last_reviewed_by=request.user
        )
        self.message_user(request, _("%(count)d resource(s) marked reviewed.") % {"count": count})


class MergeTopicsForm(forms.Form):
    keep = forms.ModelChoiceField(
        label=_("Keep this topic"),
        queryset=Topic.objects.none(),
        widget=forms.RadioSelect,
        help_text=_("The others are merged into it, then deleted."),
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = topics


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_topics"]

    @admin.action(description=_("Merge the selected topics into one…"), permissions=["change"])
    def merge_topics(self, request, queryset):
        """Ask which topic to keep, then move every resource and organisation to it."""
        topics = queryset.order_by("name")
        if topics.count() < 2:
            self.message_user(request, _("Select at least two topics to merge."), messages.INFO)
            return None
        posted = request.POST.get("post") == "yes"
        form = MergeTopicsForm(request.POST if posted else None, topics=topics)
        if posted and form.is_valid():
            keep = form.cleaned_data["keep"]
            merged = self.merge(keep, list(topics.exclude(pk=keep.pk)), request.user)
            self.message_user(
                request,
                _("Merged %(names)s into “%(keep)s”.")
                % {"names": ", ".join(f"“{name}”" for name in merged), "keep": keep.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge topics"),
            "opts": self.opts,
            "topics": topics,
            "form": form,
            "fieldset": helpers.Fieldset(form, fields=["keep"]),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/resources/topic/merge.html", context)

    @staticmethod
    def merge(keep: Topic, others: list[Topic], user) -> list[str]:
        """Tag everything tagged with ``others`` with ``keep`` instead (once), delete ``others``,
        log it, and refresh the search copies of the resources concerned. Returns the names
        merged."""
        names = [topic.name for topic in others]
        with transaction.atomic():
            affected = set(
                TaggedResource.objects.filter(tag__in=others).values_list(
                    "content_object_id", flat=True
                )
            )
            organizations = set(
                OrganizationTopic.objects.filter(tag__in=others).values_list(
                    "content_object_id", flat=True
                )
            )
            TaggedResource.objects.bulk_create(
                [TaggedResource(tag=keep, content_object_id=pk) for pk in affected],
                ignore_conflicts=True,
            )
            OrganizationTopic.objects.bulk_create(
                [OrganizationTopic(tag=keep, content_object_id=pk) for pk in organizations],
                ignore_conflicts=True,
            )
            TaggedResource.objects.filter(tag__in=others).delete()
            OrganizationTopic.objects.filter(tag__in=others).delete()
            content_type = ContentType.objects.get_for_model(Topic)
            LogEntry.objects.bulk_create(
                [
                    LogEntry(
                        user_id=user.pk,
                        content_type=content_type,
                        object_id=str(topic.pk),
                        object_repr=topic.name[:200],
                        action_flag=DELETION,
                        change_message=f"Merged into “{keep.name}”.",
                    )
                    for topic in others
                ]
                + [
                    LogEntry(
                        user_id=user.pk,
                        content_type=content_type,
                        object_id=str(keep.pk),
                        object_repr=keep.name[:200],
                        action_flag=CHANGE,
                        change_message="Merged into this topic: "
                        + ", ".join(f"“{name}”" for name in names),
                    )
                ]
            )
            Topic.objects.filter(pk__in=[topic.pk for topic in others]).delete()
            Resource.objects.filter(pk__in=affected).refresh_derived_fields()
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
