"""The outbox in the admin: every e-mail the site sent or is about to send, read-only (a message
to a subscriber, an alert or its confirmation, shows neither its address nor its body, which
holds the links that manage the subscription: moderators see how many subscribe, never who);
and the background jobs, with their errors."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django.admin import ProcrastinateJobAdmin
from procrastinate.contrib.django.models import ProcrastinateJob

from .models import JobFailure, OutboxMessage

HIDDEN = "(a subscriber: not shown)"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """E-mails sent or waiting to be sent (a periodic job retries the failures)."""

    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    fields = ["recipients", "subject", "content", "status", "attempts", "last_error",
              "created_at", "sent_at"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return HIDDEN if obj.private else ", ".join(obj.to)

    @admin.display(description=_("body"))
    def content(self, obj):
        return HIDDEN if obj.private else obj.body


# --- Background jobs ------------------------------------------------------------------------------
# procrastinate's own list of jobs (importing its admin registers it), with the error of each
# failed job: procrastinate keeps a job's status and events, common.jobs keeps its errors.

admin.site.unregister(ProcrastinateJob)


@admin.register(ProcrastinateJob)
class JobAdmin(ProcrastinateJobAdmin):
    """Background jobs, read-only (retry and cancel are procrastinate's actions), each failure
    with its error in the list and its traceback on the job's page."""

    # The error beside the status, where it is seen without scrolling.
    list_display = ["pk", "short_task_name", "pretty_status", "error", "pretty_args", "summary"]
    fields = [*ProcrastinateJobAdmin.fields, "error", "traceback"]

    def get_queryset(self, request):
        failures = JobFailure.objects.filter(job_id=OuterRef("pk")).order_by("-at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_error=Subquery(failures.values("error")[:1]),
                last_traceback=Subquery(failures.values("traceback")[:1]),
            )
        )

    @admin.display(description="Error")
    def error(self, job):
        return job.last_error or ""

    @admin.display(description="Traceback")
    def traceback(self, job):
        return format_html("<pre>{}</pre>", job.last_traceback) if job.last_traceback else ""

    def get_actions(self, request):
        """Retrying, cancelling and aborting jobs are for superusers; moderators look."""
        return super().get_actions(request) if request.user.is_superuser else {}
