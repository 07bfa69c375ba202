"""`krakow-clusters serve`: load the dataset (or connect to a SPARQL endpoint), build the app and
run it under uvicorn until interrupted."""

from __future__ import annotations

import dataclasses
import re
import resource
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..errors import CouldNotRun
from ..files import check_output_folder
from ..project import Project
from ..rdf.sparqltext import is_absolute_iri
from ..store import open_store
from .app import create_app
from .front import AccessLog, uvicorn_config
from .guard import Limits
from .state import ServeOptions

# A host name as an operator lists it for --allowed-host: DNS labels, or an IPv4 address.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*", re.I)


# Open files the server needs besides its connections: the query workers' pipes, the store,
# dist/'s files being sent, the templates, logs.
_OTHER_FILES = 256


def open_files_for(limits: Limits) -> Limits:
    """`limits`, once the process may open enough files for max-connections: the soft limit
    (ulimit -n) is raised towards the hard one; where that is not enough, max-connections is
    lowered to what fits (said in one line), so that connections past the cap are closed by the
    front rather than refused by the system."""
    need = limits.max_connections + _OTHER_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        wanted = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < need:
        fits = max(1, soft - _OTHER_FILES)
        print(
            f"note: max-connections lowered from {limits.max_connections} to {fits}: the "
            f"process may open {soft} files (ulimit -n)",
            flush=True,
        )
        return dataclasses.replace(limits, max_connections=fits)
    return limits


def open_access_log(target: str | None) -> TextIO | None:
    """Where the access log goes: "-" for standard error, a file's path (appended to, a line at
    a time, so that log rotation by copy-and-truncate or a reader with tail -f sees whole lines),
    or None for no log. A file that cannot be opened is one line before the server starts."""
    if target is None:
        return None
    if target == "-":
        return sys.stderr
    check_output_folder(Path(target))
    try:
        # Kept open while the server runs: one line a request, appended.
        return open(target, "a", encoding="utf-8", buffering=1)
    except OSError as exc:
        raise CouldNotRun(f"--access-log {target}: cannot write: {exc.strerror or exc}") from None


def serve(
    project: Project,
    host: str = "127.0.0.1",
    port: int = 8000,
    sparql_endpoint: str | None = None,
    dist: Path | None = None,
    query_timeout: float = 10.0,
    result_limit: int = 10000,
    query_workers: int = 2,
    log_level: str = "info",
    queue_wait: float = 2.0,
    allowed_services: Sequence[str] = (),
    limits: Limits | None = None,
    allowed_hosts: Sequence[str] = (),
    public_url: str | None = None,
    cache_seconds: float = 60.0,
    access_log: str | None = "-",
) -> None:
    """Load the dataset (or connect to `sparql_endpoint`) and serve until interrupted; visitors'
    queries may ask (SERVICE) only the endpoints of `allowed_services`. `limits` bound what a
    client may send and how long it may take (guard.Limits); with `allowed_hosts`, a request
    for any other Host gets 400; absolute URLs in answers start with `public_url` (default: the
    address listened on), never with the Host a client sends. Pages made from a remote store are
    given again for `cache_seconds` (ServeOptions). `access_log` is where a line a request goes:
    "-" standard error, a file's path, None none (front.AccessLog)."""
    import uvicorn

    from ..httpclient import check_url, redact_url

    dist = Path(dist) if dist is not None else project.root / "dist"
    limits = open_files_for(limits or Limits())
    shown = f"[{host}]" if ":" in host else host
    if public_url is None:
        public_url = f"http://{shown}:{port}/"
    check_url(public_url, "--public-url")
    if not is_absolute_iri(public_url):
        raise CouldNotRun(f"--public-url {public_url!r}: not an http(s) URL")
    for name in allowed_hosts:
        if not _HOST.fullmatch(name):
            raise CouldNotRun(f"--allowed-host {name!r}: not a host name (such as example.org)")
    for url in allowed_services:
        check_url(url, "--allow-service")  # a malformed URL (http://[::1/s) passed the IRI check
        if not is_absolute_iri(url):
            raise CouldNotRun(f"--allow-service {url!r}: not an http(s) URL")
    log_stream = open_access_log(access_log)
    store = open_store(project, sparql_endpoint, timeout=query_timeout)
    store.query("ASK {}")  # fail now, with one line, when the store cannot be reached
    options = ServeOptions(
        project=project,
        store=store,
        dist=dist,
        query_timeout=query_timeout,
        result_limit=result_limit,
        query_workers=query_workers,
        # Shown on every page: never with the credentials that may be written in it.
        endpoint=redact_url(sparql_endpoint) if sparql_endpoint else None,
        allowed_services=tuple(allowed_services),
        queue_wait=queue_wait,
        limits=limits,
        allowed_hosts=tuple(h.lower() for h in allowed_hosts),
        public_url=public_url.rstrip("/"),
        cache_seconds=cache_seconds,
    )
    app = create_app(options)
    # uvicorn reports a port in use by logging and exiting with code 3: bind the socket here, so
    # that it is one line and exit code 2 like every other failure to start, and hand it over.
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise CouldNotRun(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    log = AccessLog(log_stream) if log_stream is not None else None
    config = uvicorn_config(app, limits, log_level, log)
    print(f"Serving the knowledge graph on http://{shown}:{port}/ (Ctrl-C stops)", flush=True)
    uvicorn.Server(config).run(sockets=[sock])
