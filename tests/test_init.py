"""`krakow-clusters init DIR`: another region starts its own project folder by configuration, and
validate, build and serve work in it unchanged, with its own base IRI and languages and no IRI
of the Kraków project in its release or its pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from krakow_clusters.cli import cli
from krakow_clusters.settings import Settings

from .appserver import AppServer
from .test_settings import NEW_BASE, OLD_BASE

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "init"
DOCS = ROOT / "docs" / "init.md"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
OPTIONS = [
    "--no-input",
    "--base-iri",
    NEW_BASE,
    "--languages",
    "en,de",
    "--name",
    "en=Clusters of another region",
    "--name",
    "de=Cluster einer anderen Region",
    "--publisher",
    "Another region's data team",
    "--licence",
    LICENCE,
    "--release-date",
    "2026-12-01",
]
CLUSTER = NEW_BASE + "id/cluster/valley-health"
REGISTER = "https://example.org/register/2026"  # the made-up source of tests/fixtures/init/
# The release's file names are the software's own (`krakow-clusters.ttl` …, release/dumps.py),
# whatever the project: their download URLs and DCAT distribution IRIs are the one place an IRI
# of a new region's release may hold "krakow".
SOFTWARE_FILE = re.compile(
    r".*/krakow-clusters\.(?:ttl|nt|nq|trig|jsonld|rdf)|.*#(?:distribution|checksum)-(?:ontology-)?"
    r"krakow-clusters-(?:ttl|nt|nq|trig|jsonld|rdf)"
)
_IRI_IN_TEXT = re.compile(r"https?://[^\s\"'<>`\\]+")


def _run(args: list[str], cwd: Path, home: Path | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it; the project is KRAKOW_CLUSTERS_HOME when `home` is given,
    else the one found going up from `cwd`."""
    env = {k: v for k, v in os.environ.items() if k != "KRAKOW_CLUSTERS_HOME"}
    if home is not None:
        env["KRAKOW_CLUSTERS_HOME"] = str(home)
    if env.get("PYTHONPATH"):  # run elsewhere, the same package as the tests (PYTHONPATH=src)
        paths = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in paths if p)
    return subprocess.run(
        [sys.executable, "-m", "krakow_clusters.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def _krakow_iris(iris) -> list[str]:
    return sorted({i for i in iris if "krakow" in i.lower() and not SOFTWARE_FILE.fullmatch(i)})


def _text_of(path: Path) -> str:
    """A file's text; a workbook's, every cell of every sheet."""
    if path.suffix != ".xlsx":
        return path.read_text(encoding="utf-8")
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
    assert cells, f"{path}: no cell"
    return "\n".join(cells)


def test_init_writes_a_project_folder(tmp_path: Path):
    result = _run(["init", *OPTIONS, "another-region"], cwd=tmp_path, home=ROOT)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "another-region"
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    listed = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert listed == files, "init lists what it wrote"
    for expected in ("settings.toml", "README.md", "data/README.md", "data/graphs.ttl"):
        assert expected in files
    assert "ontology/shapes.ttl" in files and "queries/overview.rq" in files
    assert any(f.startswith("ontology/schemes/") for f in files)
    assert any(f.startswith("queries/checks/") and f.endswith("-violation.rq") for f in files)
    assert not any(
        f.startswith("data/") and f not in ("data/README.md", "data/graphs.ttl") for f in files
    ), "no data of the source project"
    settings = Settings.load(folder / "settings.toml")
    assert settings.base_iri == NEW_BASE and settings.languages == ("en", "de")
    assert settings.name["de"] == "Cluster einer anderen Region"
    for path in folder.rglob("*"):
        if path.is_file():
            assert OLD_BASE not in _text_of(path), path
    # A query's example that names the source's data (a cluster, a name) is gone; the
    # vocabulary's (a sector) stays, moved to the new base.
    params = "".join(
        line
        for q in (folder / "queries").glob("*.rq")
        for line in q.read_text().splitlines()
        if line.startswith("#+ param:")
    )
    assert params and "krakow" not in params.lower() and "Kraków" not in params
    assert f"{NEW_BASE}id/sector/construction" in params
    graphs = rdflib.Graph().parse(folder / "data" / "graphs.ttl", format="turtle")
    described = {str(s) for s in graphs.subjects()}
    assert {NEW_BASE + "graph/graphs", NEW_BASE + "graph/ontology"} <= described
    # Found from the working folder (settings.toml and ontology/ above it), empty data conforms.
    inside = folder / "data"
    validated = _run(["validate"], cwd=inside)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Conforms: 0 violations, 0 warnings." in validated.stdout


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    """A new region's folder from init, with the first data its curators add."""
    parent = tmp_path_factory.mktemp("init")
    result = _run(["init", *OPTIONS, "another-region"], cwd=parent, home=ROOT)
    assert result.returncode == 0, result.stderr
    folder = parent / "another-region"
    added = [p for p in FIXTURE.glob("*.ttl") if p.name != "graphs-more.ttl"]
    assert len(added) == 3, "the fixture's data files were not found"
    for path in added:
        shutil.copy(path, folder / "data" / path.name)
    with open(folder / "data" / "graphs.ttl", "a", encoding="utf-8") as graphs:
        graphs.write((FIXTURE / "graphs-more.ttl").read_text(encoding="utf-8"))
    return folder


@pytest.fixture(scope="module")
def built(region: Path) -> Path:
    validated = _run(["validate"], cwd=region)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    result = _run(["build", "--out", "dist"], cwd=region)
    assert result.returncode == 0, result.stdout + result.stderr
    return region / "dist"


def test_the_release_has_its_own_iris_and_none_of_krakow(built: Path):
    quads = ox.parse(path=built / "krakow-clusters.nq", format=ox.RdfFormat.N_QUADS)
    iris = {
        term.value
        for quad in quads
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
        if isinstance(term, ox.NamedNode)
    }
    void = rdflib.Graph().parse(built / "void.ttl", format="turtle")
    iris |= {str(t) for triple in void for t in triple if isinstance(t, rdflib.URIRef)}
    assert CLUSTER in iris and NEW_BASE + "graph/clusters" in iris
    assert NEW_BASE + "void#dataset" in iris or NEW_BASE + "dataset" in iris
    pages = [p for p in built.rglob("*.html")]
    assert len(pages) > 50, "the site has too few pages"
    assert (built / "site" / "de" / "id" / "cluster" / "valley-health.html").is_file()
    for page in pages:
        iris |= set(_IRI_IN_TEXT.findall(page.read_text(encoding="utf-8")))
    assert len(iris) > 200, "too few IRIs were checked"
    assert _krakow_iris(iris) == []


# The software's own name (its command, its file names) and its team's credit as the vocabulary's
# creator: the only places a new region's release may name Kraków.
SOFTWARE_CREDIT = re.compile(r"krakow-clusters|Kraków Clusters Knowledge Graph team", re.I)


def test_the_release_names_no_region_but_its_own(built: Path):
    """issue 24: nothing of Kraków in a new region's pages, dumps or DCAT, the software's own
    credit aside: the shared vocabulary's titles and definitions name no region."""
    read = 0
    for path in sorted(p for p in built.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        read += 1
        left = SOFTWARE_CREDIT.sub("", text)
        found = re.search(r".{0,60}krak.{0,60}", left, re.I)
        assert found is None, f"{path.relative_to(built)}: {found.group(0)!r}"
    assert read > 50, "too few files of the release were read"


def test_serve_answers_for_the_new_region(region: Path, built: Path, tmp_path: Path):
    server = AppServer(tmp_path / "serve.log", "--dist", str(built), home=region).start()
    try:
        seen = set()
        for path, says in (
            ("/", "Valley Health Cluster"),
            ("/de/", "Gesundheitscluster im Tal"),
            ("/id/cluster/valley-health", "Valley Health Cluster"),
            ("/de/id/cluster/valley-health", "Gesundheitscluster im Tal"),
            ("/dataset", "Clusters of another region"),
            ("/queries", "overview"),
            ("/queries/cluster-facts?cluster=cluster:valley-health", "12 members"),
        ):
            request = urllib.request.Request(server.base + path, headers={"Accept": "text/html"})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200, path
                text = response.read().decode("utf-8")
            assert says in text, path
            seen |= set(_IRI_IN_TEXT.findall(text))
        request = urllib.request.Request(
            server.base + "/id/cluster/valley-health", headers={"Accept": "text/turtle"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            graph = rdflib.Graph().parse(data=response.read().decode("utf-8"), format="turtle")
        subjects = {str(s) for s in graph.subjects() if isinstance(s, rdflib.URIRef)}
        assert CLUSTER in subjects
        # The cluster's page describes what it points to: its own nodes, and its source.
        assert {s for s in subjects if not s.startswith(NEW_BASE)} == {REGISTER}
        seen |= {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
        assert len(seen) > 50, "too few IRIs were checked"
        assert _krakow_iris(seen) == []
    finally:
        server.stop()


def test_the_curators_readme_example_conforms(tmp_path: Path):
    """data/README.md's example of a cluster as a source states it, with the fixture's own work
    beside it, is valid data of the new project."""
    assert _run(["init", *OPTIONS, "new"], cwd=tmp_path, home=ROOT).returncode == 0
    data = tmp_path / "new" / "data"
    example = re.search(r"```turtle\n(.*?)```", (data / "README.md").read_text("utf-8"), re.S)
    assert example, "data/README.md shows no Turtle example"
    text = example.group(1).replace("SLUG", "valley-health")
    (data / "clusters.ttl").write_text(text.replace("https://the-source.example/page", REGISTER))
    for name in ("classifications.ttl", "summaries.ttl"):
        shutil.copy(FIXTURE / name, data / name)
    with open(data / "graphs.ttl", "a", encoding="utf-8") as graphs:
        graphs.write((FIXTURE / "graphs-more.ttl").read_text(encoding="utf-8"))
    result = _run(["validate"], cwd=data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms: 0 violations" in result.stdout


def test_a_project_folder_seeds_the_next(region: Path, tmp_path: Path):
    """Any project folder can be the source (--from), an empty one can be the target; the
    copy is moved from the source's base IRI to its own."""
    third = "https://example.net/third-region/"
    target = tmp_path / "third"
    target.mkdir()
    options = _bad_options({"--base-iri": third})
    result = _run(["init", *options, "--from", str(region), str(target)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    copied = sorted(p.relative_to(target) for p in target.rglob("*.rq") if p.is_file())
    assert copied == sorted(p.relative_to(region) for p in region.rglob("*.rq"))
    assert not (target / "data" / "clusters.ttl").exists(), "no data of the source"
    for path in target.rglob("*"):
        if path.is_file():
            assert NEW_BASE not in _text_of(path), path
    terms = rdflib.Graph().parse(target / "ontology" / "ontology.ttl", format="turtle")
    assert (rdflib.URIRef(third + "ontology#ClusterInitiative"), None, None) in terms
    validated = _run(["validate"], cwd=target)
    assert validated.returncode == 0, validated.stdout + validated.stderr


def _bad_options(replace: dict[str, str]) -> list[str]:
    options = list(OPTIONS)
    for option, value in replace.items():
        options[options.index(option) + 1] = value
    return options


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (_bad_options({"--base-iri": "ftp://example.org/x/"}), "is not an http(s) IRI"),
        (_bad_options({"--base-iri": "https://example.org/x"}), "must end with a slash"),
        (_bad_options({"--languages": "en,deutsch"}), "'deutsch' is not a language tag"),
        (_bad_options({"--licence": "CC BY 4.0"}), "dataset.licence (--licence)"),
        (OPTIONS, None),
        (OPTIONS[:-4] + ["--release-date", "2026-12-01"], "--licence is missing"),
        (
            ["--no-input", "--base-iri", NEW_BASE, "--languages", "en,de", "--name", "en=X"],
            "--name de=… is missing",
        ),
    ],
    ids=["scheme", "slash", "language", "licence", "non-empty", "missing", "per-language"],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, options, says):
    target = tmp_path / "another-region"
    if says is None:  # an existing folder that is not empty
        target.mkdir()
        (target / "notes.txt").write_text("kept\n", encoding="utf-8")
        says = "the folder is not empty"
    result = _run(["init", *options, str(target)], cwd=tmp_path, home=ROOT)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], lines
    assert "Traceback" not in result.stderr and result.stdout == ""
    left = sorted(p.name for p in tmp_path.iterdir())
    if target.exists():
        assert [p.name for p in target.iterdir()] == ["notes.txt"]
        assert left == ["another-region"]
    else:
        assert left == [], f"init left {left} behind"


def test_the_projects_own_settings_come_out_of_init(tmp_path: Path, monkeypatch):
    """The project's own folder is one such folder: init given this project's settings values
    writes a settings.toml that loads to the same settings."""
    own = Settings.load(ROOT / "settings.toml")
    args = ["init", "--no-input", "--base-iri", own.base_iri]
    args += ["--languages", ",".join(own.languages)]
    for option, table in (
        ("--name", own.name),
        ("--about", own.about),
        ("--title", own.title),
        ("--description", own.description),
        ("--wikidata-description", own.wikidata_description),
    ):
        args += [part for lang, text in table.items() for part in (option, f"{lang}={text}")]
    for lang, words in own.keywords.items():
        args += [part for word in words for part in ("--keyword", f"{lang}={word}")]
    args += [part for place in own.spatial for part in ("--spatial", place)]
    args += [part for item in own.prefixes.items() for part in ("--prefix", "=".join(item))]
    args += ["--publisher", own.publisher_name, "--publisher-url", own.publisher_url]
    args += ["--licence", own.licence, "--public-url", own.public_url]
    args += ["--release-version", own.version, "--release-date", own.date, "own"]
    monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(ROOT))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert Settings.load(tmp_path / "own" / "settings.toml") == own
    assert own.wikidata_description and own.prefixes and own.spatial, "a table was not compared"


def test_init_asks_for_what_the_options_leave_out(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(ROOT))
    monkeypatch.chdir(tmp_path)
    answers = [NEW_BASE, "en, de", "Clusters of another region", "Cluster einer anderen Region"]
    answers += ["Another region's data team", LICENCE]
    result = CliRunner().invoke(cli, ["init", "asked"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    settings = Settings.load(tmp_path / "asked" / "settings.toml")
    assert settings.languages == ("en", "de") and settings.base_iri == NEW_BASE
    assert settings.title == settings.name and settings.name["de"] == answers[3]
    assert settings.publisher_name == answers[4] and settings.licence == LICENCE
    # No answer (the input ends) is a missing answer, not a hang or a traceback.
    result = CliRunner().invoke(cli, ["init", "unanswered"], input=NEW_BASE + "\n")
    assert result.exit_code == 2 and "--languages is missing" in result.output
    assert not (tmp_path / "unanswered").exists()


def test_a_new_region_fills_in_its_template_workbook_and_imports_it(tmp_path: Path):
    """issue 24: in a folder from init, the curators fill in the template workbook init wrote
    (through openpyxl, as a spreadsheet program would save it) and `import` it: the rows become
    the data of the new region, under its base IRI, which validates and builds."""
    result = _run(["init", *OPTIONS, "valley"], cwd=tmp_path, home=ROOT)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "valley"
    book = openpyxl.load_workbook(folder / "workbook.xlsx")
    filled: set[str] = set()

    def add(sheet: str, **values: str) -> None:
        rows = book[sheet]
        header = [cell.value for cell in rows[1]]
        assert set(values) <= set(header), (sheet, header)
        rows.append([values.get(name) for name in header])
        filled.add(sheet)

    report = "https://news.example.org/valley-clusters-2026"
    add(
        "sources",
        source=report,
        graph="valley-report",
        title="Clusters of the valley",
        language="en",
        graph_name_en="What the report states",
        graph_name_de="Was der Bericht angibt",
    )
    add("places", place="the-valley", origin=report, name_en="The Valley")
    add(
        "clusters",
        cluster="valley-robotics",
        origin=report,
        name_en="Valley Robotics Cluster",
        location="the-valley",
    )
    add(
        "counts",
        cluster="valley-robotics",
        count="members",
        wording="more than 30 companies",
        origin=report,
    )
    add(
        "texts",
        resource="cluster:valley-robotics",
        field="name",
        language="de",
        text="Robotik-Cluster des Tals",
        origin="translation",
    )
    add(
        "texts",
        resource="cluster:valley-robotics",
        field="description",
        language="en",
        text="A cluster of the valley's robotics companies, as the report names it.",
        origin="summary",
    )
    add(
        "classifications",
        resource="valley-robotics",
        sectors="ict",
        member_types="enterprise",
        origin="classification",
    )
    assert len(filled) == 6
    book.save(folder / "workbook.xlsx")

    imported = _run(["import", "workbook.xlsx"], cwd=folder)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "Valley Robotics Cluster" in imported.stdout
    source_file = folder / "data" / "valley-report.ttl"
    data = rdflib.Graph().parse(source_file, format="turtle")
    cluster = rdflib.URIRef(NEW_BASE + "id/cluster/valley-robotics")
    assert (cluster, None, None) in data
    assert rdflib.Literal("more than 30 companies", lang="en") in set(data.objects())
    translations = rdflib.Graph().parse(folder / "data" / "translations.ttl", format="turtle")
    assert (cluster, None, rdflib.Literal("Robotik-Cluster des Tals", lang="de")) in translations
    validated = _run(["validate"], cwd=folder)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    built = _run(["build", "--out", "dist", "--no-site"], cwd=folder)
    assert built.returncode == 0, built.stdout + built.stderr
    quads = ox.parse(path=folder / "dist" / "krakow-clusters.nq", format=ox.RdfFormat.N_QUADS)
    iris = {
        term.value
        for quad in quads
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
        if isinstance(term, ox.NamedNode)
    }
    assert str(cluster) in iris and NEW_BASE + "graph/valley-report" in iris
    assert not _krakow_iris(iris)
