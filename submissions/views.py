"""The public "Share a resource" and "Ask an expert" forms."""

import logging
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from common import outbox
from common.outage import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from common.throttle import form_kept
from resources.duplicates import find_duplicates
from resources.models import Resource, ResourceFile
from thesaurus.models import Audience, Topic

from .forms import COMMON_TIMEZONES, ContactForm, ShareResourceForm
from .models import ContactMessage, Submission

logger = logging.getLogger(__name__)


def _form_kept(form_class, template: str):
    """How a rate-limited form answers (see ``common.throttle``): 429, with the form and
    everything typed shown again."""

    def answer(request):
        context = {"form": form_class(request.POST), "timezones": COMMON_TIMEZONES}
        return form_kept(request, template, context)

    return answer


def kept_when_database_unavailable(form_class, template: str):
    """A form sent while the database is unreachable is refused with a 503 that shows the form
    again with everything typed (a file must be chosen again: browsers cannot refill one) and
    says that nothing was saved. Outermost, so that it also covers the rate limit, which counts
    in the database. A GET in the same state gets the site's friendly 503 page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except DATABASE_UNAVAILABLE as exc:
                if request.method != "POST":
                    raise
                logger.error("Database unavailable: %s refused (%s)", request.path, exc)
                form = form_class(request.POST, request.FILES, database_available=False)
                context = {
                    "form": form,
                    "timezones": COMMON_TIMEZONES,
                    "unavailable": True,
                    "file_dropped": bool(request.FILES),
                }
                response = render(request, template, context, status=503)
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response

        return wrapper

    return decorator


@never_cache
@kept_when_database_unavailable(ShareResourceForm, "submissions/share.html")
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.SHARE_RATE, method="POST", block=True)
def share(request):
    """Propose a resource: stored as pending, invisible until a moderator approves it."""
    if request.method != "POST":
        return render(request, "submissions/share.html", _share_context(ShareResourceForm()))
    form = ShareResourceForm(request.POST, request.FILES)
    if not form.is_valid():
        status = 400
        return render(request, "submissions/share.html", _share_context(form), status=status)
    data = form.cleaned_data
    duplicates = find_duplicates(
        data.get("url", ""),
        data["title"],
        kind=data["kind"],
        organizations=data.get("organizations", ""),
    )
    by_link = [d for d in duplicates if d.reason == "link"]
    if by_link or (duplicates and not data.get("not_duplicate")):
        context = _share_context(form, duplicates=duplicates, blocking=bool(by_link))
        return render(request, "submissions/share.html", context, status=409)
    submission = save_submission(data, duplicates)
    request.session["shared_title"] = submission.resource.title
    return redirect("submissions:share-thanks")


def _share_context(form, **extra):
    return {"form": form, "timezones": COMMON_TIMEZONES, **extra}


@transaction.atomic
def save_submission(data: dict, duplicates) -> Submission:
    """Store the proposal, then (after commit) e-mail the submitter and the moderators."""
    resource = Resource.objects.create(
        title=data["title"],
        kind=data["kind"],
        summary=data["summary"],
        url=data.get("url", ""),
        language=data["language"],
        date=data.get("date"),
        starts_at=data.get("starts_at"),
        ends_at=data.get("ends_at"),
        timezone=data.get("timezone", ""),
        registration_url=data.get("registration_url", ""),
        recording_url=data.get("recording_url", ""),
        status=Resource.Status.PENDING,
    )
    if data.get("topics"):
        resource.topics.set(list(Topic.objects.filter(slug__in=data["topics"])))
    if data.get("audiences"):
        resource.audiences.set(Audience.objects.filter(slug__in=data["audiences"]))
    if data.get("file"):
        ResourceFile.objects.create(resource=resource, file=data["file"], title=data["title"])
    submission = Submission.objects.create(
        resource=resource,
        proposed_organizations=data.get("organizations", ""),
        proposed_topics=data.get("other_topics", ""),
        summary_as_typed=data["summary"],
        name=data["name"],
        email=data["email"],
        organization=data.get("organization", ""),
        role=data.get("role", ""),
        message=data.get("message", ""),
        consent_to_contact=data.get("consent_to_contact", False),
        duplicate_of=duplicates[0].resource if duplicates else None,
    )
    context = {"submission": submission, "resource": resource}
    outbox.queue(
        submission.email,
        f"We received your proposal: {resource.title}",
        "submissions/email/acknowledgement.txt",
        context,
    )
    outbox.queue(
        outbox.moderator_addresses(),
        f"New resource to review: {resource.title}",
        "submissions/email/new_submission.txt",
        {
            **context,
            "admin_path": reverse("admin:submissions_submission_change", args=[submission.pk]),
        },
    )
    return submission


@never_cache
@require_safe
def share_thanks(request):
    return render(
        request, "submissions/share_thanks.html", {"title": request.session.get("shared_title")}
    )


@never_cache
@kept_when_database_unavailable(ContactForm, "submissions/contact.html")
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.CONTACT_RATE, method="POST", block=True)
def contact(request):
    """Ask the team a question: kept in the admin and e-mailed to staff."""
    if request.method != "POST":
        return render(request, "submissions/contact.html", {"form": ContactForm()})
    form = ContactForm(request.POST)
    if not form.is_valid():
        return render(request, "submissions/contact.html", {"form": form}, status=400)
    with transaction.atomic():
        message = ContactMessage.objects.create(
            **{
                field: form.cleaned_data[field]
                for field in ("name", "email", "organization", "subject", "message")
            }
        )
        outbox.queue(
            outbox.moderator_addresses(),
            f"Question: {message.subject}",
            "submissions/email/contact_received.txt",
            {
                "message": message,
                "admin_path": reverse("admin:submissions_contactmessage_change", args=[message.pk]),
            },
        )
    return redirect("submissions:contact-thanks")


@never_cache
@require_safe
def contact_thanks(request):
    return render(request, "submissions/contact_thanks.html")


share.when_rate_limited = _form_kept(ShareResourceForm, "submissions/share.html")
contact.when_rate_limited = _form_kept(ContactForm, "submissions/contact.html")
