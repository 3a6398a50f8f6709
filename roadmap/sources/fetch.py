"""The one way the tracker reads the web: http(s) only, public addresses only, bounded, polite.

Every request resolves the host itself, refuses loopback, private, link-local and reserved
addresses, and then connects to the very address it checked (the name still goes in the Host
header and TLS's SNI), so a second DNS answer can't swap in another (DNS rebinding). Each redirect
is checked the same way. ``WATCH_ALLOW_PRIVATE_NETWORKS`` lifts the address rule for tests and
closed networks (``1`` for every address, or a list of networks such as ``10.1.0.0/16``);
nothing lifts the scheme rule. Responses are read with a timeout per socket
operation and a deadline for the whole body, up to a size, into a temporary file. 5xx, 429 and
connection errors are retried with backoff, honouring ``Retry-After``; requests to one host are
spaced to a rate (the Federal Register allows 5 a second).
"""

from __future__ import annotations

import datetime
import email.utils
import http.client
import ipaddress
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import partial
from typing import IO
from urllib.parse import urljoin, urlsplit

from django.conf import settings

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
BACKOFF_SECONDS = 1.0
# A server asking us to wait longer than this is treated as down for this run.
MAX_RETRY_AFTER_SECONDS = 120.0
# Reading one body may take this many timeouts at most (a server dripping one byte at a time).
DEADLINE_TIMEOUTS = 10
CHUNK = 64 * 1024
IN_MEMORY = 1024 * 1024


class FetchError(Exception):
    """The URL could not be read; ``status`` is the last HTTP status, if there was one."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class FetchRefused(FetchError):
    """The URL is not one the tracker may read (scheme, address): never retried."""


@dataclass(frozen=True)
class Limits:
    timeout: float
    max_bytes: int
    retries: int
    per_second: float
    allowed_networks: tuple = ()

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            timeout=settings.WATCH_TIMEOUT_SECONDS,
            max_bytes=settings.WATCH_MAX_MEGABYTES * 1024 * 1024,
            retries=settings.WATCH_RETRIES,
            per_second=settings.WATCH_REQUESTS_PER_SECOND,
            allowed_networks=allowed_networks(settings.WATCH_ALLOW_PRIVATE_NETWORKS),
        )


def allowed_networks(value: str) -> tuple:
    """The networks ``WATCH_ALLOW_PRIVATE_NETWORKS`` opens: all for 1/true/yes, none for
    0/false/no or empty, else the comma-separated networks it lists."""
    value = value.strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return ()
    if value in ("1", "true", "yes", "on"):
        return (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))
    return tuple(ipaddress.ip_network(part.strip()) for part in value.split(",") if part.strip())


@dataclass
class Response:
    url: str
    status: int
    headers: http.client.HTTPMessage
    body: IO[bytes]
    size: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("ETag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("Last-Modified", "")

    def close(self) -> None:
        self.body.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _HostPacer:
    """Space requests to each host ``1 / per_second`` apart, across the threads of a process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_slot: dict[str, float] = {}

    def wait(self, host: str, per_second: float) -> None:
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot.get(host, now))
            self.next_slot[host] = slot + 1 / per_second
        time.sleep(slot - now)


_pacer = _HostPacer()


def refusal(address: str) -> str:
    """Why ``address`` may not be fetched ("loopback", "private", …), or "" if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for reason, applies in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
    ):
        if applies:
            return reason
    return "" if ip.is_global else "non-public"


def user_agent() -> str:
    return f"regulatory-roadmap-tracker/1.0 (+{settings.SITE_URL})"


def _retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait before retry ``attempt`` + 1: the server's ``Retry-After``, or backoff."""
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is not None:
            return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())
    return BACKOFF_SECONDS * 2**attempt


