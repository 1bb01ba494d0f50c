"""The sign-up form (an address and how often), and changing how often on the manage page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import SubscribeForm

from .models import Alert


class AlertForm(SubscribeForm):
    """Ask for one search's new resources by e-mail (honeypot and minimum time included)."""

    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Alert.Frequency.choices,
        initial=Alert.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )


class FrequencyForm(forms.Form):
    """How often one alert is sent (the manage page)."""

    frequency = forms.ChoiceField(choices=Alert.Frequency.choices)
