"""The command group: one line and exit code 2 for what could not run, never a traceback."""

from __future__ import annotations

import logging
import os
import sys

import click

from .. import __version__
from ..errors import CouldNotRun, one_line
from ..project import find_project

# Set, a fault of the software ends in its traceback instead of one line (for its report).
DEBUG = "KRAKOW_CLUSTERS_DEBUG"


class Group(click.Group):
    """Turns CouldNotRun, an operating-system error (a folder that cannot be written, a full
    disk), running out of memory and any other fault into one line on stderr and exit code 2,
    never a traceback (but with KRAKOW_CLUSTERS_DEBUG set, for a fault of the software)."""

    def invoke(self, ctx: click.Context):
        # rdflib logs a traceback when a typed literal is malformed ("many"^^xsd:integer); the
        # validation report already says so in plain words.
        logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
        try:
            return super().invoke(ctx)
        except CouldNotRun as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(2)
        except MemoryError:
            # The size limits (KRAKOW_CLUSTERS_MAX_FILE_SIZE, …) stop most of these earlier.
            click.echo("error: out of memory: the input is too large for this machine", err=True)
            sys.exit(2)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: a usage error says so itself, with its exit code
        except Exception as exc:
            # A fault of the software, not of the input: still one line and exit code 2, with
            # the way to its traceback for whoever reports it.
            if os.environ.get(DEBUG):
                raise
            click.echo(
                f"error: unexpected {type(exc).__name__}: {one_line(exc)} (a fault of "
                f"krakow-clusters, not of the input: {DEBUG}=1 shows where; please report it)",
                err=True,
            )
            sys.exit(2)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="krakow-clusters")
def cli() -> None:
    """Publish a knowledge graph of innovation clusters (settings.toml says whose).

    Run inside a checkout (or set KRAKOW_CLUSTERS_HOME). Exit codes: 0 fine, 1 the data does not
    conform, 2 could not run.
    """


def curie_of_project():
    """The project's CURIE function where a project is found (a diff of two releases may be run
    anywhere: outside a project, IRIs are shown in full)."""
    from ..rdf.namespaces import Namespaces

    try:
        return Namespaces.of(find_project().settings).curie
    except CouldNotRun:
        return lambda _iri: None
