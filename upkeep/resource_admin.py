"""Upkeep on the resources' admin pages: when each was last reviewed, its link's health, its
problem reports, and buttons to review, check the link and follow a permanent redirect."""

import functools

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.audit import log_action
from common.text import LINE_BREAK
from resources import admin as resources_admin
from resources import admin_messages
from resources.models import LinkCheck, Resource

from .linkcheck import check_resources

# "Check these links now" waits for the answers within the request: keep it short.
ADMIN_CHECK_LIMIT = 20
ADMIN_CHECK_TIMEOUT = 5


class LinkHealthFilter(admin.SimpleListFilter):
    """What the link checker last found, for the resource's link as it is now."""

    title = _("link health")
    parameter_name = "link_health"

    def lookups(self, request, model_admin):
        return [
            *LinkCheck.Health.choices[:3],
            (LinkCheck.Health.NOT_CHECKED, _("not checked")),
            ("files", _("a file is missing or changed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "files":
            return queryset.filter(link_check__isnull=False).exclude(link_check__file_problems="")
        if self.value() in LinkCheck.Health.values:
            return queryset.link_health(self.value())
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    """Published resources nobody has looked at for a year, or ever."""

    title = _("review due")
    parameter_name = "review_due"

    def lookups(self, request, model_admin):
        return [("year", _("not reviewed for a year")), ("never", _("never reviewed"))]

    def queryset(self, request, queryset):
        if self.value() == "year":
            return queryset.review_due()
        if self.value() == "never":
            return queryset.published().filter(last_reviewed_at=None)
        return queryset


def record_review(queryset, user) -> int:
    """Mark the resources in ``queryset`` reviewed now by ``user``, with an admin log entry each."""
    with transaction.atomic():
        resources = list(queryset.select_related(None).order_by("pk").only("pk", "title"))
        Resource.objects.filter(pk__in=[r.pk for r in resources]).update(
            last_reviewed_at=timezone.now(), last_reviewed_by=user
        )
        log_action(user, resources, "Marked reviewed.")
    return len(resources)


def resource_button(action):
    """The view behind a button on a resource's admin page: POST only, by a user who may change
    the resource; back to its page afterwards."""

    @functools.wraps(action)
    def view(model_admin, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such resource."))
        if not model_admin.has_change_permission(request, obj):
            raise PermissionDenied
        action(model_admin, request, obj)
        return redirect("admin:resources_resource_change", obj.pk)

    return view


class ResourceAdmin(resources_admin.ResourceAdmin):
    """The resource admin, with what keeps a listed resource right: when it was last reviewed,
    its link's health, its problem reports, and buttons to review, check and follow a redirect."""

    list_display = [*resources_admin.ResourceAdmin.list_display, "last_reviewed", "link_health"]
    list_filter = [*resources_admin.ResourceAdmin.list_filter, LinkHealthFilter, ReviewDueFilter]
    readonly_fields = [
        *resources_admin.ResourceAdmin.readonly_fields, "link_health_detail", "problem_reports",
    ]  # fmt: skip
    actions = [*resources_admin.ResourceAdmin.actions, "mark_reviewed", "check_links_now"]
    list_select_related = ["link_check"]
    fieldsets = [
        *resources_admin.ResourceAdmin.fieldsets,
        (_("Upkeep"), {"fields": ["link_health_detail", "problem_reports"]}),
    ]

    @admin.action(
        description=_("Mark the selected resources as reviewed today"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        count = record_review(queryset, request.user)
        message = admin_messages.REVIEWED % {"count": count}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Check these links now"), permissions=["change"])
    def check_links_now(self, request, queryset):
        published = queryset.published().order_by("pk")
        total = published.count()
        if skipped := queryset.count() - total:
            message = admin_messages.UNPUBLISHED_LEFT_OUT % {"count": skipped}
            self.message_user(request, message, messages.INFO)
        if total > ADMIN_CHECK_LIMIT:
            self.message_user(
                request,
                _("Checked the first %(limit)d of %(total)d; `manage.py check_links` checks "
                  "them all.") % {"limit": ADMIN_CHECK_LIMIT, "total": total},
                messages.WARNING,
            )  # fmt: skip
        if total:
            pks = list(published.values_list("pk", flat=True)[:ADMIN_CHECK_LIMIT])
            self._check(request, Resource.objects.filter(pk__in=pks))

    def _check(self, request, queryset):
        summary = check_resources(queryset, timeout=ADMIN_CHECK_TIMEOUT)
        level = messages.WARNING if summary.failing or summary.file_problems else messages.SUCCESS
        self.message_user(request, str(summary), level)

    # -- Columns and fields about upkeep

    @admin.display(description=_("last reviewed"), ordering="last_reviewed_at")
    def last_reviewed(self, obj):
        if obj.last_reviewed_at is None:
            return _("never")
        return timezone.localdate(obj.last_reviewed_at).isoformat()

    @admin.display(description=_("link health"), ordering="link_check__failures")
    def link_health(self, obj):
        check = getattr(obj, "link_check", None)
        health = check.health(obj.url) if check else LinkCheck.Health.NOT_CHECKED
        if health == LinkCheck.Health.NOT_CHECKED:
            return _("not checked") if obj.url else "—"
        text = format_html("<strong>{}</strong> {}", LinkCheck.Health(health).label, check.outcome)
        if check.failures:
            text = format_html(
                "{} ({})",
                text,
                ngettext("%(n)d failure in a row", "%(n)d failures in a row", check.failures)
                % {"n": check.failures},
            )
        if check.succeeded and check.redirected and check.permanent_redirect:
            text = format_html("{}<br>{} {}", text, _("moved to"), check.final_url)
        return text

    @admin.display(description=_("link health"))
    def link_health_detail(self, obj):
        check = getattr(obj, "link_check", None) if obj.pk else None
        lines = []
        if check is None or check.health(obj.url) == LinkCheck.Health.NOT_CHECKED:
            lines.append(_("Not checked since the link was set.") if obj.url else _("No link."))
        else:
            health = LinkCheck.Health(check.health(obj.url)).label
            when = f"{timezone.localtime(check.checked_at):%Y-%m-%d %H:%M}"
            lines.append(format_html("<strong>{}</strong>: {} ({})", health, check.outcome, when))
            if check.failures:
                lines.append(
                    ngettext(
                        "%(n)d failed check in a row.",
                        "%(n)d failed checks in a row.",
                        check.failures,
                    )
                    % {"n": check.failures}
                )
            if check.broken_since:
                lines.append(
                    _("Broken since %(date)s.") % {"date": f"{check.broken_since:%Y-%m-%d}"}
                )
            if check.succeeded and check.redirected:
                kind = (
                    _("Redirects permanently to")
                    if check.permanent_redirect
                    else _("Redirects temporarily to")
                )
                link = format_html('<a href="{}" rel="noopener noreferrer">{}</a>',
                                   check.final_url, check.final_url)  # fmt: skip
                lines.append(format_html("{} {}", kind, link))
                if check.permanent_redirect:
                    lines.append(_("“Use the final address” at the top of the page fixes it."))
        if check is not None:
            lines.extend(check.file_problems.splitlines())
        return format_html_join(LINE_BREAK, "{}", ((line,) for line in lines))

    @admin.display(description=_("problem reports"))
    def problem_reports(self, obj):
        if not obj.pk:
            return "—"
        counts = obj.problem_reports.aggregate(
            total=Count("pk"), open=Count("pk", filter=Q(resolved_at=None))
        )
        if not counts["total"]:
            return _("None.")
        url = reverse("admin:upkeep_problemreport_changelist")
        return format_html(
            '<a href="{}?resource__id__exact={}">{}</a>',
            url,
            obj.pk,
            _("%(open)d open, %(total)d in all") % counts,
        )

    # -- Buttons on a resource's page (each a POST form of its own)

    def get_urls(self):
        def button(name, view):
            return path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(view),
                name=f"resources_resource_{name.replace('-', '_')}",
            )

        return [
            button("mark-reviewed", self.mark_reviewed_view),
            button("check-link", self.check_link_view),
            button("use-final-url", self.use_final_url_view),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_change_permission(request, obj):
            check = getattr(obj, "link_check", None)
            offer = (
                check is not None
                and check.health(obj.url) == LinkCheck.Health.OK
                and check.redirected
                and check.permanent_redirect
            )
            extra_context = {
                **(extra_context or {}),
                "upkeep_buttons": [
                    (reverse("admin:resources_resource_mark_reviewed", args=[obj.pk]),
                     _("Mark reviewed today")),
                    *([(reverse("admin:resources_resource_check_link", args=[obj.pk]),
                        _("Check the link now"))] if obj.is_published else []),
                    *([(reverse("admin:resources_resource_use_final_url", args=[obj.pk]),
                        _("Use the final address"))] if offer else []),
                ],
            }  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    @resource_button
    def mark_reviewed_view(self, request, obj):
        record_review(Resource.objects.filter(pk=obj.pk), request.user)
        self.message_user(request, _("Marked reviewed today."), messages.SUCCESS)

    @resource_button
    def check_link_view(self, request, obj):
        if not obj.is_published:
            self.message_user(request, _("Only published resources are checked."), messages.INFO)
            return
        self._check(request, Resource.objects.filter(pk=obj.pk))

    @resource_button
    def use_final_url_view(self, request, obj):
        check = getattr(obj, "link_check", None)
        if not (check and check.url == obj.url and check.redirected and check.permanent_redirect):
            self.message_user(request, _("There is no permanent redirect to follow."),
                              messages.WARNING)  # fmt: skip
            return
        old, obj.url = obj.url, check.final_url[:1000]
        obj.save(update_fields=["url", "updated_at"])
        # The final address answered: it is checked and healthy as it stands.
        LinkCheck.objects.filter(pk=check.pk).update(url=obj.url, permanent_redirect=False)
        log_action(request.user, [obj], f"Changed the link from {old} to {obj.url}, where it "
                                        "redirected permanently.")  # fmt: skip
        self.message_user(request, _("The link now points to its final address."),
                          messages.SUCCESS)  # fmt: skip


admin.site.unregister(Resource)
admin.site.register(Resource, ResourceAdmin)
