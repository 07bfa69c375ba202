"""A new project folder by configuration (`krakow-clusters init DIR`): another region's team
starts its own graph without touching the code.

The folder holds what every command looks for (project.py): settings.toml (the project's
identity, written from the answers and checked by the one settings loader before anything is
written), the shared vocabulary (ontology/: terms, SKOS schemes, SHACL shapes), the query
library (queries/: `build` runs overview.rq, `validate` runs queries/checks/, `serve` offers the
rest), empty data (data/graphs.ttl describing the curators and the vocabulary's graphs, and a
README for the curators) and a README for the project.

The vocabulary and the queries are copied from a source project: the one every command finds
(KRAKOW_CLUSTERS_HOME, the working folder upwards, the checkout the package is installed from)
or --from. Their IRIs are moved from the source's base IRI to the new one, so nothing of the
source's identity is left in them; the source's data is not copied, and a query parameter whose
example value names the source's data (a cluster, a name to search for) loses its example.

The folder is made in a temporary folder beside DIR and renamed into place only when complete:
DIR has all of it or nothing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click

from .errors import CouldNotRun
from .files import check_output_folder
from .project import Project
from .rdf.namespaces import Namespaces
from .settings import SETTINGS_FILE, Settings
from .workbook import write_workbook
from .workbook.vocab import WORK_FILES

# The copied vocabulary's terms file is named for what it is, not after the source project: its
# name is also its named graph's (graph:ontology).
TERMS_FILE = "ontology.ttl"
_PARAM_LINE = re.compile(r"#\+\s*param\s*:\s*(\S+)\s+(\S+)\s+(.*?)\s*\|(.*)", re.S)
# The settings keys init writes, with the option that gives each (for error lines).
OPTION_OF = {
    "project.base_iri": "--base-iri",
    "project.languages": "--languages",
    "project.name": "--name",
    "project.about": "--about",
    "prefixes": "--prefix",
    "release.version": "--release-version",
    "release.date": "--release-date",
    "release.public_url": "--public-url",
    "publisher.name": "--publisher",
    "publisher.url": "--publisher-url",
    "dataset.licence": "--licence",
    "dataset.spatial": "--spatial",
    "wikidata.description": "--wikidata-description",
    "dataset.title": "--title",
    "dataset.description": "--description",
    "dataset.keywords": "--keyword",
}


@dataclass(frozen=True)
class Answers:
    """What the new project's settings.toml says: the texts per language, the rest once."""

    base_iri: str
    languages: tuple[str, ...]
    name: Mapping[str, str]
    about: Mapping[str, str]
    title: Mapping[str, str]
    description: Mapping[str, str]
    publisher_name: str
    publisher_url: str
    licence: str
    public_url: str
    version: str
    date: str
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    spatial: tuple[str, ...] = ()
    prefixes: Mapping[str, str] = field(default_factory=dict)
    wikidata_description: Mapping[str, str] = field(default_factory=dict)


# --- settings.toml --------------------------------------------------------------------------------


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, less DEL, which TOML wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else _string(key)


def _value(value) -> str:
    if isinstance(value, str):
        return _string(value)
    return "[" + ", ".join(_string(v) for v in value) + "]"


def _table(name: str, values: Mapping, comment: str = "") -> list[str]:
    lines = ["", *(f"# {line}" for line in comment.splitlines())] if comment else [""]
    lines.append(f"[{name}]")
    lines += [f"{_key(k)} = {_value(v)}" for k, v in values.items()]
    return lines


