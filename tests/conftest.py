"""Shared fixtures. Tests run against real PostgreSQL: the embedded server, or DATABASE_URL."""

import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """One test database per pytest process, so that two runs (a developer's and CI's, or two
    sessions) never drop each other's database."""
    from django.conf import settings

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"test_{settings.DATABASES['default']['NAME']}_{os.getpid()}"
    )


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages render without running collectstatic first (the manifest storage needs it)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
