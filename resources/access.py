"""How to get a resource: what its page offers to open, most useful first, each saying what it
does ("Watch the recording", "Open the course", "Register", "Download (PDF, 1.2 MB)") and where
it leads; whom to ask when there is nothing to open; and, for an upcoming session, the links that
add it to Google Calendar or Outlook. Those are plain links: nothing is loaded from another site
until a visitor follows one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .links import site, url_key
from .models import Resource

# What following a resource's own link does, by kind.
OPEN = {
    Resource.Kind.WEBINAR: gettext_lazy("Open the webinar"),
    Resource.Kind.E_CONSULTATION: gettext_lazy("Open the e-consultation"),
    Resource.Kind.VIDEO: gettext_lazy("Watch the video"),
    Resource.Kind.ON_DEMAND_TRAINING: gettext_lazy("Open the training"),
    Resource.Kind.E_LEARNING: gettext_lazy("Open the course"),
    Resource.Kind.GUIDE: gettext_lazy("Read the guide"),
    Resource.Kind.REPORT: gettext_lazy("Read the report"),
    Resource.Kind.ARTICLE: gettext_lazy("Read the article"),
    Resource.Kind.PODCAST: gettext_lazy("Listen to the podcast"),
    Resource.Kind.TOOL: gettext_lazy("Open the tool"),
    Resource.Kind.EVENT: gettext_lazy("Open the event"),
}


@dataclass(frozen=True)
class Way:
    """One way to the material: a link, what it does, and where it leads (a site, or a file's
    type and size)."""

    label: str
    url: str
    where: str = ""
    download: bool = False

    @property
    def external(self) -> bool:
        return self.url.startswith(("http://", "https://"))


def ways_in(resource: Resource, organizations, files) -> list[Way]:
    """The links that lead to the material itself, most direct first: registering for an
    upcoming session, its recording, its file, its own page. A link that is only the home page
    of an organisation behind it says so ("Find it on irct.org"), so nobody expects the course
    itself behind it."""
    ways = []
    if resource.registration_url and resource.is_upcoming:
        ways.append(Way(_("Register"), resource.registration_url, site(resource.registration_url)))
    if resource.recording_url:
        ways.append(
            Way(_("Watch the recording"), resource.recording_url, site(resource.recording_url))
        )
    if len(files) == 1:
        (only,) = files
        where = f"{only.label}, {filesizeformat(only.size)}"
        ways.append(Way(_("Download"), only.get_absolute_url(), where, download=True))
    elif files:
        ways.append(Way(_("Download the files"), "#files", str(len(files))))
    if resource.url:
        page = url_key(resource.url)
        homes = [org for org in organizations if org.website and url_key(org.website) == page]
        if homes:
            label = _("Find it on %(site)s") % {"site": site(resource.url)}
            ways.append(Way(label, resource.url))
        else:
            label = OPEN.get(resource.kind, OPEN[Resource.Kind.TOOL])
            ways.append(Way(str(label), resource.url, site(resource.url)))
    return ways


def whom_to_ask(organizations) -> list[tuple[object, str]]:
    """The organisations behind a resource that has no link, each with its site's name."""
    return [(org, site(org.website)) for org in organizations]


def calendar_links(resource: Resource, page_url: str) -> dict[str, str]:
    """Addresses that open Google Calendar's and Outlook's "new event" form filled in with the
    session: times in UTC (both convert them to the visitor's own zone), or the day itself for
    a session that gives no time (an all-day event). Empty unless the session is still to come."""
    if not (resource.is_upcoming and (resource.starts_at or resource.is_session_day)):
        return {}
    details = f"{resource.summary}\n\n{page_url}"
    where = resource.registration_url or resource.url or page_url
    if resource.starts_at:
        start, end = (moment.astimezone(dt.UTC) for moment in resource.session_span())
        dates = f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"
        outlook_times = {
            "startdt": start.isoformat().replace("+00:00", "Z"),
            "enddt": end.isoformat().replace("+00:00", "Z"),
        }
    else:
        day = resource.date
        dates = f"{day:%Y%m%d}/{day + dt.timedelta(days=1):%Y%m%d}"
        outlook_times = {"startdt": day.isoformat(), "enddt": day.isoformat(), "allday": "true"}
    google = {
        "action": "TEMPLATE",
        "text": resource.title,
        "dates": dates,
        "details": details,
        "location": where,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": resource.title,
        **outlook_times,
        "body": details,
        "location": where,
    }
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.office.com/calendar/deeplink/compose?" + urlencode(outlook),
    }
