"""The `krakow-clusters` command: a thin layer over the package's functions.

Exit codes are a contract: 0 fine, 1 the data does not conform, 2 could not run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import CouldNotRun
from .project import find_project


class Group(click.Group):
    """Turns CouldNotRun into one line on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CouldNotRun as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="krakow-clusters")
def cli() -> None:
    """Publish the knowledge graph of the Kraków Metropolitan Area's innovation clusters.

    Run inside a checkout (or set KRAKOW_CLUSTERS_HOME). Exit codes: 0 fine, 1 the data does not
    conform, 2 could not run.
    """


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, turtle for the standard SHACL report graph.",
)
def validate(files: tuple[Path, ...], fmt: str) -> None:
    """Validate the ontology and data, plus any FILES given, with SHACL and the SPARQL checks.

    Every shape in ontology/shapes.ttl and every query queries/checks/*-violation.rq runs on the
    union of ontology/, data/ and the FILES. Warnings are printed but do not fail.

    Example: krakow-clusters validate draft-cluster.ttl
    """
    from .validate import RENDERERS, validate_project

    report = validate_project(find_project(), files)
    click.echo(RENDERERS[fmt](report), nl=False)
    sys.exit(report.exit_code)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
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
    type=float,
    help="Seconds a /sparql query may run before it is stopped (503).",
)
@click.option(
    "--result-limit",
    default=10000,
    show_default=True,
    type=int,
    help="Most rows (or triples) a /sparql answer may have; more is refused (400).",
)
@click.option(
    "--query-workers",
    default=2,
    show_default=True,
    type=int,
    help="Processes that run /sparql queries on the embedded store.",
)
def serve(
    host: str,
    port: int,
    sparql_endpoint: str | None,
    dist: Path | None,
    query_timeout: float,
    result_limit: int,
    query_workers: int,
) -> None:
    """Serve the linked data over HTTP: IRIs, SPARQL, saved queries and downloads.

    Every IRI under https://w3id.org/krakow-clusters/ dereferences at the same path here
    (/id/cluster/bim, /ontology) as HTML, Turtle, JSON-LD, N-Triples or RDF/XML by Accept,
    ?format= or extension; /sparql is a read-only SPARQL 1.1 endpoint; /queries/ runs the
    query library; /dataset and /dist/ serve what `build` wrote.

    Example: krakow-clusters serve --port 8000
    """
    from .server import serve as run_server

    run_server(
        find_project(),
        host=host,
        port=port,
        sparql_endpoint=sparql_endpoint,
        dist=dist,
        query_timeout=query_timeout,
        result_limit=result_limit,
        query_workers=query_workers,
    )


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
    help="Named graph to replace (default: https://w3id.org/krakow-clusters/dataset).",
)
@click.option(
    "--query-endpoint",
    default=None,
    metavar="URL",
    help="SPARQL query endpoint used to count the loaded triples (default: the --endpoint "
    "URL with /store replaced by /query, as Oxigraph lays them out).",
)
def publish(endpoint: str, graph_iri: str | None, query_endpoint: str | None) -> None:
    """Load the dataset into an external SPARQL store, replacing one named graph.

    Sends the whole dataset with an HTTP PUT (SPARQL 1.1 Graph Store Protocol), so publishing
    twice replaces rather than duplicates, then counts the triples of the graph with SPARQL and
    fails if the count differs. Credentials, if the store needs them, come from the environment
    variables KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD and are never printed.

    Example: krakow-clusters publish --endpoint http://127.0.0.1:7878/store
    """
    from .publish import publish_dataset

    report = publish_dataset(find_project(), endpoint, graph_iri, query_endpoint)
    click.echo(report)


if __name__ == "__main__":  # pragma: no cover
    cli()
