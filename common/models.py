"""The outbox: every e-mail the site sends, stored before it is sent; the errors of failed
background jobs; and the addresses of those who asked for e-mail (``Subscriber``), which every
kind of subscription shares.

The outbox's table keeps the name it had when it lived in the submissions app (``db_table``).
"""

import secrets

from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
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
    # Sent with the message (e.g. an alert's List-Unsubscribe, RFC 8058).
    headers = models.JSONField(default=dict, blank=True)
    # To a subscriber: the admin shows neither its address nor its body (which holds the links
    # that manage the subscription), since moderators see counts of subscribers, not addresses.
    private = models.BooleanField(default=False)
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
        if self.private:
            return f"{self.subject} → a subscriber"
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


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def unused(self):
        """Subscribers whom no subscription of any kind needs any more."""
        queryset = self
        for relation in Subscriber.subscriptions():
            kind = relation.related_model._default_manager.filter(
                **{relation.field.name: OuterRef("pk")}
            )
            queryset = queryset.filter(~Exists(kind))
        return queryset


class Subscriber(models.Model):
    """An address that asked for e-mail: search alerts, and any other kind of subscription, each
    a model with a foreign key to this one (found through the reverse relations, so that this
    app imports none of them). The address is kept only while a subscription needs it
    (``forget_if_unused``), and shown on no page: its token opens the page where its owner
    manages what they receive."""

    email = models.EmailField(max_length=254)
    # The secret of the manage link (no account: whoever has the link manages the address).
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_unique"),
        ]

    def __str__(self):
        return f"Subscriber {self.pk}"  # never the address (it would appear in logs)

    @classmethod
    def subscriptions(cls):
        """The relations of every kind of subscription (each app's model with a foreign key to
        this one)."""
        return [
            relation
            for relation in cls._meta.related_objects
            if relation.one_to_many and not relation.hidden
        ]

    def is_needed(self) -> bool:
        return any(
            relation.related_model._default_manager.filter(**{relation.field.name: self}).exists()
            for relation in self.subscriptions()
        )

    @property
    def masked_email(self) -> str:
        """``a…@example.org``: enough for its owner to recognise, too little to be of use to
        anyone a manage link was forwarded to."""
        local, _at, domain = self.email.partition("@")
        return f"{local[:1]}…@{domain}"


def forget_if_unused(subscriber_id: int) -> bool:
    """Delete the subscriber when no subscription of any kind needs it any more (after the last
    one is deleted). Returns whether it was deleted."""
    with transaction.atomic():
        # Locked, so that a sign-up adding a subscription meanwhile waits for the answer.
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or subscriber.is_needed():
            return False
        subscriber.delete()
        return True


def delete_subscriptions(subscriptions) -> int:
    """Delete ``subscriptions`` (a queryset of one kind: alerts, digest subscriptions...) and
    each address that nothing needs any more. Returns how many subscriptions were deleted."""
    subscriber_ids = set(subscriptions.values_list("subscriber_id", flat=True))
    _total, deleted = subscriptions.delete()
    for subscriber_id in subscriber_ids:
        forget_if_unused(subscriber_id)
    return deleted.get(subscriptions.model._meta.label, 0)
