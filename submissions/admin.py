"""Moderation in the admin: the queue of submissions, their decisions, and the messages around them.

Decisions are taken only by POST, through admin actions (one or many submissions) or the buttons
on a submission's page; both end in :mod:`submissions.moderation`, which records every decision.
"""

from datetime import timedelta

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from .admin_decisions import DecisionViews
from .admin_forms import submission_duplicates
from .admin_proposal import ProposalFields
from .models import ContactMessage, DecisionRecord, Submission

# --- The queue -----------------------------------------------------------------------------------


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("week", _("This week (last 7 days)")),
            ("over-week", _("Older than a week")),
            ("over-month", _("Older than a month")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "today":
            today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            return queryset.filter(created_at__gte=today)
        if self.value() == "week":
            return queryset.filter(created_at__gte=now - timedelta(days=7))
        if self.value() == "over-week":
            return queryset.filter(created_at__lt=now - timedelta(days=7))
        if self.value() == "over-month":
            return queryset.filter(created_at__lt=now - timedelta(days=30))
        return queryset


class DecisionHistoryInline(admin.TabularInline):
    """Every decision taken on the submission, oldest first. Read-only for everyone."""

    model = DecisionRecord
    verbose_name = _("decision")
    verbose_name_plural = _("decision history")
    fields = ["decided_at", "decision", "moderator", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("moderator")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(DecisionViews, ProposalFields, admin.ModelAdmin):
    """The moderation queue, oldest first, and one submission's page with its decisions."""

    list_display = [
        "title",
        "kind",
        "submitter_organization",
        "age",
        "decision",
        "duplicates",
    ]
    list_display_links = ["title"]
    list_filter = ["decision", "resource__kind", AgeFilter]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["resource__title", "resource__url", "name", "email", "organization"]
    list_select_related = ["resource"]
    ordering = ["created_at", "pk"]
    actions = ["approve_selected", "reject_selected", "request_changes", "mark_duplicate"]
    inlines = [DecisionHistoryInline]
    change_form_template = "admin/submissions/submission/change_form.html"

    fieldsets = [
        (
            _("Proposed resource"),
            {
                "fields": [
                    "resource_title",
                    "resource_kind",
                    "resource_summary",
                    "resource_description",
                    "resource_link",
                    "resource_when",
                    "resource_language",
                    "resource_files",
                    "resource_status",
                ]
            },
        ),
        (
            _("To map to our vocabulary"),
            {
                "description": _(
                    "What the submitter typed, and what the resource is linked to now. A typed "
                    "topic is never published as it is: link the topic it means, make a concept "
                    "of the thesaurus a topic, or create a topic for it."
                ),
                "fields": [
                    "proposed_organizations",
                    "linked_organizations",
                    "proposed_topics",
                    "topic_mapping",
                    "linked_topics",
                    "edit_resource",
                ],
            },
        ),
        (_("Possible duplicates"), {"fields": ["possible_duplicates"]}),
        (
            _("Submitter"),
            {
                "fields": [
                    "name",
                    "email",
                    "organization",
                    "role",
                    "message",
                    "consent_to_contact",
                    "created_at",
                    "contact_purged_at",
                ]
            },
        ),
        (
            _("Decision"),
            {"fields": ["decision", "reason", "duplicate_of", "decided_by", "decided_at"]},
        ),
    ]
    readonly_fields = [field for _title, options in fieldsets for field in options["fields"]]

    # -- Permissions: submissions come from the public form, and their history stays.

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("resource", "decided_by", "duplicate_of")
        )

    def get_changelist_instance(self, request):
        """The list, each row with the number of resources its proposal duplicates: worked out
        for the page's rows together (see resources.duplicates)."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)  # the page's rows, as the template will show them
        open_rows = [row for row in rows if row.decision in Submission.OPEN_DECISIONS]
        found = submission_duplicates(open_rows)
        for row in rows:
            row.duplicate_count = len(found[row.pk]) if row.pk in found else None
        return changelist

    # -- The list

    @admin.display(description=_("title"), ordering="resource__title")
    def title(self, obj):
        return obj.resource.title

    @admin.display(description=_("type"), ordering="resource__kind")
    def kind(self, obj):
        return obj.resource.get_kind_display()

    @admin.display(description=_("submitter's organisation"), ordering="organization")
    def submitter_organization(self, obj):
        return obj.organization or "—"

    @admin.display(description=_("waiting for"), ordering="-created_at")
    def age(self, obj):
        return timesince(obj.created_at, depth=1)

    @admin.display(description=_("duplicates?"))
    def duplicates(self, obj):
        if obj.duplicate_count is None:
            return "—"  # decided: nothing left to compare
        if not obj.duplicate_count:
            return "0"
        return format_html("<strong>{}</strong>", obj.duplicate_count)


# --- The decision history, and the messages -------------------------------------------------------


@admin.register(DecisionRecord)
class DecisionRecordAdmin(admin.ModelAdmin):
    """Every moderation decision: who, when, what and why. Nobody adds, edits or deletes them."""

    list_display = ["decided_at", "submission_title", "decision", "moderator", "short_reason"]
    list_filter = ["decision"]
    search_fields = ["submission__resource__title", "reason", "moderator__username"]
    list_select_related = ["submission__resource", "moderator"]
    date_hierarchy = "decided_at"
    fields = ["submission", "decision", "reason", "moderator", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("submission"), ordering="submission__resource__title")
    def submission_title(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:submissions_submission_change", args=[obj.submission_id]),
            obj.submission.resource.title,
        )

    @admin.display(description=_("reason"))
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(80)


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Questions to the team; staff mark them answered and keep notes."""

    list_display = ["subject", "name", "organization", "created_at", "answered"]
    list_filter = ["answered"]
    search_fields = ["subject", "name", "email", "organization", "message"]
    date_hierarchy = "created_at"
    fields = [
        "subject", "message", "name", "email", "organization", "created_at", "answered", "notes",
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # What the visitor wrote stays as they wrote it.
        if obj is None:
            return ["created_at"]
        return ["subject", "message", "name", "email", "organization", "created_at"]
