from django.urls import path

from common.i18n import language_prefixed

from . import calendars, feeds

app_name = "opendata"

urlpatterns = [
    # The events page, in each language (the sessions that the calendars hold).
    language_prefixed(path("events/", calendars.events, name="events")),
    # Calendars and feeds: one address whatever the language.
    path("resources/<slug:slug>/calendar.ics", calendars.resource_calendar, name="calendar"),
    path("topics/<slug:slug>/events.ics", calendars.topic_calendar, name="topic-events-ics"),
    path("events.ics", calendars.events_calendar, name="events-ics"),
    # Feeds: RSS 2.0, and Atom 1.0 at the same path plus atom/.
    path("feeds/resources/", feeds.SearchFeed(), name="search-feed"),
    path("feeds/resources/atom/", feeds.SearchAtomFeed(), name="search-feed-atom"),
    path("feeds/topics/<slug:slug>/", feeds.TopicFeed(), name="topic-feed"),
    path("feeds/topics/<slug:slug>/atom/", feeds.TopicAtomFeed(), name="topic-feed-atom"),
    path("feeds/organizations/<slug:slug>/", feeds.OrganizationFeed(), name="organization-feed"),
    path(
        "feeds/organizations/<slug:slug>/atom/",
        feeds.OrganizationAtomFeed(),
        name="organization-feed-atom",
    ),
    path("feeds/guides/<slug:slug>/", feeds.GuideFeed(), name="guide-feed"),
    path("feeds/guides/<slug:slug>/atom/", feeds.GuideAtomFeed(), name="guide-feed-atom"),
]
