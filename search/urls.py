from django.urls import path

from common.i18n import language_prefixed

from . import views

app_name = "search"

urlpatterns = [
    # In each language: /en/resources/ (the search page), /fr/topics/...
    language_prefixed(
        path("resources/", views.resource_list, name="list"),
        path("topics/", views.TopicListView.as_view(), name="topics"),
        path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    ),
]
