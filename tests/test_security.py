"""Security as a visitor, an attacker and a staff member meet it: response headers, the admin's
login lockout, two-factor codes, session expiry, the admin's address, addresses behind a proxy."""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from healtorture.security import client_ip

from .factories import make_resource

pytestmark = pytest.mark.django_db
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
PASSWORD = "a long moderation passphrase"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "moderator", email="moderator@example.org", password=PASSWORD, is_staff=True
    )


def log_in(client, username="moderator", password=PASSWORD, code=None, ip="192.0.2.10"):
    data = {"username": username, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse("admin:login"), data, REMOTE_ADDR=ip)


def current_code(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(value).zfill(device.digits)


# --- Headers -----------------------------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(client):
    make_resource(title="Safety planning", slug="safety-planning")
    for url in [reverse("home"), reverse("search:list"), "/admin/login/"]:
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

        assert directives["default-src"] == "'none'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert "unsafe-inline" not in policy and "http" not in policy, url


def test_the_other_security_headers_are_sent(client):
    response = client.get(reverse("home"))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
        assert feature in permissions


def test_no_template_has_inline_script_or_style():
    """The policy would block them: everything lives in static/css and static/js. JSON-LD data
    blocks are not scripts, and the HTML e-mail needs its inline styles (no browser policy)."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2:] == ("digest", "email.html") or "email" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"\sstyle\s*=", text) or re.search(r"<style\b", text):
            offenders.append(f"{path.name}: style")
        for script in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in script and "application/ld+json" not in script:
                offenders.append(f"{path.name}: {script}")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.name}: event handler attribute")

    assert offenders == []


# --- Staff logins ------------------------------------------------------------------------------


def test_repeated_wrong_passwords_lock_the_account_out_from_that_address(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, password="wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text

    locked = log_in(client, password="wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert "Try again in 15 minutes" in locked.text

    # Even the right password is refused from there while the lock lasts...
    assert log_in(client).status_code == 429
    # ...but the moderator can still log in from another address.
    assert log_in(client, ip="198.51.100.7").status_code == 302


def test_a_successful_login_forgets_earlier_failures(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, password="wrong")
    assert log_in(client).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, password="wrong").status_code == 200
    assert log_in(client).status_code == 302


def test_staff_without_two_factor_log_in_with_their_password(client, staff):
    page = client.get(reverse("admin:login"))
    assert "Authentication code" in page.text
    assert "Only if you have set up two-factor authentication" in page.text

    assert log_in(client).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_with_an_authenticator_must_give_its_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    without = log_in(client)
    assert without.status_code == 200
    assert "Please enter your authentication code" in without.text

    wrong = log_in(client, code="000000" if current_code(device) != "000000" else "111111")
    assert wrong.status_code == 200
    assert "That code is wrong or has expired" in wrong.text
    assert client.get(reverse("admin:index")).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes each wrong code wait longer; a person would wait
    assert log_in(client, code=current_code(device)).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_printed_backup_code_works_once(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    backup = StaticDevice.objects.create(user=staff, name="backup codes", confirmed=True)
    backup.token_set.create(token="k3m9x2qa")

    assert log_in(client, code="k3m9x2qa").status_code == 302
    client.logout()
    assert "That code is wrong" in log_in(client, code="k3m9x2qa", ip="192.0.2.11").text


def test_two_factor_can_be_made_compulsory(client, staff, settings):
    settings.STAFF_REQUIRE_2FA = True

    response = log_in(client)
    assert response.status_code == 200
    assert "Please enter your authentication code" in response.text

    client.force_login(staff)  # a session from before the rule: not verified, so no admin
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_sessions_end_after_two_idle_hours_and_with_the_browser(client, staff):
    log_in(client)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]

    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == 2 * 60 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST  # each request starts the two hours again


@pytest.fixture
def admin_at(settings):
    """Serve the admin at another address, as HEALTORTURE_ADMIN_URL does."""
    import healtorture.urls

    def move(address):
        settings.ADMIN_URL = address
        importlib.reload(healtorture.urls)
        clear_url_caches()

    yield move
    settings.ADMIN_URL = "admin/"
    importlib.reload(healtorture.urls)
    clear_url_caches()


def test_the_admin_address_is_configurable_and_kept_out_of_robots_txt(client, admin_at):
    assert "Disallow: /admin/" in client.get("/robots.txt").text

    admin_at("staff-k7q/")

    assert client.get("/staff-k7q/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 404
    robots = client.get("/robots.txt").text
    assert "staff-k7q" not in robots and "/admin/" not in robots
    assert "private" in client.get("/staff-k7q/login/")["Cache-Control"]


# --- Addresses behind a proxy ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, "10.0.0.1"), (1, "203.0.113.9"), (2, "1.2.3.4")],
)
def test_the_visitor_address_is_the_one_the_trusted_proxies_saw(settings, proxies, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )

    assert client_ip(request) == expected


def test_a_forged_forwarded_header_does_not_escape_the_rate_limit(client, settings):
    """Behind one proxy, a visitor who adds their own X-Forwarded-For entries is still counted
    by the address the proxy saw."""
    from .test_share import SHARE, proposal

    settings.TRUSTED_PROXY_COUNT = 1
    settings.SHARE_RATE = "2/h"
    settings.MODERATOR_EMAILS = []
    statuses = [
        client.post(
            SHARE,
            proposal(
                title=["Safety planning", "Group work", "Sleep"][i], url=f"https://a.example/{i}"
            ),
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.9",
        ).status_code
        for i in range(3)
    ]

    assert statuses == [302, 302, 429]
    # Someone else, seen by the proxy at another address, is not held back by that visitor.
    other = client.post(
        SHARE,
        proposal(title="Working with families", url="https://a.example/other"),
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.10",
    )
    assert other.status_code == 302
