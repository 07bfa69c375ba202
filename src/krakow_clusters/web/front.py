"""The HTTP front of `serve`: uvicorn's h11 protocol held to the limits of `guard.Limits` before
the app sees a request, so that no client holds the server's memory, a file descriptor or a
socket for longer than a limit, however it writes its request.

- The head (request line and header fields) is read up to `max_head` bytes (h11's own
  max_incomplete_event_size): a longer one gets 431 as soon as that much has arrived, not after
  a 20 MB Accept header has been read whole. Past `max_headers` fields or a field over
  `max_header_field` bytes: 431; a request line over `max_request_line`: 414.
- Timeouts: the head must arrive within `header_timeout` of the connection's opening (or of the
  first byte of the next request on a kept-alive connection), whatever it trickles in meanwhile;
  the body within `body_timeout` of the head; an idle kept-alive connection is closed after
  `keep_alive_timeout` (uvicorn's own option). A late head or body gets 408 and the connection
  is closed.
- A refused request's answer is sent, and what the client still sends read and dropped for at
  most `linger_timeout` before the connection is closed, so that it reads the answer rather than
  a reset.
- Connections past `max_connections`, or past `max_connections_per_client` from one address, are
  closed as they open.

Every refusal is one line of text, like the guard's. httptools (uvicorn's default parser when
installed) has no limit on a head's size, which is why the front is h11's.

The front also writes the access log (`AccessLog`): one line a request, refusals included, when
its answer has been sent (or its connection lost before), with the path but never the query
string or the body.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import Counter
from typing import Any, TextIO

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol

from .guard import Limits

_REASONS = {
    400: b"Bad Request",
    408: b"Request Timeout",
    414: b"URI Too Long",
    431: b"Request Header Fields Too Large",
}


# The longest path an access log line shows; past it, "…".
_SHOWN_PATH = 2048


class AccessLog:
    """One line a request, like a web server's access log:

        2026-12-06T08:40:01Z 127.0.0.1:50312 "GET /id/cluster/bim HTTP/1.1" 200 10251 0.004

    the time the answer ended (UTC), the client's address and port, the method, the path (no
    query string: it can hold 32 KiB of a visitor's SPARQL), the HTTP version, the status, the
    bytes of the answer's body and the seconds from the request's first byte to its answer's
    last. A request refused before its head could be read shows "-" for method and path; one
    whose connection was lost before the answer ended shows the status sent so far, or "-".
    Bytes outside printable ASCII, and the double quote, are written %XX, so a line is one line
    whatever a client sends. A line that cannot be written (a full disk) is dropped: the log
    never stops the server."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(
        self,
        client: tuple[str, int] | None,
        request: tuple[bytes, bytes, bytes] | None,
        status: int | None,
        size: int,
        seconds: float,
    ) -> None:
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        who = f"{client[0]}:{client[1]}" if client else "-"
        if request is None:
            asked = "-"
        else:
            method, target, version = request
            asked = f"{_printable(method)} {_shown_path(target)} HTTP/{_printable(version)}"
        shown = "-" if status is None else str(status)
        line = f'{when} {who} "{asked}" {shown} {size} {seconds:.3f}\n'
        try:
            self.stream.write(line)
            self.stream.flush()
        except (OSError, ValueError):
            pass


def _printable(raw: bytes) -> str:
    return "".join(chr(b) if 0x21 <= b <= 0x7E and b != 0x22 else f"%{b:02X}" for b in raw)


def _shown_path(target: bytes) -> str:
    path = target.split(b"?", 1)[0]
    if len(path) > _SHOWN_PATH:
        return _printable(path[:_SHOWN_PATH]) + "…"
    return _printable(path)


class _Refused(h11.RemoteProtocolError):
    """A request that h11 read but the limits refuse: (status, one line)."""

    def __init__(self, status: int, line: str) -> None:
        super().__init__(line, error_status_hint=status)
        self.line = line


