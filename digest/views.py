"""The digest's subscription pages: signing up, confirming, and stopping it. No account: the
links in the e-mails are the keys (``common.subscriptions``).

Every page is private (``never_cache``, ``noindex``), none shows an address, and nothing changes
on a GET: each link opens a page with a button (mail scanners open links).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from common.forms import SubscribeForm as DigestForm
from common.models import delete_subscriptions
from common.subscriptions import BadLink, LinkExpired
from common.throttle import form_kept

from . import signup
from .models import DigestSubscription


def _signup_context(form) -> dict:
    quarter = signup.next_sending()
    return {"form": form, "language": get_language(), "quarter": quarter,
            "next_day": quarter.end}  # fmt: skip


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.DIGEST_RATE, method="POST", block=True)
def subscribe(request):
    """Ask for the quarterly digest by e-mail, in the page's language."""
    if request.method != "POST":
        return render(request, "digest/subscribe.html", _signup_context(DigestForm()))
    form = DigestForm(request.POST)
    if not form.is_valid():
        return render(request, "digest/subscribe.html", _signup_context(form), status=400)
    signup.subscribe(form.cleaned_data["email"], get_language())
    return redirect("digest:sent")


def _signup_kept(request):
    """How a rate-limited sign-up answers (``common.throttle``): 429, with what was typed."""
    return form_kept(request, "digest/subscribe.html", _signup_context(DigestForm(request.POST)))


subscribe.when_rate_limited = _signup_kept


@never_cache
@require_safe
def sent(request):
    """The same answer to every sign-up: look in your inbox."""
    return render(request, "digest/sent.html", {"days": settings.SUBSCRIPTION_CONFIRM_DAYS})


def _link_problem(request, message: str, status: int):
    return render(request, "digest/link_problem.html", {"message": message}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link of the confirmation e-mail: a page with a button that confirms."""
    try:
        pk = signup.LINKS.to_confirm(token)
    except LinkExpired:
        return _link_problem(request, _("This confirmation link has expired. Please sign up for "
                                        "the digest again."), 400)  # fmt: skip
    except BadLink:
        return _link_problem(request, _("This confirmation link is not valid. Please copy the "
                                        "whole link from the e-mail."), 400)  # fmt: skip
    subscription = DigestSubscription.objects.filter(pk=pk).first()
    if subscription is None:
        return _link_problem(request, _("This subscription no longer exists. Please sign up for "
                                        "the digest again."), 404)  # fmt: skip
    if request.method == "POST":
        signup.confirm(subscription)
        return redirect(request.path)  # the same page, now saying it is on
    context = {"subscription": subscription, "quarter": signup.next_sending(),
               "stop_url": signup.stop_url(subscription)}  # fmt: skip
    return render(request, "digest/confirm.html", context)


@csrf_exempt  # RFC 8058: a mail app's one-click POST has no CSRF token; the signed link is the key
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Stop the digest: the link in each digest e-mail, and its ``List-Unsubscribe`` header. A
    GET shows a button; a POST (the button, or a mail app's one-click) stops it."""
    try:
        pk = signup.LINKS.to_stop(token)
    except BadLink:
        return _link_problem(request, _("This link is not valid. Please copy the whole link from "
                                        "the e-mail."), 400)  # fmt: skip
    subscriptions = DigestSubscription.objects.filter(pk=pk)
    if request.method == "POST":
        stopped = delete_subscriptions(subscriptions) > 0
        return render(request, "digest/stopped.html", {"stopped": stopped})
    if not subscriptions.exists():
        return render(request, "digest/stopped.html", {"stopped": False})
    return render(request, "digest/unsubscribe.html")
