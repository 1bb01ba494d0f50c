"""The answer to a visitor who sent too many forms (django-ratelimit's ``RATELIMIT_VIEW``).

Each rate-limited view says how it answers, by giving itself a ``when_rate_limited(request)``
that shows its form again with everything typed (429, ``form_kept``): this module knows no form
of any app.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def rate_limited(request, exception):
    match = request.resolver_match
    answer = getattr(match.func, "when_rate_limited", None) if match else None
    if answer is not None:
        response = answer(request)
    else:
        response = HttpResponse(
            _("Too many requests. Please wait an hour and try again."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = "3600"
    return response


FORMS_BLOCKED = gettext_lazy(
    "You have sent several forms in a short time. Please wait an hour and send this again; "
    "what you wrote is still here."
)


def form_kept(request, template: str, context: dict, blocked=FORMS_BLOCKED):
    """A rate-limited form shown again: ``context`` holds the form bound to what was typed;
    the page says why (``blocked``, shown by ``includes/form_summary.html``), with a 429."""
    return render(request, template, {**context, "blocked": blocked}, status=429)
