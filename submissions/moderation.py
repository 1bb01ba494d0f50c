"""The moderators' decisions on submissions, each done whole or not at all.

Every decision locks the submission, changes the proposed resource, records who decided what,
when and why (on the submission, as a :class:`DecisionRecord` and in the admin log), and queues
an e-mail to the submitter that is sent once the transaction commits. The admin calls these
functions; so can a shell or a test.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from common import outbox
from common.audit import log_action
from resources.models import Resource

from .models import DecisionRecord, Submission

Decision = Submission.Decision

# Reasons a moderator picks from; free text can be added to any of them or replace them.
REJECTION_REASONS = [
    "Not about serving survivors of torture.",
    "The link does not work.",
    "Already listed in the directory.",
    "Not freely available, and no details of how to get access.",
    "Promotional or commercial.",
]

# Submissions still open to a decision: "changes requested" waits on the submitter, not closed.


class ModerationError(Exception):
    """The decision cannot be taken (e.g. the submission was decided already)."""


# --- Links ----------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    """``path`` on the public site, for e-mails (the SITE_URL setting)."""
    return f"{settings.SITE_URL}{path}"


def _page(name: str, fallback: str) -> str:
    """The public page ``name`` if its URL exists yet, else the path the design gives it."""
    try:
        return absolute_url(reverse(name))
    except NoReverseMatch:
        return absolute_url(fallback)


# --- Decisions ------------------------------------------------------------------------------------


def approve(submission: Submission, moderator) -> Submission:
    """Publish the proposed resource now and tell the submitter where to find it. Approving is
    a review: the resource is recorded as reviewed now, by ``moderator``."""
    with transaction.atomic():
        resource = _lock(submission)
        now = timezone.now()
        resource.last_reviewed_at, resource.last_reviewed_by = now, moderator
        fields = ["last_reviewed_at", "last_reviewed_by", "updated_at"]
        if resource.status != Resource.Status.PUBLISHED:
            resource.status = Resource.Status.PUBLISHED
            resource.published_at = now
            fields += ["status", "published_at"]
        resource.save(update_fields=fields)
        _record(submission, moderator, Decision.APPROVED, "", "Approved and published.")
        _notify(
            submission,
            f"Now listed on HealTorture: {resource.title}",
            "submissions/email/approved.txt",
            {"link": absolute_url(resource.get_absolute_url())},
        )
    return submission


def reject(submission: Submission, moderator, reason: str) -> Submission:
    """Turn the proposal down and tell the submitter why."""
    reason = reason.strip()
    if not reason:
        raise ModerationError("Give the submitter a reason.")
    with transaction.atomic():
        resource = _lock(submission)
        _set_status(resource, Resource.Status.REJECTED)
        _record(submission, moderator, Decision.REJECTED, reason, f"Rejected. Reason: {reason}")
        _notify(
            submission,
            f"About your suggestion: {resource.title}",
            "submissions/email/rejected.txt",
            {"reason": reason, "share_link": _page("submissions:share", "/share/")},
        )
    return submission


def request_changes(submission: Submission, moderator, message: str) -> Submission:
    """Keep the resource pending and ask the submitter for what is missing."""
    message = message.strip()
    if not message:
        raise ModerationError("Say what the submitter should change.")
    with transaction.atomic():
        resource = _lock(submission)
        _set_status(resource, Resource.Status.PENDING)
        _record(
            submission,
            moderator,
            Decision.CHANGES_REQUESTED,
            message,
            f"Asked the submitter for changes: {message}",
        )
        _notify(
            submission,
            f"A question about your suggestion: {resource.title}",
            "submissions/email/changes_requested.txt",
            {"message": message, "contact_link": _page("submissions:contact", "/contact/")},
        )
    return submission


def mark_duplicate(submission: Submission, moderator, original: Resource) -> Submission:
    """Turn the proposal down as already listed (or already proposed) as ``original``."""
    if original.pk == submission.resource_id:
        raise ModerationError("A resource cannot duplicate itself.")
    with transaction.atomic():
        resource = _lock(submission)
        _set_status(resource, Resource.Status.REJECTED)
        submission.duplicate_of = original
        reason = f"Already listed as “{original.title}”."
        _record(
            submission,
            moderator,
            Decision.DUPLICATE,
            reason,
            f"Marked as a duplicate of resource #{original.pk} “{original.title}”.",
            extra_fields=["duplicate_of"],
        )
        _notify(
            submission,
            f"About your suggestion: {resource.title}",
            "submissions/email/duplicate.txt",
            {
                "original": original,
                "original_link": (
                    absolute_url(original.get_absolute_url()) if original.is_published else ""
                ),
            },
        )
    return submission


# --- Helpers --------------------------------------------------------------------------------------


def _lock(submission: Submission) -> Resource:
    """Reload the submission and its resource under row locks, so that two moderators deciding
    at once cannot both succeed; refuse submissions that were decided already."""
    submission.refresh_from_db(from_queryset=Submission.objects.select_for_update())
    resource = Resource.objects.select_for_update().get(pk=submission.resource_id)
    submission.resource = resource
    if submission.decision not in Submission.OPEN_DECISIONS:
        raise ModerationError(
            f"This submission was already decided ({submission.get_decision_display().lower()})."
        )
    return resource


def _set_status(resource: Resource, status: str) -> None:
    if resource.status != status:
        resource.status = status
        resource.save(update_fields=["status", "updated_at"])


def _record(submission, moderator, decision, reason, log_message, extra_fields=()) -> None:
    """Keep the decision on the submission, in its history and in the admin log."""
    now = timezone.now()
    submission.decision = decision
    submission.reason = reason
    submission.decided_by = moderator
    submission.decided_at = now
    submission.save(update_fields=["decision", "reason", "decided_by", "decided_at", *extra_fields])
    DecisionRecord.objects.create(
        submission=submission, decision=decision, reason=reason, moderator=moderator
    )
    resource = submission.resource
    # The log names the submission by number and title, never by the submitter's name, so that
    # purging contact details leaves none behind in the log.
    for obj, label in (
        (resource, resource.title),
        (submission, f"Submission #{submission.pk}: {resource.title}"),
    ):
        log_action(moderator, [obj], log_message, label=label)


def _notify(submission: Submission, subject: str, template: str, context: dict) -> None:
    """E-mail the submitter, if they left an address and it has not been purged."""
    if not submission.email or submission.contact_purged_at:
        return
    outbox.queue(
        submission.email,
        subject,
        template,
        {"submission": submission, "resource": submission.resource, **context},
    )
