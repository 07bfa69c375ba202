"""What the writers of a release share: the build's context (the project and its settings, the
loaded dataset, the target folder). Its own module, so that the writers and build.py both import
it and neither imports the other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..project import Project
from ..rdf.namespaces import Namespaces
from ..rdf.terms import NativeTriple
from ..settings import Settings
from ..store.embedded import EmbeddedStore

HEADER = (
    "The {name} knowledge graph, release {version} ({date}).\n"
    "Built by `krakow-clusters build` from the project's sources; do not edit."
)


# --- the build -----------------------------------------------------------------------------------


_WRITE_SLICE = 1 << 22  # characters


@dataclass
class BuildContext:
    """What the writers share: the project, the loaded dataset, the release, the target folder."""

    project: Project
    store: EmbeddedStore
    settings: Settings
    base: str
    folder: Path
    ontology: EmbeddedStore | None = None
    ontology_triples: list[NativeTriple] = field(default_factory=list)
    # Whether the static site is written (build --no-site leaves it out): the pages beside it
    # (the ontology's documentation) link into it only then.
    with_site: bool = True

    def triples(self) -> Iterator[NativeTriple]:
        """The dataset's triples as Oxigraph terms, read from the store each time: a writer that
        needs them in a list makes its own, and lets it go (a million triples as Python objects
        take 0.4 GB; as rdflib terms, seconds more and twice that)."""
        return self.store.iter_native_triples()

    @property
    def namespaces(self) -> Namespaces:
        return Namespaces.of(self.settings)

    @property
    def header(self) -> str:
        settings = self.settings
        name = settings.name[settings.default_language]
        return HEADER.format(name=name, version=settings.version, date=settings.date)

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
