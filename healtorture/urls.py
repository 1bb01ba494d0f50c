from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "HealTorture moderation"
admin.site.site_title = "HealTorture admin"
admin.site.index_title = "Moderation and curation"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("resources.urls")),
    path("organizations/", include("organizations.urls")),
    path("", include("submissions.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "healtorture.views.page_not_found"
handler500 = "healtorture.views.server_error"
