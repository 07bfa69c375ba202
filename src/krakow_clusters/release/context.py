"""What the writers of a release share: the declared release (release.toml) and the build's
context (the project, the loaded dataset, the target folder). Its own module, so that the writers
and build.py both import it and neither imports the other."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CouldNotRun
from ..project import Project
from ..rdf.terms import NativeTriple
from ..store.embedded import EmbeddedStore

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


_WRITE_SLICE = 1 << 22  # characters


@dataclass
class BuildContext:
    """What the writers share: the project, the loaded dataset, the release, the target folder."""

    project: Project
    store: EmbeddedStore
    release: Release
    base: str
    folder: Path
    ontology: EmbeddedStore | None = None
    ontology_triples: list[NativeTriple] = field(default_factory=list)

    def triples(self) -> Iterator[NativeTriple]:
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
        if isinstance(content, bytes):
            path.write_bytes(content)
            return path
        # Encoded a slice at a time: a dump's text and a whole copy of it as UTF-8 would be two
        # large copies at once (a slice never splits a character: a str holds code points).
        with path.open("wb") as out:
            for start in range(0, len(content), _WRITE_SLICE):
                out.write(content[start : start + _WRITE_SLICE].encode("utf-8"))
        return path
