"""Series: runs of related resources (the Measured Impact webinars, IRCT Insights)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Series(models.Model):
    """A run of related resources, e.g. the Measured Impact webinars or IRCT Insights."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="series",
    )

    class Meta:
        verbose_name_plural = _("series")
        ordering = ["name"]

    def __str__(self):
        return self.name
