"""Shared fixtures. Tests run against real PostgreSQL: the embedded server, or DATABASE_URL."""

import os
import shutil
import subprocess
from pathlib import Path

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


# --- Tools that a machine may lack: Chromium, Java and the Nu checker ---------------------------
# Without them those tests are skipped, and the run says so at its end. CI sets
# HEALTORTURE_REQUIRE_TOOLS=1 (after installing them), which turns every such skip into a failure.

REQUIRE_TOOLS = "HEALTORTURE_REQUIRE_TOOLS"
TOOL_SKIP_PREFIX = "Missing tool: "
CHROMIUM = (
    shutil.which(os.environ["CHROMIUM"])
    if os.environ.get("CHROMIUM")
    else shutil.which("chromium") or shutil.which("chromium-browser")
)
# Offline and quiet: Chromium talks to nothing but this machine.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]  # fmt: skip
# The Nu HTML checker, from the npm package vnu-jar, installed into var/ on first use (never
# committed). VNU_JAR=/path/to/vnu.jar uses another copy.
VNU_VERSION = "26.9.27"
VNU_DIR = Path(__file__).resolve().parent.parent / "var" / "vnu"
VNU_JAR = Path(os.environ.get("VNU_JAR") or VNU_DIR / "node_modules/vnu-jar/build/dist/vnu.jar")


def missing_tool(reason: str):
    """Skip the test for want of a tool, or fail it when CI requires every tool."""
    if os.environ.get(REQUIRE_TOOLS, "").strip() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} ({REQUIRE_TOOLS} is set, so this cannot be skipped)")
    pytest.skip(TOOL_SKIP_PREFIX + reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    if not CHROMIUM:
        missing_tool("Chromium is not installed (apt-get install chromium, or CHROMIUM=/path)")
    return CHROMIUM


@pytest.fixture
def browser(chromium, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the
    # test's own database calls. Nothing here runs Django code inside that loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def close_server_connections():
    """The live server's request threads must not keep connections open past the test, or the
    test database cannot be dropped."""
    from django.db import connections

    saved = connections.settings["default"]["CONN_MAX_AGE"]
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
    connections.settings["default"]["CONN_MAX_AGE"] = saved


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    java = shutil.which("java")
    if not java:
        missing_tool("Java is not installed (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        npm = shutil.which("npm")
        if not npm:
            missing_tool("npm is not installed, so the Nu HTML checker cannot be fetched")
        VNU_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--silent",
             "--prefix", str(VNU_DIR), f"vnu-jar@{VNU_VERSION}"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        if not VNU_JAR.exists():
            missing_tool(f"the Nu HTML checker could not be installed: {result.stderr.strip()}")
    return VNU_JAR


def pytest_terminal_summary(terminalreporter):
    """One plain line at the very end when tests were skipped for want of a tool."""
    reasons = set()
    for report in terminalreporter.stats.get("skipped", []):
        _, _, message = report.longrepr if isinstance(report.longrepr, tuple) else ("", 0, "")
        if TOOL_SKIP_PREFIX in message:
            reasons.add(message.split(TOOL_SKIP_PREFIX, 1)[1])
    if reasons:
        terminalreporter.write_line(
            "NOTICE: browser, accessibility or HTML-validity tests were SKIPPED: "
            + "; ".join(sorted(reasons)),
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request leaves the language LocaleMiddleware
    chose active in the thread, so that after a French page reverse() would give French
    addresses; this keeps one test's pages from changing the next test's addresses."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _job_tables_emptied_after_committing_tests(request, django_db_blocker):
    """Tests whose data is committed (transactional ones, the live server's) leave no job behind:
    procrastinate's tables are not Django's to flush (its models are unmanaged), so they are
    emptied here, and no later test finds another's jobs."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not committed:
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
            "procrastinate_workers CASCADE"
        )
