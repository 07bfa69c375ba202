"""Build a release: dumps, JSON-LD context, ontology release and docs, DCAT-AP + VoID, w3id rules.

`build()` validates first and writes nothing when the data does not conform. It writes every file
into a temporary folder next to the target and swaps that folder into place only when all writers
succeeded, so a failed build leaves the previous release untouched. Nothing reads the clock: dates
come from the sources and from release.toml, so two builds of the same sources are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF
from rdflib.term import Node

from .errors import CouldNotRun
from .formats.rdf import (
    RDF_TYPE,
    jsonld_expanded,
    native_triples,
    serialize_jsonld,
    serialize_rdfxml,
    serialize_turtle,
)
from .project import BASE_IRI, NAMESPACES, ONTOLOGY_IRI, ONTOLOGY_NS, SOURCE_ARTICLE, Project
from .sparql.library import read_query
from .store.embedded import EmbeddedStore
from .store.terms import Triple, to_rdflib
from .validate import Report, validate_files
from .validate.report import bind_prefixes

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = "http://www.wikidata.org/entity/"
IANA = "http://www.iana.org/assignments/media-types/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
KC = Namespace(ONTOLOGY_NS)

# The dumps use the project's prefixes, less those of validation reports.
PREFIXES: dict[str, str] = {
    k: v for k, v in NAMESPACES.items() if k not in ("sh", "kcsh", "check", "wdt")
}

DUMP = "krakow-clusters"
ONTOLOGY_DIR = "ontology"
CONTEXT_FILE = "context.jsonld"
FRAMED_FILE = "clusters.jsonld"
OVERVIEW_FILE = "overview.csv"
VOID_FILE = "void.ttl"
HTACCESS_FILE = ".htaccess"

HEADER = (
    "The Kraków innovation clusters knowledge graph, release {version} ({date}).\n"
    "Built by `krakow-clusters build` from the project's sources; do not edit."
)


# --- the declared release ------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """What release.toml declares: version, date, licence, host, publisher, dataset texts."""

    version: str
    date: str
    licence: str
    host: str
    publisher_name: str
    publisher_url: str
    dataset: dict

    @classmethod
    def load(cls, path: Path) -> Release:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CouldNotRun(f"{path}: cannot read: {exc.strerror or exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise CouldNotRun(f"{path}: not valid TOML: {exc}") from None
        try:
            release, publisher = data["release"], data["publisher"]
            return cls(
                version=str(release["version"]),
                date=str(release["date"]),
                licence=release["licence"],
                host=release["host"],
                publisher_name=publisher["name"],
                publisher_url=publisher["url"],
                dataset=data["dataset"],
            )
        except KeyError as exc:
            raise CouldNotRun(f"{path}: missing key {exc.args[0]!r}") from None


def release_file(project: Project) -> Path:
    return project.root / "release.toml"


# --- the build -----------------------------------------------------------------------------------


@dataclass
class BuildContext:
    """What the writers share: the project, the loaded dataset, the release, the target folder."""

    project: Project
    store: EmbeddedStore
    release: Release
    base: str
    folder: Path
    ontology: EmbeddedStore | None = None
    ontology_triples: list[ox.Triple] = field(default_factory=list)

    def triples(self) -> Iterator[ox.Triple]:
        """The dataset's triples as Oxigraph terms, read from the store each time: a writer that
        needs them in a list makes its own, and lets it go (a million triples as Python objects
        take 0.4 GB; as rdflib terms, seconds more and twice that)."""
        return self.store.iter_native_triples()

    @property
    def header(self) -> str:
        return HEADER.format(version=self.release.version, date=self.release.date)

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path


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
# triples on, build validates in a second process while this one writes, so that on two cores
# the two take the time of the longer (BENCHMARKS.md); below it, starting a process costs more.
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
    `parallel`: validate in a second process while writing (default: from PARALLEL_FROM triples
    on).
    """
    base = base_iri or BASE_IRI
    if not base.startswith(("http://", "https://")) or any(c in base for c in ' <>"{}|\\^`#?'):
        raise CouldNotRun(f"--base-iri {base!r}: not an http(s) IRI such as {BASE_IRI}")
    if not base.endswith("/"):
        base += "/"
    release = Release.load(release_file(project))
    requested = Path(out)
    _check_target(requested.resolve(), project)
    files = project.dataset_files()
    store = EmbeddedStore.from_files(files)
    checks = project.check_queries()
    if parallel is None:
        parallel = len(store) >= PARALLEL_FROM
    if parallel:
        validation = ParallelValidation(files, project.shapes_file, checks, project.root)
    else:
        report = validate_files(files, project.shapes_file, checks, root=project.root, store=store)
        if not report.conforms:
            return BuildResult(report, requested)
    ontology = EmbeddedStore.from_files(project.ontology_files())
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
            release,
            base,
            staging,
            ontology=ontology,
            ontology_triples=ontology.native_triples(),
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
    """`validate_files` in a second Python process, started now, its report collected later.

    A plain subprocess of this interpreter, given its arguments and returning the report's parts
    pickled over its standard input and output: forking a process that holds an Oxigraph store
    is not safe, and multiprocessing's spawn would re-run the caller's main module.
    """

    def __init__(self, files: list[Path], shapes: Path, checks: list[Path], root: Path) -> None:
        self._args = (list(files), shapes, list(checks), root)
        code = "from krakow_clusters.build import _validation_worker; _validation_worker()"
        # The package's own folder first on the path: the child imports this very package
        # however this process found it (installed, or a checkout on sys.path).
        package_root = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        self._process.stdin.write(pickle.dumps(self._args))
        self._process.stdin.close()
        self._report: Report | None = None

    def report(self) -> Report:
        if self._report is None:
            output = self._process.stdout.read()
            if self._process.wait() != 0 or not output:
                raise CouldNotRun(f"validation stopped (exit code {self._process.returncode})")
            outcome = pickle.loads(output)
            if isinstance(outcome, str):
                raise CouldNotRun(outcome)
            findings, results, engine = outcome
            graph = rdflib.Graph()
            graph.parse(data=results, format="nt")
            bind_prefixes(graph)
            files, shapes, checks, root = self._args
            self._report = Report(findings, graph, files, checks, root, shapes, engine)
        return self._report

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._process.stdout.close()


