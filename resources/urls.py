from django.urls import path

from healtorture.i18n import language_prefixed

from . import events, feeds, views

app_name = "resources"

urlpatterns = [
    # Pages, in each language: /en/resources/, /fr/resources/...
    language_prefixed(
        path("resources/", views.resource_list, name="list"),
        path("resources/<slug:slug>/", views.ResourceDetailView.as_view(), name="detail"),
        path("topics/", views.TopicListView.as_view(), name="topics"),
        path("topics/<slug:slug>/", views.topic_detail, name="topic"),
        path("guides/", views.GuideListView.as_view(), name="guides"),
        path("guides/<slug:slug>/", views.GuideDetailView.as_view(), name="guide"),
        path("events/", events.events, name="events"),
    ),
    # Files, calendars and feeds: one address whatever the language.
    path("resources/<slug:slug>/calendar.ics", events.resource_calendar, name="calendar"),
    path("files/<int:pk>/<str:name>", views.resource_file, name="file"),
    path("topics/<slug:slug>/events.ics", events.topic_calendar, name="topic-events-ics"),
    path("events.ics", events.events_calendar, name="events-ics"),
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
