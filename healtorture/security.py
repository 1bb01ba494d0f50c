"""Who is asking, and staff logins: the client address behind proxies, and the admin's login with
optional two-factor authentication (django-otp) and lockout (django-axes, in settings)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT`` proxies in front the
    address the outermost of them saw. Each proxy appends the address it saw to X-Forwarded-For,
    so that is the entry ``count`` places from the right; anything to its left is whatever the
    client claimed, and is ignored."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if count and len(forwarded) >= count and forwarded[-count]:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


class StaffLoginForm(OTPAdminAuthenticationForm):
    """The admin login: a password, then the six-digit code for staff who have set up an
    authenticator app (or everyone, with ``STAFF_REQUIRE_2FA``)."""

    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Only if you have set up two-factor authentication: the code in your app."),
    )

    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required=_("Please enter your authentication code."),
        invalid_token=_("That code is wrong or has expired. Enter the one your app shows now."),
    )
    otp_error_messages["device_required"] = otp_error_messages["invalid_token"]

    def _chosen_device(self, user):
        """The form shows no device list: a six-digit code is the authenticator app's, anything
        else one of the printed backup codes (django-otp's static device)."""
        token = (self.cleaned_data.get("otp_token") or "").strip()
        wanted = TOTPDevice if token.isdigit() else StaticDevice
        devices = [d for d in devices_for_user(user, confirmed=True) if isinstance(d, wanted)]
        return devices[0] if devices else None

    def clean(self):
        self.cleaned_data = super(OTPAdminAuthenticationForm, self).clean()
        user = self.get_user()
        if user is not None and (
            settings.STAFF_REQUIRE_2FA or any(devices_for_user(user, confirmed=True))
        ):
            self.clean_otp(user)
        return self.cleaned_data


class StaffAdminSite(admin.AdminSite):
    site_header = _("HealTorture moderation")
    site_title = _("HealTorture admin")
    index_title = _("Moderation and curation")
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"

    def has_permission(self, request):
        """A staff member with a device got in only through its code (the login form asks for
        it); with ``STAFF_REQUIRE_2FA`` nobody gets in without one."""
        allowed = super().has_permission(request)
        if allowed and settings.STAFF_REQUIRE_2FA:
            return request.user.is_verified()
        return allowed
