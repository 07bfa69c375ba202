"""`import` and `export-workbook`: the workbook read, checked and written into data/, and data/
written as a workbook.

Import works in four steps, and stops at the first that finds a problem, data/ untouched:
1. the workbook is read and every row checked: all problems at once, one line each (exit 1);
2. the statements the sheets manage are replaced in each origin file by the rows' (every other
   statement of the file stays), each file in the one deterministic Turtle layout
   (formats/rdf.serialize_turtle), into a temporary copy of the project;
3. the copy is validated as `validate` does (SHACL and the SPARQL checks); a finding about a
   statement that came from a row names the row's cell;
4. the changed files are swapped into data/: all written beside their old selves first, then
   renamed over them; if a rename fails, the files already renamed get their old text back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..errors import CouldNotRun
from ..files import write_atomic
from ..formats.rdf import serialize_turtle
from ..project import Project
from ..rdf.namespaces import Namespaces
from ..rdf.terms import term_converter
from ..settings import Settings
from ..store import open_embedded
from ..validate import Finding, Report, validate_project
from .reader import read_workbook
from .rows import Taken, read_rows
from .sheets import sheets
from .statements import statements
from .vocab import GRAPHS_FILE, WORK_FILES, Context, DataFile, Terms, file_header
from .writer import write_tables

Quad = tuple  # (subject, predicate, object, graph IRI)


@dataclass
class ImportResult:
    """What an import found and did: the problems of the rows (nothing written), or the
    validation report of the new data and the files written; the data's statements before and
    after, with their graphs, for the diff."""

    problems: list[str] = field(default_factory=list)
    report: Report | None = None
    findings: list[tuple[str | None, Finding]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    before: list[Quad] = field(default_factory=list)
    after: list[Quad] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.problems or (self.report is not None and not self.report.conforms):
            return 1
        return 0


def _header(path: Path) -> str:
    lines = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            lines.append(line[2:].rstrip("\n") if line.startswith("# ") else line[1:].rstrip("\n"))
    return "\n".join(lines)


def load(project: Project) -> tuple[Context, list[DataFile]]:
    """The project's data files (data/*.ttl) as graphs with their origins, and what a workbook
    may name: read through the one door to the store, with its limits."""
    settings = project.settings
    store = open_embedded(settings, project.dataset_files())
    convert = term_converter()
    graphs: dict[str, Graph] = {}
    for q in store.iter_native_quads():
        graph = graphs.setdefault(q.graph_name.value, Graph())
        graph.add((convert(q.subject), convert(q.predicate), convert(q.object)))
    terms = Terms(Namespaces.of(settings))
    ctx = Context(settings, terms)
    union = Graph()
    for graph in graphs.values():
        union += graph
    for s, _p, o in union.triples((None, RDF.type, None)):
        ctx.types.setdefault(str(s), set()).add(str(o))
    ctx.concepts = {str(s) for s in union.subjects(RDF.type, SKOS.Concept)}
    files = []
    descriptions = graphs.get(settings.graph_base + GRAPHS_FILE, Graph())
    for path in sorted(project.data_dir.glob("*.ttl")):
        name = settings.graph_for_file(path)
        origin = None
        for source in descriptions.objects(URIRef(name), DCTERMS.source):
            origin = ("source", str(source))
        for kind in descriptions.objects(URIRef(name), DCTERMS.type):
            work = terms.slug("work", kind)
            if work in WORK_FILES and origin is None:
                origin = ("work", work)
                ctx.work_files.setdefault(work, path.stem)
        files.append(DataFile(path.stem, graphs.get(name, Graph()), _header(path), origin))
    for kind, name in WORK_FILES.items():
        ctx.work_files.setdefault(kind, name)
    texts = {f.name for f in files if f.origin and f.origin[1] in ("translation", "summary")}
    ctx.subjects = {str(s) for f in files if f.name not in texts for s in f.graph.subjects()}
    return ctx, files


def _quads(settings: Settings, files: dict[str, set[tuple]]) -> list[Quad]:
    return [
        (s, p, o, URIRef(settings.graph_base + name))
        for name, triples in files.items()
        for s, p, o in triples
    ]


def _copy_project(project: Project, into: Path) -> Project:
    shutil.copy2(project.settings_file, into / project.settings_file.name)
    for folder in ("ontology", "queries", "data"):
        if (project.root / folder).is_dir():
            shutil.copytree(project.root / folder, into / folder, symlinks=True)
    return Project(into)


def _swap(texts: dict[Path, str]) -> None:
    """Every file written beside its old self, then renamed over it; on a failure the files
    already renamed are given their old text back, so data/ holds all the new files or none."""
    old = {path: path.read_text(encoding="utf-8") if path.exists() else None for path in texts}
    staged = {}
    try:
        for path, text in texts.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            staged[path] = Path(tmp)
        done = []
        try:
            for path, tmp in staged.items():
                # mkstemp makes the file 0600: give it the mode the old file had
                os.chmod(tmp, (os.stat(path).st_mode & 0o777) if path.exists() else 0o644)
                os.replace(tmp, path)
                done.append(path)
        except OSError:
            for path in done:
                if old[path] is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomic(path, old[path])
            raise
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)


def _where(result_where: dict[str, str], finding: Finding, ns: Namespaces) -> str | None:
    path = finding.path
    if path:
        try:
            expanded = ns.expand(path)
        except CouldNotRun:
            expanded = path
        found = result_where.get(f"{finding.focus} {expanded}")
        if found:
            return found
    return result_where.get(str(finding.focus))


def import_workbook(project: Project, workbook: Path, engine: str = "auto") -> ImportResult:
    """Read `workbook`, check its rows, write the origin files of data/ and validate them; see
    the module's docstring for the steps. CouldNotRun when the workbook cannot be read."""
    # The workbook first: a file that cannot be read is refused before anything else is done.
    tables, problems = read_workbook(workbook, sheets(project.settings.languages))
    ctx, files = load(project)
    made = statements(ctx, tables)
    problems += made.problems
    if problems:
        return ImportResult(problems=problems)
    taken = read_rows(ctx, files)
    old = {f.name: f.triples() for f in files}
    new = {name: set(triples) for name, triples in old.items()}
    for name, triples in taken.triples.items():
        new[name] -= triples
    for name, triples in made.files.items():
        new.setdefault(name, set()).update(triples)
    changed = sorted(name for name in new if new[name] != old.get(name))
    by_name = {f.name: f for f in files}
    texts: dict[str, str] = {}
    for name in changed:
        graph = ctx.settings.graph_base + name
        header = (
            by_name[name].header
            if name in by_name
            else file_header(name, graph, _origin_of(ctx, made, name))
        )
        texts[name] = serialize_turtle(new[name], ctx.terms.ns.dump, header)
    result = ImportResult(before=_quads(ctx.settings, old), after=_quads(ctx.settings, new))
    with tempfile.TemporaryDirectory(prefix="krakow-clusters-import-") as tmp:
        copy = _copy_project(project, Path(tmp))
        for name, text in texts.items():
            (copy.data_dir / f"{name}.ttl").write_text(text, encoding="utf-8")
        result.report = validate_project(copy, engine=engine)
    ns = ctx.terms.ns
    result.findings = [(_where(made.where, f, ns), f) for f in result.report.findings]
    if result.report.conforms:
        targets = {project.data_dir / f"{name}.ttl": text for name, text in texts.items()}
        _swap(targets)
        result.written = sorted(targets)
    return result


