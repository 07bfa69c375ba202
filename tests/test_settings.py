"""The project's identity is one settings file and one settings object: the package writes out no
base IRI, title or language list of its own. A project with another base IRI and the languages
["en", "de"] builds and serves with nothing of the Kraków project in its output: no IRI under
its base, no Polish text, no Polish pages."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal

from krakow_clusters.errors import CouldNotRun
from krakow_clusters.project import find_project
from krakow_clusters.settings import Settings

from .appserver import AppServer

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "krakow_clusters"
OLD_BASE = "https://w3id.org/krakow-clusters/"
NEW_BASE = "https://example.org/another-region/"

SETTINGS = f'''
[project]
base_iri = "{NEW_BASE}"
languages = ["en", "de"]

[project.name]
en = "Another region's clusters"
de = "Cluster einer anderen Region"

[project.about]
en = "Linked data about the clusters of another region"
de = "Verknüpfte Daten über die Cluster einer anderen Region"

[release]
version = "1.0.0"
date = "2026-12-01"
public_url = "https://clusters.example.org/"

[publisher]
name = "Another region's data team"
url = "https://example.org/another-region/"

[dataset]
licence = "https://creativecommons.org/licenses/by/4.0/"

[dataset.title]
en = "Clusters of another region"
de = "Cluster einer anderen Region"

[dataset.description]
en = "The cluster initiatives of another region."
de = "Die Clusterinitiativen einer anderen Region."

[dataset.keywords]
en = ["clusters"]
de = ["Cluster"]
'''


def _without_polish(path: Path, out: Path) -> None:
    """A Turtle file of the real project with its base moved and its Polish texts left out."""
    text = path.read_text(encoding="utf-8").replace(OLD_BASE, NEW_BASE)
    graph = rdflib.Graph().parse(data=text, format="turtle")
    for triple in list(graph):
        if isinstance(triple[2], Literal) and (triple[2].language or "").startswith("pl"):
            graph.remove(triple)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(graph.serialize(format="turtle"), encoding="utf-8")


@pytest.fixture(scope="module")
def another_region(tmp_path_factory) -> Path:
    """The real project's ontology, data and queries under another base IRI, in English only,
    with a settings file for English and German."""
    root = tmp_path_factory.mktemp("another-region")
    files = sorted((ROOT / "ontology").rglob("*.ttl")) + sorted((ROOT / "data").rglob("*.ttl"))
    assert files, "the project's Turtle files were not found"
    for path in files:
        _without_polish(path, root / path.relative_to(ROOT))
    for query in sorted((ROOT / "queries").rglob("*.rq")):
        target = root / query.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = query.read_text(encoding="utf-8").replace(OLD_BASE, NEW_BASE)
        # The queries ask for names in the project's languages: German where they ask for Polish.
        text = text.replace('"pl"', '"de"').replace("_pl", "_de")
        target.write_text(text, encoding="utf-8")
    (root / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    return root


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"KRAKOW_CLUSTERS_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "krakow_clusters.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        timeout=300,
    )


# Texts only the Polish project shows: its messages in Polish, and its language as a page's or a
# text's language.
POLISH = re.compile(
    r'lang="pl"|hreflang="pl"|"@language": "pl"|@pl\b|"pl":|Źródło faktów|Pliki do pobrania'
    r"|Klastry innow|Krakowskie klastry|\bpolski\b|po polsku"
)


def _problems(name: str, text: str) -> list[str]:
    found = []
    if OLD_BASE.rstrip("/") in text:
        found.append(f"{name}: an IRI under {OLD_BASE}")
    match = POLISH.search(text)
    if match:
        found.append(f"{name}: Polish text {match.group()!r}")
    return found


@pytest.fixture(scope="module")
def built(another_region: Path) -> Path:
    result = _cli(another_region, "build", "--out", str(another_region / "dist"))
    assert result.returncode == 0, result.stdout + result.stderr
    return another_region / "dist"


def test_another_region_builds_with_nothing_of_the_first(built: Path):
    files = [p for p in built.rglob("*") if p.is_file()]
    assert len(files) > 50, "the release has too few files"
    problems = [
        problem
        for path in files
        for problem in _problems(str(path.relative_to(built)), path.read_text(errors="replace"))
    ]
    assert not problems, "\n".join(problems[:20])
    site = built / "site"
    assert (site / "de" / "index.html").is_file(), "the German pages are written under de/"
    assert not (site / "pl").exists()
    void = (built / "void.ttl").read_text(encoding="utf-8")
    assert f"<{NEW_BASE}void#dataset>" in void or "void#dataset" in void
    assert '"Cluster einer anderen Region"@de' in void
    assert "http://publications.europa.eu/resource/authority/language/DEU" in void
    turtle = (built / "krakow-clusters.ttl").read_text(encoding="utf-8")
    assert (
        f"<{NEW_BASE}id/cluster/bim>" in turtle
        or f"@prefix cluster: <{NEW_BASE}id/cluster/>" in turtle
    )


def test_another_region_serves_with_nothing_of_the_first(
    another_region: Path, built: Path, tmp_path
):
    server = AppServer(tmp_path / "serve.log", "--dist", str(built), home=another_region).start()
    try:
        pages = {
            "/": "text/html",
            "/de/": "text/html",
            "/id/cluster/bim": "text/html",
            "/de/id/cluster/bim": "text/html",
            "/id/": "text/html",
            "/dataset": "text/html",
            "/reconcile": "application/json",
            "/openapi.json": "application/json",
        }
        problems = []
        for path, accept in pages.items():
            request = urllib.request.Request(server.base + path, headers={"Accept": accept})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200, path
                problems += _problems(path, response.read().decode("utf-8"))
        request = urllib.request.Request(
            server.base + "/id/cluster/bim", headers={"Accept": "text/turtle"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            turtle = response.read().decode("utf-8")
        assert problems == []
        graph = rdflib.Graph().parse(data=turtle, format="turtle")
        subjects = {str(s) for s in graph.subjects()}
        assert f"{NEW_BASE}id/cluster/bim" in subjects
        assert all(not s.startswith(OLD_BASE) for s in subjects)
    finally:
        server.stop()


def test_no_module_writes_out_the_identity():
    """The base IRI, the site's name and the language list are the settings file's: no module
    of the package holds them as code (docstrings and comments may name the example)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                if "w3id.org/krakow-clusters" in node.value or "Kraków innovation" in node.value:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if isinstance(node, ast.Tuple) and [getattr(e, "value", None) for e in node.elts] == [
                "en",
                "pl",
            ]:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} ('en', 'pl')")
    assert PACKAGE.is_dir()
    assert not offenders, "identity written in the code: " + ", ".join(offenders)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "project.base_iri: missing"),
        ("[project\n", "not valid TOML"),
        ('[project]\nbase_iri = "ftp://x/"\n', "is not an http(s) IRI"),
        ('[project]\nbase_iri = "https://x.org/a"\n', "must end with a slash"),
        ('[project]\nbase_iri = "https://x.org/"\nlanguages = []\n', "name at least one"),
        ('[project]\nbase_iri = "https://x.org/"\nlanguages = ["english"]\n', "not a language tag"),
        ('[project]\nbase_iri = "https://x.org/"\nlanguages = ["en", "en"]\n', "named twice"),
        ('[project]\nbase_iri = "https://x.org/"\nlanguages = ["en"]\n', "project.name: missing"),
    ],
)
def test_a_bad_settings_file_is_one_line_naming_the_key(tmp_path: Path, text: str, says: str):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CouldNotRun) as caught:
        Settings.load(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and says in message, message


def test_a_missing_settings_file_says_what_it_is(tmp_path: Path):
    with pytest.raises(CouldNotRun, match="no settings file"):
        Settings.load(tmp_path / "settings.toml")


def test_the_real_settings_load():
    settings = Settings.load(ROOT / "settings.toml")
    assert settings.languages[0] == settings.default_language
    assert settings.base_iri.endswith("/") and settings.id_base == settings.base_iri + "id/"
    for table in (settings.name, settings.about, settings.title, settings.description):
        assert set(table) == set(settings.languages)


def test_the_fixture_is_a_copy_with_another_base(another_region: Path):
    copied = list(another_region.rglob("*.ttl"))
    assert copied and all(OLD_BASE not in p.read_text(encoding="utf-8") for p in copied)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ('date = "2026-12-01"', 'date = "tomorrow"', "release.date: 'tomorrow' is not a day"),
        ('date = "2026-12-01"', "date = 2026-12-01T10:00:00", "is a moment, not a day"),
        ('languages = ["en", "de"]', 'languages = ["en", "de"]\n', ""),
    ],
)
def test_the_release_date_is_a_day(tmp_path: Path, old: str, new: str, says: str):
    path = tmp_path / "settings.toml"
    assert old in SETTINGS
    path.write_text(SETTINGS.replace(old, new), encoding="utf-8")
    if not says:
        assert Settings.load(path).date == "2026-12-01"
        return
    with pytest.raises(CouldNotRun) as caught:
        Settings.load(path)
    assert says in str(caught.value) and str(path) in str(caught.value)


def test_a_prefix_of_the_package_cannot_be_taken(tmp_path: Path):
    from krakow_clusters.rdf.namespaces import Namespaces

    path = tmp_path / "settings.toml"
    path.write_text(SETTINGS + '\n[prefixes]\ncluster = "https://example.org/x/"\n', "utf-8")
    with pytest.raises(CouldNotRun, match="cluster is a prefix of the package's own"):
        Namespaces.of(Settings.load(path))


def test_an_unrelated_settings_file_above_is_not_taken_for_the_project(tmp_path, monkeypatch):
    monkeypatch.delenv("KRAKOW_CLUSTERS_HOME", raising=False)
    (tmp_path / "settings.toml").write_text('[tool]\nname = "another tool"\n', encoding="utf-8")
    inside = tmp_path / "work" / "notes"
    inside.mkdir(parents=True)
    # The search goes on upwards, then to the checkout next to the package (this one).
    assert find_project(inside).root == ROOT
    (tmp_path / "ontology").mkdir()
    assert find_project(inside).root == tmp_path
