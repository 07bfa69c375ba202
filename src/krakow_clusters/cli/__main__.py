"""`python -m krakow_clusters.cli`: the command, as the console script runs it."""

from . import cli

if __name__ == "__main__":  # pragma: no cover
    cli()
