"""The alert pages: signing up for a search's alert, confirming it, stopping it, and managing
every alert of an address. No account: the links in the e-mails are the keys (``links``).

Every page is private (``never_cache``), none shows an address whole (the manage page shows it
masked), and nothing changes on a GET: each link opens a page with a button.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from common.models import Subscriber, delete_subscriptions
from common.subscriptions import BadLink, LinkExpired
from common.throttle import form_kept
from search.phrases import describe, rows_named

from . import links, signup
from .forms import AlertForm, FrequencyForm
from .models import Alert
from .queries import BadSearch, check_names, normalise, stored_search


def _signup_context(query: str, checked: tuple, form) -> dict:
    search, rows = checked
    return {
        "form": form,
        "search": describe(search, rows) or _("All new resources"),
        "search_url": reverse("search:list") + (f"?{query}" if query else ""),
        "language": get_language(),
    }


def _bad_search(request, error: BadSearch):
    """An address whose search an alert cannot be made of: 400, saying why."""
    return render(request, "alerts/bad_search.html", {"problems": error.problems}, status=400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.ALERT_RATE, method="POST", block=True)
def new_alert(request):
    """Sign up for the alert of the search in the address's query string (the search page's)."""
    try:
        query = normalise(request.GET)
        checked = check_names(query)
    except BadSearch as error:
        return _bad_search(request, error)
    if request.method != "POST":
        return render(request, "alerts/new.html", _signup_context(query, checked, AlertForm()))
    form = AlertForm(request.POST)
    if not form.is_valid():
        return render(request, "alerts/new.html", _signup_context(query, checked, form), status=400)
    signup.subscribe(form.cleaned_data["email"], query, form.cleaned_data["frequency"],
                     get_language())  # fmt: skip
    return redirect("alerts:sent")


def _signup_kept(request):
    """How a rate-limited sign-up answers (``common.throttle``): 429, with the form and what was
    typed shown again."""
    try:
        query = normalise(request.GET)
        checked = check_names(query)
    except BadSearch as error:
        return _bad_search(request, error)
    context = _signup_context(query, checked, AlertForm(request.POST))
    return form_kept(request, "alerts/new.html", context)


new_alert.when_rate_limited = _signup_kept


@never_cache
@require_safe
def sent(request):
    """The same answer to every sign-up: look in your inbox."""
    return render(request, "alerts/sent.html", {"days": settings.SUBSCRIPTION_CONFIRM_DAYS})


def _link_problem(request, message: str, status: int):
    return render(request, "alerts/link_problem.html", {"message": message}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link of the confirmation e-mail: a page with a button (mail scanners open links, and
    must not confirm for anyone); the button confirms and leads to the manage page."""
    try:
        alert_id = links.LINKS.to_confirm(token)
    except LinkExpired:
        return _link_problem(request, _("This confirmation link has expired. Please sign up for "
                                        "the alert again."), 400)  # fmt: skip
    except BadLink:
        return _link_problem(request, _("This confirmation link is not valid. Please copy the "
                                        "whole link from the e-mail."), 400)  # fmt: skip
    alert = Alert.objects.select_related("subscriber").filter(pk=alert_id).first()
    if alert is None:
        return _link_problem(request, _("This alert no longer exists. Please sign up for it "
                                        "again."), 404)  # fmt: skip
    if request.method == "POST":
        signup.confirm(alert)
        messages.success(request, _("Your alert is on. Here are all the alerts of your address."))
        return redirect("alerts:manage", alert.subscriber.token)
    context = {"alert": alert, "search": signup.phrase(alert.query),
               "search_url": _search_path(alert.query)}  # fmt: skip
    return render(request, "alerts/confirm.html", context)


@csrf_exempt  # RFC 8058: a mail app's one-click POST has no CSRF token; the signed link is the key
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Stop one alert: the link in each alert e-mail, and its ``List-Unsubscribe`` header. A GET
    shows a button; a POST (the button, or a mail app's one-click) stops it."""
    try:
        alert_id = links.LINKS.to_stop(token)
    except BadLink:
        return _link_problem(request, _("This link is not valid. Please copy the whole link from "
                                        "the e-mail."), 400)  # fmt: skip
    alert = Alert.objects.select_related("subscriber").filter(pk=alert_id).first()
    if request.method == "POST":
        if alert is not None:
            delete_subscriptions(Alert.objects.filter(pk=alert.pk))
        return render(request, "alerts/stopped.html", {"stopped": alert is not None})
    if alert is None:
        return render(request, "alerts/stopped.html", {"stopped": False})
    context = {"alert": alert, "search": signup.phrase(alert.query),
               "manage_url": reverse("alerts:manage", args=[alert.subscriber.token])}  # fmt: skip
    return render(request, "alerts/unsubscribe.html", context)


def _search_path(query: str) -> str:
    return reverse("search:list") + (f"?{query}" if query else "")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """Every alert of one address (the link in each e-mail): how often each comes, stopping one,
    or stopping them all."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return _link_problem(request, _("There are no alerts for this link: they were all "
                                        "stopped, or the link is not complete."), 404)  # fmt: skip
    if request.method == "POST":
        return _change(request, subscriber)
    alerts = list(subscriber.alerts.all())
    searches = [stored_search(alert.query) for alert in alerts]
    rows = rows_named([search.data_clean for search in searches])
    for alert, search in zip(alerts, searches, strict=True):
        alert.phrase = describe(search, rows) or _("All new resources")
        alert.search_path = _search_path(alert.query)
    context = {"subscriber": subscriber, "alerts": alerts, "frequencies": Alert.Frequency.choices}
    return render(request, "alerts/manage.html", context)


def _change(request, subscriber: Subscriber):
    action = request.POST.get("action")
    alerts = subscriber.alerts.all()
    if action == "delete-all":
        delete_subscriptions(alerts)
        return render(request, "alerts/stopped.html", {"stopped": True, "everything": True})
    alert = alerts.filter(pk=_number(request.POST.get("alert"))).first()
    if alert is None:  # a stale page: that alert was stopped meanwhile
        messages.info(request, _("That alert was already stopped."))
    elif action == "delete":
        delete_subscriptions(Alert.objects.filter(pk=alert.pk))
        messages.success(request, _("The alert is stopped."))
    elif action == "frequency" and (form := FrequencyForm(request.POST)).is_valid():
        alert.frequency = form.cleaned_data["frequency"]
        alert.save(update_fields=["frequency"])
        messages.success(request, {Alert.Frequency.DAILY: _("Saved: this alert now comes daily."),
                                   Alert.Frequency.WEEKLY: _("Saved: this alert now comes weekly."),
                                   }[alert.frequency])  # fmt: skip
    else:
        return _link_problem(request, _("That change could not be understood."), 400)
    if not Subscriber.objects.filter(pk=subscriber.pk).exists():
        return render(request, "alerts/stopped.html", {"stopped": True, "everything": True})
    return redirect("alerts:manage", subscriber.token)


def _number(value) -> int:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 18 else 0
