"""The public "Report a problem" form: a visitor tells the moderators that something is wrong
with a published resource."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from common import outbox
from common.throttle import form_kept
from resources.models import Resource

from .forms import ProblemReportForm
from .models import ProblemReport


def _reported_resource(slug: str) -> Resource:
    """The published resource a report is about; 404 for anything else."""
    return get_object_or_404(
        Resource.objects.published().only("pk", "slug", "title", "kind"), slug=slug
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@ratelimit(key="ip", rate=lambda group, request: settings.REPORT_RATE, method="POST", block=True)
def report_problem(request, slug):
    """Tell the moderators that something is wrong with a published resource. The report goes
    to their queue and their inbox; nothing of it is ever shown on the site."""
    resource = _reported_resource(slug)
    if request.method != "POST":
        form = ProblemReportForm(initial={"reason": request.GET.get("reason")})
        return render(
            request, "submissions/report_problem.html", {"form": form, "resource": resource}
        )
    form = ProblemReportForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "resource": resource}
        return render(request, "submissions/report_problem.html", context, status=400)
    with transaction.atomic():
        report = ProblemReport.objects.create(
            resource=resource,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            email=form.cleaned_data["email"],
        )
        outbox.queue(
            outbox.moderator_addresses(),
            f"Problem reported: {resource.title}",
            "submissions/email/problem_report.txt",
            {
                "report": report,
                "resource": resource,
                "admin_path": reverse("admin:upkeep_problemreport_change", args=[report.pk]),
            },
        )
    return redirect("upkeep:report-problem-thanks", slug=resource.slug)


@require_safe
def report_problem_thanks(request, slug):
    return render(
        request, "submissions/report_problem_thanks.html", {"resource": _reported_resource(slug)}
    )


def _report_kept(request):
    """Too many reports from one address (see ``common.throttle``): 429, with what was written."""
    context = {
        "form": ProblemReportForm(request.POST),
        "resource": _reported_resource(request.resolver_match.kwargs["slug"]),
    }
    blocked = _(
        "You have sent several reports in a short time. Please wait an hour and send this "
        "again; what you wrote is still here."
    )
    return form_kept(request, "submissions/report_problem.html", context, blocked)


report_problem.when_rate_limited = _report_kept
