"""The store: the one door to the engine behind the graph.

Every command reaches the graph through `open_store` (any engine, as a `GraphStore`) or
`open_embedded` (the in-process engine, for the steps that need its own powers: SHACL, dumps,
the release), so the engine, its files, its credentials and its time limit are chosen here and
nowhere else: `EmbeddedStore` (Oxigraph in process) or `RemoteStore` (any SPARQL 1.1 endpoint,
through SPARQLWrapper). Both answer `query()` with a `QueryResult` of rdflib terms, and say what
differs between them as capabilities (`can_cache`, `source_files`), never as their kind.

- `engines`: the names of the engines a user can choose;
- `embedded`: the embedded store, SHACL over it, SPARQL syntax checks;
- `remote`: a remote endpoint;
- `pool`: worker processes that run queries on the embedded store under a time limit;
- `gsp`: the Graph Store Protocol client that `publish` uses.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..httpclient import split_credentials
from .engines import SHACL_ENGINES

if TYPE_CHECKING:
    from ..project import Project
    from ..rdf.results import GraphStore
    from .embedded import EmbeddedStore

__all__ = ["PASSWORD_VARIABLE", "SHACL_ENGINES", "USER_VARIABLE", "credentials", "open_store"]

# Where credentials for a store come from when its URL carries none (never from an option, so
# that they stay out of the shell's history and the process list).
USER_VARIABLE = "KRAKOW_CLUSTERS_USER"
PASSWORD_VARIABLE = "KRAKOW_CLUSTERS_PASSWORD"


def credentials(url: str, what: str = "URL") -> tuple[str, str | None, str | None]:
    """(the URL without credentials, user, password): those written in the URL
    (http://user:pass@host/…), else those of the environment ($KRAKOW_CLUSTERS_USER and
    $KRAKOW_CLUSTERS_PASSWORD), else none."""
    url, user, password = split_credentials(url, what)
    if user:
        return url, user, password
    return url, os.environ.get(USER_VARIABLE) or None, os.environ.get(PASSWORD_VARIABLE)


def open_store(
    project: Project,
    endpoint: str | None = None,
    *,
    timeout: float = 30.0,
    user: str | None = None,
    password: str | None = None,
) -> GraphStore:
    """The embedded store holding the project's dataset, or the SPARQL 1.1 endpoint `endpoint`
    (with `user` and `password`, or the credentials of `credentials`).

    `timeout` limits the wait for a remote endpoint, or for a SERVICE call of the embedded store.
    """
    if endpoint:
        # Imported here, not at the top: a command that names an endpoint never loads Oxigraph,
        # and one that does not never loads SPARQLWrapper (start-up time).
        from .remote import RemoteStore

        url, found_user, found_password = credentials(endpoint, "endpoint")
        if user is None:
            user, password = found_user, found_password
        return RemoteStore(url, timeout=timeout, user=user, password=password)
    return open_embedded(project.dataset_files(), timeout=timeout)


def open_embedded(files: Iterable[Path], *, timeout: float = 60.0) -> EmbeddedStore:
    """The embedded store holding the RDF files `files` (each in the named graph of its name):
    for the steps that need the engine's own powers (SHACL, dumps, the release) or a worker
    process's own copy of the dataset."""
    from .embedded import EmbeddedStore

    store = EmbeddedStore.from_files(files)
    store.service_timeout = timeout
    return store
