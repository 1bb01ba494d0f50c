"""Upkeep in the admin: visitors' problem reports (oldest first, resolved in one click); and, in
``resource_admin``, the resources' link health, reviews and problem reports."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from common.audit import log_action
from common.text import LINE_BREAK

from . import resource_admin  # noqa: F401 - the resource admin with its upkeep, in place of the core one
from .models import ProblemReport

REPORTS_RESOLVED = ngettext_lazy(
    "Marked %(count)d report resolved.", "Marked %(count)d reports resolved.", "count"
)


class ReportStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("resolved", _("Resolved"))]

    def queryset(self, request, queryset):
        if self.value() in ("open", "resolved"):
            return queryset.filter(resolved_at__isnull=self.value() == "open")
        return queryset


def resolve_reports(queryset, user) -> int:
    """Mark the open reports in ``queryset`` resolved by ``user``, each with an admin log entry."""
    reports = list(queryset.filter(resolved_at=None).select_related("resource").order_by("pk"))
    ProblemReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        resolved_at=timezone.now(), resolved_by=user
    )
    log_action(user, reports, "Marked resolved.")
    return len(reports)


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """Visitors' reports of problems with resources, oldest first; resolved in one click."""

    list_display = ["resource_title", "reason", "created_at", "state"]
    list_filter = [ReportStatusFilter, "reason"]
    search_fields = ["resource__title", "details", "email"]
    list_select_related = ["resource"]
    date_hierarchy = "created_at"
    ordering = ["created_at", "pk"]
    actions = ["mark_resolved"]
    fields = ["resource_link", "reason", "details", "email", "created_at", "resolved_at",
              "resolved_by", "notes"]  # fmt: skip
    readonly_fields = [name for name in fields if name != "notes"]

    def has_add_permission(self, request):
        return False  # reports come from the public form only

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("resource", "resolved_by")

    @admin.display(description=_("resource"), ordering="resource__title")
    def resource_title(self, obj):
        return obj.resource.title

    @admin.display(description=_("status"), ordering="resolved_at")
    def state(self, obj):
        """Open or resolved; an open one has a one-click button: a button of the list's own
        (POST, CSRF-protected) form, sent to this report's resolve view instead of the actions."""
        if not obj.is_open:
            date = f"{timezone.localtime(obj.resolved_at):%Y-%m-%d}"
            return _("resolved %(date)s") % {"date": date}
        return format_html(
            '{}<br><button type="submit" class="button" formaction="{}">{}</button>',
            _("open"),
            reverse("admin:upkeep_problemreport_resolve", args=[obj.pk]),
            _("Mark resolved"),
        )

    @admin.display(description=_("resource"))
    def resource_link(self, obj):
        resource = obj.resource
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:resources_resource_change", args=[resource.pk]),
                resource.title,
            )
        ]
        if resource.is_published:
            links.append(
                format_html('<a href="{}">{}</a>', resource.get_absolute_url(), _("public page"))
            )
        if resource.url:
            links.append(
                format_html(
                    '<a href="{}" rel="noopener noreferrer">{}</a>', resource.url, resource.url
                )
            )
        return format_html_join(LINE_BREAK, "{}", ((link,) for link in links))

    @admin.action(description=_("Mark the selected reports resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = resolve_reports(queryset, request.user)
        message = REPORTS_RESOLVED % {"count": count}
        self.message_user(request, message, messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/resolve/",
                self.admin_site.admin_view(self.resolve_view),
                name="upkeep_problemreport_resolve",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and obj.is_open and self.has_change_permission(request, obj):
            extra_context = {
                **(extra_context or {}),
                "resolve_url": reverse("admin:upkeep_problemreport_resolve", args=[obj.pk]),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def resolve_view(self, request, object_id):
        """Resolve one report (POST only), then go back to the page the button was on."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such report."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if resolve_reports(ProblemReport.objects.filter(pk=obj.pk), request.user):
            self.message_user(request, _("Marked resolved: %(report)s") % {"report": obj},
                              messages.SUCCESS)  # fmt: skip
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:upkeep_problemreport_changelist")
        return redirect(back)
