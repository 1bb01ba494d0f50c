"""The outbox: every e-mail the site sends, stored before it is sent; and the errors of failed
background jobs.

The outbox's table keeps the name it had when it lived in the submissions app (``db_table``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """An e-mail to send. Stored first, sent by a background job once the request's data is
    saved, and retried every few minutes by a periodic job (or ``manage.py send_outbox``) when
    sending fails, so that a mail server being down never loses a submission, shows a visitor an
    error or keeps a request waiting."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave-up", _("Gave up")

    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # An HTML alternative to the plain-text body (the digest), or empty.
    html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "submissions_outboxmessage"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"


class JobFailure(models.Model):
    """What went wrong when a background job failed: procrastinate keeps a job's status and
    events, not its error, so each failed attempt is written here (``common.jobs``) for the
    admin's list of jobs. Deleted with the job (``common.jobs.delete_old_jobs``)."""

    job_id = models.BigIntegerField(db_index=True)  # procrastinate_jobs.id
    task_name = models.CharField(max_length=128)
    attempt = models.PositiveIntegerField()
    error = models.TextField()
    traceback = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.task_name} #{self.job_id}: {self.error[:80]}"
