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
@click.option(
    "--engine",
    type=click.Choice(["auto", "pyshacl", "turbo"]),
    default="auto",
    show_default=True,
    help="SHACL engine: pyshacl (the reference), turbo (pyshacl-turbo, same results, faster); "
    "auto takes turbo when installed.",
)
def validate(files: tuple[Path, ...], fmt: str, engine: str) -> None:
    """Validate the ontology and data, plus any FILES given, with SHACL and the SPARQL checks.

    Every shape in ontology/shapes.ttl and every query queries/checks/*-violation.rq runs on the
    union of ontology/, data/ and the FILES. Warnings are printed but do not fail.

    Example: krakow-clusters validate draft-cluster.ttl
    """
    from .validate import RENDERERS, validate_project

    report = validate_project(find_project(), files, engine)
    click.echo(RENDERERS[fmt](report), nl=False)
    sys.exit(report.exit_code)


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
    type=float,
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
    the query.

    Examples: krakow-clusters query --list

    krakow-clusters query clusters-in-sector
    --param sector=https://w3id.org/krakow-clusters/id/sector/ict
    """
    from .query import list_queries, parse_params, render, run_named

    project = find_project()
    if list_:
        click.echo(list_queries(project), nl=False)
        return
    if not name:
        raise CouldNotRun("name a query (see `krakow-clusters query --list`)")
    answer = run_named(project, name, parse_params(params), endpoint, timeout)
    click.echo(render(answer.result, fmt), nl=False)


if __name__ == "__main__":  # pragma: no cover
    cli()
