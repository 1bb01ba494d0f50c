"""Keeping listed resources right: visitors' reports of a problem with a resource.

The table keeps the name it had when it lived in the submissions app (``db_table``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        db_table = "submissions_problemreport"
        verbose_name = _("problem report")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="problem_report_queue")]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.resource.title}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
