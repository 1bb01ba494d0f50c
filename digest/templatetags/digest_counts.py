"""The admin's front page: how many addresses receive the digest (counts only: no page of the
admin lists them)."""

from django import template
from django.db.models import Count, Q

from digest.models import DigestSubscription

register = template.Library()


@register.simple_tag(takes_context=True)
def digest_counts(context):
    """Confirmed subscriptions, and sign-ups waiting for confirmation; ``None`` for anyone but
    staff."""
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return None
    return DigestSubscription.objects.aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
    )