def _validation_worker() -> None:
    """ParallelValidation's process: arguments on stdin; on stdout the findings (plain data), the
    report graph as N-Triples and the engine, or the message of the error that stopped it."""
    results = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the results
    files, shapes, checks, root = pickle.loads(sys.stdin.buffer.read())
    try:
        report = validate_files(files, shapes, checks, root=root)
        outcome: tuple | str = (
            report.findings,
            report.graph.serialize(format="nt"),
            report.engine,
        )
    except CouldNotRun as exc:
        outcome = str(exc)
    results.write(pickle.dumps(outcome))
    results.flush()


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


# --- 1. dumps ------------------------------------------------------------------------------------


def write_dumps(ctx: BuildContext) -> None:
    """The whole dataset as Turtle, N-Triples, compacted JSON-LD (with its context), the clusters as
    framed JSON-LD, and the overview query as CSV."""
    context = make_context(ctx.triples())
    context_url = ctx.base + CONTEXT_FILE
    ctx.write(CONTEXT_FILE, json.dumps(context, indent=2, ensure_ascii=False) + "\n")
    ctx.write(f"{DUMP}.ttl", serialize_turtle(ctx.triples(), PREFIXES, ctx.header))
    ctx.write(f"{DUMP}.nt", ctx.store.sorted_ntriples())
    expanded = jsonld_expanded(ctx.triples())  # for both documents
    ctx.write(
        f"{DUMP}.jsonld", serialize_jsonld(ctx.triples(), context, context_url, expanded=expanded)
    )
    frame = clusters_frame(context_url)
    ctx.write(
        FRAMED_FILE, serialize_jsonld(ctx.triples(), context, context_url, frame, expanded=expanded)
    )
    ctx.write(OVERVIEW_FILE, overview_csv(ctx))


