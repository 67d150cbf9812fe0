"""The user's task list on a CalDAV server, kept equal to the pending reminders, and the
tasks the user ticked off there.

Looking is cheap when nothing changed. The list is read in full once (one ``REPORT`` of
every task, after a ``PROPFIND`` of its ``DAV:sync-token`` and ``CS:getctag``); each look
after that asks only what changed since (an RFC 6578 ``sync-collection`` REPORT with the
token, through the ``caldav`` library: hrefs and ETags, no task data), and reads just the
tasks whose ETag is not the one last seen (a task followup itself wrote is not read back).
A server without sync-tokens (or one that refuses the ``sync-collection`` REPORT with
``DAV:supported-report``) is asked for its ``getctag`` instead, and the list is read in
full only when it changed. A token the server no longer honours (it expired, the server
was reset: Radicale answers 403 with ``DAV:valid-sync-token``, Xandikos 0.2 a 500), a
failure of any kind and a new connection all mean a full read.

Spoken through the ``caldav`` library (its client, its principal and calendar discovery,
``MKCALENDAR``), imported when a task list is first reached: only the daemon and
``followup test-notification --channel caldav`` do that, only with ``[caldav]`` set. The
writes are conditional, so the user's edits win: a new task is written with
``If-None-Match: *``, a change and a removal with ``If-Match`` and the ETag last read. A
``412 Precondition Failed`` means the phone changed the task in between: it is read again,
and a tick found there is kept (and reported) rather than overwritten.

Every failure (no server, a slow one, a refused password, a broken certificate, a task list
that is missing and cannot be created) is one :class:`followup.errors.DeliveryError` with
its cause; nothing is written locally, so nothing is lost: the next sync does it all again.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from followup.channels import todo
from followup.errors import DeliveryError, FollowupError
from followup.rules import Kind

if TYPE_CHECKING:
    from followup.channels.caldav import CalDAVSettings

log = logging.getLogger("followup.caldav")

#: Seconds one read from the server may wait before it counts as down.
TIMEOUT_S = 30
#: Seconds a whole operation (finding the list; a look and the sync it leads to) may take,
#: however slowly the server answers, before it is cut and counts as a failure.
DEADLINE_S = 120
_DAV, _CAL = "DAV:", "urn:ietf:params:xml:ns:caldav"
_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"/></C:comp-filter>
  </C:filter>
</C:calendar-query>"""
_CS = "http://calendarserver.org/ns/"
_MARKERS = """<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/">
  <D:prop><D:sync-token/><CS:getctag/></D:prop>
</D:propfind>"""


class Stored(NamedTuple):
    """One of our tasks on the server: where, its ETag, what it says."""

    href: str
    etag: str
    seen: todo.Seen


class Tick(NamedTuple):
    """A task the user ticked off while its reminder was pending: ``completed`` (aware UTC)
    the instant of the tick the task gives, None when it gives none."""

    interview_id: int
    kind: Kind
    completed: datetime | None


