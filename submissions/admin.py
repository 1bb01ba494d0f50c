from django.contrib import admin

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["resource", "name", "organization", "decision", "created_at", "decided_at"]
    list_filter = ["decision", "resource__kind"]
    search_fields = ["resource__title", "name", "email", "organization"]
    autocomplete_fields = ["resource", "duplicate_of"]
    readonly_fields = ["created_at", "decided_by", "decided_at", "contact_purged_at"]
    list_select_related = ["resource"]
    ordering = ["created_at"]
