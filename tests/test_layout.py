"""The package's layout keeps its promises: one concept per module, only public names shared, the
engine behind one door, and a README whose Layout section matches the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "krakow_clusters"
MODULES = sorted(PACKAGE.rglob("*.py"))
ENGINE_PACKAGES = ("store", "formats")  # where pyoxigraph may be imported


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_module(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_modules_were_found():
    assert len(MODULES) > 20


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_private_name_of_another(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path)
    package_modules: dict[str, str] = {}  # local name -> module of this package it stands for
    borrowed = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _imported_module(path, node)
            for alias in node.names:
                if _private(alias.name) and source != here:
                    borrowed.append(f"{source}.{alias.name}")
                if source.startswith("krakow_clusters"):
                    package_modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("krakow_clusters"):
                    package_modules[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in package_modules
            and _private(node.attr)
        ):
            borrowed.append(f"{package_modules[node.value.id]}.{node.attr}")
    assert not borrowed, f"{here} uses private names of other modules: {sorted(set(borrowed))}"


def test_pyoxigraph_is_imported_only_by_the_store_and_the_formats():
    importers = set()
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            if any(name.split(".")[0] == "pyoxigraph" for name in names):
                importers.add(path.relative_to(PACKAGE).parts[0])
    assert importers, "pyoxigraph is imported nowhere: the test looks in the wrong place"
    assert importers <= set(ENGINE_PACKAGES), sorted(importers - set(ENGINE_PACKAGES))


SUBPACKAGES = sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))


@pytest.mark.parametrize("package", SUBPACKAGES, ids=lambda p: p.name)
def test_each_subpackage_says_what_it_owns(package: Path):
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert docstring and len(docstring.split()) >= 8, f"{package.name}/__init__.py has no docstring"


def _package_tree() -> dict[str, str]:
    """The Layout section's entries under src/krakow_clusters/: `name.py` or `name/` -> its text
    (continuation lines included)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    assert match, "README.md has no Layout section"
    lines = match.group(1).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("src/krakow_clusters/"))
    entries: dict[str, str] = {}
    current = None
    for line in lines[start + 1 :]:
        entry = re.match(r"  (\w+(?:\.py|/))\s", line + " ")
        if entry:
            current = entry.group(1)
            entries[current] = line
        elif current and line.startswith(" " * 10):
            entries[current] += "\n" + line
        else:
            break
    return entries


def _named_modules(text: str) -> set[str]:
    return set(re.findall(r"\b(\w+)\.py\b", text))


def test_readme_layout_matches_the_package_tree():
    entries = _package_tree()
    top = {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    top |= {f"{p.name}/" for p in SUBPACKAGES}
    assert top, "the package has no modules"
    assert set(entries) == top, (
        f"README's Layout and the tree differ: only in README {sorted(set(entries) - top)}, "
        f"only in the tree {sorted(top - set(entries))}"
    )
    for package in SUBPACKAGES:
        modules = {p.stem for p in package.rglob("*.py") if p.name != "__init__.py"}
        named = _named_modules(entries[f"{package.name}/"])
        assert named == modules, (
            f"README's Layout for {package.name}/: only in README {sorted(named - modules)}, "
            f"only in the tree {sorted(modules - named)}"
        )
