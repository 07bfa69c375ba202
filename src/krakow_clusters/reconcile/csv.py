"""`krakow-clusters reconcile`: one column of a CSV file matched against the resources, written
back with the best candidate of each row (IRI, label, score, match flag, Wikidata QID)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import CouldNotRun
from ..files import check_input_file
from ..limits import MAX_NAME
from ..rdf.matcher import Candidate
from .service import Reconciler

ADDED = ("reconciled_iri", "reconciled_label", "reconciled_score", "reconciled_match", "qid")
MAX_FIELD = 100_000  # characters in one cell of a column that is only copied


def read_table(path: Path, column: str) -> tuple[list[str], list[dict[str, str]]]:
    """(header, rows) of the CSV file at `path`; CouldNotRun, with the line, for a file that is
    not UTF-8 CSV with a header naming `column` and rows as wide as the header, or with a name
    in `column` longer than the limit ($KRAKOW_CLUSTERS_MAX_NAME_LENGTH)."""
    # before reading it whole: a FIFO would block for ever, /dev/zero would exhaust memory
    check_input_file(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CouldNotRun(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if "\0" in text:
        raise CouldNotRun(f"{path}: not a CSV file (it contains NUL bytes)")
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or not any(header):
            raise CouldNotRun(f"{path}: empty file: the first line must name the columns")
        if column not in header:
            raise CouldNotRun(f"{path}: no column {column!r}; the columns are: {', '.join(header)}")
        if len(set(header)) != len(header):
            raise CouldNotRun(f"{path}: two columns have the same name")
        clash = [name for name in ADDED if name in header]
        if clash:
            raise CouldNotRun(f"{path}: it already has a column {clash[0]!r}")
        rows = []
        longest = MAX_NAME.value()
        for record in reader:
            if not record:
                continue
            if len(record) != len(header):
                raise CouldNotRun(
                    f"{path}:{reader.line_num}: {len(record)} fields where the header has "
                    f"{len(header)}"
                )
            row = dict(zip(header, record, strict=True))
            if len(row[column]) > longest:
                # matching takes time and memory with the words of a name: refused, not cut
                # short, so that no row is matched on part of what it says
                raise MAX_NAME.exceeded(
                    f"{path}:{reader.line_num}",
                    f"a name of {len(row[column])} characters in column {column!r}",
                )
            rows.append(row)
    except csv.Error as exc:
        raise CouldNotRun(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None
    return header, rows


def _fields(candidate: Candidate | None) -> dict[str, str]:
    if candidate is None:
        return dict.fromkeys(ADDED, "")
    entity = candidate.entity
    return {
        "reconciled_iri": entity.iri,
        "reconciled_label": entity.label,
        "reconciled_score": f"{candidate.score:g}",
        "reconciled_match": "true" if candidate.match else "false",
        "qid": entity.qid or "",
    }


def reconcile_table(
    reconciler: Reconciler, path: Path, column: str, types: Sequence[str] = (), fmt: str = "csv"
) -> str:
    """The file at `path` with the best candidate of each row's `column` added, as CSV (the
    columns of the file, then ADDED) or JSON (a list of objects, with every candidate)."""
    header, rows = read_table(path, column)
    records = []
    for row in rows:
        found = reconciler.matcher.candidates(row[column], types, None, 3)
        record = {**row, **_fields(found[0] if found else None)}
        if fmt == "json":
            record = {
                "row": row,
                "candidates": [
                    {
                        "iri": c.entity.iri,
                        "label": c.entity.label,
                        "score": c.score,
                        "match": c.match,
                        "qid": c.entity.qid,
                        "features": c.features,
                    }
                    for c in found
                ],
            }
        records.append(record)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, [*header, *ADDED], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()
