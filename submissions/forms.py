"""The public forms: "Share a resource", "Ask an expert" and "Report a problem".

Both carry the same protections: a honeypot field people never see, a signed timestamp that
refuses forms sent back faster than a person could fill them in, length limits on every field,
and control characters removed from everything typed. (The per-address rate limit is on the
views; CSRF on every POST is Django's.)
"""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from common.files import sniff_content_type, type_label
from common.forms import CONTROL_CHARS, TIMESTAMP_SALT, ProtectedForm  # noqa: F401 - used here and by tests
from common.timezones import utc_day, zone_named
from resources.models import LANGUAGES, Resource
from thesaurus.models import Audience, Topic

# What may be uploaded, judged by content: documents and slides.
ALLOWED_FILE_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.presentation",
}
COMMON_TIMEZONES = sorted(
    zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith("Etc/")
)
# The topics and audiences offered by the share form, as last read in this process: the form can
# be shown again while the database is unreachable.
_known_choices: dict[str, list[tuple[str, str]]] = {"topics": [], "audiences": []}


class ShareResourceForm(ProtectedForm):
    """Everything a submitter can tell us without knowing our vocabulary."""

    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(
        label=_("Link"),
        max_length=1000,
        required=False,
        help_text=_("Where people can find it. Give a link or attach a file below."),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        # Formatted when the form is shown, in the visitor's language (see __init__).
        help_text=_("PDF, Word, PowerPoint or OpenDocument, up to %(mb)s MB."),
    )
    kind = forms.ChoiceField(
        label=_("What is it?"), choices=[("", _("Choose one")), *Resource.Kind.choices]
    )
    summary = forms.CharField(
        label=_("Short description"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Two or three sentences: what it covers and who it is for."),
    )
    organizations = forms.CharField(
        label=_("Organisation(s) behind it"),
        max_length=500,
        required=False,
        help_text=_("As you know them; separate several with commas."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_topics = forms.CharField(
        label=_("Other topics"),
        max_length=300,
        required=False,
        help_text=_("Your own words, separated by commas."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Who is it for?"), required=False, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="en")
    date = forms.DateField(
        label=_("Date published or presented"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    starts_at = forms.DateTimeField(
        label=_("Session starts"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("For an upcoming webinar, e-consultation or event, in its own time zone."),
    )
    ends_at = forms.DateTimeField(
        label=_("Session ends"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    timezone = forms.CharField(
        label=_("Time zone of the session"),
        max_length=64,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "timezones", "placeholder": _("e.g. America/Chicago")}
        ),
    )
    registration_url = forms.URLField(label=_("Registration link"), max_length=1000, required=False)
    # Asked beside the date when a live session's date is past (see ``clean``).
    recording_url = forms.URLField(
        label=_("Link to the recording"),
        max_length=1000,
        required=False,
        help_text=_("We list it with the past sessions, with its recording."),
    )
    no_recording = forms.BooleanField(
        label=_("There is no recording: share it as a past session"), required=False
    )

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        help_text=_("We tell you what we decide. Never shown or shared."),
    )
    organization = forms.CharField(label=_("Your organisation"), max_length=200, required=False)
    role = forms.CharField(label=_("Your role"), max_length=200, required=False)
    message = forms.CharField(
        label=_("Anything the moderators should know"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_to_contact = forms.BooleanField(
        label=_("You may contact me about this resource"), required=False
    )
    not_duplicate = forms.BooleanField(
        label=_("It is a different resource: send it anyway"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        }
        if self.database_available:
            _known_choices["topics"] = list(
                Topic.objects.order_by("name").values_list("slug", "name")
            )
            _known_choices["audiences"] = list(Audience.objects.values_list("slug", "name"))
        for name in ("topics", "audiences"):
            choices = list(_known_choices[name])
            if not self.database_available and self.is_bound:
                # Without the database: the choices this process last read, and whatever was
                # ticked, so that the form comes back exactly as it was sent.
                known = {value for value, _label in choices}
                ticked = self.data.getlist(name) if hasattr(self.data, "getlist") else []
                choices += [(v, v) for v in ticked[:50] if v not in known]
            self.fields[name].choices = choices

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("That file is %(size)s MB; the largest we accept is %(max)s MB.")
                % {
                    "size": round(upload.size / 1048576, 1),
                    "max": settings.MAX_UPLOAD_BYTES // 1048576,
                }
            )
        content_type = sniff_content_type(upload)
        if content_type not in ALLOWED_FILE_TYPES:
            raise forms.ValidationError(
                _(
                    "This file's content is not a PDF, Word, PowerPoint or OpenDocument file "
                    "(it looks like %(type)s). Send a link instead, or convert it to PDF."
                )
                % {"type": type_label(content_type)}
            )
        return upload

    def clean_timezone(self):
        value = self.cleaned_data.get("timezone", "").strip()
        if value and value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Choose a time zone from the list, e.g. Europe/Paris."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("file") and "url" not in self.errors:
            self.add_error("url", _("Give a link to the resource, or attach it as a file."))
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if ends and not starts:
            self.add_error("starts_at", _("Give the start time as well as the end."))
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        if starts and not cleaned.get("timezone"):
            self.add_error("timezone", _("Say which time zone the session time is in."))
        elif cleaned.get("timezone"):
            # The times were typed as clock times in the session's own zone.
            zone = zone_named(cleaned["timezone"])
            for name in ("starts_at", "ends_at"):
                if cleaned.get(name):
                    wall = dj_timezone.make_naive(cleaned[name], dj_timezone.get_current_timezone())
                    cleaned[name] = dj_timezone.make_aware(wall, zone)
        self.ask_about_recording(cleaned)
        return cleaned

    # Which date field says that the session is over ("starts_at" or "date"), once cleaned.
    over_field: str | None = None

    @property
    def recording_beside(self) -> str | None:
        """The date field beside which the recording is asked for: the one that is past, or,
        when the visitor gave a recording anyway, the session's (nothing typed is hidden)."""
        if self.over_field:
            return self.over_field
        if self.is_bound and (self.data.get("recording_url") or self.data.get("no_recording")):
            return (
                "date" if self.data.get("date") and not self.data.get("starts_at") else "starts_at"
            )
        return None

    def ask_about_recording(self, cleaned: dict) -> None:
        """A live session dated in the past is neither refused nor taken as upcoming: beside
        its date the form asks for the recording, and takes it once a link is given or the
        visitor says there is none."""
        if cleaned.get("kind") not in Resource.LIVE_KINDS:
            return
        starts, day = cleaned.get("starts_at"), cleaned.get("date")
        if starts and "starts_at" not in self.errors and "ends_at" not in self.errors:
            if (cleaned.get("ends_at") or starts) < dj_timezone.now():
                self.over_field = "starts_at"
        elif not starts and day and day < utc_day(dj_timezone.now()):
            self.over_field = "date"
        answered = cleaned.get("recording_url") or cleaned.get("no_recording")
        if self.over_field and not answered and "recording_url" not in self.errors:
            self.add_error(self.over_field, _("This session is over: share its recording?"))


class ContactForm(ProtectedForm):
    """A question to the team ("Ask an expert")."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        help_text=_("So that we can answer. Never shown or shared."),
    )
    organization = forms.CharField(label=_("Your organisation"), max_length=200, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )
