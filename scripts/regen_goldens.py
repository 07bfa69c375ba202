"""Regenerate tests/golden/queries/ from the frozen fixture (tests/fixtures/queries/).

Run after changing a query on purpose, then review the diff: the golden test never rewrites its
own expectations. Starts a local Oxigraph server with the Wikidata-shaped fixture for the
federated query, and stops it by its process id.

    .venv/bin/python scripts/regen_goldens.py            # every query
    .venv/bin/python scripts/regen_goldens.py overview   # some
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.identity import NS, SETTINGS  # noqa: E402
from tests.query_support import (  # noqa: E402
    FIXTURE_FILES,
    GOLDEN_DIR,
    WIKIDATA_FIXTURE,
    run_comparable,
    write_golden,
)
from tests.servers import OxigraphServer  # noqa: E402

from krakow_clusters.sparql.library import library  # noqa: E402
from krakow_clusters.store.embedded import EmbeddedStore  # noqa: E402


def main(names: list[str]) -> int:
    store = EmbeddedStore.from_files(FIXTURE_FILES, SETTINGS.graph_base)
    queries = [q for q in library(ROOT / "queries", NS) if not names or q.name in names]
    missing = set(names) - {q.name for q in queries}
    if missing:
        print(f"no such query: {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    GOLDEN_DIR.mkdir(exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        OxigraphServer(Path(tmp), [WIKIDATA_FIXTURE], read_only=True) as wikidata,
    ):
        for query in queries:
            path = write_golden(query, run_comparable(store, query, wikidata.query_url))
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
