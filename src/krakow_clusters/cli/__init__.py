"""The `krakow-clusters` command: a thin layer over the package's functions.

Exit codes are a contract: 0 fine, 1 the data does not conform, 2 could not run. The group and
its error handling are in `base`; each module here holds the commands of one step.
"""

from __future__ import annotations

from ..init import init_command
from . import data, link, query, serving, workbook  # noqa: F401  (each registers its commands)
from .base import cli

cli.add_command(init_command)  # defined beside what it does (init.py)

__all__ = ["cli"]
