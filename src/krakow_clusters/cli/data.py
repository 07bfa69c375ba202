"""The commands on the data and its releases: validate, build, diff."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import CouldNotRun
from ..project import find_project
from ..store import SHACL_ENGINES
from .base import cli


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
    type=click.Choice(SHACL_ENGINES),
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
    from ..validate import RENDERERS, validate_project

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
    "URL start with it. Default: base_iri of settings.toml. Resource IRIs never change.",
)
@click.option(
    "--site/--no-site",
    default=True,
    show_default=True,
    help="Write the static HTML site (site/: a page per resource). --no-site skips it, for "
    "large graphs.",
)
def build(out: Path, base_iri: str | None, site: bool) -> None:
    """Validate, then build a release into --out: dumps, JSON-LD, ontology docs, DCAT/VoID, site.

    Writes the dataset as Turtle, N-Triples and JSON-LD (with its context), the clusters as framed
    JSON-LD, the overview as CSV, the ontology as Turtle, JSON-LD, RDF/XML and HTML (in each
    language of the project), void.ttl (DCAT-AP 3.0.1 and VoID), the w3id.org .htaccess and a static
    HTML site (site/: serve's pages with relative links). Data that does not conform is not built
    (exit 1, with the validation report); a failed build leaves the previous release as it was.
    Dates come from settings.toml, so two builds give the same bytes.

    Example: krakow-clusters build --out dist
    """
    from ..release.build import build as build_release
    from ..release.build import render_listing
    from ..validate import render_text, summary_line

    result = build_release(find_project(), out, base_iri, site=site)
    if not result.built:
        click.echo(render_text(result.report), nl=False)
        click.echo(f"Not built: {out} is unchanged.", err=True)
        sys.exit(1)
    click.echo(summary_line(result.report))
    click.echo(render_listing(result, out), nl=False)


@cli.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
def diff(old: Path, new: Path, fmt: str) -> None:
    """Compare the facts of two releases (two built folders, such as dist/): added, removed and
    changed facts by resource, each with its graph and source, and facts moved to another graph.

    Exit 0 when both state the same facts in the same graphs, 1 when they differ, 2 when a
    release cannot be read,
    like diff. Blank-node labels and the order of lines are no differences.

    Example: krakow-clusters diff old-dist dist
    """
    from ..release.diff import diff_releases, render_json, render_text

    result = diff_releases(old, new)
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    else:
        click.echo(render_text(result, _curie_of_project()), nl=False)
    sys.exit(result.exit_code)


def _curie_of_project():
    """The project's CURIE function where a project is found (a diff of two releases may be run
    anywhere: outside a project, IRIs are shown in full)."""
    from ..rdf.namespaces import Namespaces

    try:
        return Namespaces.of(find_project().settings).curie
    except CouldNotRun:
        return lambda _iri: None