def make_context(triples: Iterable) -> dict:
    """The dataset's JSON-LD context, derived from the vocabulary the data uses.

    Each predicate gets a term named by its local name (unless two share one): IRI-valued
    properties are typed `@id`, language-tagged ones are language maps, and a single non-string
    datatype becomes the term's `@type`, so compaction keeps every language tag and datatype.
    kc: classes get terms too; `id` and `type` alias `@id` and `@type`. Triples may be given as
    Oxigraph or as rdflib terms.
    """
    objects: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    classes: set[str] = set()
    for t in native_triples(triples):
        if t.predicate.value == RDF_TYPE:
            classes.add(t.object.value)
        else:
            objects.setdefault(t.predicate.value, []).append(t.object)
    terms: dict[str, object] = {"id": "@id", "type": "@type"}
    names = Counter(_local(p) for p in objects)
    native = {str(XSD.integer), str(XSD.boolean), str(XSD.double), str(XSD.string)}
    for predicate in sorted(objects):
        name = _local(predicate)
        if names[name] > 1 or name in terms or not name.isidentifier():
            continue
        values = objects[predicate]
        definition: dict[str, str] = {"@id": predicate}
        if all(isinstance(v, ox.NamedNode) for v in values):
            definition["@type"] = "@id"
        elif all(isinstance(v, ox.Literal) and v.language for v in values):
            definition["@container"] = "@language"
        else:
            literals = [v for v in values if isinstance(v, ox.Literal)]
            datatypes = {v.datatype.value for v in literals if not v.language} - {str(XSD.string)}
            others = len(literals) < len(values) or any(v.language for v in literals)
            if len(datatypes) == 1 and not others and not datatypes & native:
                definition["@type"] = datatypes.pop()
        terms[name] = definition
    # Prefixes for compact IRIs, except where a property's term has the same name (`sector`,
    # `status`): the term wins and those IRIs stay in full.
    terms |= {prefix: ns for prefix, ns in sorted(PREFIXES.items()) if prefix not in terms}
    for cls in sorted(classes):
        if cls.startswith(ONTOLOGY_NS) and _local(cls) not in terms:
            terms[_local(cls)] = cls
    return {"@context": terms}


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
            break
    return iri


EMBEDDED = {
    "sector": KC.sector,
    "memberType": KC.memberType,
    "memberRegion": KC.memberRegion,
    "location": SCHEMA.location,
    "legalForm": KC.legalForm,
    "memberCount": KC.memberCount,
    "memberTypeCount": KC.memberTypeCount,
    "qualifier": KC.qualifier,
    "countedMemberType": KC.countedMemberType,
    "status": KC.status,
    "statusType": KC.statusType,
    "member": ORG.member,
    "role": ORG.role,
}


def clusters_frame(context_url: str) -> dict:
    """The frame of clusters.jsonld: `clusters` is a plain array of cluster objects with their
    counts, status and roles (`roles`) embedded, and sectors, member types, places, qualifiers and
    organisations embedded with their labels only. Anything else is referred to by its IRI."""
    # Labels are named by IRI: a language-map term as a frame key matches nothing in pyld.
    named = {"@embed": "@always", "@explicit": True, str(RDFS.label): {}, str(SKOS.prefLabel): {}}
    # Nested frames inherit @embed: sources stay references.
    source = {"@embed": "@never"}
    count = {"@embed": "@always", "qualifier": named, "countedMemberType": named, "source": source}
    local: dict[str, object] = {"clusters": "@graph", "roles": {"@reverse": str(ORG.organization)}}
    # Embedded objects need terms without `"@type": "@id"`, which only matches plain references.
    local |= {name: {"@id": str(iri)} for name, iri in EMBEDDED.items()}
    return {
        "@context": [context_url, local],
        "type": "ClusterInitiative",
        "sector": named,
        "memberType": named,
        "memberRegion": named,
        "location": named,
        "legalForm": named,
        "memberCount": count,
        "memberTypeCount": count,
        "status": {"@embed": "@always", "statusType": named, "source": source},
        "roles": {"@embed": "@always", "member": named, "role": named, "source": source},
    }


def overview_csv(ctx: BuildContext) -> str:
    """queries/overview.rq run on the dataset, as SPARQL CSV results (one row per cluster)."""
    from .formats.results import results_csv

    query = read_query(ctx.project.queries_dir / "overview.rq")
    return results_csv(ctx.store.query(query.text))


# --- 2. the ontology release ---------------------------------------------------------------------


