"""Issue 22: a few hundred sockets from one host exhausted the file descriptors. Past
max_connections_per_client (40 on this server) a connection is closed as it opens, so the
server's open files stay bounded; when they go, other visitors are answered."""

from __future__ import annotations

import os
import time

import pytest

from .rawhttp import connect, get

pytestmark = pytest.mark.timeout(60)


def _open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_three_hundred_sockets_from_one_host_do_not_exhaust_descriptors(limited):
    before = _open_files(limited.process.pid)
    sockets = [connect(limited.port) for _ in range(300)]
    try:
        closed = 0
        for sock in sockets:
            sock.settimeout(0.5)
            try:
                if sock.recv(1) == b"":
                    closed += 1
            except (ConnectionResetError, BrokenPipeError):
                closed += 1
            except TimeoutError:
                pass
        assert closed >= 300 - 40, "connections past the cap are closed as they open"
        assert _open_files(limited.process.pid) <= before + 40 + 5
    finally:
        for sock in sockets:
            sock.close()
    # Once they are gone (the server sees them close), a visitor is answered.
    for _attempt in range(100):
        if get(limited.port).status == 200:
            break
        time.sleep(0.1)  # the server has not yet seen every socket close
    else:
        pytest.fail("no visitor answered after the sockets closed")
