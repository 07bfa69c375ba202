"""Issue 22: a 2 KB query of 100 columns × 10,000 rows asked for as HTML (92 MB) was rendered on
the event loop and made every other visitor wait 8 s.

A page for people shows at most the limit page-cells cells (20,000) of an answer, says how many
rows the answer has, and is rendered in a thread; the whole answer is a download."""

from __future__ import annotations

import re
import threading

from krakow_clusters.web.guard import Limits

from ..appserver import get
from .conftest import sparql

COLUMNS = 100
WIDE = (
    "SELECT ?s "
    + " ".join(f"?c{i}" for i in range(COLUMNS))
    + " WHERE { ?s ?p ?o "
    + " ".join(f'BIND("{i}" AS ?c{i})' for i in range(COLUMNS))
    + " } LIMIT 800"
)


def test_a_wide_answer_as_html_shows_a_bounded_page(work_limited):
    outcome: list[tuple[int, bytes]] = []
    hostile = threading.Thread(
        target=lambda: outcome.append(sparql(work_limited, WIDE, "text/html"))
    )
    hostile.start()
    assert get(work_limited.base + "/queries/")[0] == 200, "another visitor is answered"
    hostile.join(60)
    status, body = outcome[0]
    assert status == 200
    page = body.decode()
    rows = len(re.findall(r"<tr>", page)) - 1  # less the header row
    cells = Limits().page_cells
    assert 0 < rows <= cells // (COLUMNS + 1)
    assert "The answer has 800 rows" in page


def test_a_narrow_answer_shows_every_row(work_limited):
    status, body = sparql(work_limited, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 20", "text/html")
    assert status == 200
    page = body.decode()
    assert len(re.findall(r"<tr>", page)) == 21
    assert "The answer has" not in page
