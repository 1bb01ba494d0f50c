"""The sign-up form (an address and how often), and changing how often on the manage page."""

from django import forms
from django.contrib.auth.base_user import BaseUserManager
from django.utils.translation import gettext_lazy as _

from common.forms import ProtectedForm

from .models import Alert


class AlertForm(ProtectedForm):
    """Ask for one search's new resources by e-mail (honeypot and minimum time included)."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send a link to confirm it; nothing else is sent before you do. "
                    "Never shown or shared."),
    )  # fmt: skip
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Alert.Frequency.choices,
        initial=Alert.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The help stays described when an error is added beside it (``ProtectedForm``).
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "aria-describedby": "id_email_helptext"}
        )

    def clean_email(self):
        return BaseUserManager.normalize_email(self.cleaned_data["email"].strip())


class FrequencyForm(forms.Form):
    """How often one alert is sent (the manage page)."""

    frequency = forms.ChoiceField(choices=Alert.Frequency.choices)
