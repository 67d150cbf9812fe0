"""An HTTP server that reads each request whole and answers it one byte at a time: each byte
comes soon enough that no per-read timeout ever trips, and the answer as a whole takes
minutes (a server overloaded or hostile, which Radicale cannot play).

It runs an asyncio loop in a thread of the test's process, on a loopback port the system
hands out. :attr:`DrippingHttp.open_connections` counts the connections the client has not
closed yet, as the server sees them (a client that cut a connection is seen when the next
byte written to it fails).
"""

from __future__ import annotations

import asyncio
import ssl
import threading

#: What each answer starts with; the body it announces is never sent in full.
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    + b"{" * 100000
)


class DrippingHttp:
    """Answers every request with :data:`ANSWER`, one byte every ``drip`` seconds (over TLS
    when given the server's ``tls`` context)."""

    def __init__(self, drip: float = 0.25, tls: ssl.SSLContext | None = None) -> None:
        self.drip = drip
        self.tls = tls
        self.requests = 0
        self.open_connections = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="dripping-http", daemon=True)
        self._thread.start()
        assert self._ready.wait(10), "the dripping server did not start"

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``."""
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._answer, "127.0.0.1", 0, ssl=self.tls)
        )
        self.port: int = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            # A connection accepted as the loop stopped starts its answer first; then each
            # answer ends, and the loop turns a little for the aborted transports to close
            # their sockets.
            self._loop.run_until_complete(asyncio.sleep(0.1))
            while answering := asyncio.all_tasks(self._loop):
                for task in answering:
                    task.cancel()
                self._loop.run_until_complete(asyncio.gather(*answering, return_exceptions=True))
            self._loop.run_until_complete(asyncio.sleep(0.1))
            self._loop.close()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open_connections += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            self.requests += 1
            for byte in ANSWER:
                writer.write(bytes([byte]))
                await writer.drain()
                if reader.at_eof():
                    break
                await asyncio.sleep(self.drip)
        except (
            ConnectionError,
            ssl.SSLError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ):
            pass
        except asyncio.CancelledError:  # the server closing: the answer ends here
            pass
        finally:
            writer.transport.abort()  # at once: no TLS goodbye to wait for
            self.open_connections -= 1
