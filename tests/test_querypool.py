"""The query workers of serve's /sparql: started in the background, so the server answers pages
while each worker loads its copy of the dataset."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from krakow_clusters.errors import CouldNotRun
from krakow_clusters.project import Project
from krakow_clusters.store.embedded import EmbeddedStore
from krakow_clusters.store.pool import QueryPool

from .identity import GRAPH_BASE

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_start_returns_before_the_workers_have_loaded_and_a_query_waits_for_them(
    project: Project, dataset: EmbeddedStore
):
    async def main():
        pool = QueryPool(project.dataset_files(), GRAPH_BASE, size=2, timeout=10)
        try:
            await pool.start()
            loading = pool.loading
            result = await pool.run(COUNT, None)
            return loading, result
        finally:
            pool.close()

    loading, result = asyncio.run(main())
    assert loading == 2, "start() returned while both workers were loading"
    assert int(result.rows[0][0]) == len(dataset)


def test_a_dataset_no_worker_can_load_fails_the_query_not_the_start(tmp_path: Path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")

    async def main():
        pool = QueryPool([broken], GRAPH_BASE, size=1, timeout=5)
        try:
            await pool.start()
            with pytest.raises(CouldNotRun, match=r"broken\.ttl"):
                await pool.run(COUNT, None)
        finally:
            pool.close()

    asyncio.run(main())
