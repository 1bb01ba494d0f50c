from django.urls import path

from . import views
from .feeds import SearchFeed

app_name = "resources"

urlpatterns = [
    path("resources/", views.resource_list, name="list"),
    path("feeds/resources/", SearchFeed(), name="search-feed"),
    path("resources/<slug:slug>/", views.ResourceDetailView.as_view(), name="detail"),
    path("files/<int:pk>/<str:name>", views.resource_file, name="file"),
    path("topics/", views.TopicListView.as_view(), name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("guides/", views.GuideListView.as_view(), name="guides"),
    path("guides/<slug:slug>/", views.GuideDetailView.as_view(), name="guide"),
]
