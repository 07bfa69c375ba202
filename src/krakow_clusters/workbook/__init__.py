"""The curators' workbook: one sheet per kind of statement (sources, clusters, organisations,
roles, counts, statuses, classifications, texts), read from an .xlsx or .ods file or a folder of
.csv files and written back as the origin files of data/, and the way back (export).

- `sheets`: the sheets and their columns, with the notes the README sheet and docs/ show;
- `counts`: the one rule table from a count's wording to its qualifier and bound;
- `reader`: a workbook's cells as plain text, bounded, each problem one line (sheet!C7);
- `statements`: the data's statements that the sheets manage, as rows (export), and rows as
  statements by origin file (import);
- `apply`: import (validate the rows, write the files in a temporary copy, validate it, swap in)
  and export-workbook.
"""

from __future__ import annotations

from .apply import (
    ImportResult,
    export_workbook,
    import_workbook,
    render_findings,
    workbook_rows,
    write_workbook,
)

__all__ = [
    "ImportResult",
    "export_workbook",
    "import_workbook",
    "render_findings",
    "workbook_rows",
    "write_workbook",
]
