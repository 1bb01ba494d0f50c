"""What the moderation admin tells a moderator after an action: sentences in the singular and
the plural, translated (the admin's labels stay in English; see makemessages)."""

from django.utils.translation import ngettext_lazy

from .models import Submission

# Once a decision is taken, by decision. Formatted with count and titles.
DECIDED = {
    Submission.Decision.APPROVED: ngettext_lazy(
        "Published %(count)d submission and told its submitter: %(titles)s.",
        "Published %(count)d submissions and told their submitters: %(titles)s.",
        "count",
    ),
    Submission.Decision.REJECTED: ngettext_lazy(
        "Rejected %(count)d submission and told its submitter why: %(titles)s.",
        "Rejected %(count)d submissions and told their submitters why: %(titles)s.",
        "count",
    ),
    Submission.Decision.CHANGES_REQUESTED: ngettext_lazy(
        "Asked the submitter of %(count)d submission for changes: %(titles)s.",
        "Asked the submitters of %(count)d submissions for changes: %(titles)s.",
        "count",
    ),
    Submission.Decision.DUPLICATE: ngettext_lazy(
        "Marked %(count)d submission as a duplicate: %(titles)s.",
        "Marked %(count)d submissions as duplicates: %(titles)s.",
        "count",
    ),
}
ALREADY_DECIDED = ngettext_lazy(
    "Left out %(count)d submission that was already decided: %(titles)s.",
    "Left out %(count)d submissions that were already decided: %(titles)s.",
    "count",
)
