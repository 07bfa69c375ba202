"""The store: the one place that owns the engine behind the graph.

Every command reaches the graph through a `GraphStore`, so the engine is chosen here and nowhere
else: `EmbeddedStore` (Oxigraph in process) or `RemoteStore` (any SPARQL 1.1 endpoint, through
SPARQLWrapper). Both answer `query()` with a `QueryResult` of rdflib terms.

- `terms`: Oxigraph terms to rdflib terms and back;
- `results`: `QueryResult`, the `GraphStore` protocol and the errors of a query;
- `embedded`: the embedded store, SHACL over it, SPARQL syntax checks;
- `remote`: a remote endpoint;
- `pool`: worker processes that run queries on the embedded store under a time limit;
- `gsp`: the Graph Store Protocol client that `publish` uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..project import Project
    from .results import GraphStore

# The SHACL engines the embedded store can run (EmbeddedStore.validate_shacl): `auto` takes turbo
# when pyshacl-turbo is installed. Here, with no engine imported, so that the CLI can offer them.
SHACL_ENGINES = ("auto", "pyshacl", "turbo")


def open_store(project: Project, endpoint: str | None = None, timeout: float = 30.0) -> GraphStore:
    """The embedded store holding the project's dataset, or a remote endpoint.

    `timeout` limits the wait for a remote endpoint, or for a SERVICE call of the embedded store.
    """
    # Imported here: the package's modules import store.terms and store.results, which must not
    # pull in both engines.
    from .embedded import EmbeddedStore
    from .remote import RemoteStore

    if endpoint:
        return RemoteStore(endpoint, timeout=timeout)
    store = EmbeddedStore.from_files(project.dataset_files())
    store.service_timeout = timeout
    return store
