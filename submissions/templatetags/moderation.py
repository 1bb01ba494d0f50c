"""Template tags for the moderation screens of the admin."""

from django import template
from django.urls import reverse

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
