from django.urls import path, register_converter

from common.i18n import language_prefixed

from . import views


class SignedConverter:
    """A signed value (``12:1xY6:…``): the characters ``django.core.signing`` writes."""

    regex = "[-a-zA-Z0-9_:]{1,200}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SignedConverter, "signed")

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
