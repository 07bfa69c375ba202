"""The commands that serve the graph to others: serve, reconcile, publish."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import CouldNotRun
from ..project import find_project
from .base import cli


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--sparql-endpoint",
    metavar="URL",
    help="Answer every page and query from this SPARQL 1.1 query endpoint instead of loading "
    "the dataset in process. Parameters in the URL (e.g. ?default-graph-uri=IRI) are kept.",
)
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=None,
    help="Built output to serve under /dist/ and /dataset (default: dist/ of the checkout).",
)
@click.option(
    "--query-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Seconds a /sparql query may run before it is stopped (503).",
)
@click.option(
    "--result-limit",
    default=10000,
    show_default=True,
    type=click.IntRange(1),
    help="Most rows (or triples) a /sparql answer may have; more is refused (400).",
)
@click.option(
    "--query-workers",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="Processes that run /sparql queries on the embedded store (threads on a remote one).",
)
@click.option(
    "--queue-wait",
    default=2.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds a /sparql query waits for a free worker before it gets 503 with Retry-After.",
)
@click.option(
    "--allow-service",
    "allow_service",
    multiple=True,
    metavar="URL",
    help="A SPARQL endpoint that visitors' queries may ask with SERVICE (repeatable); without "
    "it, federation is refused (400).",
)
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set one of the limits on what a client may send and how long it may take "
    "(repeatable), e.g. --limit header-timeout=5; the names and defaults are in docs/serve.md's "
    "'Running it in public'.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="HOST",
    help="A host name the server answers for (repeatable); a request for another Host gets "
    "400. Without it, any Host is answered.",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="Where the server is published (https://…/): the start of absolute URLs in answers "
    "(the reconciliation manifest). Default: the address listened on.",
)
@click.option(
    "--cache-seconds",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0),
    help="With --sparql-endpoint: how long a page made from the store is given again before it "
    "is made anew, so a change in the store shows within this time; 0 caches nothing. (The "
    "embedded store's pages are kept while serving: its data cannot change.)",
)
@click.option(
    "--access-log",
    metavar="FILE|-",
    default="-",
    show_default=True,
    help="Where to write the access log, a line a request (client, method, path without the "
    "query string, status, bytes, seconds): - for standard error, or a file appended to.",
)
@click.option("--no-access-log", is_flag=True, help="Write no access log.")
def serve(
    host: str,
    port: int,
    sparql_endpoint: str | None,
    dist: Path | None,
    query_timeout: float,
    result_limit: int,
    query_workers: int,
    queue_wait: float,
    allow_service: tuple[str, ...],
    limits: tuple[str, ...],
    allowed_hosts: tuple[str, ...],
    public_url: str | None,
    cache_seconds: float,
    access_log: str,
    no_access_log: bool,
) -> None:
    """Serve the linked data over HTTP: IRIs, SPARQL, saved queries and downloads.

    Every IRI under the base IRI of settings.toml dereferences at the same path here
    (/id/cluster/bim, /ontology) as HTML, Turtle, JSON-LD, N-Triples or RDF/XML by Accept,
    ?format= or extension; /sparql is a read-only SPARQL 1.1 endpoint; /queries/ runs the
    query library; /dataset and /dist/ serve what `build` wrote.

    Example: krakow-clusters serve --port 8000
    """
    from ..web.guard import parse_limits
    from ..web.serve import serve as run_server

    try:
        chosen = parse_limits(limits)
    except ValueError as exc:
        raise CouldNotRun(str(exc)) from None
    run_server(
        find_project(),
        host=host,
        port=port,
        sparql_endpoint=sparql_endpoint,
        dist=dist,
        query_timeout=query_timeout,
        result_limit=result_limit,
        query_workers=query_workers,
        queue_wait=queue_wait,
        allowed_services=allow_service,
        limits=chosen,
        allowed_hosts=allowed_hosts,
        public_url=public_url,
        cache_seconds=cache_seconds,
        access_log=None if no_access_log else access_log,
    )


@cli.command()
@click.argument("csv_file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--column", required=True, help="The column holding the names to match.")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(["cluster", "organization", "sector", "place"]),
    help="Match only resources of this type (repeatable) [default: any].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="csv: the file with five columns added; json: every row with its candidates.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here (atomically) instead of to standard output.",
)
def reconcile(csv_file: Path, column: str, types: tuple[str, ...], fmt: str, out: Path | None):
    """Match a column of names in a CSV file against the clusters, organisations and places.

    Writes the file back with the best candidate of each row: reconciled_iri, reconciled_label,
    reconciled_score (0-100), reconciled_match (true only for an unambiguous exact name) and qid
    (its Wikidata item, when linked). Names are compared with case, diacritics and word order
    folded, in every language of the names. The same matching answers serve's /reconcile
    (OpenRefine).

    Example: krakow-clusters reconcile names.csv --column name --type cluster
    """
    from ..files import check_output_folder, write_atomic
    from ..reconcile.csv import reconcile_table
    from ..reconcile.service import Reconciler
    from ..store import open_store

    if out is not None:
        check_output_folder(out)  # before the work, and write_atomic would make the folder
    project = find_project()
    reconciler = Reconciler.from_store(open_store(project), project.settings)
    text = reconcile_table(reconciler, csv_file, column, types, fmt)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)


@cli.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint of the store (Oxigraph: http://HOST:7878/store).",
)
@click.option(
    "--graph",
    "graph_iri",
    default=None,
    metavar="IRI",
    help="Named graph to replace (default: base_iri of settings.toml + dataset).",
)
@click.option(
    "--query-endpoint",
    default=None,
    metavar="URL",
    help="SPARQL query endpoint used to count the loaded triples (default: the --endpoint "
    "URL with /store replaced by /query, as Oxigraph lays them out).",
)
@click.option(
    "--update-endpoint",
    default=None,
    metavar="URL",
    help="SPARQL update endpoint that moves staged graphs into place, with the --endpoint's "
    "credentials (default: beside --endpoint: Oxigraph's /update, Virtuoso's /sparql-auth).",
)
@click.option(
    "--by-origin",
    is_flag=True,
    help="PUT each named graph of the dataset (graph:clusters, graph:translations …) under its "
    "own IRI instead of the union into one graph.",
)
def publish(
    endpoint: str,
    graph_iri: str | None,
    query_endpoint: str | None,
    update_endpoint: str | None,
    by_origin: bool,
) -> None:
    """Load the dataset into an external SPARQL store, replacing one named graph.

    Sends the whole dataset with an HTTP PUT (SPARQL 1.1 Graph Store Protocol), so publishing
    twice replaces rather than duplicates; several graphs (--by-origin) or a large one go to
    staging graphs first and replace the published ones in one SPARQL Update at the end, so a
    refusal on the way leaves them as they were. Then it counts the triples of the graph with
    SPARQL and fails if the count differs. Credentials, if the store needs them, are written in
    the URL (http://user:pass@host/store) or come from the environment variables
    KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD; they are never printed.

    Example: krakow-clusters publish --endpoint http://127.0.0.1:7878/store
    """
    from ..publish import publish_dataset

    report = publish_dataset(
        find_project(),
        endpoint,
        graph_iri,
        query_endpoint,
        by_origin=by_origin,
        update_endpoint=update_endpoint,
    )
    click.echo(report)
