"""Proposals from the public, and the moderators' decisions on them.

The proposed resource itself is stored as a ``pending`` :class:`resources.models.Resource`; the
submitter's contact details live only here, so they can be purged without losing the resource.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One "Share a resource" proposal: who sent it, what they proposed, what was decided."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        DUPLICATE = "duplicate", _("Duplicate")

    resource = models.OneToOneField(
        "resources.Resource", on_delete=models.CASCADE, related_name="submission"
    )
    # What the submitter typed where our vocabulary has no field yet; moderators map it.
    proposed_organizations = models.CharField(max_length=500, blank=True)
    proposed_topics = models.CharField(max_length=500, blank=True)
    # The short description exactly as the submitter typed it: moderators edit the resource's.
    summary_as_typed = models.TextField(blank=True, editable=False)

    name = models.CharField(_("your name"), max_length=200, blank=True)
    email = models.EmailField(_("your e-mail"), blank=True)
    organization = models.CharField(_("your organisation"), max_length=200, blank=True)
    role = models.CharField(_("your role"), max_length=200, blank=True)
    message = models.TextField(_("note to the moderators"), max_length=5000, blank=True)
    consent_to_contact = models.BooleanField(_("may we contact you about it?"), default=False)
    contact_purged_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reason = models.TextField(blank=True, help_text=_("Told to the submitter."))
    duplicate_of = models.ForeignKey(
        "resources.Resource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicate_submissions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_submissions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["decision", "created_at"], name="submission_queue")]

    def __str__(self):
        # No submitter details here: this text is kept in the admin log after a purge.
        return f"Submission #{self.pk}: {self.resource.title}"


class DecisionRecord(models.Model):
    """One moderation decision on a submission: who, when, what and why. Never edited."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="history")
    decision = models.CharField(max_length=10, choices=Submission.Decision.choices)
    reason = models.TextField(blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.get_decision_display()} by {self.moderator} on {self.decided_at:%Y-%m-%d}"


class ContactMessage(models.Model):
    """A question to the team from the "Ask an expert" page."""

    name = models.CharField(_("your name"), max_length=200)
    email = models.EmailField(_("your e-mail"))
    organization = models.CharField(_("your organisation"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("your question"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    answered = models.BooleanField(default=False)
    notes = models.TextField(blank=True, help_text=_("For the team only."))

    class Meta:
        ordering = ["answered", "-created_at"]

    def __str__(self):
        return f"{self.subject} (from {self.name})"


class OutboxMessage(models.Model):
    """An e-mail to send. Stored first, sent after the request's data is saved, and retried by
    ``manage.py send_outbox`` when sending fails, so that a mail server being down never loses a
    submission or shows a visitor an error."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave-up", _("Gave up")

    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"


class ProblemReport(models.Model):
    """A visitor's "report a problem with this resource": a broken link, something out of date,
    something that should not be listed. Seen only by the moderators."""

    class Reason(models.TextChoices):
        BROKEN_LINK = "broken-link", _("The link or file does not work")
        OUTDATED = "outdated", _("Something in it is out of date")
        INAPPROPRIATE = "inappropriate", _("It should not be listed here")
        OTHER = "other", _("Something else")

    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.CASCADE, related_name="problem_reports"
    )
    reason = models.CharField(_("what is wrong"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    email = models.EmailField(_("e-mail for a reply"), blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("For the team only."))

    class Meta:
        verbose_name = _("problem report")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="problem_report_queue")]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.resource.title}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
