"""Checking that published resources' links still answer and their files are still there.

:func:`check_resources` is used by ``manage.py check_links`` and by the admin's "check these links
now". Only published resources are checked. Requests go out a few at a time (``workers``, and at
most :data:`PER_HOST` at once to any one site), each with a timeout; resources are read and
written in batches, so memory stays flat however many there are. A link is *broken* after
``failures`` checks in a row have failed; one success clears it.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

import httpx
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import ngettext

from resources.models import LinkCheck, Resource

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
PER_HOST = 2  # at most this many requests at once to one site
PERMANENT_REDIRECTS = {301, 308}
Error = LinkCheck.Error


def user_agent() -> str:
    return f"HealTorture link checker (+{settings.SITE_URL}/about/)"


@dataclass
class Answer:
    """What one link gave: an HTTP status (after redirects) or an error."""

    status_code: int | None = None
    error: str = ""
    final_url: str = ""
    permanent_redirect: bool = False

    @property
    def succeeded(self) -> bool:
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class Summary:
    checked: int = 0
    ok: int = 0
    redirected: int = 0
    failing: int = 0
    newly_broken: int = 0
    file_problems: int = 0

    def __str__(self):
        text = ngettext(
            "Checked %(checked)d link: %(ok)d ok, %(redirected)d redirected, %(failing)d "
            "failing, %(newly_broken)d newly broken.",
            "Checked %(checked)d links: %(ok)d ok, %(redirected)d redirected, %(failing)d "
            "failing, %(newly_broken)d newly broken.",
            self.checked,
        ) % vars(self)
        if self.file_problems:
            files = ngettext(
                "%(count)d resource has a problem with its files.",
                "%(count)d resources have problems with their files.",
                self.file_problems,
            ) % {"count": self.file_problems}
            text = f"{text} {files}"
        return text


class HostLimiter:
    """A semaphore per host, so that a site with many of our resources is not hammered."""

    def __init__(self, per_host: int):
        self.per_host = per_host
        self.lock = threading.Lock()
        self.semaphores: dict[str, threading.Semaphore] = defaultdict(
            lambda: threading.Semaphore(self.per_host)
        )

    def __call__(self, url: str) -> threading.Semaphore:
        try:
            host = httpx.URL(url).host
        except Exception:  # an unparsable link fails later, with its own message
            host = ""
        with self.lock:
            return self.semaphores[host]


class Blocked(Exception):
    """A link, or a redirect on its way, leads to an address the checker never connects to."""


def vetted(host: str, port: int) -> str:
    """The address to connect to for ``host``: resolved here, first, and refused unless every
    address the name has is public (no loopback, private, link-local, multicast, reserved or
    otherwise non-global address: a link submitted by anyone must not make the server probe its
    own network). The connection then goes to that address (no second lookup, so no answer
    can change in between). ``LINKCHECK_ALLOWED_ADDRESSES`` lists exceptions, for the tests'
    own servers only."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as error:  # an impossible name: the same as one that does not resolve
        raise socket.gaierror(str(error)) from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    allowed = {ipaddress.ip_address(a) for a in settings.LINKCHECK_ALLOWED_ADDRESSES}
    for address in addresses:
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        public = address.is_global and not (address.is_multicast or address.is_reserved)
        if not public and address not in allowed:
            raise Blocked(host)
    return str(addresses[0])


def make_client(timeout: float, workers: int, max_redirects: int) -> httpx.Client:
    return httpx.Client(
        # Each hop is asked for by ``_request``, its address checked first.
        follow_redirects=False,
        max_redirects=max_redirects,
        timeout=httpx.Timeout(timeout),
        # No connection is kept for another request: connections are keyed by address, and
        # two sites on one address must not share a TLS connection made for one of them.
        limits=httpx.Limits(max_connections=workers, max_keepalive_connections=0),
        headers={"User-Agent": user_agent(), "Accept": "*/*"},
    )


def fetch(client: httpx.Client, url: str) -> Answer:
    """Ask for ``url`` with HEAD, then with GET when HEAD is refused (any 4xx or 5xx: many
    servers answer HEAD wrongly). The body of a GET is never read."""
    try:
        status, final_url, history = _request(client, "HEAD", url)
        if status >= 400:
            status, final_url, history = _request(client, "GET", url)
    except Blocked:
        return Answer(error=Error.BLOCKED)
    except httpx.TooManyRedirects:
        return Answer(error=Error.REDIRECTS)
    except httpx.TimeoutException:
        return Answer(error=Error.TIMEOUT)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL):
        return Answer(error=Error.INVALID)
    except (httpx.HTTPError, OSError) as error:
        return Answer(error=classify(error))
    except Exception:  # one odd link must not stop the whole run
        logger.exception("Unexpected error checking %s", url)
        return Answer(error=Error.OTHER)
    return Answer(
        status_code=status,
        final_url=final_url,
        permanent_redirect=bool(history) and all(s in PERMANENT_REDIRECTS for s in history),
    )


def _request(client: httpx.Client, method: str, url: str) -> tuple[int, str, list[int]]:
    """The status at the end of ``url``'s redirects, where they end, and the status of each
    redirect. Every hop's host is resolved and vetted (``vetted``) before it is connected to,
    and the connection goes to the vetted address (the name still in Host and in TLS)."""
    history: list[int] = []
    for _hop in range(client.max_redirects + 1):
        target = httpx.URL(url)
        if target.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"Not a web address: {url}")
        address = vetted(target.host, target.port or (443 if target.scheme == "https" else 80))
        request = client.build_request(
            method,
            target.copy_with(host=address),
            headers={"Host": target.netloc.decode("ascii")},
            extensions={"sni_hostname": target.host},
        )
        response = client.send(request, stream=True)
        response.close()
        location = response.headers.get("Location")
        if not (response.is_redirect and location):
            return response.status_code, url, history
        history.append(response.status_code)
        url = str(target.join(location))
    raise httpx.TooManyRedirects(f"More than {client.max_redirects} redirects from {url}")


