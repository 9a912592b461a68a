"""A CalDAV client on the standard library: PUT, DELETE and PROPFIND on one calendar collection.

Why not a library: `caldav` brings some thirty packages with it (niquests, lxml, icalendar…)
for the four requests a sync needs, and raises SEQUENCE on every save unless told not to
(issue 17). http.client sends any method; the answers read here are a status, an ETag header
and, for PROPFIND, a small multistatus document.

Every fault is one error naming the calendar's URL and what happened: `ServerError` (exit 6:
the server could not be reached, timed out or failed; what it accepted before is recorded by the
caller) or `InputError` (exit 2: the URL, the credentials or the certificate cannot be used).
TLS is verified (ssl.create_default_context: the system's CAs, the host name checked).
One connection, kept alive when the server allows it.
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree

from deadlines import __version__
from deadlines.errors import DeadlinesError, InputError

DEFAULT_TIMEOUT = 30.0  # seconds per request; --timeout
EXIT_SERVER = 6  # README "Exit statuses": the calendar server failed or could not be reached

_DAV = "{DAV:}"
_CALDAV = "{urn:ietf:params:xml:ns:caldav}"
_IS_CALENDAR = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>'
)
_ETAGS = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
)


class ServerError(DeadlinesError):
    """The server could not be reached, timed out or failed (5xx, an answer we cannot use)."""

    exit_code = EXIT_SERVER


@dataclass(frozen=True)
class Answer:
    status: int
    etag: str | None
    body: bytes


def calendar_url(text: str) -> str:
    """The collection's URL as the sync state keys it: http(s), a host, a path ending with "/",
    no user name or password in it (a password on the command line is refused: it would stay
    in the shell's history and in `ps`)."""
    parts = urlsplit(text.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError("sync.url", field="url", value=text)
    if parts.username is not None or parts.password is not None:
        raise InputError("sync.url-credentials", field="url", value=_hidden(text))
    try:
        port = parts.port
    except ValueError:
        raise InputError("sync.url", field="url", value=text) from None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host if port is None else f"{host}:{port}"
    path = parts.path or "/"
    if not path.endswith("/"):
        path += "/"
    return f"{parts.scheme}://{netloc}{path}"


def _hidden(text: str) -> str:
    """A URL with its user information taken out, to be shown."""
    parts = urlsplit(text)
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=netloc).geturl()


def is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in {"localhost", "127.0.0.1", "::1"}


class Calendar:
    """One calendar collection at `url` (calendar_url), with Basic credentials when `user` is
    given, over one connection kept alive while the server allows it."""

    def __init__(
        self,
        url: str,
        user: str | None = None,
        password: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.url = url
        parts = urlsplit(url)
        self.path = parts.path
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._timeout = timeout
        self._context = context if context is not None else ssl.create_default_context()
        self._headers = {"User-Agent": f"deadlines/{__version__}"}
        if user is not None:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"
        self._connection: http.client.HTTPConnection | None = None
        self.requests = 0  # requests sent (bench/ and the tests count them)

    # --- resources ----------------------------------------------------------------------------

    def href(self, uid: str) -> str:
        """A resource's path: the collection's, then the UID and ".ics" (RFC 4791 leaves names
        to the client; "@" is a valid path character, so a UID stays readable)."""
        return self.path + quote(uid, safe="@") + ".ics"

    def put(self, href: str, body: bytes, *, etag: str | None) -> Answer:
        """Create (`etag` None: If-None-Match: *, never over an existing resource) or replace
        the resource last seen with `etag` (If-Match: never over someone else's edit)."""
        condition = {"If-None-Match": "*"} if etag is None else {"If-Match": etag}
        headers = {"Content-Type": "text/calendar; charset=utf-8", **condition}
        return self.request("PUT", href, body, headers)

    def replace(self, href: str, body: bytes) -> Answer:
        """PUT with no condition (--force: the caseload's version over whatever is there)."""
        return self.request("PUT", href, body, {"Content-Type": "text/calendar; charset=utf-8"})

    def delete(self, href: str, etag: str | None) -> Answer:
        return self.request("DELETE", href, None, {} if etag is None else {"If-Match": etag})

    def etag_of(self, href: str) -> str | None:
        """The ETag of one resource (a server that answered a PUT without one)."""
        return self.request("HEAD", href, None, {}).etag

    def check_calendar(self) -> None:
        """The URL names a calendar collection (PROPFIND resourcetype, Depth 0), else one line:
        a mistyped URL is said before anything is sent."""
        answer = self.request("PROPFIND", self.path, _IS_CALENDAR, _propfind_headers("0"))
        if answer.status == 404:
            raise InputError("sync.not-found", field="url", value=self.url)
        if answer.status != 207:
            raise ServerError("sync.status", field="url", value=self.url, status=answer.status)
        root = _xml(answer.body, self.url)
        if root.find(f".//{_DAV}resourcetype/{_CALDAV}calendar") is None:
            raise InputError("sync.not-calendar", field="url", value=self.url)

    def etags(self) -> dict[str, str]:
        """Every resource of the collection: path -> ETag (PROPFIND getetag, Depth 1)."""
        answer = self.request("PROPFIND", self.path, _ETAGS, _propfind_headers("1"))
        if answer.status != 207:
            raise ServerError("sync.status", field="url", value=self.url, status=answer.status)
        found: dict[str, str] = {}
        for response in _xml(answer.body, self.url).iter(f"{_DAV}response"):
            href = response.findtext(f"{_DAV}href")
            etag = response.findtext(f".//{_DAV}getetag")
            if href and etag:
                found[urlsplit(unquote(href)).path] = etag
        return found

    # --- the wire -----------------------------------------------------------------------------

    def request(
        self, method: str, href: str, body: bytes | None, headers: dict[str, str]
    ) -> Answer:
        """One request; 2xx, 404, 409 and 412 are the caller's to read. Refused credentials and
        rights, redirects and server failures are errors here, whatever the request."""
        self.requests += 1
        sent = {**self._headers, **headers}
        for attempt in (1, 2):
            connection, reused = self._connect()
            try:
                connection.request(method, quote(href, safe="/@%"), body=body, headers=sent)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop()
                # A kept-alive connection the server closed meanwhile: the request never
                # reached it; sent once more on a new one. A new connection failing is a fault.
                if reused and attempt == 1:
                    continue
                raise ServerError("sync.dropped", field="url", value=self.url) from None
            except OSError as error:
                self._drop()
                raise _fault(error, self.url) from None
            except http.client.HTTPException as error:
                self._drop()
                raise ServerError(
                    "sync.bad-answer", field="url", value=self.url, reason=type(error).__name__
                ) from None
            if response.will_close:
                self._drop()
            answer = Answer(response.status, response.getheader("ETag"), data)
            _check_status(answer.status, response.getheader("Location"), self.url)
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _connect(self) -> tuple[http.client.HTTPConnection, bool]:
        """The open connection (reused: True), or a new one."""
        if self._connection is not None:
            return self._connection, True
        if self._https:
            self._connection = http.client.HTTPSConnection(
                self._host, self._port, timeout=self._timeout, context=self._context
            )
        else:
            self._connection = http.client.HTTPConnection(
                self._host, self._port, timeout=self._timeout
            )
        return self._connection, False

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        self._drop()

    def __enter__(self) -> Calendar:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _propfind_headers(depth: str) -> dict[str, str]:
    return {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"}


def _xml(body: bytes, url: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise ServerError("sync.bad-answer", field="url", value=url, reason="XML") from None


def _check_status(status: int, location: str | None, url: str) -> None:
    if status == 401:
        raise InputError("sync.unauthorized", field="url", value=url)
    if status == 403:
        raise InputError("sync.forbidden", field="url", value=url)
    if 300 <= status < 400:
        raise InputError("sync.redirect", field="url", value=url, target=location or "?")
    if status >= 500:
        raise ServerError("sync.status", field="url", value=url, status=status)


def _fault(error: OSError, url: str) -> DeadlinesError:
    """What went wrong on the network, as the line the user reads."""
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = error.verify_message or str(error)
        return InputError("sync.tls", field="url", value=url, reason=reason)
    if isinstance(error, ssl.SSLError):
        return InputError("sync.tls", field="url", value=url, reason=error.reason or str(error))
    if isinstance(error, TimeoutError | socket.timeout):
        return ServerError("sync.timeout", field="url", value=url)
    if isinstance(error, ConnectionRefusedError):
        return ServerError("sync.refused", field="url", value=url)
    if isinstance(error, socket.gaierror):
        return ServerError("sync.unknown-host", field="url", value=url)
    return ServerError("sync.network", field="url", value=url, reason=error.strerror or str(error))


PASSWORD_VAR = "DEADLINES_CALDAV_PASSWORD"


def password(user: str | None, file: str | None, environ: dict[str, str]) -> str | None:
    """The password of `user`: the first line of `file`, else $DEADLINES_CALDAV_PASSWORD; never
    an argument (it would stay in the shell's history and in `ps`). None: no credentials."""
    if user is None:
        if file is not None:
            raise InputError("sync.user-missing", field="--user")
        return None
    if file is not None:
        try:
            with open(file, encoding="utf-8") as handle:
                return handle.readline().rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise InputError(
                "sync.password-file", field="--password-file", value=file, reason=reason
            ) from None
    if PASSWORD_VAR in environ:
        return environ[PASSWORD_VAR]
    raise InputError("sync.password-missing", field="--user", value=user)
