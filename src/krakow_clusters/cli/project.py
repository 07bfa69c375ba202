"""`krakow-clusters init`: a new project folder, by configuration (the work is init.py's, imported
when the command runs, so that no other command pays for it at start-up)."""

from __future__ import annotations

from pathlib import Path

import click

from ..project import Project, find_project
from .base import cli


def _texts_option(name: str, what: str):
    return click.option(
        name,
        multiple=True,
        metavar="[LANG=]TEXT",
        help=f"{what}, per language (repeatable; a bare TEXT is the default language's).",
    )


@cli.command("init")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--base-iri", metavar="IRI", help="Where the identifiers live (ends with /).")
@click.option("--languages", metavar="LANG,LANG", help="The languages, the default first.")
@_texts_option("--name", "The project's short name (asked for when missing)")
@_texts_option("--title", "The dataset's title [default: the name]")
@_texts_option("--about", "What the site is, in a phrase [default: the title]")
@_texts_option("--description", "The dataset's description [default: the phrase]")
@click.option("--keyword", multiple=True, metavar="[LANG=]TEXT", help="A keyword (repeatable).")
@click.option("--publisher", metavar="NAME", help="Who publishes the dataset.")
@click.option("--publisher-url", metavar="URL", help="Its contact page [default: the base IRI].")
@click.option("--licence", metavar="IRI", help="The data's licence, as an IRI.")
@click.option("--public-url", metavar="URL", help="Where serve runs [default: the base IRI].")
@click.option(
    "--release-version", metavar="VERSION", default="0.1.0", show_default=True, help="Its version."
)
@click.option("--release-date", metavar="YYYY-MM-DD", help="Its date [default: today].")
@click.option("--spatial", multiple=True, metavar="IRI", help="A place it covers (repeatable).")
@click.option("--prefix", multiple=True, metavar="NAME=IRI", help="A prefix of your own.")
@_texts_option("--wikidata-description", "A new Wikidata item's description")
@click.option(
    "--from",
    "source",
    metavar="PROJECT",
    type=click.Path(file_okay=False, path_type=Path),
    help="The project whose vocabulary and queries are copied [default: the one every "
    "command finds: KRAKOW_CLUSTERS_HOME, the folders up from here, the package's checkout].",
)
@click.option("--no-input", is_flag=True, help="Ask nothing: a missing answer is an error.")
def init(folder: Path, source: Path | None, no_input: bool, **options) -> None:
    """Start a new project folder DIR for another region: settings, vocabulary, empty data.

    Writes settings.toml from the options (asking for the base IRI, the languages, the name in
    each language, the publisher and the licence when they are not given), the shared ontology,
    schemes and shapes and the query library moved to the new base IRI, data/graphs.ttl
    describing the curators, and READMEs. DIR must be new or empty; it gets all of it or, on any
    problem (one line, exit 2), nothing. Then validate, build and serve work inside DIR.

    Example: krakow-clusters init --base-iri https://example.org/clusters/ --languages en,de
    --name "en=Clusters of X" --name "de=Cluster von X" --publisher "X data team" --licence
    https://creativecommons.org/licenses/by/4.0/ x-clusters
    """
    from ..init import Asker, check_target, create_project, gather

    check_target(folder)
    origin = Project(source.resolve()) if source else find_project()
    answers = gather(options, Asker(no_input), folder)
    written = create_project(origin, folder, answers)
    click.echo(f"Created {folder} with {len(written)} files:")
    for path in written:
        click.echo(f"  {path.as_posix()}")
    click.echo(f"Next: cd {folder} && krakow-clusters validate")
