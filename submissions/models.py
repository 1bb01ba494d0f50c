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

    # Decisions that leave a proposal open in the queue: it can still be decided.
    OPEN_DECISIONS = (Decision.PENDING, Decision.CHANGES_REQUESTED)

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
