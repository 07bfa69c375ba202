"""The `krakow-clusters` command: a thin layer over the package's functions.

Exit codes are a contract: 0 fine, 1 the data does not conform, 2 could not run. The group and
its error handling are in `base`; each module here holds the commands of one step.
"""

from __future__ import annotations

from . import data, link, project, query, serving, workbook  # noqa: F401  (each registers its commands)
from .base import cli

__all__ = ["cli"]
