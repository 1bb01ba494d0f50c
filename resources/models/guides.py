"""Guides: curated collections of resources, with an introduction and notes."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.text import render_markdown
from thesaurus.models import Audience

from .resource import Resource


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Guide(models.Model):
    """A curated collection: an introduction and an ordered list of resources with notes."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    introduction = models.TextField(blank=True, help_text=_("Markdown."))
    audiences = models.ManyToManyField(Audience, blank=True, related_name="guides")
    key_organizations = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="guides"
    )
    published = models.BooleanField(default=False)
    featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:guide", kwargs={"slug": self.slug})

    @property
    def introduction_html(self) -> str:
        return render_markdown(self.introduction)

    @property
    def audience_labels(self) -> str:
        """Its audiences, named in the language of the page."""
        return ", ".join(audience.label for audience in self.audiences.all())


class GuideItem(models.Model):
    """One resource in a guide, in its place, with an optional note from the curators."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="guide_items")
    section = models.CharField(
        max_length=120, blank=True, help_text=_("Heading this item sits under, if any.")
    )
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "resource"], name="unique_guide_resource")
        ]

    def __str__(self):
        return f"{self.guide}: {self.resource}"