def settings_toml(answers: Answers) -> str:
    """The text of settings.toml for `answers`: every key the settings loader reads, each table
    with a line saying what it is for (settings.py checks them)."""
    a = answers
    lines = [
        "# The project's identity, in one file that every command reads: the base IRI of its",
        "# identifiers, its languages, the dataset's texts per language, publisher, licence and",
        "# the declared release. Written by `krakow-clusters init`; edit it as the project grows.",
        "",
        "[project]",
        "# Where the identifiers live: resources are {base_iri}id/{kind}/{slug}, named graphs",
        "# {base_iri}graph/{file}, the ontology {base_iri}ontology. Never change it once out.",
        f"base_iri = {_string(a.base_iri)}",
        "# The languages of the pages, the dataset's texts and the messages; the first is the",
        "# default.",
        f"languages = {_value(a.languages)}",
    ]
    lines += _table("project.name", a.name, "The project's short name, per language.")
    lines += _table("project.about", a.about, "What the site is, in a phrase, per language.")
    if a.prefixes:
        lines += _table(
            "prefixes", a.prefixes, "Prefixes of the project's own (its sources' sites)."
        )
    lines += _table(
        "release",
        {"version": a.version, "date": a.date, "public_url": a.public_url},
        "The release: dct:issued and dct:modified of the dataset, and the server that runs\n"
        "`krakow-clusters serve` (the absolute URLs it gives). Edit it when you cut a release.",
    )
    lines += _table("publisher", {"name": a.publisher_name, "url": a.publisher_url})
    dataset = {"licence": a.licence} | ({"spatial": a.spatial} if a.spatial else {})
    lines += _table("dataset", dataset, "The dataset's licence (and places it covers, if any).")
    if a.wikidata_description:
        lines += _table(
            "wikidata.description",
            a.wikidata_description,
            "The description QuickStatements gives a new Wikidata item of a cluster.",
        )
    lines += _table("dataset.title", a.title)
    lines += _table("dataset.description", a.description)
    lines += _table("dataset.keywords", {lang: a.keywords.get(lang, ()) for lang in a.languages})
    return "\n".join(lines) + "\n"


def check_settings(text: str, folder: Path, shown: Path) -> Settings:
    """Load `text` as `folder`/settings.toml with the project's settings loader; a problem is
    one line naming the file it would be (`shown`), the key and the option that gives it."""
    path = folder / SETTINGS_FILE
    path.write_text(text, encoding="utf-8")
    try:
        return Settings.load(path)
    except CouldNotRun as exc:
        message = str(exc).removeprefix(f"{path}: ")
        key = message.split(":", 1)[0]
        option = OPTION_OF.get(key) or OPTION_OF.get(key.rsplit(".", 1)[0], "")
        where = f" ({option})" if option else ""
        raise CouldNotRun(
            f"{shown / SETTINGS_FILE}: {key}{where}:{message.split(':', 1)[1]}; nothing was written"
        ) from None


# --- the copy of the vocabulary and the queries ---------------------------------------------------


def _rebaser(source: Settings, new: Settings, renamed: Mapping[str, str]) -> Callable[[str], str]:
    """A function that moves a text's IRIs from the source project's base (and ontology) to the
    new project's, and its mentions of renamed files to their new names."""
    mapping = {source.base_iri: new.base_iri, source.ontology: new.ontology} | dict(renamed)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return lambda text: pattern.sub(lambda m: mapping[m.group()], text)


def _vocabulary_files(source: Project) -> list[tuple[Path, Path]]:
    """(source file, its place in the new folder) for the ontology's files: the terms, the
    schemes, the shapes and the ontology's README. A single terms file is named TERMS_FILE."""
    terms = sorted(source.ontology_dir.glob("*.ttl"))
    terms = [f for f in terms if f != source.shapes_file]
    pairs = [(f, Path("ontology") / (TERMS_FILE if len(terms) == 1 else f.name)) for f in terms]
    others = sorted((source.ontology_dir / "schemes").glob("*.ttl"))
    others += [source.shapes_file, source.ontology_dir / "README.md"]
    pairs += [(f, f.relative_to(source.root)) for f in others if f.is_file()]
    if not terms or not source.shapes_file.is_file():
        raise CouldNotRun(
            f"{source.ontology_dir}: no ontology terms or shapes to copy (--from names a project "
            "folder with ontology/ and ontology/shapes.ttl)"
        )
    return pairs


def _query_files(source: Project) -> list[Path]:
    queries = sorted(source.queries_dir.glob("*.rq")) + source.check_queries()
    if not queries:
        raise CouldNotRun(f"{source.queries_dir}: no queries to copy")
    return queries