def write_ontology(ctx: BuildContext) -> None:
    """The ontology with its SKOS schemes as Turtle, JSON-LD and RDF/XML, and its documentation
    as HTML in English and Polish (self-contained: no script, font or style from elsewhere)."""
    triples = ctx.ontology_triples
    context = make_context(triples)
    context_url = ctx.base + f"{ONTOLOGY_DIR}/context.jsonld"
    folder = ONTOLOGY_DIR
    ctx.write(f"{folder}/context.jsonld", json.dumps(context, indent=2, ensure_ascii=False) + "\n")
    ctx.write(f"{folder}/{DUMP}.ttl", serialize_turtle(triples, PREFIXES, ctx.header))
    ctx.write(f"{folder}/{DUMP}.jsonld", serialize_jsonld(triples, context, context_url))
    ctx.write(f"{folder}/{DUMP}.rdf", serialize_rdfxml(triples, PREFIXES))
    from .ontodoc import render_ontology_html

    for lang in ("en", "pl"):
        page = render_ontology_html(ctx.ontology.to_rdflib(), lang, ctx.release.version)
        ctx.write(f"{folder}/index.{lang}.html", page)


# --- 3. DCAT-AP and VoID -------------------------------------------------------------------------

MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".csv": "text/csv",
    ".html": "text/html",
}

DISTRIBUTION_TITLES = {
    f"{DUMP}.ttl": ("The whole dataset as Turtle", "Cały zbiór danych w formacie Turtle"),
    f"{DUMP}.nt": ("The whole dataset as N-Triples", "Cały zbiór danych w formacie N-Triples"),
    f"{DUMP}.jsonld": ("The whole dataset as JSON-LD", "Cały zbiór danych w formacie JSON-LD"),
    CONTEXT_FILE: ("The JSON-LD context of the dataset", "Kontekst JSON-LD zbioru danych"),
    FRAMED_FILE: (
        "The clusters as a JSON array (framed JSON-LD)",
        "Klastry jako tablica JSON (JSON-LD w ramce)",
    ),
    OVERVIEW_FILE: (
        "Overview of the clusters as CSV",
        "Przegląd klastrów w formacie CSV",
    ),
    f"{ONTOLOGY_DIR}/{DUMP}.ttl": ("The ontology as Turtle", "Ontologia w formacie Turtle"),
    f"{ONTOLOGY_DIR}/{DUMP}.jsonld": ("The ontology as JSON-LD", "Ontologia w formacie JSON-LD"),
    f"{ONTOLOGY_DIR}/context.jsonld": (
        "The JSON-LD context of the ontology",
        "Kontekst JSON-LD ontologii",
    ),
    f"{ONTOLOGY_DIR}/{DUMP}.rdf": ("The ontology as RDF/XML", "Ontologia w formacie RDF/XML"),
    f"{ONTOLOGY_DIR}/index.en.html": (
        "Documentation of the ontology in English",
        "Dokumentacja ontologii po angielsku",
    ),
    f"{ONTOLOGY_DIR}/index.pl.html": (
        "Documentation of the ontology in Polish",
        "Dokumentacja ontologii po polsku",
    ),
}

DUMP_FILES = (f"{DUMP}.ttl", f"{DUMP}.nt", f"{DUMP}.jsonld")
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)


def write_void(ctx: BuildContext) -> None:
    """dist/void.ttl: the DCAT-AP 3.0.1 description of the dataset and of every file of the
    release, and the VoID statistics and linksets computed from the data."""
    triples = void_triples(ctx)
    header = ctx.header + "\nDCAT-AP 3.0.1 and VoID description of the dataset and its files."
    ctx.write(VOID_FILE, serialize_turtle(triples, PREFIXES, header))