class Fetcher:
    """GET URLs under the limits (``Limits.from_settings()`` unless given)."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits.from_settings()

    def get(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        accept: str = "*/*",
        max_bytes: int | None = None,
        truncate: bool = False,
    ) -> Response:
        """Return the response to GET ``url`` (200, or 304 when ``etag``/``last_modified`` still
        hold), after redirects and retries. ``truncate`` keeps the first ``max_bytes`` of a longer
        body instead of failing. Raise ``FetchRefused`` or ``FetchError``."""
        headers = {"User-Agent": user_agent(), "Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        limit = max_bytes or self.limits.max_bytes
        for _redirect in range(MAX_REDIRECTS + 1):
            response = self._with_retries(url, headers, limit, truncate)
            if response.status not in REDIRECTS:
                return response
            response.close()
            location = response.headers.get("Location")
            if not location:
                raise FetchError(f"{url}: redirect without a Location", status=response.status)
            url = urljoin(url, location)
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _with_retries(self, url: str, headers: dict, limit: int, truncate: bool) -> Response:
        attempt = 0
        while True:
            try:
                response = self._once(url, headers, limit, truncate)
            except FetchRefused:
                raise
            except (OSError, http.client.HTTPException) as error:
                problem, wait, status = f"{url}: {error or type(error).__name__}", None, None
            else:
                if response.status != 429 and response.status < 500:
                    return response
                response.close()
                status = response.status
                problem = f"{url}: HTTP {status}"
                wait = response.headers.get("Retry-After")
            if attempt >= self.limits.retries:
                raise FetchError(f"{problem} (after {attempt + 1} attempts)", status=status)
            seconds = _retry_after(wait, attempt)
            if seconds > MAX_RETRY_AFTER_SECONDS:
                raise FetchError(f"{problem}; asked to retry after {seconds:.0f} s", status=status)
            time.sleep(seconds)
            attempt += 1

    def _once(self, url: str, headers: dict, limit: int, truncate: bool) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"{url}: only http and https URLs may be fetched")
        if parts.username or parts.password:
            raise FetchRefused(f"{url}: a URL with a user name or password is not fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._checked_address(parts.hostname, port)
        _pacer.wait(parts.hostname, self.limits.per_second)
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname,
                port,
                timeout=self.limits.timeout,
                context=ssl.create_default_context(),
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname, port, timeout=self.limits.timeout
            )
        # Connect to the address that was checked, not to whatever the name resolves to next.
        # The hook http.client connects through: private, so typeshed leaves it out.
        connection._create_connection = partial(_connect_to, address)  # type: ignore[attr-defined]
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            body, size = self._read(url, answer, limit, truncate)
            return Response(
                url=url, status=answer.status, headers=answer.headers, body=body, size=size
            )
        finally:
            connection.close()

    def _checked_address(self, host: str, port: int) -> str:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise FetchError(f"{host}: cannot be resolved ({error})") from error
        # An IP socket address starts with the address as text; typeshed allows other families.
        addresses = [info[4][0] for info in found if isinstance(info[4][0], str)]
        for address in addresses:
            reason = refusal(address)
            if reason and not self._allowed(address):
                raise FetchRefused(
                    f"{host} is at {address}, a {reason} address: the tracker fetches only "
                    "public addresses (WATCH_ALLOW_PRIVATE_NETWORKS lifts this)"
                )
        return addresses[0]

    def _allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        return any(ip.version == net.version and ip in net for net in self.limits.allowed_networks)

    def _read(self, url: str, answer, limit: int, truncate: bool) -> tuple[IO[bytes], int]:
        declared = answer.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit and not truncate:
            raise FetchError(f"{url}: {declared} bytes, more than the {limit} allowed")
        allowed = self.limits.timeout * DEADLINE_TIMEOUTS
        deadline = time.monotonic() + allowed
        body = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (returned open)
        size = 0
        try:
            while chunk := answer.read1(CHUNK):
                if size + len(chunk) > limit:
                    if not truncate:
                        raise FetchError(f"{url}: more than the {limit} bytes allowed")
                    body.write(chunk[: limit - size])
                    size = limit
                    break
                body.write(chunk)
                size += len(chunk)
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: the body took longer than {allowed:.0f} s to read")
        except BaseException:
            body.close()
            raise
        body.seek(0)
        return body, size


def _connect_to(address: str, host_and_port: tuple, timeout, source_address=None) -> socket.socket:
    return socket.create_connection((address, host_and_port[1]), timeout, source_address)
