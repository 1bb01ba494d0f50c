from django.urls import path

from common.i18n import language_prefixed

from . import views

app_name = "resources"

urlpatterns = [
    # Pages, in each language: /en/resources/<slug>/, /fr/guides/...
    language_prefixed(
        path("resources/<slug:slug>/", views.ResourceDetailView.as_view(), name="detail"),
        path("guides/", views.GuideListView.as_view(), name="guides"),
        path("guides/<slug:slug>/", views.GuideDetailView.as_view(), name="guide"),
    ),
    # Files: one address whatever the language.
    path("files/<int:pk>/<str:name>", views.resource_file, name="file"),
]
