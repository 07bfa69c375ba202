"""Build a release: validate, stage, swap.

`build()` validates first and writes nothing when the data does not conform. It runs the writers
of the artefacts (WRITERS, one module each: dumps, jsonld, overview, ontology, w3id, void, the
static site) into a temporary folder next to the target and swaps that folder into place only
when all of them succeeded, so a failed build leaves the previous release untouched. Nothing
reads the clock: dates come from the sources and from settings.toml, so two builds of the same
sources are byte-identical.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CouldNotRun
from ..pages.describe import Site
from ..project import Project
from ..settings import Settings
from ..store import open_embedded
from ..store.embedded import EmbeddedStore
from ..validate import Report, validate_files
from ..workers import Background
from .context import BuildContext
from .dumps import write_dumps
from .jsonld import write_jsonld
from .ontology import write_ontology
from .overview import write_overview
from .site import SITE_DIR
from .site import write_site as write_pages
from .void import VOID_FILE, write_void
from .w3id import write_htaccess


@dataclass
class BuildResult:
    """The outcome: the validation report, and the files written (empty when not built)."""

    report: Report
    out: Path
    files: list[Path] = field(default_factory=list)

    @property
    def built(self) -> bool:
        return bool(self.files)


# Validation and the writers read the same data and do not depend on each other: from this many
# triples on, build validates in a thread while the writers write, so that on two cores the two
# take the time of the longer (BENCHMARKS.md); below it, the two would only take turns.
PARALLEL_FROM = 100_000


def build(
    project: Project,
    out: Path,
    base_iri: str | None = None,
    site: bool = True,
    parallel: bool | None = None,
) -> BuildResult:
    """Validate the project, then write a complete release into `out`, atomically.

    A non-conforming dataset is not built (the result carries the report, nothing is written).
    Any error while writing leaves the previous `out` exactly as it was. `site=False` leaves out
    the static HTML site (dist/site/), the one output whose size grows with every resource.
    `parallel`: validate in a thread while writing (default: from PARALLEL_FROM triples on).
    """
    settings = project.settings
    base = base_iri or settings.base_iri
    if not base.startswith(("http://", "https://")) or any(c in base for c in ' <>"{}|\\^`#?'):
        raise CouldNotRun(f"--base-iri {base!r}: not an http(s) IRI such as {settings.base_iri}")
    if not base.endswith("/"):
        base += "/"
    requested = Path(out)
    _check_target(requested.resolve(), project)
    files = project.dataset_files()
    store = open_embedded(project.settings, files)
    checks = project.check_queries()
    if parallel is None:
        parallel = len(store) >= PARALLEL_FROM
    if parallel:
        validation = ParallelValidation(
            project.settings, files, project.shapes_file, checks, project.root, store
        )
    else:
        report = validate_files(
            project.settings, files, project.shapes_file, checks, root=project.root, store=store
        )
        if not report.conforms:
            return BuildResult(report, requested)
    ontology = open_embedded(project.settings, project.ontology_files())
    # Not resolve(): `out` is normally a link to the current release, and it is the link that
    # is replaced.
    out = Path(out).parent.resolve() / Path(out).name
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_releases(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        ctx = BuildContext(
            project,
            store,
            settings,
            base,
            staging,
            ontology=ontology,
            ontology_triples=ontology.native_triples(),
            with_site=site,
        )
        try:
            for writer in WRITERS:
                if site or writer is not write_site:
                    writer(ctx)
        except Exception:
            # Data that does not conform may break a writer: the report is the better answer.
            if parallel and not (report := validation.report()).conforms:
                shutil.rmtree(staging, ignore_errors=True)
                return BuildResult(report, requested)
            raise
        if parallel:
            report = validation.report()
            if not report.conforms:
                shutil.rmtree(staging, ignore_errors=True)
                return BuildResult(report, requested)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if parallel:
            validation.close()
    result = BuildResult(report, requested)
    result.files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    return result


class ParallelValidation:
    """`validate_files` on the build's store in a thread, started now, its report collected later.

    A thread, not a second process: the SHACL engine (pyshacl-turbo) and Oxigraph's queries work
    in native code that lets go of the interpreter, so the writers go on beside them, and the two
    share one store instead of each loading its own (at 1M triples 0.7 GB, and a second copy of
    the interpreter's own objects). The report is `validate_files`'s own, as without `parallel`.
    """

    def __init__(
        self,
        settings: Settings,
        files: list[Path],
        shapes: Path,
        checks: list[Path],
        root: Path,
        store: EmbeddedStore,
    ) -> None:
        files, checks = list(files), list(checks)
        self._task = Background(
            lambda: validate_files(settings, files, shapes, checks, root=root, store=store),
            "validation",
        )

    def report(self) -> Report:
        return self._task.result()

    def close(self) -> None:
        """Nothing to stop: a thread cannot be killed; a daemon thread ends with the process."""


def _check_target(out: Path, project: Project) -> None:
    """The whole of `out` is replaced: refuse a folder that is not an earlier release."""
    root = project.root.resolve()
    # Folders inside the project (data/, ontology/ …) are caught below: they hold no void.ttl.
    if out == root or out in root.parents:
        raise CouldNotRun(f"--out {out}: refusing to replace a folder of the project itself")
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / VOID_FILE).is_file())
    ):
        raise CouldNotRun(
            f"--out {out}: exists and is not an earlier release (no {VOID_FILE}); "
            "choose another folder or remove it"
        )


def _swap(staging: Path, out: Path) -> None:
    """Make `out` the staged release in one atomic step.

    `out` is a symbolic link to the release folder beside it (`.dist-XXXX`), replaced by a rename
    of a new link (atomic on POSIX): a reader, such as a running `serve`, sees the old release or
    the new one, never none, and a build killed at any moment leaves a complete release at `out`.
    An `out` that is still a real folder (from an older build) is moved aside once, first.
    """
    os.chmod(staging, 0o755)
    link = out.parent / f".{out.name}-link-{staging.name}"
    os.symlink(staging.name, link)
    try:
        if out.exists() and not out.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
            old.rmdir()
            os.replace(out, old)
        os.replace(link, out)
    except BaseException:
        link.unlink(missing_ok=True)
        raise
    _remove_stale_releases(out)


def _remove_stale_releases(out: Path) -> None:
    """Remove release folders beside `out` that it no longer points to (old releases, and what
    a build that was killed left behind)."""
    current = out.resolve() if out.is_symlink() else None
    for path in out.parent.glob(f".{out.name}-*"):
        if path.is_symlink():
            path.unlink(missing_ok=True)
        elif path.is_dir() and path != current:
            shutil.rmtree(path, ignore_errors=True)


# --- the static HTML site ---------------------------------------------------------------------


def write_site(ctx: BuildContext) -> None:
    """dist/site/: serve's pages as static files with relative links (the site module). Written
    after void.ttl, which its dataset page shows; the site is not a distribution of void.ttl."""
    write_pages(ctx.store, Site(ctx.settings), ctx.folder / SITE_DIR, release=ctx.folder)


WRITERS: list[Callable[[BuildContext], None]] = [
    write_dumps,
    write_jsonld,
    write_overview,
    write_ontology,
    write_htaccess,
    write_void,
    write_site,
]


def render_listing(result: BuildResult, shown_as: Path | str) -> str:
    """What a build wrote, for people: each file with its size, the static site's pages as one
    line, and the total."""

    lines: list[tuple[int, str]] = []
    total = pages = site_bytes = 0
    for name in result.files:
        size = (result.out / name).stat().st_size
        total += size
        if name.parts[0] == SITE_DIR:  # one line for the site's pages, not one per page
            pages += name.suffix == ".html"  # (not the search index and script beside them)
            site_bytes += size
        else:
            lines.append((size, str(name)))
    if pages:
        lines.append((site_bytes, f"{SITE_DIR}/ ({pages:,} pages)"))
    width = max([9, *(len(f"{size:,}") for size, _ in lines)])
    text = "".join(f"  {size:>{width},}  {label}\n" for size, label in lines)
    return text + f"Built {len(result.files):,} files ({total:,} bytes) in {shown_as}.\n"
