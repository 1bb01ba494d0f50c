"""The moderators' forms for a decision (approve, reject, ask for changes, mark a duplicate),
and the duplicates each submission's proposal may be."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from resources import duplicates
from resources.models import Resource

from . import moderation
from .models import Submission

OTHER_REASON = "other"


class ApproveForm(forms.Form):
    """Approval needs no more than the confirmation itself."""

    def decide(self, submission, moderator):
        return moderation.approve(submission, moderator)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(reason, reason) for reason in moderation.REJECTION_REASONS]
        + [(OTHER_REASON, _("Another reason, written below"))],
        widget=forms.RadioSelect,
        required=False,
    )
    details = forms.CharField(
        label=_("In your own words"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        required=False,
        max_length=2000,
        help_text=_("Added to the reason chosen above, or used instead. Sent to the submitter."),
    )

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("reason", "")
        parts = [chosen if chosen != OTHER_REASON else "", cleaned.get("details", "").strip()]
        cleaned["full_reason"] = "\n\n".join(part for part in parts if part)
        if not cleaned["full_reason"] and not self.errors:
            raise ValidationError(_("Choose a reason or write one: the submitter will read it."))
        return cleaned

    def decide(self, submission, moderator):
        return moderation.reject(submission, moderator, self.cleaned_data["full_reason"])


class ChangesForm(forms.Form):
    message = forms.CharField(
        label=_("What should the submitter change or add?"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text=_("Sent to the submitter. The resource stays pending."),
    )

    def decide(self, submission, moderator):
        return moderation.request_changes(submission, moderator, self.cleaned_data["message"])


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"#{obj.pk} {obj.title} ({obj.get_status_display().lower()})"


class DuplicateForm(forms.Form):
    """The original is picked from the duplicates we detected, by search, or by its number."""

    detected = ResourceChoiceField(
        label=_("Detected duplicates"),
        queryset=Resource.objects.none(),
        widget=forms.RadioSelect,
        required=False,
    )
    original = ResourceChoiceField(
        label=_("Or find the original"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("Search by title or link."),
    )
    number = forms.IntegerField(
        label=_("Or give its number"), required=False, min_value=1, help_text=_("The resource id.")
    )

    def __init__(self, *args, submissions, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        own = [submission.resource_id for submission in submissions]
        self.candidates = Resource.objects.exclude(pk__in=own)
        self.fields["detected"].queryset = detected_duplicates(submissions)
        self.fields["original"] = ResourceChoiceField(
            label=self.fields["original"].label,
            help_text=self.fields["original"].help_text,
            queryset=self.candidates,
            required=False,
            widget=AutocompleteSelect(Submission._meta.get_field("duplicate_of"), admin_site),
        )
        if not self.fields["detected"].queryset:
            del self.fields["detected"]

    def clean(self):
        cleaned = super().clean()
        chosen = {r for r in (cleaned.get("detected"), cleaned.get("original")) if r is not None}
        if cleaned.get("number"):
            found = self.candidates.filter(pk=cleaned["number"]).first()
            if found is None:
                self.add_error("number", _("No other resource has this number."))
                return cleaned
            chosen.add(found)
        if len(chosen) != 1 and not self.errors:
            raise ValidationError(_("Choose one original resource."))
        cleaned["resource"] = next(iter(chosen), None)
        return cleaned

    def decide(self, submission, moderator):
        return moderation.mark_duplicate(submission, moderator, self.cleaned_data["resource"])


DECISIONS = {
    # name in the URL: (form, page title, button, what it does)
    "approve": (
        ApproveForm,
        _("Approve and publish"),
        _("Yes, publish"),
        _("The resources will be published now and their submitters e-mailed a link."),
    ),
    "reject": (
        RejectForm,
        _("Reject"),
        _("Reject and tell the submitter"),
        _("The resources will not be published; submitters are e-mailed the reason."),
    ),
    "changes": (
        ChangesForm,
        _("Ask for changes"),
        _("Send the request"),
        _("The resources stay pending; submitters are e-mailed your message."),
    ),
    "duplicate": (
        DuplicateForm,
        _("Mark as a duplicate"),
        _("Mark as a duplicate"),
        _("The resources will not be published; submitters are e-mailed a link to the original."),
    ),
}


def submission_duplicates(submissions) -> dict[int, list[duplicates.Duplicate]]:
    """For each submission (by pk), the resources its proposal duplicates, judged with the
    organisations its submitter typed. A constant number of queries for any number."""
    found = duplicates.duplicates_of(
        [s.resource for s in submissions],
        {s.resource_id: s.proposed_organizations for s in submissions},
    )
    return {s.pk: found[s.resource_id] for s in submissions}


def detected_duplicates(submissions):
    """The published or pending resources that any of ``submissions`` duplicates."""
    ids = [d.resource.pk for found in submission_duplicates(submissions).values() for d in found]
    return Resource.objects.filter(pk__in=ids).order_by("-status", "pk")
