"""Shared fixtures. Tests run against real PostgreSQL: the embedded server, or DATABASE_URL."""

import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_blocker):
    """One test database per pytest process, so that two runs (a developer's and CI's, or two
    sessions) never drop each other's database."""
    from django.conf import settings

    prefix = f"test_{settings.DATABASES['default']['NAME']}_"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{prefix}{os.getpid()}"
    if settings.EMBEDDED_DATABASE:
        with django_db_blocker.unblock():
            _drop_orphaned_test_databases(prefix)


def _drop_orphaned_test_databases(prefix: str) -> None:
    """Drop the test databases of earlier runs that were killed before they could clean up.
    Only on the embedded server: on a shared server another machine's PIDs mean nothing here."""
    import psutil
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
        for (name,) in cursor.fetchall():
            pid = name.removeprefix(prefix)
            if pid.isdigit() and not psutil.pid_exists(int(pid)):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages render without running collectstatic first (the manifest storage needs it)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_rendered_page_cache(settings):
    """Tests read each response's context, which a cached page does not have; the page cache has
    tests of its own."""
    settings.SEARCH_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request leaves the language LocaleMiddleware
    chose active in the thread, so that after a French page reverse() would give French
    addresses; this keeps one test's pages from changing the next test's addresses."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