class TaskList:
    """The task list ``caldav.calendar`` names, reached on first use and again after a
    failure. Not thread-safe: one thread syncs it."""

    def __init__(self, settings: CalDAVSettings) -> None:
        self.settings = settings
        self._client: Any = None
        self._url: str | None = None
        #: Our tasks on the list by :func:`_key` of their href, as of ``_token``/``_ctag``;
        #: None until read in full.
        self._known: dict[str, Stored] | None = None
        #: The ETag last seen of every task on the list (the user's own too), by href key.
        self._etags: dict[str, str] = {}
        self._token: str | None = None
        self._ctag: str | None = None
        #: False once the server refused a sync-collection REPORT: its tokens are ignored.
        self._use_tokens = True

    def reach(self) -> str:
        """Log in and find the task list, creating it where it is missing and the server
        allows; its URL. Raises DeliveryError."""
        url: str = self._guarded(self._reached)
        return url

    def sync(self, tasks: Sequence[todo.Task], now: datetime) -> list[Tick]:
        """Make the list hold exactly ``tasks`` as open tasks (ours only: the user's own
        are never touched), and return the ticks found on tasks still in ``tasks``. A
        ticked task is never rewritten; one no longer pending is removed unless ticked.
        Raises DeliveryError, after which the next call starts afresh."""
        try:
            ticks: list[Tick] = self._guarded(lambda: self._sync(self._reached(), tasks, now))
            return ticks
        except DeliveryError:
            self.close()
            raise

    def close(self) -> None:
        """Let the connection go, and what was known of the list with it: the next sync
        reads it in full."""
        client, self._client, self._url = self._client, None, None
        self._known, self._etags, self._token, self._ctag = None, {}, None, None
        if client is not None:
            try:
                client.close()
            except Exception:
                log.debug("closing the CalDAV connection failed", exc_info=True)

    # -- the server -----------------------------------------------------------------------

    def _guarded(self, work: Any) -> Any:
        """``work()`` within :data:`DEADLINE_S` seconds in all (its sockets are shut at the
        deadline: :mod:`followup.deadline`), with every failure of the server, the network
        or the password made one DeliveryError naming the server and the cause (never the
        password); an operation cut at the deadline says so."""
        from caldav.lib import error

        from followup.deadline import Deadline, cut_line

        host = self.settings.url
        limit = Deadline(DEADLINE_S)
        try:
            with limit.covering():
                return work()
        except Exception as exc:
            if limit.passed():
                self.close()
                raise DeliveryError(cut_line(_where(host or ""), limit.seconds)) from None
            if isinstance(exc, DeliveryError):
                raise
            if isinstance(exc, FollowupError):
                raise DeliveryError(exc.message) from None
            self.close()
            if isinstance(exc, error.AuthorizationError):
                raise DeliveryError(
                    f"{host} refused the login of {self.settings.username!r} "
                    "(check caldav.username and what caldav.password_command prints)"
                ) from None
            network = _network_reason(exc, host or "")
            raise DeliveryError(network or f"{host}: {_reason(exc)}") from None
        finally:
            limit.close()

    def _reached(self) -> str:
        """The task list's URL, found (and created where missing) on first use."""
        if self._url is None:
            self._url = self._find()
        return self._url

    def _connect(self) -> Any:
        if self._client is None:
            import caldav

            from followup.mail.password import read_password

            password = read_password(self.settings.password_command, "caldav.password_command")
            ca = self.settings.ca_file
            client_class: Any = caldav.DAVClient
            self._client = client_class(
                url=self.settings.url,
                username=self.settings.username,
                password=password,
                timeout=TIMEOUT_S,
                ssl_verify_cert=str(ca) if ca is not None else True,
                enable_rfc6764=False,
                require_tls=False,
            )
        return self._client

    def _find(self) -> str:
        client = self._connect()
        principal = client.principal()
        wanted = self.settings.calendar
        for calendar in principal.calendars():
            name = calendar.get_display_name()
            if wanted in (name, str(calendar.url).rstrip("/").rsplit("/", 1)[-1]):
                return str(calendar.url)
        from caldav.lib import error

        try:
            made = principal.make_calendar(name=wanted, supported_calendar_component_set=["VTODO"])
        except error.DAVError as exc:
            raise DeliveryError(
                f"{self.settings.url}: no task list {wanted!r}, and the server did not let "
                f"followup create it ({_reason(exc)}); create it in your calendar app"
            ) from None
        log.info("created the task list %r at %s", wanted, made.url)
        return str(made.url)

    def _sync(self, url: str, tasks: Sequence[todo.Task], now: datetime) -> list[Tick]:
        stored = self._ours(url)
        wanted = {task.uid: task for task in tasks}
        ticks: list[Tick] = []
        for task in tasks:
            have = stored.get(task.uid)
            tick = self._write(url, task, have, now)
            if tick is not None:
                ticks.append(tick)
        for uid, have in stored.items():
            if uid not in wanted and not have.seen.ticked:
                self._remove(have)
        return ticks

    def _write(self, url: str, task: todo.Task, have: Stored | None, now: datetime) -> Tick | None:
        """Put ``task`` on the list unless it is there as it should be; a tick on the
        server's copy (read again after a 412) wins and is returned."""
        for _attempt in range(3):
            if have is not None and have.seen.ticked:
                return Tick(task.interview_id, task.kind, have.seen.completed)
            if have is not None and have.seen.matches(task):
                return None
            href = have.href if have else urljoin(url, f"{task.uid}.ics")
            sequence = have.seen.sequence + 1 if have else 0
            headers = {"Content-Type": "text/calendar; charset=utf-8"}
            headers.update({"If-Match": have.etag} if have else {"If-None-Match": "*"})
            response = self._connect().put(href, todo.to_ical(task, sequence, now), headers)
            if response.status != 412:
                _check(response, f"writing the task {task.summary!r}")
                log.info("task %s written (sequence %d): %s", task.uid, sequence, task.summary)
                self._remember(href, _written(href, task, sequence, response.headers.get("ETag")))
                return None
            log.info("task %s changed on the server meanwhile: reading it again", task.uid)
            have = self._read_one(href)
            self._remember(href, have)
        raise DeliveryError(f"{url}: the task {task.summary!r} keeps changing on the server")

    def _remove(self, have: Stored) -> None:
        """Take a task no longer pending off the list, unless the user ticked it in the
        meantime (a 412, then a tick on the copy read again)."""
        response = self._connect().delete(have.href, {"If-Match": have.etag})
        if response.status == 412:
            again = self._read_one(have.href)
            self._remember(have.href, again)
            if again is None or again.seen.ticked:
                return
            response = self._connect().delete(again.href, {"If-Match": again.etag})
        if response.status != 404:
            _check(response, f"removing the task {have.seen.summary!r}")
        self._remember(have.href, None)
        log.info("task %s removed: no longer pending", have.seen.uid)

    def _remember(self, href: str, stored: Stored | None) -> None:
        """What followup knows of the task at ``href`` now (None: none of ours is there)."""
        if self._known is None:
            return
        key = _key(href)
        if stored is None:
            self._known.pop(key, None)
            self._etags.pop(key, None)
        else:
            self._known[key] = stored
            self._etags[key] = stored.etag

    def _ours(self, url: str) -> dict[str, Stored]:
        """Every task of ours on the list, by UID: what is known, brought up to date with
        what changed since the token (or the ctag), else read in full."""
        markers = None
        if self._known is not None:
            if self._token is not None and self._changes(url):
                return self._by_uid()
            if self._token is None and self._ctag is not None:
                markers = self._markers(url)
                if markers[1] == self._ctag:
                    return self._by_uid()
        self._token, self._ctag = markers or self._markers(url)
        response = self._connect().request(
            url,
            "REPORT",
            _QUERY,
            {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        )
        _check(response, "reading the task list")
        self._known, self._etags = _parse_multistatus(url, response.raw)
        return self._by_uid()

    def _by_uid(self) -> dict[str, Stored]:
        return {stored.seen.uid: stored for stored in (self._known or {}).values()}

    def _markers(self, url: str) -> tuple[str | None, str | None]:
        """The list's ``DAV:sync-token`` and ``CS:getctag`` (one ``PROPFIND``), each None
        when the server keeps none."""
        response = self._connect().request(
            url, "PROPFIND", _MARKERS, {"Depth": "0", "Content-Type": "application/xml"}
        )
        _check(response, "reading the task list's sync-token")
        root = ET.fromstring(_bytes(response.raw))
        token = root.findtext(f".//{{{_DAV}}}sync-token") if self._use_tokens else None
        ctag = root.findtext(f".//{{{_CS}}}getctag")
        return (token or None, ctag or None)

    def _changes(self, url: str) -> bool:
        """Bring what is known up to date with what changed on the list since the token
        (RFC 6578 ``sync-collection``): a task removed is forgotten, one whose ETag is new
        is read (one ``GET`` each). False when the server no longer honours the token."""
        from caldav.elements import dav
        from caldav.lib import error

        calendar = self._connect().calendar(url=url)
        try:
            found = calendar.get_objects_by_sync_token(
                self._token, load_objects=False, disable_fallback=True
            )
        except error.AuthorizationError as exc:
            if dav.SupportedReport.tag in exc.preconditions:
                log.info("the server does not answer sync-collection: using the ctag")
                self._use_tokens = False
                return False
            if dav.ValidSyncToken.tag not in exc.preconditions:
                raise
            log.info("the task list's sync-token is no longer valid: reading it in full")
            return False
        except error.DAVError as exc:
            log.info(
                "the task list's sync-token was refused (%s): reading it in full", _reason(exc)
            )
            return False
        for item in found:
            href = str(item.url)
            if item.url.canonical() in found.deleted_urls:
                self._remember(href, None)
                continue
            etag = item.props.get(dav.GetEtag.tag)
            if etag is not None and self._etags.get(_key(href)) == etag:
                continue
            stored = self._read_one(href)
            self._remember(href, stored)
            if stored is None and etag is not None:
                self._etags[_key(href)] = etag
        self._token = found.sync_token or None
        return True

    def _read_one(self, href: str) -> Stored | None:
        response = self._connect().request(href, "GET")
        if response.status == 404:
            return None
        _check(response, "reading a task again")
        etag = response.headers.get("ETag", "")
        seen = todo.read(_text(response.raw))
        return Stored(href, etag, seen) if seen is not None else None


def _parse_multistatus(base: str, raw: Any) -> tuple[dict[str, Stored], dict[str, str]]:
    """Our tasks in a ``calendar-query`` answer, and every task's ETag, by href key."""
    ours: dict[str, Stored] = {}
    etags: dict[str, str] = {}
    root = ET.fromstring(_bytes(raw))
    for item in root.iter(f"{{{_DAV}}}response"):
        href = item.findtext(f"{{{_DAV}}}href")
        etag = item.findtext(f".//{{{_DAV}}}getetag")
        data = item.findtext(f".//{{{_CAL}}}calendar-data")
        if not href or not etag or not data:
            continue
        href = urljoin(base, href)
        etags[_key(href)] = etag
        seen = todo.read(data)
        if seen is not None:
            ours[_key(href)] = Stored(href, etag, seen)
    return ours, etags


def _key(href: str) -> str:
    """One task's href as it is compared: its path, unquoted (a server may write ``@`` as
    ``%40``, or give a path where followup used a whole URL)."""
    return unquote(urlsplit(href).path)


def _written(href: str, task: todo.Task, sequence: int, etag: str | None) -> Stored | None:
    """What the server holds after ``task`` was written, when it gave the new ETag (None
    otherwise: the task is read again when the next look lists it)."""
    if not etag:
        return None
    seen = todo.Seen(
        task.uid,
        task.interview_id,
        task.kind,
        task.summary,
        task.description,
        task.due,
        sequence,
        False,
        None,
    )
    return Stored(href, etag, seen)


def _bytes(raw: Any) -> bytes | str:
    return raw if isinstance(raw, bytes | str) else bytes(raw)


def _text(raw: Any) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _check(response: Any, doing: str) -> None:
    if response.status == 401 or response.status == 403:
        from caldav.lib import error

        raise error.AuthorizationError(f"{doing}: {response.status}")
    if not 200 <= response.status < 300:
        raise DeliveryError(f"{doing}: the server answered {response.status} {response.reason}")


def _reason(exc: BaseException) -> str:
    """One line about ``exc``, never a traceback nor a memory address."""
    text = " ".join(_ADDRESS.sub("", str(exc)).split()) or "the server's library failed"
    return text if len(text) <= 300 else text[:299] + "…"


#: ``<urllib3.connection.HTTPSConnection object at 0x7f...>: `` and ``at 0x7f...``, which a
#: library puts in its messages and which mean nothing to the user.
_ADDRESS = re.compile(r"<[^<>]* object at 0x[0-9a-fA-F]+>:?|\bat 0x[0-9a-fA-F]+")


def _network_reason(exc: BaseException, url: str) -> str | None:
    """One line about a failure to reach the server at ``url``, the way the mail channel
    words one ("cannot reach HOST:PORT: Connection refused", a refused certificate, a TLS
    failure), from the socket's or TLS's error found in ``exc``'s chain (niquests and
    urllib3 wrap it two or three deep: ``__cause__``, ``__context__``, ``reason``); None
    when the chain holds none (the server answered)."""
    import socket
    import ssl

    host = urlsplit(url).hostname or url
    where = _where(url)
    for cause in _chain(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return (
                f"the certificate of {host} was refused: {cause.verify_message} "
                "(set caldav.ca_file to the CA bundle that signed it)"
            )
        if isinstance(cause, ssl.SSLError):
            return f"TLS with {where} failed: {cause.reason or _reason(cause)}"
        if isinstance(cause, socket.gaierror):
            return f"cannot reach {where}: {cause.strerror}"
        if isinstance(cause, TimeoutError):
            return f"cannot reach {where}: no answer in {TIMEOUT_S:.0f} s"
        if isinstance(cause, OSError) and cause.strerror:
            return f"cannot reach {where}: {cause.strerror}"
    return None


def _where(url: str) -> str:
    """``HOST:PORT`` of the server at ``url`` (the scheme's port when it names none)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = 443
    return f"{parts.hostname or url}:{port}"


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception it wraps, outermost first, each once."""
    found: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        cause = todo.pop(0)
        if any(cause is seen for seen in found):
            continue
        found.append(cause)
        wrapped = [cause.__cause__, cause.__context__, getattr(cause, "reason", None)]
        todo += [w for w in wrapped if isinstance(w, BaseException)]
    return found
