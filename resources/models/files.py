"""What is attached to a resource (files) and what the link checker last found of its link."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .resource import Resource


def resource_file_path(instance: ResourceFile, filename: str) -> str:
    name = PurePosixPath(filename).name
    return f"resources/{timezone.now():%Y/%m}/{name}"


class ResourceFile(models.Model):
    """A file attached to a resource (slides, a PDF manual...), with its size and type."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=resource_file_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title or PurePosixPath(self.file.name).name

    def save(self, *args, **kwargs):
        if self.file:
            from common.files import sniff_content_type

            self.size = self.file.size
            self.content_type = sniff_content_type(self.file)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("resources:file", kwargs={"pk": self.pk, "name": self.download_name})

    @property
    def download_name(self) -> str:
        return PurePosixPath(self.file.name).name

    @property
    def label(self) -> str:
        from common.files import type_label

        return type_label(self.content_type)


class LinkCheck(models.Model):
    """What the link checker (``manage.py check_links``) last found for a published resource:
    its link's answer, where it ends up, how many checks in a row failed, and its files."""

    class Error(models.TextChoices):
        TIMEOUT = "timeout", _("no answer in time")
        DNS = "dns", _("address not found (DNS)")
        REFUSED = "refused", _("connection refused")
        TLS = "tls", _("secure connection failed (TLS)")
        REDIRECTS = "redirects", _("too many redirects")
        INVALID = "invalid", _("not a web address")
        BLOCKED = "blocked", _("leads to a private or local network address")
        OTHER = "other", _("connection failed")

    class Health(models.TextChoices):
        BROKEN = "broken", _("broken")
        FAILING = "failing", _("failing")
        OK = "ok", _("ok")
        NOT_CHECKED = "not-checked", _("not checked")

    resource = models.OneToOneField(
        Resource, on_delete=models.CASCADE, primary_key=True, related_name="link_check"
    )
    # The link as it was checked: once a moderator changes it, this record no longer applies.
    url = models.CharField(max_length=1000, blank=True)
    checked_at = models.DateTimeField(_("checked"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(max_length=10, choices=Error.choices, blank=True)
    final_url = models.CharField(
        _("final address"), max_length=2000, blank=True, help_text=_("After redirects.")
    )
    permanent_redirect = models.BooleanField(default=False)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    broken_since = models.DateTimeField(null=True, blank=True)
    file_problems = models.TextField(blank=True)

    class Meta:
        verbose_name = _("link check")
        indexes = [models.Index(fields=["checked_at"], name="link_check_checked_at")]

    def __str__(self):
        return f"{self.url or self.resource_id}: {self.outcome}"

    @property
    def succeeded(self) -> bool:
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300

    @property
    def redirected(self) -> bool:
        return bool(self.final_url) and self.final_url != self.url

    @property
    def outcome(self) -> str:
        """The last answer in words: "200", "404", "timeout (no answer in time)"."""
        if self.error:
            return f"{self.error} ({self.get_error_display()})"
        return str(self.status_code) if self.status_code is not None else "—"

    def health(self, current_url: str) -> str:
        """One of :class:`Health` for the resource's link as it is now."""
        unchecked = self.status_code is None and not self.error
        if not current_url or current_url != self.url or unchecked:
            return self.Health.NOT_CHECKED
        if self.broken_since:
            return self.Health.BROKEN
        return self.Health.FAILING if self.failures else self.Health.OK