def _origin_of(ctx: Context, made, name: str) -> tuple[str, str]:
    for source, (file, _lang) in made.sources.items():
        if file == name:
            return ("source", ctx.terms.shown(source))
    kinds = [k for k, f in ctx.work_files.items() if f == name]
    return ("work", kinds[0] if kinds else name)


def workbook_rows(project: Project) -> Taken:
    """The rows of every sheet that the project's data states."""
    ctx, files = load(project)
    return read_rows(ctx, files)


def write_workbook(out: Path, settings: Settings, rows: Taken | None = None) -> None:
    """Write a workbook (an .xlsx file, or a folder of .csv files) with the sheets of a project
    of these settings, a README sheet of column notes, and `rows` (none: a template)."""
    tables = {
        s.name: (rows.rows.get(s.name, []) if rows else []) for s in sheets(settings.languages)
    }
    write_tables(Path(out), sheets(settings.languages), tables)


def export_workbook(project: Project, out: Path) -> dict[str, int]:
    """Write the project's data as a workbook; the number of rows of each sheet."""
    rows = workbook_rows(project)
    write_workbook(out, project.settings, rows)
    return {name: len(r) for name, r in rows.rows.items()}


def render_findings(result: ImportResult) -> str:
    """The validation's findings, each on one line, led by the cell of the row its statement
    came from (`counts!D3: violation: …`) where it came from a row."""
    lines = []
    for where, f in result.findings:
        text = f"{f.severity.lower()}: {f.resource_label} {f.path or '(no property)'}: {f.message}"
        lead = where or f"<{f.focus}>"
        lines.append(f"{lead}: {text} [{f.rule}]")
    return "".join(line + "\n" for line in lines)
