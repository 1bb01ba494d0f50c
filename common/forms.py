"""What every public form has: a honeypot, a minimum fill time (a signed timestamp), text without
control characters, and errors that screen readers find beside their fields."""

from __future__ import annotations

import re
import time

from django import forms
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core import signing
from django.utils.translation import gettext_lazy as _

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Signs the moment a form was first shown (the name predates this module: tokens stay valid).
TIMESTAMP_SALT = "submissions.form-started"


class ProtectedForm(forms.Form):
    """Honeypot, minimum fill time and clean text for a public form."""

    # Named to attract bots; hidden from people and from assistive technology.
    website = forms.CharField(required=False, label=_("Leave this empty"), max_length=200)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    abuse_error: str | None = None

    def __init__(self, *args, database_available: bool = True, **kwargs):
        # False: shown again while the database is unreachable, so built without reading it.
        self.database_available = database_available
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["started"].initial = signing.dumps(time.time(), salt=TIMESTAMP_SALT)
        else:  # keep the first timestamp on a form shown again with errors
            self.fields["started"].initial = self.data.get("started")
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def full_clean(self):
        """After validation, point each field in error at its message for screen readers."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = [v for v in attrs.get("aria-describedby", "").split() if v]
                attrs["aria-describedby"] = " ".join([*described, f"id_{name}_error"])
                attrs["aria-invalid"] = "true"

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = CONTROL_CHARS.sub("", value)
        if cleaned.get("website"):
            self.abuse_error = _("This form could not be accepted.")
        else:
            try:
                started = signing.loads(
                    self.data.get("started", ""), salt=TIMESTAMP_SALT, max_age=24 * 3600
                )
            except signing.BadSignature:
                self.abuse_error = _(
                    "This form has expired or was changed. Please check what you wrote and send "
                    "it again."
                )
                self.fields["started"].initial = signing.dumps(time.time(), salt=TIMESTAMP_SALT)
            else:
                if time.time() - float(started) < settings.FORM_MIN_SECONDS:
                    self.abuse_error = _(
                        "That was quicker than a person can fill in this form. Please check "
                        "what you wrote and send it again."
                    )
        if self.abuse_error:
            raise forms.ValidationError(self.abuse_error, code="abuse")
        return cleaned


class SubscribeForm(ProtectedForm):
    """An address asking for e-mail (alerts, the digest): confirmed by a link before anything
    else is sent."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send a link to confirm it; nothing else is sent before you do. "
                    "Never shown or shared."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The help stays described when an error is added beside it (``ProtectedForm``).
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "aria-describedby": "id_email_helptext"}
        )

    def clean_email(self):
        return BaseUserManager.normalize_email(self.cleaned_data["email"].strip())
