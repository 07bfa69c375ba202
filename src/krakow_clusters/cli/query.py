"""`krakow-clusters query`: the query library and any SPARQL, on the dataset or an endpoint."""

from __future__ import annotations

import click

from ..errors import CouldNotRun
from ..project import find_project
from .base import cli


@cli.command()
@click.argument("name", required=False, metavar="NAME|FILE")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the query (repeatable); see --list for each query's parameters.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run on this SPARQL 1.1 endpoint instead of the embedded store.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "turtle", "jsonld"]),
    default="table",
    show_default=True,
    help="table for people; csv, tsv, json (SPARQL results) for programs; turtle or jsonld "
    "for CONSTRUCT queries.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a remote endpoint (or a SERVICE call).",
)
@click.option("--list", "list_", is_flag=True, help="List the queries with their parameters.")
def query(
    name: str | None,
    params: tuple[str, ...],
    endpoint: str | None,
    fmt: str,
    timeout: float,
    list_: bool,
) -> None:
    """Run a query of the library (queries/*.rq) by NAME, or any .rq FILE.

    The default store is the dataset (ontology/ and data/) loaded in process; --endpoint runs the
    same query on any SPARQL 1.1 endpoint. Parameters are bound as RDF terms, never pasted into
    the query; an IRI may be written as a prefixed name (sector:ict). A value that names nothing
    in the dataset gets a warning on stderr.

    Examples: krakow-clusters query --list

    krakow-clusters query clusters-in-sector --param sector=sector:ict
    """
    from ..formats.table import render
    from ..rdf.namespaces import Namespaces
    from ..sparql.run import list_queries, parse_params, run_named

    project = find_project()
    if list_:
        click.echo(list_queries(project), nl=False)
        return
    if not name:
        raise CouldNotRun("name a query (see `krakow-clusters query --list`)")
    answer = run_named(project, name, parse_params(params), endpoint, timeout)
    click.echo(render(answer.result, fmt, Namespaces.of(project.settings)), nl=False)
    for warning in answer.warnings:  # after the answer, which stays whole on stdout
        click.echo(f"warning: {warning}", err=True)
