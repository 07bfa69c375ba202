"""The curators' workbook: `import` into data/, `export-workbook` out of it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..project import find_project
from .base import cli, curie_of_project


@cli.command("import")
@click.argument("workbook", type=click.Path(path_type=Path))
def import_(workbook: Path) -> None:
    """Import the curators' WORKBOOK (.xlsx, .ods, or a folder of .csv files) into data/.

    Every row is checked first (each problem one line, sheet!C7, exit 1, nothing written); then
    the origin files are written in a copy, validated, and swapped into data/ only when valid.
    Prints the changes in the diff command's words. docs/workbook.md documents the sheets.

    Example: krakow-clusters import clusters.xlsx
    """
    from ..release.diff import compare, release_of, render_text
    from ..validate import summary_line
    from ..workbook import import_workbook, render_findings

    project = find_project()
    result = import_workbook(project, workbook)
    if result.problems:
        click.echo("".join(line + "\n" for line in result.problems), nl=False)
        click.echo(f"{len(result.problems)} problem(s): data/ is unchanged.", err=True)
        sys.exit(1)
    click.echo(render_findings(result), nl=False)
    click.echo(summary_line(result.report))
    if result.exit_code:
        click.echo("Not imported: data/ is unchanged.", err=True)
        sys.exit(1)
    old, new = release_of(Path("data"), result.before), release_of(workbook, result.after)
    click.echo(render_text(compare(old, new), curie_of_project()), nl=False)
    for path in result.written:
        click.echo(f"wrote {path.relative_to(project.root)}")


@cli.command("export-workbook")
@click.argument("out", type=click.Path(path_type=Path))
def export_workbook(out: Path) -> None:
    """Write data/ as the curators' workbook OUT: an .xlsx file, or a folder of .csv files.

    A README sheet says what each column holds; importing the unchanged workbook leaves every
    file of data/ as it is.

    Example: krakow-clusters export-workbook clusters.xlsx
    """
    from ..workbook import export_workbook as export

    counts = export(find_project(), out)
    shown = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
    click.echo(f"Wrote {out}: {shown or 'no rows'}.")
