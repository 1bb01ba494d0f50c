"""The resource form of the admin: a session's times shown and typed in its own time zone.

The database keeps ``starts_at`` and ``ends_at`` in UTC; a moderator reads and types the clock
time that the organiser announced, in the zone of the form's "time zone" field, as the public
page shows it ("14:00 CET"), never a UTC time beside another zone's name."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.timezones import known_zone, zone_named

SESSION_TIMES = ("starts_at", "ends_at")


def session_clock(value, zone_name: str) -> str:
    """``value`` as the clock time in the zone ``zone_name`` (UTC if none), with the zone's
    abbreviation: "2030-03-03 14:00 CET"."""
    local = timezone.localtime(value, zone_named(zone_name))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


class SessionTimesForm(forms.ModelForm):
    """A model form whose session times are wall-clock times in the session's time zone: the
    saved zone's on GET, the zone chosen in the same form on POST."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = known_zone(self.instance.timezone)
        for name in SESSION_TIMES:
            if name not in self.fields:
                continue
            self.fields[name].help_text = _(
                "The clock time in the session's own time zone (the “time zone” field)."
            )
            value = self.initial.get(name)
            if zone is not None and value is not None and timezone.is_aware(value):
                # Naive: shown as it is, not converted again to the server's zone.
                self.initial[name] = timezone.make_naive(value, zone)

    def clean(self):
        cleaned = super().clean()
        zone = known_zone(cleaned.get("timezone", ""))
        if zone is not None:
            current = timezone.get_current_timezone()
            for name in SESSION_TIMES:
                if cleaned.get(name):
                    wall = timezone.make_naive(cleaned[name], current)
                    cleaned[name] = timezone.make_aware(wall, zone)
        return cleaned
