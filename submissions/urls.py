from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("share/", views.share, name="share"),
    path("share/thanks/", views.share_thanks, name="share-thanks"),
    path("contact/", views.contact, name="contact"),
    path("contact/thanks/", views.contact_thanks, name="contact-thanks"),
]
