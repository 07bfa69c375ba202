"""Where the project's hand-edited sources live (ontology, schemes, shapes, data, links, queries)
and its settings (settings.toml: the project's identity, see settings.py).

A checkout is found from $KRAKOW_CLUSTERS_HOME, else from the working directory upwards, else next
to the installed package (an editable install from a clone).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import CouldNotRun
from .settings import SETTINGS_FILE, Settings

_MARKER = Path(SETTINGS_FILE)


@dataclass(frozen=True)
class Project:
    """The folders of one checkout and the files that make up the published dataset."""

    root: Path

    @functools.cached_property
    def settings(self) -> Settings:
        """The project's identity, read once from its settings file."""
        return Settings.load(self.settings_file)

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def checks_dir(self) -> Path:
        return self.queries_dir / "checks"

    def ontology_files(self) -> list[Path]:
        """The OWL terms and SKOS schemes: every ontology Turtle file except the shapes."""
        files = sorted(self.ontology_dir.glob("*.ttl")) + sorted(
            (self.ontology_dir / "schemes").glob("*.ttl")
        )
        return [f for f in files if f != self.shapes_file]

    def data_files(self) -> list[Path]:
        """The curated facts and the reviewed links."""
        return sorted(self.data_dir.glob("*.ttl")) + sorted((self.data_dir / "links").glob("*.ttl"))

    def dataset_files(self) -> list[Path]:
        """Everything that is published as the dataset: ontology, schemes, data and links."""
        return self.ontology_files() + self.data_files()

    def check_queries(self) -> list[Path]:
        return sorted(self.checks_dir.glob("*-violation.rq"))


def find_project(start: Path | None = None) -> Project:
    """Locate the checkout; raise CouldNotRun with advice when there is none."""
    env = os.environ.get("KRAKOW_CLUSTERS_HOME")
    if env:
        root = Path(env).expanduser().resolve()
        if not (root / _MARKER).is_file():
            raise CouldNotRun(f"KRAKOW_CLUSTERS_HOME={env} holds no {_MARKER}")
        return Project(root)
    candidates = [Path(start or Path.cwd()).resolve()]
    candidates += list(candidates[0].parents)
    candidates.append(Path(__file__).resolve().parents[2])
    # Going up, a folder counts when it also holds ontology/: settings.toml alone is a name
    # other tools use too, and an unrelated one above the checkout must not be taken for it.
    for folder in candidates:
        if (folder / _MARKER).is_file() and (folder / "ontology").is_dir():
            return Project(folder)
    raise CouldNotRun(
        f"no project found: run inside a checkout (a folder with {_MARKER} and ontology/) "
        "or set KRAKOW_CLUSTERS_HOME"
    )
