"""An IMAP proxy in front of a real Dovecot that behaves as some servers do, for tests.

Run on 127.0.0.1 on a free port, in a thread of its own (asyncio), it passes every line
and literal through unchanged except for what it was asked to do:

- ``respell_fetch``: answer a ``FETCH BODY.PEEK[HEADER.FIELDS (...)]`` under a key spelled
  the way Courier and some proxies spell it: the field names quoted
  (``BODY[HEADER.FIELDS ("FROM" "TO" ...)]``) instead of as the client asked;
- ``end_idle_after``: end every IDLE command that many seconds after it began, as servers
  do after 10 to 29 minutes: with ``end_idle="bye"`` an untagged ``* BYE`` and the
  connection closed, with ``end_idle="finish"`` the command finished (the proxy sends
  ``DONE`` to Dovecot, whose tagged ``OK`` reaches the client unasked);
- ``refuse_charset``: answer ``SEARCH CHARSET ...`` with ``NO [BADCHARSET]`` as servers
  that only search ASCII do;
- ``blank_headers``: answer a header fetch with an empty string where the header block
  should be, as a broken server or proxy does;
- ``refuse_search_of``: answer ``BAD`` to any SEARCH naming this text, as a server does
  with an address it cannot parse.

``idle_started`` and ``idle_ended`` hold the monotonic instants each IDLE command began
and each was ended by the proxy; ``idle_ends`` counts the IDLE commands ended,
``respelled`` the FETCH answers respelled, ``refused`` the searches refused,
``connections`` the client connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from dataclasses import dataclass, field

from tests.support.dovecot import free_port

_LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")
_HEADER_KEY = re.compile(rb"BODY\[HEADER\.FIELDS \(([^)]*)\)\]")
_TAGGED_IDLE = re.compile(rb"^(\S+) IDLE\r\n$", re.IGNORECASE)
_SEARCH = re.compile(rb"^(\S+) (?:UID )?SEARCH ", re.IGNORECASE)
_HEADER_LITERAL = re.compile(rb"(BODY\[HEADER\.FIELDS \([^)]*\)\]) \{(\d+)\}\r\n")
_CHARSET_SEARCH = re.compile(rb"^(\S+) (?:UID )?SEARCH CHARSET ", re.IGNORECASE)


@dataclass
class ImapProxy:
    """A running proxy; ``port`` is where clients connect."""

    upstream_port: int
    respell_fetch: bool = False
    end_idle_after: float | None = None
    end_idle: str = "bye"
    refuse_charset: bool = False
    blank_headers: bool = False
    refuse_search_of: bytes | None = None
    port: int = 0
    idle_ends: int = 0
    idle_started: list[float] = field(default_factory=list)
    idle_ended: list[float] = field(default_factory=list)
    respelled: int = 0
    refused: int = 0
    connections: int = 0
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _server: asyncio.AbstractServer | None = field(default=None, repr=False)
    _writers: set[asyncio.StreamWriter] = field(default_factory=set, repr=False)

    def start(self) -> ImapProxy:
        self.port = free_port()
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._serve, "127.0.0.1", self.port)
            )
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="imap-proxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the IMAP proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        loop = self._loop

        async def shut() -> None:
            if self._server is not None:
                self._server.close()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            for writer in list(self._writers):
                await _close(writer)
            if self._server is not None:
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(shut(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        loop.close()
        self._loop = None

    # -- one client ----------------------------------------------------------------------

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(client_w)
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except BaseException:
            await _close(client_w)
            raise
        self._writers.add(server_w)
        state = _Session()
        tasks = [
            asyncio.ensure_future(self._from_client(client_r, server_w, client_w, state)),
            asyncio.ensure_future(self._from_server(server_r, client_w, state)),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if state.ender is not None:
                state.ender.cancel()
                await asyncio.gather(state.ender, return_exceptions=True)
            for writer in (client_w, server_w):
                await _close(writer)
                self._writers.discard(writer)

    async def _from_client(
        self,
        reader: asyncio.StreamReader,
        server: asyncio.StreamWriter,
        client: asyncio.StreamWriter,
        state: _Session,
    ) -> None:
        while True:
            line = await reader.readline()
            if not line:
                return
            if self.refuse_charset and (m := _CHARSET_SEARCH.match(line)):
                self.refused += 1
                client.write(m[1] + b" NO [BADCHARSET (US-ASCII)] Charset not supported\r\n")
                await client.drain()
                continue
            search = _SEARCH.match(line)
            if search and self.refuse_search_of and self.refuse_search_of in line:
                self.refused += 1
                client.write(search[1] + b" BAD Error in IMAP command SEARCH: Invalid address\r\n")
                await client.drain()
                continue
            idle = _TAGGED_IDLE.match(line)
            if idle:
                self.idle_started.append(time.monotonic())
            if idle and self.end_idle_after is not None:
                state.idle_tag = idle[1]
                state.ender = asyncio.ensure_future(self._end_idle(server, client, state))
            elif line.strip().upper() == b"DONE" and state.ender is not None:
                state.ender.cancel()
                state.ender = None
                if state.idle_ended:
                    # The client answers an IDLE the server already finished: as a real
                    # server would, say it is not a command.
                    state.idle_ended = False
                    client.write(b"* BAD Unknown command DONE\r\n")
                    await client.drain()
                    continue
            server.write(line)
            literal = _LITERAL.search(line)
            if literal is not None:  # sent once the server said "+": pass it through
                server.write(await reader.readexactly(int(literal[1])))
            await server.drain()

    async def _end_idle(
        self, server: asyncio.StreamWriter, client: asyncio.StreamWriter, state: _Session
    ) -> None:
        assert self.end_idle_after is not None
        await asyncio.sleep(self.end_idle_after)
        self.idle_ends += 1
        self.idle_ended.append(time.monotonic())
        if self.end_idle == "bye":
            client.write(b"* BYE Server shutting down idle connection.\r\n")
            await client.drain()
            client.close()
            server.close()
        else:
            state.idle_ended = True
            server.write(b"DONE\r\n")
            await server.drain()

    async def _from_server(
        self, reader: asyncio.StreamReader, client: asyncio.StreamWriter, state: _Session
    ) -> None:
        while True:
            item = await _read_item(reader)
            if not item:
                return
            if self.blank_headers and b" FETCH " in item[:40]:
                item = _blank(item)
            if self.respell_fetch and b" FETCH " in item[:40]:
                item, count = _HEADER_KEY.subn(_quote_fields, item)
                self.respelled += count
            client.write(item)
            await client.drain()


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close one side of a proxied connection and wait for its transport to go, so that no
    stream outlives the proxy's loop."""
    writer.close()
    with contextlib.suppress(OSError, asyncio.CancelledError):
        await writer.wait_closed()


@dataclass
class _Session:
    idle_tag: bytes | None = None
    ender: asyncio.Future[None] | None = None
    idle_ended: bool = False


async def _read_item(reader: asyncio.StreamReader) -> bytes:
    """One line with every literal it announces (``{n}``) and the rest of the line after
    each, as one piece; empty at the end of the stream."""
    out = b""
    while True:
        line = await reader.readline()
        if not line:
            return out
        out += line
        literal = _LITERAL.search(line)
        if literal is None:
            return out
        out += await reader.readexactly(int(literal[1]))


def _blank(item: bytes) -> bytes:
    """``item`` with each header literal replaced by an empty string."""
    while (m := _HEADER_LITERAL.search(item)) is not None:
        item = item[: m.start()] + m[1] + b' ""' + item[m.end() + int(m[2]) :]
    return item


def _quote_fields(match: re.Match[bytes]) -> bytes:
    names = match[1].split()
    return b"BODY[HEADER.FIELDS (" + b" ".join(b'"' + n + b'"' for n in names) + b")]"
