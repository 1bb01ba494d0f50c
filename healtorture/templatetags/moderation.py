"""Template tags for the moderation screens of the admin."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from submissions.models import Submission

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_submissions(context):
    """How many submissions wait for a decision, and the link to that queue, for users who may
    see submissions; ``None`` for everyone else."""
    request = context.get("request")
    if request is None or not request.user.has_perm("submissions.view_submission"):
        return None
    return {
        "count": Submission.objects.filter(decision=Submission.Decision.PENDING).count(),
        "url": reverse("admin:submissions_submission_changelist")
        + f"?decision__exact={Submission.Decision.PENDING}",
    }


@register.simple_tag(takes_context=True)
def upkeep_counts(context):
    """What else waits for the moderators, for those who may see it: open problem reports,
    published resources due for review, and broken links; each a count and the list it opens
    (``None`` for what the user may not see)."""
    from resources.models import LinkCheck, Resource
    from upkeep.models import ProblemReport

    request = context.get("request")
    counts = {"reports": None, "review_due": None, "broken": None}
    if request is None:
        return counts
    if request.user.has_perm("upkeep.view_problemreport"):
        counts["reports"] = {
            "count": ProblemReport.objects.filter(resolved_at=None).count(),
            "url": reverse("admin:upkeep_problemreport_changelist") + "?status=open",
        }
    if request.user.has_perm("resources.view_resource"):
        resources = reverse("admin:resources_resource_changelist")
        broken = Resource.objects.published().link_health(LinkCheck.Health.BROKEN)
        counts["review_due"] = {
            "count": Resource.objects.review_due().count(),
            "url": f"{resources}?review_due=year",
        }
        counts["broken"] = {
            "count": broken.count(),
            "url": f"{resources}?status__exact=published&link_health=broken",
        }
    return counts


@register.simple_tag(takes_context=True)
def background_work(context):
    """The health of the background jobs, for users who may see them (``None`` for everyone
    else): failed jobs and the list they open, jobs due and waiting, live workers, and each
    periodic job's last run (``common.jobs.queue_health``)."""
    from common.jobs import queue_health

    request = context.get("request")
    if request is None or not request.user.has_perm("procrastinate.view_procrastinatejob"):
        return None
    jobs = reverse("admin:procrastinate_procrastinatejob_changelist")
    health = queue_health()
    health["failed_url"] = f"{jobs}?status__exact=failed"
    for run in health["periodic"]:
        run.url = f"{jobs}?{urlencode({'task_name': run.task_name})}"
    return health