def _declared(folder: Path, files: Sequence[Path]) -> set[str]:
    """The IRIs the copied vocabulary describes (subjects of its terms and schemes)."""
    import rdflib  # here, not at the top: every command imports cli and so this module

    graph = rdflib.Graph()
    for path in files:
        graph.parse(folder / path, format="turtle")
    return {str(s) for s in graph.subjects() if isinstance(s, rdflib.URIRef)}


def _without_source_examples(text: str, path: Path, new: Settings, declared: set[str]) -> str:
    """The query text without the example values (`#+ param:` defaults) that name the source
    project's data: a resource of its own that the vocabulary does not describe, or a text (a
    name to search for). Such a parameter becomes required; numbers, dates, the vocabulary's
    concepts and other sites' addresses stay."""
    from .sparql.library import read_query

    query = read_query(path, Namespaces.of(new))
    dropped = {
        p.name
        for p in query.params
        if p.default is not None
        and (
            p.type in ("string", "name")
            or (
                p.type == "iri" and p.default.startswith(new.base_iri) and p.default not in declared
            )
        )
    }
    if not dropped:
        return text

    def strip(line: str) -> str:
        match = _PARAM_LINE.fullmatch(line)
        if match and match.group(1) in dropped:
            return f"#+ param: {match.group(1)} {match.group(2)} |{match.group(4)}"
        return line

    return "".join(strip(line) for line in text.splitlines(keepends=True))