def void_triples(ctx: BuildContext) -> list[Triple]:
    base, release = ctx.base, ctx.release
    doc = base + "void"
    catalog, dataset = URIRef(doc + "#catalog"), URIRef(doc + "#dataset")
    publisher, contact = URIRef(doc + "#publisher"), URIRef(doc + "#contact-point")
    wikidata, period = URIRef(doc + "#wikidata"), URIRef(doc + "#temporal-coverage")
    licence = URIRef(release.licence)
    date = Literal(release.date, datatype=XSD.date)
    meta = release.dataset
    g: list[Triple] = []

    def add(s: Node, p: Node, o: Node) -> None:
        g.append((s, p, o))

    def texts(node: Node, prop: URIRef, key: str) -> None:
        for lang in ("en", "pl"):
            add(node, prop, Literal(meta[f"{key}_{lang}"], lang=lang))

    # The catalogue and the dataset.
    add(catalog, RDF.type, DCAT.Catalog)
    texts(catalog, DCTERMS.title, "title")
    texts(catalog, DCTERMS.description, "description")
    add(catalog, DCTERMS.publisher, publisher)
    add(catalog, DCTERMS.license, licence)
    add(catalog, DCAT.dataset, dataset)
    add(catalog, FOAF.homepage, URIRef(base))
    add(catalog, DCTERMS.issued, date)
    add(catalog, DCTERMS.modified, date)

    for t in (DCAT.Dataset, VOID.Dataset):
        add(dataset, RDF.type, t)
    texts(dataset, DCTERMS.title, "title")
    texts(dataset, DCTERMS.description, "description")
    for lang in ("en", "pl"):
        for keyword in meta[f"keywords_{lang}"]:
            add(dataset, DCAT.keyword, Literal(keyword, lang=lang))
    add(dataset, DCTERMS.publisher, publisher)
    add(dataset, DCAT.contactPoint, contact)
    add(dataset, DCTERMS.issued, date)
    add(dataset, DCTERMS.modified, date)
    add(dataset, DCAT.version, Literal(release.version))
    add(dataset, DCAT.landingPage, URIRef(base))
    add(URIRef(base), RDF.type, FOAF.Document)
    add(dataset, PROV.wasDerivedFrom, URIRef(SOURCE_ARTICLE))
    add(dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI))
    add(URIRef(ONTOLOGY_IRI), RDF.type, DCTERMS.Standard)
    for code in ("ENG", "POL"):
        add(dataset, DCTERMS.language, URIRef(EU_LANGUAGE + code))
        add(URIRef(EU_LANGUAGE + code), RDF.type, DCTERMS.LinguisticSystem)
    theme = URIRef(EU_THEME + "ECON")
    add(dataset, DCAT.theme, theme)
    add(theme, RDF.type, SKOS.Concept)
    add(theme, SKOS.prefLabel, Literal("Economy and finance", lang="en"))
    add(theme, SKOS.prefLabel, Literal("Gospodarka i finanse", lang="pl"))

    for place in meta["spatial"]:
        node = URIRef(place)
        add(dataset, DCTERMS.spatial, node)
        add(node, RDF.type, DCTERMS.Location)
        for label in _labels(ctx.store, node):
            add(node, RDFS.label, label)

    start = _earliest_date(ctx.triples())
    add(dataset, DCTERMS.temporal, period)
    add(period, RDF.type, DCTERMS.PeriodOfTime)
    if start is not None:
        add(period, DCAT.startDate, start)
    add(period, DCAT.endDate, date)

    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, RDF.type, FOAF.Organization)
    add(publisher, FOAF.name, Literal(release.publisher_name))
    add(publisher, FOAF.homepage, URIRef(release.publisher_url))
    add(contact, RDF.type, VCARD.Kind)
    add(contact, RDF.type, VCARD.Organization)
    add(contact, VCARD.fn, Literal(release.publisher_name))
    add(contact, VCARD.hasURL, URIRef(release.publisher_url))
    add(licence, RDF.type, DCTERMS.LicenseDocument)

    # One distribution per file of the release (void.ttl cannot carry its own checksum).
    sha256 = SPDX.checksumAlgorithm_sha256
    add(sha256, RDF.type, SPDX.ChecksumAlgorithm)
    for name, (title_en, title_pl) in DISTRIBUTION_TITLES.items():
        path = ctx.folder / name
        if not path.is_file():
            raise CouldNotRun(f"build: {name} was not written before void.ttl")
        content = path.read_bytes()
        slug = name.replace("/", "-").replace(".", "-")
        dist = URIRef(f"{doc}#distribution-{slug}")
        checksum = URIRef(f"{doc}#checksum-{slug}")
        url = URIRef(base + name)
        media = URIRef(IANA + MEDIA_TYPES[Path(name).suffix])
        add(dataset, DCAT.distribution, dist)
        add(dist, RDF.type, DCAT.Distribution)
        add(dist, DCTERMS.title, Literal(title_en, lang="en"))
        add(dist, DCTERMS.title, Literal(title_pl, lang="pl"))
        add(dist, DCAT.accessURL, url)
        add(dist, DCAT.downloadURL, url)
        add(dist, DCAT.mediaType, media)
        add(media, RDF.type, DCTERMS.MediaType)
        add(dist, DCAT.byteSize, Literal(str(len(content)), datatype=XSD.nonNegativeInteger))
        add(dist, SPDX.checksum, checksum)
        add(checksum, RDF.type, SPDX.Checksum)
        add(checksum, SPDX.algorithm, sha256)
        add(
            checksum,
            SPDX.checksumValue,
            Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary),
        )
        add(dist, DCTERMS.license, licence)
        add(dist, DCTERMS.issued, date)
        if name in DUMP_FILES:
            add(dataset, VOID.dataDump, url)

    # VoID: statistics computed from the data.
    add(dataset, VOID.sparqlEndpoint, URIRef(base + "sparql"))
    add(dataset, VOID.uriSpace, Literal(BASE_IRI + "id/"))
    stats = void_statistics(ctx.triples())
    for figure, value in stats.items():
        if not figure.endswith("_partition"):
            add(dataset, VOID[figure], Literal(value))
    for cls, entities in stats["classes_partition"].items():
        node = URIRef(f"{doc}#class-{_slug(cls)}")
        add(dataset, VOID.classPartition, node)
        add(node, VOID["class"], URIRef(cls))
        add(node, VOID.entities, Literal(entities))
    for prop, count in stats["properties_partition"].items():
        node = URIRef(f"{doc}#property-{_slug(prop)}")
        add(dataset, VOID.propertyPartition, node)
        add(node, VOID.property, URIRef(prop))
        add(node, VOID.triples, Literal(count))
    for vocabulary in sorted(_vocabularies(ctx.triples())):
        add(dataset, VOID.vocabulary, URIRef(vocabulary))

    # Linksets: the reviewed links to Wikidata, one per link predicate.
    add(wikidata, RDF.type, VOID.Dataset)
    add(wikidata, DCTERMS.title, Literal("Wikidata", lang="en"))
    add(wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/"))
    add(wikidata, VOID.uriSpace, Literal(WD))
    add(wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql"))
    for predicate, count in wikidata_links(ctx.triples()).items():
        node = URIRef(f"{doc}#links-wikidata-{_slug(predicate)}")
        add(node, RDF.type, VOID.Linkset)
        add(node, VOID.subjectsTarget, dataset)
        add(node, VOID.objectsTarget, wikidata)
        add(node, VOID.linkPredicate, URIRef(predicate))
        add(node, VOID.triples, Literal(count))
        add(dataset, VOID.subset, node)
    return g


def void_statistics(triples: Iterable) -> dict:
    """VoID figures of the dataset: triples, entities, classes, properties, distinct subjects and
    objects, and the class and property partitions."""
    triples = list(native_triples(triples))
    subjects = {t.subject for t in triples}
    objects = {t.object for t in triples}
    typed: dict[str, set] = {}
    properties: Counter[str] = Counter()
    for s, p, o in triples:
        properties[p.value] += 1
        if p.value == RDF_TYPE:
            typed.setdefault(o.value, set()).add(s)
    return {
        "triples": len(triples),
        "entities": sum(1 for s in subjects if isinstance(s, ox.NamedNode)),
        "classes": len(typed),
        "properties": len(properties),
        "distinctSubjects": len(subjects),
        "distinctObjects": len(objects),
        "classes_partition": {c: len(typed[c]) for c in sorted(typed)},
        "properties_partition": dict(sorted(properties.items())),
    }


def wikidata_links(triples: Iterable) -> dict[str, int]:
    """How many links to Wikidata the data holds, by link predicate."""
    predicates = {str(p) for p in LINK_PREDICATES}
    counts: Counter[str] = Counter()
    for _, p, o in native_triples(triples):
        if p.value in predicates and o.value.startswith(WD):
            counts[p.value] += 1
    return dict(sorted(counts.items()))


def _vocabularies(triples: Iterable) -> set[str]:
    used: set[str] = set()
    for _, p, o in native_triples(triples):
        used.add(p.value)
        if p.value == RDF_TYPE:
            used.add(o.value)
    known = {ns for prefix, ns in PREFIXES.items() if not ns.startswith(BASE_IRI + "id/")}
    known -= {PREFIXES["src"], PREFIXES["wd"]}
    return {ns for ns in known if any(term.startswith(ns) for term in used)}


def _slug(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(ns):
            return f"{prefix}-{iri[len(ns) :]}"
    return hashlib.sha1(iri.encode()).hexdigest()[:12]


def _labels(store: EmbeddedStore, node: URIRef) -> list[Literal]:
    """rdfs:label of a place, or of the project's place that is owl:sameAs the given IRI."""

    def labels_of(subject: Node) -> list[Literal]:
        # Oxigraph binds only variables that are projected.
        query = f"SELECT ?node ?label WHERE {{ ?node <{RDFS.label}> ?label }}"
        return sorted((label for _, label in store.query(query, {"node": subject}).rows), key=str)

    labels = labels_of(node)
    if not labels:
        query = f"SELECT ?node ?same WHERE {{ ?same <{OWL.sameAs}> ?node }}"
        for _, same in sorted(store.query(query, {"node": node}).rows, key=lambda row: str(row[1])):
            labels = labels_of(same)
            if labels:
                break
    return labels


def _earliest_date(triples: Iterable) -> Literal | None:
    """The earliest date the data states (founding years, status start dates)."""
    predicates = {str(SCHEMA.foundingDate), str(SCHEMA.startDate)}
    datatypes = {str(XSD.date), str(XSD.gYear)}
    dated = [
        o
        for _, p, o in native_triples(triples)
        if p.value in predicates and isinstance(o, ox.Literal) and o.datatype.value in datatypes
    ]
    return to_rdflib(min(dated, key=lambda lit: lit.value)) if dated else None


# --- 4. w3id.org redirect rules ------------------------------------------------------------------

HTACCESS = """\
# Redirect rules for https://w3id.org/krakow-clusters/ (w3id.org keeps one .htaccess per project).
# Built by `krakow-clusters build` from release.toml; the target host is {host}
# Each IRI pattern goes to the file for the type the client asks for (Accept), HTML otherwise.
Options +FollowSymLinks
RewriteEngine on

# The ontology (terms are /ontology#Term: the fragment never reaches the server) and its versions.
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/{dump}.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/ld\\+json
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/{dump}.jsonld [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/rdf\\+xml
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/{dump}.rdf [R=303,L]
RewriteCond %{{HTTP:Accept-Language}} ^pl
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/index.pl.html [R=303,L]
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/index.en.html [R=303,L]
RewriteRule ^ontology/([a-z.-]+\\.(ttl|jsonld|rdf|html))$ {host}dist/ontology/$1 [R=302,L]

# Resources: /id/{{kind}}/{{slug}} (counts and roles are /id/{{kind}}/{{slug}}#part).
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/ld\\+json
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.jsonld [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/n-triples
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.nt [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/rdf\\+xml
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.rdf [R=303,L]
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.html [R=303,L]

# The dataset description, the JSON-LD context, the downloads and the SPARQL endpoint.
RewriteRule ^(void|dataset|\\.well-known/void)$ {host}dist/void.ttl [R=303,L]
RewriteRule ^context\\.jsonld$ {host}dist/context.jsonld [R=302,L]
RewriteRule ^dist/(.*)$ {host}dist/$1 [R=302,L]
RewriteRule ^sparql$ {host}sparql [R=307,L]
RewriteRule ^$ {host} [R=302,L]
"""


def write_htaccess(ctx: BuildContext) -> None:
    """dist/.htaccess: the w3id.org rules for every IRI pattern of the project."""
    host = ctx.release.host if ctx.release.host.endswith("/") else ctx.release.host + "/"
    ctx.write(HTACCESS_FILE, HTACCESS.format(host=host, dump=DUMP))


# --- 5. the static HTML site ---------------------------------------------------------------------


def write_site(ctx: BuildContext) -> None:
    """dist/site/: serve's pages as static files with relative links (see site.py). Written after
    void.ttl, which its dataset page shows; the site is not a distribution of void.ttl."""
    from .site import SITE_DIR
    from .site import write_site as write_pages

    write_pages(ctx.store, ctx.folder / SITE_DIR, release=ctx.folder)


WRITERS: list[Callable[[BuildContext], None]] = [
    write_dumps,
    write_ontology,
    write_htaccess,
    write_void,
    write_site,
]
