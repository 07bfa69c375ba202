"""The command group: one line and exit code 2 for what could not run, never a traceback."""

from __future__ import annotations

import logging
import sys

import click

from .. import __version__
from ..errors import CouldNotRun


class Group(click.Group):
    """Turns CouldNotRun, an operating-system error (a folder that cannot be written, a full
    disk) and running out of memory into one line on stderr and exit code 2, never a
    traceback."""

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


@click.group(cls=Group)
@click.version_option(__version__, prog_name="krakow-clusters")
def cli() -> None:
    """Publish a knowledge graph of innovation clusters (settings.toml says whose).

    Run inside a checkout (or set KRAKOW_CLUSTERS_HOME). Exit codes: 0 fine, 1 the data does not
    conform, 2 could not run.
    """
