from django.urls import path

from common import subscriptions  # noqa: F401  (registers the <signed:…> converter)

from . import views

# Under the language prefix (healtorture/urls.py), before the quarters' /digest/<period>/.
app_name = "digest"

urlpatterns = [
    path("digest/subscribe/", views.subscribe, name="subscribe"),
    path("digest/subscribe/sent/", views.sent, name="sent"),
    path("digest/confirm/<signed:token>/", views.confirm, name="confirm"),
    path("digest/unsubscribe/<signed:token>/", views.unsubscribe, name="unsubscribe"),
]