def copy_shared(source: Project, folder: Path, new: Settings) -> list[Path]:
    """Copy the source project's vocabulary and query library into `folder`, moved to the new
    base IRI; the files written, relative to `folder`."""
    vocabulary = _vocabulary_files(source)
    renamed = {}
    for src, target in vocabulary:
        if src.name != target.name:  # the ontology's README and the checks name the file
            renamed |= {
                f"ontology/{src.name}": target.as_posix(),
                f"`{src.name}`": f"`{target.name}`",
            }
    rebase = _rebaser(source.settings, new, renamed)
    written = []
    for src, target in vocabulary:
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        (folder / target).write_text(rebase(src.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(target)
    described = [t for t in written if t.suffix == ".ttl" and t.name != "shapes.ttl"]
    declared = _declared(folder, described)
    for src in _query_files(source):
        target = src.relative_to(source.root)
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        text = rebase(src.read_text(encoding="utf-8"))
        (folder / target).write_text(text, encoding="utf-8")
        kept = _without_source_examples(text, folder / target, new, declared)
        if kept != text:
            (folder / target).write_text(kept, encoding="utf-8")
        written.append(target)
    return written


# --- the new project's own files ------------------------------------------------------------------


def graphs_ttl(settings: Settings, vocabulary: Sequence[Path]) -> str:
    """data/graphs.ttl of a new project: the curators, this description's own graph and the
    graphs of the copied vocabulary (each file is a graph; validate wants each described)."""
    table = Namespaces.of(settings).table
    prefixes = ["kc", "rdfs", "xsd", "dcterms", "prov", "graph", "work", "agent"]
    lines = [
        "# The named graphs of the dataset, each described: a source's graph names the document it",
        "# states (dcterms:source, prov:wasDerivedFrom); an editorial graph says who did what kind",
        "# of work and when (prov:wasAttributedTo, dcterms:type, dcterms:created); also the",
        "# sources and the curators. Written by `krakow-clusters init`; see data/README.md.",
        *(f"@prefix {p}: <{table[p]}> ." for p in prefixes),
        "",
        "agent:curators",
        "    a prov:Agent ;",
        f"    rdfs:label {_string(settings.publisher_name)} .",
    ]
    created = f'"{settings.date}"^^xsd:date'

    def editorial(name: str, label: str, work: str, description: str) -> list[str]:
        return [
            "",
            f"graph:{name}",
            "    a kc:EditorialGraph ;",
            f"    rdfs:label {_string(label)}@en ;",
            f"    dcterms:description {_string(description)}@en ;",
            f"    dcterms:type work:{work} ;",
            "    prov:wasAttributedTo agent:curators ;",
            f"    dcterms:created {created} .",
        ]

    lines += editorial(
        "graphs",
        "The graphs and their sources",
        "description",
        "This description of the graphs, of the sources and of the curators.",
    )
    for work, name in WORK_FILES.items():  # the files `import` writes the curators' work to
        lines += editorial(
            name,
            f"The curators' {name}",
            work,
            f"The curators' {name}, each a {work} of what the sources state.",
        )
    for path in vocabulary:
        lines += editorial(
            path.stem,
            f"The vocabulary: {path.as_posix()}",
            "vocabulary",
            "Part of the shared vocabulary of the krakow-clusters software, as "
            "`krakow-clusters init` copied it; kept and reviewed by the curators since.",
        )
    return "\n".join(lines) + "\n"


# The READMEs of a new folder, Markdown with {fields} filled in (str.format).
SKELETON = Path(__file__).parent / "skeleton"
# The curators' template workbook in a new folder.
TEMPLATE = "workbook.xlsx"


def _write_template_workbook(folder: Path, settings: Settings) -> str:
    """The curators' template workbook, workbook.xlsx: the sheets `krakow-clusters import` reads,
    with their column notes and no rows, in the new project's languages; the README's row."""
    write_workbook(folder / TEMPLATE, settings)
    return (
        f"| `{TEMPLATE}` | the curators' workbook, empty: fill in the rows, then "
        f"`krakow-clusters import {TEMPLATE}` (its README sheet says what each column holds) |\n"
    )


# --- the folder as a whole ------------------------------------------------------------------------


def check_target(target: Path) -> None:
    """Refuse a DIR that is not a new or empty folder: init never writes over anything."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise CouldNotRun(f"{target}: exists and is not a folder; choose a new folder")
    if target.is_dir() and any(target.iterdir()):
        raise CouldNotRun(f"{target}: the folder is not empty; choose a new or empty folder")
    check_output_folder(target)


def create_project(source: Project, target: Path, answers: Answers) -> list[Path]:
    """Write the new project folder `target` (new or empty) from `answers` and the source
    project's vocabulary and queries; the files written, relative to `target`."""
    target = Path(target)
    check_target(target)
    # Beside DIR (one file system, so the rename is one step), made as a new folder is (mkdtemp's
    # would keep its private mode after the rename).
    staging = target.parent / f".{target.name}.{secrets.token_hex(6)}.init"
    staging.mkdir()
    try:
        settings = check_settings(settings_toml(answers), staging, target)
        copied = copy_shared(source, staging, settings)
        vocabulary = [p for p in copied if p.parts[0] == "ontology" and p.suffix == ".ttl"]
        vocabulary = [p for p in vocabulary if p.name != "shapes.ttl"]
        data = staging / "data"
        data.mkdir()
        (data / "graphs.ttl").write_text(graphs_ttl(settings, vocabulary), encoding="utf-8")
        (data / "README.md").write_text(
            (SKELETON / "data-README.md")
            .read_text(encoding="utf-8")
            .format(
                graph_base=settings.graph_base,
                id_base=settings.id_base,
                ontology_ns=settings.ontology_ns,
                licence=settings.licence,
            ),
            encoding="utf-8",
        )
        row = _write_template_workbook(staging, settings)
        lang = settings.default_language
        (staging / "README.md").write_text(
            (SKELETON / "README.md")
            .read_text(encoding="utf-8")
            .format(
                name=settings.name[lang],
                about=_paragraph(settings.about[lang], settings.name[lang]),
                base_iri=settings.base_iri,
                languages=", ".join(settings.languages),
                workbook_row=row,
            ),
            encoding="utf-8",
        )
        (staging / ".gitignore").write_text("dist/\n.cache/\n", encoding="utf-8")
        check_target(target)  # still new or empty: someone may have written there meanwhile
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file())


def _paragraph(text: str, same_as: str) -> str:
    """A paragraph of its own, or nothing when it would repeat the heading."""
    return "" if text == same_as else f"\n{text}\n"


# --- the command ----------------------------------------------------------------------------------


def _per_language(option: str, given: Sequence[str], languages: Sequence[str]) -> dict[str, str]:
    """`LANG=TEXT` values of a repeatable option (a bare TEXT is the default language's)."""
    found: dict[str, str] = {}
    for value in given:
        lang, sep, text = value.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z0-9\-]{2,20}", lang):
            lang, text = languages[0], value
        if lang not in languages:
            raise CouldNotRun(
                f"{option} {value!r}: {lang} is not a language of the project "
                f"({', '.join(languages)})"
            )
        found[lang] = text
    return found


