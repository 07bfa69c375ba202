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


if __name__ == "__main__":  # pragma: no cover
    cli()
