from django.urls import path

from common import subscriptions  # noqa: F401  (registers the <signed:…> converter)
from common.i18n import language_prefixed

from . import views

app_name = "alerts"

urlpatterns = [
    # In each language: /en/alerts/new/?q=... (the e-mails follow the page's language).
    language_prefixed(
        path("alerts/new/", views.new_alert, name="new"),
        path("alerts/sent/", views.sent, name="sent"),
        path("alerts/confirm/<signed:token>/", views.confirm, name="confirm"),
        path("alerts/unsubscribe/<signed:token>/", views.unsubscribe, name="unsubscribe"),
        # The subscriber's token: token_urlsafe's alphabet.
        path("alerts/manage/<slug:token>/", views.manage, name="manage"),
    ),
]