class Asker:
    """Asks for what the options left out, or (with --no-input) says in one line what is
    missing."""

    def __init__(self, no_input: bool) -> None:
        self.no_input = no_input

    def ask(self, option: str, what: str, default: str | None = None) -> str:
        if self.no_input:
            raise CouldNotRun(f"{option} is missing ({what}); nothing was written")
        try:
            return click.prompt(what, default=default, err=True).strip()
        except (click.Abort, EOFError):
            raise CouldNotRun(
                f"{option} is missing ({what}): no answer; nothing was written"
            ) from None

    def texts(self, option: str, what: str, given: dict, languages, fallback=None) -> dict:
        """A text per language: given, else the fallback's, else asked for."""
        for lang in languages:
            if lang not in given:
                if fallback is not None:
                    given[lang] = fallback[lang]
                else:
                    given[lang] = self.ask(f"{option} {lang}=…", f"{what} in {lang}")
        return {lang: given[lang] for lang in languages}


def check_identity(base_iri: str, languages: tuple[str, ...], target: Path) -> None:
    """Check the base IRI and the languages as settings.toml will hold them, before anything
    is asked in those languages (the other keys filled in for the check only)."""
    text = {lang: "-" for lang in languages}
    probe = Answers(base_iri, languages, text, text, text, text, "-", base_iri, base_iri, base_iri,
                    "0", "2000-01-01")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="krakow-clusters-init.") as folder:
        check_settings(settings_toml(probe), Path(folder), target)


def gather(options: Mapping, asker: Asker, target: Path) -> Answers:
    """The answers from the command's options, asking for the required ones left out."""
    base = options["base_iri"] or asker.ask("--base-iri", "base IRI of the identifiers")
    languages_text = options["languages"] or asker.ask(
        "--languages", "the languages, the default first, e.g. en,de"
    )
    languages = tuple(lang for lang in re.split(r"[,\s]+", languages_text) if lang)
    check_identity(base, languages, target)

    def given(key: str, option: str) -> dict[str, str]:
        return _per_language(option, options[key], languages)

    name = asker.texts("--name", "the project's name", given("name", "--name"), languages)
    title = asker.texts("--title", "", given("title", "--title"), languages, name)
    about = asker.texts("--about", "", given("about", "--about"), languages, title)
    description = asker.texts(
        "--description", "", given("description", "--description"), languages, about
    )
    keywords: dict[str, tuple[str, ...]] = {}
    for value in options["keyword"]:
        for lang, text in _per_language("--keyword", [value], languages).items():
            keywords[lang] = (*keywords.get(lang, ()), text)
    prefixes = {}
    for value in options["prefix"]:
        prefix, sep, namespace = value.partition("=")
        if not sep:
            raise CouldNotRun(f"--prefix {value!r}: expected NAME=IRI; nothing was written")
        prefixes[prefix] = namespace
    publisher = options["publisher"] or asker.ask("--publisher", "the publisher's name")
    licence = options["licence"] or asker.ask("--licence", "the licence's IRI")
    return Answers(
        base_iri=base,
        languages=languages,
        name=name,
        about=about,
        title=title,
        description=description,
        publisher_name=publisher,
        publisher_url=options["publisher_url"] or base,
        licence=licence,
        public_url=options["public_url"] or base,
        version=options["release_version"],
        date=options["release_date"] or date.today().isoformat(),
        keywords=keywords,
        spatial=tuple(options["spatial"]),
        prefixes=prefixes,
        wikidata_description=given("wikidata_description", "--wikidata-description"),
    )