class _Connection(h11.Connection):
    """h11's server connection that tells the protocol of each event it reads, and keeps why
    it refused a request (uvicorn answers every refusal with the same words)."""

    def __init__(self, protocol: LimitedH11Protocol) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=protocol.limits.max_head)
        self.protocol = protocol
        self.refused: tuple[int, str] | None = None

    def next_event(self) -> Any:
        try:
            event = super().next_event()
            self.protocol.read(event)
        except _Refused as exc:
            self.refused = (exc.error_status_hint, exc.line)
            raise
        except h11.RemoteProtocolError as exc:
            if exc.error_status_hint == 431:
                line = f"the request's head is longer than {self.protocol.limits.max_head} bytes"
                self.refused = (431, line)
            else:
                self.refused = (400, f"the request is not well-formed HTTP/1.1 ({exc})")
            raise
        return event

    def send(self, event: Any) -> bytes | None:
        data = super().send(event)
        self.protocol.sent(event)
        return data


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the limits of the module (see `uvicorn_config`)."""

    def __init__(
        self,
        *args: Any,
        limits: Limits,
        clients: Counter[str],
        access_log: AccessLog | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.clients = clients  # open connections by client address, one count per server
        self.access_log = access_log
        self.conn = _Connection(self)
        self._deadline: asyncio.TimerHandle | None = None
        self._counted: str | None = None
        self._discarding = False
        # The request being answered, for the access log: when its first byte came, its
        # request line, the status sent and the bytes of body sent.
        self._began: float | None = None
        self._request: tuple[bytes, bytes, bytes] | None = None
        self._status: int | None = None
        self._sent = 0

    # -- connections

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else ""
        self.clients[address] += 1
        self._counted = address
        cap = self.limits.max_connections_per_client
        if len(self.connections) > self.limits.max_connections or (
            cap and self.clients[address] > cap
        ):
            # No answer: reading the request to answer it would cost what the cap saves.
            self.transport.abort()
            return
        self._arm("head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._request is not None or self._status is not None:
            self._logged()  # a request whose answer never ended
        if self._counted is not None:
            self.clients[self._counted] -= 1
            if self.clients[self._counted] <= 0:
                del self.clients[self._counted]
            self._counted = None
        super().connection_lost(exc)

    # -- reading

    def data_received(self, data: bytes) -> None:
        if self._discarding:
            return
        # The first byte of a request on a kept-alive connection starts its head's clock; more
        # bytes never restart it, so a trickled head is closed on time.
        if self._deadline is None and self.conn.their_state is h11.IDLE:
            self._arm("head")
        if self._began is None:
            self._began = self.loop.time()
        super().data_received(data)

    def read(self, event: Any) -> None:
        """Called by the connection for each event it reads: the limits of a head, the clocks."""
        if isinstance(event, h11.Request):
            self._disarm()
            if self._began is None:  # a pipelined request, read from h11's buffer
                self._began = self.loop.time()
            self._request = (event.method, event.target, event.http_version)
            self._check(event)
            if self.conn.their_state is h11.SEND_BODY:
                self._arm("body")
        elif isinstance(event, h11.EndOfMessage):
            self._disarm()

    def sent(self, event: Any) -> None:
        """Called by the connection for each event it sends: the access log's counts."""
        if isinstance(event, h11.Response):
            self._status = event.status_code
        elif isinstance(event, h11.Data):
            self._sent += len(event.data)
        elif isinstance(event, h11.EndOfMessage):
            self._logged()

    def _logged(self) -> None:
        """Write the access log's line of the request just answered, and start afresh."""
        if self.access_log is not None:
            began = self._began if self._began is not None else self.loop.time()
            seconds = max(0.0, self.loop.time() - began)
            self.access_log.write(self.client, self._request, self._status, self._sent, seconds)
        self._began, self._request, self._status, self._sent = None, None, None, 0

    def _check(self, request: h11.Request) -> None:
        limits = self.limits
        line = len(request.method) + len(request.target) + len(b"  HTTP/1.1")
        if line > limits.max_request_line:
            raise _Refused(414, f"the request line is longer than {limits.max_request_line} bytes")
        if len(request.headers) > limits.max_headers:
            raise _Refused(431, f"the request has more than {limits.max_headers} header fields")
        for name, value in request.headers:
            if len(name) + len(value) + 2 > limits.max_header_field:
                shown = name.decode("ascii", "replace")[:40]
                line = f"the header field {shown} is longer than {limits.max_header_field} bytes"
                raise _Refused(431, line)

    # -- refusing

    def send_400_response(self, msg: str) -> None:
        status, line = self.conn.refused or (400, "the request is not well-formed HTTP/1.1")
        self.conn.refused = None
        self._refuse(status, line)

    def _refuse(self, status: int, line: str) -> None:
        body = (line + "\n").encode("utf-8")
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        try:
            for event in (
                h11.Response(status_code=status, headers=headers, reason=_REASONS[status]),
                h11.Data(data=body),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event) or b"")
        except h11.LocalProtocolError:
            self.transport.close()  # an answer was already under way: closing is all that is left
            return
        if not self.transport.can_write_eof():
            self.transport.close()
            return
        # Closed at once, a socket with unread bytes (the rest of a 20 MB header) is reset, and
        # the client would never read its answer: the answer is sent and the rest of what it
        # sends read and dropped, for at most linger_timeout.
        self.transport.write_eof()
        self._discarding = True
        self.transport.resume_reading()
        self._disarm()
        self._deadline = self.loop.call_later(self.limits.linger_timeout, self.transport.abort)

    # -- clocks

    def _arm(self, part: str) -> None:
        self._disarm()
        seconds = self.limits.header_timeout if part == "head" else self.limits.body_timeout
        self._deadline = self.loop.call_later(seconds, self._late, part, seconds)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _late(self, part: str, seconds: float) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # The app may be waiting for the body: it is told the client has gone, and
            # nothing it sends after this is written.
            started = cycle.response_started
            cycle.disconnected = True
            cycle.message_event.set()
            if started:
                self.transport.close()
                return
        what = "head" if part == "head" else "body"
        self._refuse(408, f"the request's {what} did not arrive within {seconds:g} s")


def uvicorn_config(
    app: Any, limits: Limits, log_level: str, access_log: AccessLog | None = None
) -> Config:
    """uvicorn's Config for `app` with the front's protocol, limits and access log (uvicorn's
    own is off: it has neither the bytes nor the time, and logs the query string)."""
    return Config(
        app,
        log_level=log_level,
        access_log=False,
        http=functools.partial(  # type: ignore[arg-type]
            LimitedH11Protocol, limits=limits, clients=Counter(), access_log=access_log
        ),
        h11_max_incomplete_event_size=limits.max_head,
        # uvicorn's own keep-alive clock (an int in its signature; any number works).
        timeout_keep_alive=limits.keep_alive_timeout,  # type: ignore[arg-type]
        # The accept queue of connections not yet taken: a burst beyond it is refused by the
        # system rather than queued without end.
        backlog=min(2048, limits.max_connections),
    )
