"""The admin's front page: how many alerts and subscribers there are (counts only: no page of
the admin lists the addresses)."""

from django import template
from django.db.models import Count, Q

from alerts.models import Alert
from common.models import Subscriber

register = template.Library()


@register.simple_tag(takes_context=True)
def alert_counts(context):
    """Confirmed alerts by frequency, sign-ups waiting for confirmation, and addresses; ``None``
    for anyone but staff."""
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return None
    counts = Alert.objects.aggregate(
        daily=Count("pk", filter=Q(confirmed_at__isnull=False, frequency=Alert.Frequency.DAILY)),
        weekly=Count("pk", filter=Q(confirmed_at__isnull=False, frequency=Alert.Frequency.WEEKLY)),
        unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
    )
    counts["subscribers"] = Subscriber.objects.count()
    return counts
