"""The answer to a visitor who sent too many forms (django-ratelimit's ``RATELIMIT_VIEW``).

Each rate-limited view says how it answers, by giving itself a ``when_rate_limited(request)``
that shows its form again with everything typed (429): this module knows no form of any app.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _


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
