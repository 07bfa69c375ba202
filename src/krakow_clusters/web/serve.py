"""`krakow-clusters serve`: load the dataset (or connect to a SPARQL endpoint), build the app and
run it under uvicorn until interrupted."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from pathlib import Path

from ..errors import CouldNotRun
from ..project import Project
from ..rdf.sparqltext import is_absolute_iri
from ..store import open_store
from .app import create_app
from .state import Settings


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
) -> None:
    """Load the dataset (or connect to `sparql_endpoint`) and serve until interrupted; visitors'
    queries may ask (SERVICE) only the endpoints of `allowed_services`."""
    import uvicorn

    from ..httpclient import check_url, redact_url

    dist = Path(dist) if dist is not None else project.root / "dist"
    for url in allowed_services:
        check_url(url, "--allow-service")  # a malformed URL (http://[::1/s) passed the IRI check
        if not is_absolute_iri(url):
            raise CouldNotRun(f"--allow-service {url!r}: not an http(s) URL")
    store = open_store(project, sparql_endpoint, timeout=query_timeout)
    store.query("ASK {}")  # fail now, with one line, when the store cannot be reached
    settings = Settings(
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
    )
    app = create_app(settings)
    # uvicorn reports a port in use by logging and exiting with code 3: bind the socket here, so
    # that it is one line and exit code 2 like every other failure to start, and hand it over.
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise CouldNotRun(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    config = uvicorn.Config(app, log_level=log_level, access_log=False)
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving the knowledge graph on http://{shown}:{port}/ (Ctrl-C stops)", flush=True)
    uvicorn.Server(config).run(sockets=[sock])
