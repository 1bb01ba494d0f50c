"""The link checker, against a small web server started here on 127.0.0.1: what it records, when
a link counts as broken, and what moderators see and do about it. No other host is contacted."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources.models import LinkCheck, Resource, ResourceFile
from upkeep.linkcheck import check_resources, classify

from .factories import make_resource

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:resources_resource_changelist")


class Handler(BaseHTTPRequestHandler):
    """A few paths, each answering the way some real site does."""

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def answer(self, head):
        server = self.server
        server.requests.append((self.command, self.path, self.headers.get("User-Agent")))
        path = self.path
        if path == "/ok":
            self.reply(200)
        elif path == "/no-head":
            self.reply(405 if head else 200)
        elif path == "/moved":
            self.reply(301, location="/ok")
        elif path == "/moved-twice":
            self.reply(308, location="/moved")
        elif path == "/for-now":
            self.reply(302, location="/ok")
        elif path == "/loop":
            self.reply(301, location="/loop")
        elif path == "/missing":
            self.reply(404)
        elif path == "/error":
            self.reply(500)
        elif path == "/flaky":
            self.reply(server.flaky_status)
        elif path == "/elsewhere":
            self.reply(302, location=server.redirect_to)
        elif path == "/slow":
            time.sleep(1.5)
            self.reply(200)
        else:
            self.reply(404)

    def reply(self, status, location=None):
        body = b"<p>hello</p>"
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def _own_server_allowed(settings):
    """The link checker never connects to a loopback address; these tests' own server is the
    one exception (the tests below that prove the rule take it back)."""
    settings.LINKCHECK_ALLOWED_ADDRESSES = ["127.0.0.1"]


def serve(address: str = "127.0.0.1"):
    server = ThreadingHTTPServer((address, 0), Handler)
    server.daemon_threads = True
    server.requests = []
    server.flaky_status = 500
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = lambda path: f"http://{address}:{server.server_address[1]}{path}"
    return server


@pytest.fixture
def site():
    """A web server on 127.0.0.1 and a random port; ``site.url(path)`` is a link to it."""
    server = serve()
    yield server
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check(**options):
    options.setdefault("timeout", 0.5)
    return check_resources(Resource.objects.all(), **options)


def test_a_working_link_is_recorded_ok_with_a_polite_user_agent(site, settings):
    settings.SITE_URL = "https://healtorture.example"
    resource = make_resource(url=site.url("/ok"))

    summary = check()

    record = LinkCheck.objects.get(resource=resource)
    assert (record.status_code, record.error, record.failures) == (200, "", 0)
    assert record.final_url == site.url("/ok") and not record.redirected
    assert record.checked_at is not None and record.broken_since is None
    assert record.health(resource.url) == LinkCheck.Health.OK
    assert (summary.checked, summary.ok, summary.failing) == (1, 1, 0)
    assert site.requests == [
        ("HEAD", "/ok", "HealTorture link checker (+https://healtorture.example/about/)")
    ]


def test_a_refused_head_is_asked_again_with_get(site):
    resource = make_resource(url=site.url("/no-head"))

    check()

    assert [(method, path) for method, path, _ua in site.requests] == [
        ("HEAD", "/no-head"),
        ("GET", "/no-head"),
    ]
    assert LinkCheck.objects.get(resource=resource).status_code == 200


def test_a_permanent_redirect_records_the_final_address(site):
    resource = make_resource(url=site.url("/moved-twice"))

    summary = check()

    record = LinkCheck.objects.get(resource=resource)
    assert record.status_code == 200
    assert record.final_url == site.url("/ok")
    assert record.redirected and record.permanent_redirect
    assert (summary.ok, summary.redirected) == (0, 1)


def test_a_temporary_redirect_is_not_offered_as_the_new_address(site):
    resource = make_resource(url=site.url("/for-now"))

    check()

    record = LinkCheck.objects.get(resource=resource)
    assert record.redirected and not record.permanent_redirect


def test_redirects_are_followed_only_so_far(site):
    resource = make_resource(url=site.url("/loop"))

    check(max_redirects=3)

    record = LinkCheck.objects.get(resource=resource)
    assert record.error == LinkCheck.Error.REDIRECTS and record.failures == 1
    assert len(site.requests) == 4  # the link and three redirects


@pytest.mark.parametrize(
    "link,status,error",
    [
        ("/missing", 404, ""),
        ("/error", 500, ""),
        ("/slow", None, LinkCheck.Error.TIMEOUT),
    ],
)
def test_failures_are_recorded_with_their_status_or_error(site, link, status, error):
    resource = make_resource(url=site.url(link))

    summary = check()

    record = LinkCheck.objects.get(resource=resource)
    assert (record.status_code, record.error) == (status, error)
    assert record.failures == 1 and record.broken_since is None
    assert record.health(resource.url) == LinkCheck.Health.FAILING
    assert (summary.checked, summary.failing, summary.newly_broken) == (1, 1, 0)


def test_a_closed_port_is_a_refused_connection():
    resource = make_resource(url=f"http://127.0.0.1:{closed_port()}/")

    check()

    assert LinkCheck.objects.get(resource=resource).error == LinkCheck.Error.REFUSED


def test_a_failed_secure_connection_is_a_tls_error(site):
    # Our server speaks plain HTTP: the TLS handshake fails.
    resource = make_resource(url=site.url("/ok").replace("http://", "https://"))

    check()

    assert LinkCheck.objects.get(resource=resource).error == LinkCheck.Error.TLS


def test_connection_errors_are_told_apart_by_their_cause():
    def wrapped(cause):
        try:
            try:
                raise cause
            except OSError as error:
                raise httpx.ConnectError(str(error)) from error
        except httpx.ConnectError as error:
            return error

    assert classify(wrapped(socket.gaierror(-2, "Name or service not known"))) == "dns"
    assert classify(wrapped(ConnectionRefusedError(111, "Connection refused"))) == "refused"
    assert classify(httpx.ConnectError("[Errno -2] Name or service not known")) == "dns"
    assert classify(httpx.ConnectError("something else")) == "other"


def test_a_link_is_broken_only_after_n_failures_in_a_row_and_a_success_resets_it(site):
    resource = make_resource(url=site.url("/flaky"))

    assert check(failures=3).newly_broken == 0
    assert check(failures=3).newly_broken == 0
    record = LinkCheck.objects.get(resource=resource)
    assert (record.failures, record.broken_since) == (2, None)

    assert check(failures=3).newly_broken == 1
    record.refresh_from_db()
    assert record.failures == 3 and record.broken_since is not None
    assert record.health(resource.url) == LinkCheck.Health.BROKEN
    broken_since = record.broken_since
    assert check(failures=3).newly_broken == 0  # still broken, not newly
    record.refresh_from_db()
    assert record.failures == 4 and record.broken_since == broken_since

    site.flaky_status = 200
    check(failures=3)
    record.refresh_from_db()
    assert (record.failures, record.broken_since, record.status_code) == (0, None, 200)


def test_a_changed_link_starts_afresh(site):
    resource = make_resource(url=site.url("/missing"))
    check(failures=1)
    assert LinkCheck.objects.get(resource=resource).broken_since is not None

    resource.url = site.url("/error")
    resource.save()
    assert Resource.objects.link_health("not-checked").get() == resource
    check(failures=2)

    record = LinkCheck.objects.get(resource=resource)
    assert (record.url, record.failures, record.broken_since) == (resource.url, 1, None)


@pytest.mark.parametrize(
    "status",
    [
        Resource.Status.DRAFT,
        Resource.Status.PENDING,
        Resource.Status.REJECTED,
        Resource.Status.ARCHIVED,
    ],
)
def test_unpublished_resources_are_never_checked(site, status):
    hidden = make_resource(url=site.url("/missing"), status=status)
    shown = make_resource(url=site.url("/ok"))

    summary = check()
    run()

    assert [path for _method, path, _ua in site.requests] == ["/ok", "/ok"]
    assert summary.checked == 1
    assert list(LinkCheck.objects.values_list("resource", flat=True)) == [shown.pk]
    assert not LinkCheck.objects.filter(resource=hidden).exists()


def test_resources_are_read_in_batches_and_all_checked(site):
    resources = [make_resource(url=site.url("/ok")) for _ in range(5)]

    summary = check(batch_size=2, workers=3)

    assert summary.checked == 5
    assert LinkCheck.objects.filter(status_code=200).count() == 5
    assert {r.pk for r in resources} == set(LinkCheck.objects.values_list("pk", flat=True))


def test_files_are_checked_in_storage_and_against_their_recorded_size(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    resource = make_resource(url="")
    kept = ResourceFile.objects.create(resource=resource, file=ContentFile(b"%PDF-1.4 a", "a.pdf"))
    lost = ResourceFile.objects.create(resource=resource, file=ContentFile(b"%PDF-1.4 b", "b.pdf"))
    changed = ResourceFile.objects.create(
        resource=resource, file=ContentFile(b"%PDF-1.4 c", "c.pdf")
    )
    (tmp_path / lost.file.name).unlink()
    (tmp_path / changed.file.name).write_bytes(b"%PDF-1.4 c, but longer now")

    summary = check()

    record = LinkCheck.objects.get(resource=resource)
    assert record.file_problems.splitlines() == [
        "b.pdf: missing from storage",
        f"c.pdf: 26 bytes in storage, {changed.size} recorded",
    ]
    assert "a.pdf" not in record.file_problems and kept.size == 10
    assert (summary.checked, summary.file_problems) == (0, 1)


# --- The command ------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("check_links", "--timeout", "0.5", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_a_summary_line(site):
    make_resource(url=site.url("/ok"))
    make_resource(url=site.url("/moved"))
    make_resource(url=site.url("/missing"))

    output = run("--workers", "2", "--failures", "1")

    assert output.strip() == "Checked 3 links: 1 ok, 1 redirected, 1 failing, 1 newly broken."


def test_the_command_checks_one_resource_or_only_stale_ones(site):
    one = make_resource(url=site.url("/ok"))
    other = make_resource(url=site.url("/missing"))

    assert "Checked 1 link: 1 ok" in run("--resource", one.slug)
    assert not LinkCheck.objects.filter(resource=other).exists()
    assert "Checked 1 link: 0 ok" in run("--older-than", "1")  # only the unchecked one
    assert "Checked 0 links:" in run("--older-than", "1")
    LinkCheck.objects.filter(resource=one).update(checked_at=one.published_at.replace(year=2020))
    assert "Checked 1 link: 1 ok" in run("--older-than", "30")
    assert "Checked 1 link: 1 ok" in run("--resource", str(one.pk))


@pytest.mark.parametrize(
    "args,message",
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--failures", "0"], "--failures must be at least 1"),
        (["--older-than", "-1"], "--older-than cannot be negative"),
        (["--resource", "no-such-thing"], "No published resource"),
    ],
)
def test_the_command_refuses_bad_options_clearly(args, message):
    make_resource(slug="draft-one", status=Resource.Status.DRAFT)
    with pytest.raises(CommandError, match=message):
        run(*args)
    with pytest.raises(CommandError, match="No published resource"):
        run("--resource", "draft-one")


# --- What moderators see and do ---------------------------------------------------------------


@pytest.fixture
def library(site):
    """One resource in each state of link health, after the checker ran."""
    resources = {
        "ok": make_resource(title="Fine link", url=site.url("/ok")),
        "moved": make_resource(title="Moved link", url=site.url("/moved")),
        "failing": make_resource(title="Failing link", url=site.url("/error")),
        "broken": make_resource(title="Broken link", url=site.url("/missing")),
    }
    check(failures=2)  # every failure is the first: failing, not broken yet
    check_resources(Resource.objects.filter(pk=resources["broken"].pk), failures=2, timeout=0.5)
    resources["unchecked"] = make_resource(title="New link", url=site.url("/ok"))
    return resources


@pytest.mark.parametrize(
    "health,titles",
    [
        ("broken", ["Broken link"]),
        ("failing", ["Failing link"]),
        ("ok", ["Fine link", "Moved link"]),
        ("not-checked", ["New link"]),
    ],
)
def test_moderators_filter_by_link_health(admin_client, library, health, titles):
    response = admin_client.get(CHANGELIST, {"link_health": health})

    assert response.status_code == 200
    assert sorted(r.title for r in response.context["cl"].result_list) == titles


def test_the_list_shows_each_links_health_and_where_a_moved_one_went(admin_client, library, site):
    text = admin_client.get(CHANGELIST).text

    assert "<strong>broken</strong> 404 (2 failures in a row)" in text
    assert "<strong>failing</strong> 500 (1 failure in a row)" in text
    assert f"moved to {site.url('/ok')}" in text
    assert "not checked" in text


def test_the_final_address_of_a_permanent_redirect_can_be_taken_in_one_post(
    admin_client, library, site
):
    moved = library["moved"]
    page = admin_client.get(reverse("admin:resources_resource_change", args=[moved.pk])).text
    use = reverse("admin:resources_resource_use_final_url", args=[moved.pk])
    assert "Redirects permanently to" in page and use in page
    assert admin_client.get(use).status_code == 405

    response = admin_client.post(use, follow=True)

    moved.refresh_from_db()
    assert moved.url == site.url("/ok")
    assert "The link now points to its final address." in response.text
    assert moved.link_check.health(moved.url) == LinkCheck.Health.OK
    failing = library["failing"]
    assert admin_client.post(
        reverse("admin:resources_resource_use_final_url", args=[failing.pk]), follow=True
    ).text.count("There is no permanent redirect to follow.")


def test_check_these_links_now_from_the_list_by_post(admin_client, site):
    fine = make_resource(url=site.url("/ok"))
    draft = make_resource(url=site.url("/ok"), status=Resource.Status.DRAFT)

    response = admin_client.post(
        CHANGELIST,
        {"action": "check_links_now", "_selected_action": [fine.pk, draft.pk]},
        follow=True,
    )

    assert "Checked 1 link: 1 ok" in response.text
    assert "Left out 1 unpublished resource: only published links are checked." in response.text
    assert list(LinkCheck.objects.values_list("pk", flat=True)) == [fine.pk]


def test_check_the_link_now_from_a_resources_page(admin_client, site):
    resource = make_resource(url=site.url("/missing"))
    url = reverse("admin:resources_resource_check_link", args=[resource.pk])

    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, follow=True)

    assert "1 failing" in response.text
    assert LinkCheck.objects.get(resource=resource).status_code == 404


def test_the_admin_list_costs_the_same_queries_for_3_or_12_resources(
    admin_client, site, django_assert_max_num_queries
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(captured)

    for _ in range(3):
        make_resource(url=site.url("/ok"))
    check()
    admin_client.get(CHANGELIST)
    with_3 = queries()
    for _ in range(9):
        make_resource(url=site.url("/missing"))
    check()

    with django_assert_max_num_queries(with_3):
        response = admin_client.get(CHANGELIST, {"link_health": "failing"})
    assert len(response.context["cl"].result_list) == 9
    assert queries() == with_3


def test_a_link_to_a_loopback_address_is_never_requested(site, settings):
    """A link anyone can submit must not make the server probe its own machine or network."""
    settings.LINKCHECK_ALLOWED_ADDRESSES = []
    by_address = make_resource(url=site.url("/ok"))
    by_name = make_resource(url=f"http://localhost:{site.server_address[1]}/ok")

    summary = check()

    assert site.requests == []
    for resource in (by_address, by_name):
        record = LinkCheck.objects.get(resource=resource)
        assert (record.status_code, record.error) == (None, LinkCheck.Error.BLOCKED)
        assert record.get_error_display() == "leads to a private or local network address"
    assert summary.failing == 2


def test_a_redirect_to_a_private_address_is_not_followed(site):
    """Every hop is checked: a public link that redirects inward stops at the redirect."""
    inner = serve("127.0.0.2")  # loopback too, and not allowed
    try:
        site.redirect_to = inner.url("/ok")
        resource = make_resource(url=site.url("/elsewhere"))

        check()

        assert inner.requests == []
        assert [path for _method, path, _ua in site.requests] == ["/elsewhere"]
        record = LinkCheck.objects.get(resource=resource)
        assert record.error == LinkCheck.Error.BLOCKED
    finally:
        inner.shutdown()
        inner.server_close()


@pytest.mark.parametrize(
    "address",
    ["10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fe80::1", "fc00::1",
     "224.0.0.1", "240.0.0.1", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1"],  # noqa: S104
)  # fmt: skip
def test_every_non_public_kind_of_address_is_refused(address, monkeypatch, settings):
    from upkeep import linkcheck

    settings.LINKCHECK_ALLOWED_ADDRESSES = []
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 80))]
    )

    with pytest.raises(linkcheck.Blocked):
        linkcheck.vetted("inside.example", 80)


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch, settings):
    from upkeep import linkcheck

    settings.LINKCHECK_ALLOWED_ADDRESSES = []
    answers = [("93.184.215.14", 80), ("10.1.2.3", 80)]
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", pair) for pair in answers],
    )

    with pytest.raises(linkcheck.Blocked):
        linkcheck.vetted("mixed.example", 80)
    answers.pop()
    assert linkcheck.vetted("mixed.example", 80) == "93.184.215.14"