def classify(error: BaseException) -> str:
    """The kind of a connection error, from the exceptions that caused it."""
    seen = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return Error.DNS
        if isinstance(cause, ConnectionRefusedError):
            return Error.REFUSED
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return Error.TLS
        cause = cause.__cause__ or cause.__context__
    text = str(error).lower()
    if "name or service not known" in text or "nodename nor servname" in text:
        return Error.DNS
    if "connection refused" in text:
        return Error.REFUSED
    if "ssl" in text or "certificate" in text:
        return Error.TLS
    return Error.OTHER


def check_files(resource: Resource) -> str:
    """Problems with a resource's attached files, one line each: missing from storage, or not
    the size recorded when it was uploaded."""
    problems = []
    for attached in resource.files.all():
        name = attached.file.name
        label = PurePosixPath(name).name
        storage = attached.file.storage
        try:
            if not storage.exists(name):
                problems.append(f"{label}: missing from storage")
                continue
            size = storage.size(name)
        except Exception as error:  # a storage that cannot be read is a problem to report
            problems.append(f"{label}: cannot be read ({type(error).__name__})")
            continue
        if size != attached.size:
            problems.append(f"{label}: {size} bytes in storage, {attached.size} recorded")
    return "\n".join(problems)


def links_to_check(*, resource: str = "", older_than: float | None = None):
    """The published resources a check covers: every one, or the one with this id or slug
    (``LookupError`` if there is none), and of those only the links not checked for
    ``older_than`` days (never checked, or changed since). For ``manage.py check_links`` and the
    nightly jobs (``upkeep.tasks``)."""
    resources = Resource.objects.published()
    if resource:
        match = Q(slug=resource) | (Q(pk=int(resource)) if resource.isdigit() else Q())
        resources = resources.filter(match)
        if not resources.exists():
            raise LookupError(f"No published resource has the id or slug “{resource}”.")
    if older_than is not None:
        if older_than < 0:
            raise ValueError("--older-than cannot be negative.")
        cutoff = timezone.now() - timedelta(days=older_than)
        resources = resources.filter(
            Q(link_check__isnull=True)
            | Q(link_check__checked_at__lt=cutoff)
            | ~Q(link_check__url=F("url"))
        )
    return resources


def check_resources(
    queryset,
    *,
    workers: int = 8,
    timeout: float = 10,
    failures: int = 3,
    max_redirects: int = 5,
    batch_size: int = BATCH_SIZE,
    client: httpx.Client | None = None,
    progress=None,
) -> Summary:
    """Check the links and files of the published resources in ``queryset`` and record what was
    found on each one's :class:`LinkCheck`."""
    summary = Summary()
    queryset = queryset.published().order_by("pk")
    own_client = client is None
    client = client or make_client(timeout, workers, max_redirects)
    limiter = HostLimiter(PER_HOST)

    def work(resource: Resource) -> tuple[Answer | None, str]:
        answer = None
        if resource.url:
            with limiter(resource.url):
                answer = fetch(client, resource.url)
        return answer, check_files(resource)

    last_pk = 0
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            while True:
                batch = list(
                    queryset.filter(pk__gt=last_pk)
                    .prefetch_related("files")
                    .only("pk", "url", "title")[:batch_size]
                )
                if not batch:
                    break
                last_pk = batch[-1].pk
                # The threads only make requests and read storage; the database is read and
                # written here, a batch at a time.
                results = list(pool.map(work, batch))
                earlier = LinkCheck.objects.in_bulk([resource.pk for resource in batch])
                _record(batch, results, earlier, failures, summary)
                if progress:
                    progress(summary)
    finally:
        if own_client:
            client.close()
    return summary


def _record(batch, results, earlier: dict, threshold: int, summary: Summary) -> None:
    now = timezone.now()
    checks = []
    for resource, (answer, file_problems) in zip(batch, results, strict=True):
        check = earlier.get(resource.pk) or LinkCheck(resource=resource)
        if check.url != resource.url:  # a new link starts afresh
            check.failures, check.broken_since = 0, None
        check.url = resource.url
        check.checked_at = now
        check.file_problems = file_problems
        summary.file_problems += bool(file_problems)
        if answer is None:  # no link, only files
            check.status_code, check.error, check.final_url = None, "", ""
            check.permanent_redirect, check.failures, check.broken_since = False, 0, None
        else:
            summary.checked += 1
            check.status_code = answer.status_code
            check.error = answer.error
            check.final_url = answer.final_url[:2000]
            check.permanent_redirect = answer.permanent_redirect
            if answer.succeeded:
                check.failures, check.broken_since = 0, None
                if check.redirected:
                    summary.redirected += 1
                else:
                    summary.ok += 1
            else:
                check.failures += 1
                summary.failing += 1
                if check.failures >= threshold and check.broken_since is None:
                    check.broken_since = now
                    summary.newly_broken += 1
        checks.append(check)
    LinkCheck.objects.bulk_create(
        checks,
        update_conflicts=True,
        unique_fields=["resource"],
        update_fields=[
            "url", "checked_at", "status_code", "error", "final_url", "permanent_redirect",
            "failures", "broken_since", "file_problems",
        ],
    )  # fmt: skip
