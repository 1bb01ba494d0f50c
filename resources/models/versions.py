"""A resource's language versions: each is a resource of its own, hanging off one original."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .languages import LANGUAGES


class LanguageVersions(models.Model):
    """What a resource knows of its versions in other languages."""

    class Meta:
        abstract = True

    def clean_versions(self):
        """A resource is not a version of itself, and a group of versions has one resource per
        language."""
        if self.original_id is None:
            if self.pk is None or not self.translations.exists():
                return
            root_id = self.pk
        else:
            if self.original_id == self.pk:
                raise ValidationError({"original": _("A resource cannot be a version of itself.")})
            root_id = self.original.original_id or self.original_id
            if root_id == self.pk:
                raise ValidationError(
                    {"original": _("“%(title)s” is already a version of this resource.")
                     % {"title": self.original.title}}
                )  # fmt: skip
        group = Q(pk=root_id) | Q(original=root_id)
        if self.pk is not None:
            group |= Q(original=self.pk)
        seen = {self.language: self.title}
        for title, language in (
            type(self).objects.filter(group).exclude(pk=self.pk).values_list("title", "language")
        ):
            if language in seen:
                field = "original" if self.original_id is not None else "language"
                raise ValidationError(
                    {field: _("“%(title)s” is already the %(language)s version.")
                     % {"title": title, "language": dict(LANGUAGES)[language]}}
                )  # fmt: skip
            seen[language] = title

    def versions(self):
        """The other language versions of this resource, whatever their status."""
        root_id = self.original_id or self.pk
        return type(self).objects.filter(Q(pk=root_id) | Q(original=root_id)).exclude(pk=self.pk)
