"""Requests answered at once are capped (max_concurrency): past the cap a request gets one line of
503 with Retry-After at once, instead of every request in a burst holding memory; those being
answered finish. A real uvicorn server with the front of `serve` (web/front.py) and the guard,
around an app that holds its requests until the test lets them go."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from krakow_clusters.web.front import uvicorn_config
from krakow_clusters.web.guard import Guard, Limits

from ..servers import free_port
from .rawhttp import connect, get, read_outcome

pytestmark = pytest.mark.timeout(60)

CAP = 2


class Held:
    """An ASGI app whose /held requests wait until `release` is set; / answers at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.waiting = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/held":
            self.waiting += 1
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done\n"})


@pytest.fixture
def capped() -> Iterator[tuple[int, Held]]:
    held = Held()
    limits = Limits(max_concurrency=CAP)
    config = uvicorn_config(Guard(held, limits), limits, "warning")
    config.port = free_port()
    config.host = "127.0.0.1"
    config.lifespan = "off"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _attempt in range(200):
        if server.started:
            break
        time.sleep(0.05)  # not listening yet
    try:
        yield config.port, held
    finally:
        held.release.set()
        server.should_exit = True
        thread.join(timeout=10)


def test_past_the_cap_a_request_gets_503_with_retry_after(capped):
    port, held = capped
    sockets = [connect(port) for _ in range(CAP)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /held HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        for _attempt in range(200):
            if held.waiting == CAP:
                break
            time.sleep(0.05)  # the held requests have not reached the app yet
        assert held.waiting == CAP
        refused = get(port, "/")
        assert refused.status == 503
        assert refused.body == b"server busy: 2 requests are being answered; try again shortly\n"
        held.release.set()
        for sock in sockets:
            outcome = read_outcome(sock)
            assert outcome.status == 200
    finally:
        for sock in sockets:
            sock.close()
    assert get(port, "/").status == 200
