"""The public "Report a problem" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import ProtectedForm

from .models import ProblemReport


class ProblemReportForm(ProtectedForm):
    """Report a problem with a resource: what is wrong, and an address if a reply is wanted."""

    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ProblemReport.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What you found, e.g. where the link leads now. Nothing that identifies a client."
        ),
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        required=False,
        help_text=_("Only if you would like a reply. Never shown or shared."),
    )
