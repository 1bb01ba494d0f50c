"""Sending the quarterly digest through the outbox: to its subscribers, each in their language
with a link of their own to stop it, or to addresses named by hand (``manage.py digest
--send-to``)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from common import outbox
from common.subscriptions import one_click_headers
from search.engine import Search

from .digest import Digest, Quarter
from .models import DigestSubscription
from .signup import stop_url


class DigestEmail:
    """A quarter's digest as an e-mail in one language: the body is written once, and each copy
    adds only its recipient's footer (thousands of subscribers, one rendering of the content)."""

    def __init__(self, quarter: Quarter, language: str, search: Search | None = None):
        self.language = language
        with translation.override(language):
            digest = Digest(quarter, search=search)
            self.subject = digest.title
            self.context = digest.context(base_url=settings.SITE_URL)
            self.context["text_body"] = render_to_string("digest/email_body.txt", self.context)
            self.context["html_body"] = render_to_string("digest/_content.html", self.context)

    def render(self, stop: str = "") -> tuple[str, str, str]:
        """(subject, plain text, HTML), every link absolute; ``stop``: the recipient's own link
        to stop receiving it."""
        with translation.override(self.language):
            context = {**self.context, "stop_url": stop}
            text = render_to_string("digest/email.txt", context)
            html = render_to_string("digest/email.html", context)
        return self.subject, text, html


def queue_digest(quarter: Quarter, recipients: list[str], search: Search | None = None) -> int:
    """Write the quarter's digest, in the active language, into the outbox for ``recipients``
    (HTML with a plain-text alternative), one message per address so that no one sees the other
    recipients; workers send them. Returns how many messages were queued."""
    email = DigestEmail(quarter, translation.get_language(), search=search)
    subject, plain, html = email.render()
    with transaction.atomic():
        for address in recipients:
            outbox.store([address], subject, plain, html)
    return len(recipients)


def send_to_subscribers(quarter: Quarter) -> int:
    """Queue ``quarter``'s digest for every confirmed subscription that has not had it, each in
    its language, with its RFC 8058 one-click unsubscribe. Each message is written with the
    mark that it was (``last_quarter``), under a row lock another worker skips: run twice, or on
    two machines at once, it sends each address one copy. Returns how many were queued."""
    emails: dict[str, DigestEmail] = {}
    due = DigestSubscription.objects.due(str(quarter))
    queued = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            subscription = (
                due.filter(pk=pk)
                .select_related("subscriber")
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
            if subscription is None:  # sent meanwhile by another worker, or stopped
                continue
            if subscription.language not in emails:
                emails[subscription.language] = DigestEmail(quarter, subscription.language)
            stop = stop_url(subscription)
            subject, plain, html = emails[subscription.language].render(stop)
            outbox.store([subscription.subscriber.email], subject, plain, html,
                         headers=one_click_headers(stop), private=True)  # fmt: skip
            subscription.last_quarter = str(quarter)
            subscription.save(update_fields=["last_quarter"])
            queued += 1
    return queued
