"""How the settings read the environment: flags, lists, the secret key and the site's address,
refusing to start a server for a non-local host without the values it must be given."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key(debug: bool, is_local: bool, allowed_hosts: list[str], var_dir: Path) -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    if not (debug or is_local):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when the site answers to a non-local host "
            f"(DJANGO_ALLOWED_HOSTS={','.join(allowed_hosts)}). Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # A local run keeps a generated key in var/ so that sessions survive a restart.
    path = var_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


def site_url(debug: bool, is_local: bool, allowed_hosts: list[str]) -> str:
    """The site's public address, for the links in e-mails (and the link checker's name):
    ``HEALTORTURE_SITE_URL``, which a server that answers to a non-local host must set; locally
    the address ``make run`` serves (it sets the variable from ``PORT``)."""
    url = os.environ.get("HEALTORTURE_SITE_URL", "").strip().rstrip("/")
    if url:
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"HEALTORTURE_SITE_URL={url} is not an address: give it with its scheme, e.g. "
                "https://healtorture.example"
            )
        return url
    if not (debug or is_local):
        raise ImproperlyConfigured(
            "HEALTORTURE_SITE_URL must be set when the site answers to a non-local host "
            f"(DJANGO_ALLOWED_HOSTS={','.join(allowed_hosts)}): e-mails link to it, e.g. "
            "HEALTORTURE_SITE_URL=https://healtorture.example"
        )
    return "http://127.0.0.1:8000"


def logging_config() -> dict:
    """Log lines to the console, at ``DJANGO_LOG_LEVEL`` (INFO); quieter for chatty libraries."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
        "loggers": {
            "pgserver": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # Every process registers the tasks at start: no need to say so each time.
            "procrastinate.blueprints": {"level": "WARNING"},
            "procrastinate.periodic": {"level": "WARNING"},
        },
    }
