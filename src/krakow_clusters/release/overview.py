"""overview.csv: the query library's overview of the clusters, as SPARQL CSV results."""

from __future__ import annotations

from ..formats.results import results_csv
from ..sparql.library import read_query
from .context import BuildContext

OVERVIEW_FILE = "overview.csv"


def write_overview(ctx: BuildContext) -> None:
    """overview.csv: one row per cluster."""
    ctx.write(OVERVIEW_FILE, overview_csv(ctx))


def overview_csv(ctx: BuildContext) -> str:
    """queries/overview.rq run on the dataset, as SPARQL CSV results (one row per cluster)."""
    query = read_query(ctx.project.queries_dir / "overview.rq")
    return results_csv(ctx.store.query(query.text))
