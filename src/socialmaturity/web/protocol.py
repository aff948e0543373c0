"""The HTTP protocol ``socialmaturity serve`` runs: uvicorn's httptools protocol with two
limits it lacks (measured on uvicorn 0.54: a 32 MB header was read whole and answered, and a
connection that never finished its headers stayed open):

- the request head (request line and headers) is at most ``max-header-kb`` (16 kB): a longer
  one is answered 431 and the connection closed, counted as the bytes arrive, before the
  parser buffers them;
- a request's head must arrive within ``header-timeout`` seconds (10) of the connection or of
  its first byte, else the connection is closed (slow-loris).

Idle keep-alive connections close after uvicorn's ``timeout_keep_alive`` (5 s). Bodies are
limited in the app (``security.MAX_BODY``).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..core.settings import current

_431 = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; "
        b"charset=utf-8\r\ncontent-length: 30\r\nconnection: close\r\n\r\n"
        b"Request headers are too large.")


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head and a head timeout."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        settings = current()  # in a worker of ``serve``: the settings it was handed
        self.max_head = settings.max_header_kb * 1024
        self.head_timeout = float(settings.header_timeout)
        self._in_head = True
        self._head_bytes = 0
        self._refused = False
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            end = data.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else end
            if self._head_bytes > self.max_head:
                self._refused = True
                self._disarm()
                self.transport.write(_431)
                self.transport.close()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_head:
            self._in_head, self._head_bytes = True, 0
            self._arm()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        self._disarm()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if not self._refused:
            super().send_400_response(msg)

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self.transport.close()
