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
        return f"{self.resource.title} (from {self.name or 'anonymous'})"
