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
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder of the release; replaced as a whole only when the build succeeded.",
)
@click.option(
    "--base-iri",
    default=None,
    metavar="IRI",
    help="Where the release is published: download URLs, SPARQL endpoint and JSON-LD context "
    "URL start with it. Default https://w3id.org/krakow-clusters/. Resource IRIs never change.",
)
def build(out: Path, base_iri: str | None) -> None:
    """Validate, then build a release into --out: dumps, JSON-LD, ontology docs, DCAT/VoID.

    Writes the dataset as Turtle, N-Triples and JSON-LD (with its context), the clusters as framed
    JSON-LD, the overview as CSV, the ontology as Turtle, JSON-LD, RDF/XML and HTML (English and
    Polish), void.ttl (DCAT-AP 3.0.1 and VoID) and the w3id.org .htaccess. Data that does not
    conform is not built (exit 1, with the validation report); a failed build leaves the previous
    release as it was. Dates come from release.toml, so two builds give the same bytes.

    Example: krakow-clusters build --out dist
    """
    from .build import build as build_release
    from .validate import render_text, summary_line

    result = build_release(find_project(), out, base_iri)
    if not result.built:
        click.echo(render_text(result.report), nl=False)
        click.echo(f"Not built: {out} is unchanged.", err=True)
        sys.exit(1)
    click.echo(summary_line(result.report))
    total = 0
    for name in result.files:
        size = (result.out / name).stat().st_size
        total += size
        click.echo(f"  {size:>9,}  {name}")
    click.echo(f"Built {len(result.files)} files ({total:,} bytes) in {out}.")


if __name__ == "__main__":  # pragma: no cover
    cli()
