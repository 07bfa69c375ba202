"""The project's identity, read from one file at the project root (settings.toml): the base IRI
of its identifiers, its languages, the dataset's title, description and keywords per language,
publisher, licence, spatial coverage, the declared release (version and date) and where it is
published. One `Settings` object holds it; every module gets it passed in (or from the
`Project`), and none writes out a base IRI, a title or a language list of its own.

Errors are one line naming the file and the key (CouldNotRun, exit code 2).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CouldNotRun

SETTINGS_FILE = "settings.toml"

# A language tag as the settings may name it: a primary language subtag, and a region or script
# (BCP 47, as `en`, `pl`, `de`, `pt-BR`); Babel and gettext know it by the same name.
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_HTTP_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


@dataclass(frozen=True)
class Settings:
    """What settings.toml declares. `languages[0]` is the default language."""

    base_iri: str
    languages: tuple[str, ...]
    name: Mapping[str, str]
    about: Mapping[str, str]
    version: str
    date: str
    licence: str
    public_url: str
    publisher_name: str
    publisher_url: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]]
    spatial: tuple[str, ...] = ()
    # The description of a new Wikidata item of a cluster (link quickstatements), per language.
    wikidata_description: Mapping[str, str] = field(default_factory=dict)
    # Prefixes of the project's own beside those of its base IRI and the standard vocabularies
    # (the sources' sites, say), for dumps, reports and pages.
    prefixes: Mapping[str, str] = field(default_factory=dict)
    # The vocabulary's IRI (OWL terms): by default under the base, `{base}ontology`.
    ontology_iri: str = ""
    path: Path | None = field(default=None, compare=False)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def ontology(self) -> str:
        """The ontology's IRI (its terms are `{ontology}#Term`)."""
        return self.ontology_iri or self.base_iri + "ontology"

    @property
    def ontology_ns(self) -> str:
        return self.ontology + "#"

    @property
    def id_base(self) -> str:
        """Where the resources' IRIs start: `{base}id/{kind}/{slug}`."""
        return self.base_iri + "id/"

    @property
    def graph_base(self) -> str:
        """Where the named graphs' IRIs start: a file's graph is `{base}graph/{file name}`."""
        return self.base_iri + "graph/"

    @property
    def dataset_graph(self) -> str:
        """The one named graph `publish` fills with the whole dataset, by default."""
        return self.base_iri + "dataset"

    def graph_for_file(self, path: Path) -> str:
        """The named graph a file of triples is loaded into: the graph base and its name, no
        extension (every statement lives in the graph of its origin, data/README.md)."""
        return self.graph_base + Path(path).stem

    def text(self, texts: Mapping[str, Any], lang: str) -> Any:
        """The value of a per-language table in `lang`, else in the default language."""
        return texts.get(lang, texts.get(self.default_language))

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Read and check settings.toml; CouldNotRun naming the file and the key."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CouldNotRun(
                f"{path}: no settings file (the project's identity: base IRI, languages, "
                "titles; copy settings.toml from the package's project and edit it)"
            ) from None
        except OSError as exc:
            raise CouldNotRun(f"{path}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CouldNotRun(f"{path}: not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            raise CouldNotRun(f"{path}: not valid TOML: {exc}") from None
        return _Reader(path, data).settings()


class _Reader:
    """Reads the parsed file key by key, so that each error names the key it is about."""

    def __init__(self, path: Path, data: dict) -> None:
        self.path = path
        self.data = data

    def fail(self, key: str, what: str) -> CouldNotRun:
        return CouldNotRun(f"{self.path}: {key}: {what}")

    def get(self, key: str, kind: type | tuple[type, ...] = str, default: Any = ...) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is not ...:
                    return default
                raise self.fail(key, "missing")
            node = node[part]
        if not isinstance(node, kind) or (isinstance(node, bool) and kind is not bool):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise self.fail(key, f"must be {_ARTICLE.get(names, 'a ' + names)}")
        return node

    def date(self, key: str) -> str:
        """A day, YYYY-MM-DD (a TOML date or a string): dct:issued and dct:modified are dates."""
        value = self.get(key, (str, datetime.date))
        if isinstance(value, datetime.datetime):
            raise self.fail(key, f"{value} is a moment, not a day (YYYY-MM-DD)")
        text = value.isoformat() if isinstance(value, datetime.date) else value
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            raise self.fail(key, f"{text!r} is not a day YYYY-MM-DD") from None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise self.fail(key, f"{text!r} is not a day YYYY-MM-DD")
        return text

    def iri(self, key: str, default: Any = ...) -> str:
        value = self.get(key, str, default)
        if value and not _HTTP_IRI.fullmatch(value):
            raise self.fail(key, f"{value!r} is not an http(s) IRI")
        return value

    def per_language(self, key: str, languages: tuple[str, ...], kind: type = str) -> dict:
        table = self.get(key, dict)
        missing = [lang for lang in languages if lang not in table]
        if missing:
            raise self.fail(key, f"no text for {', '.join(missing)} (one per language)")
        found = {}
        for lang in languages:
            value = self.get(f"{key}.{lang}", kind)
            if kind is list:
                if not all(isinstance(v, str) for v in value):
                    raise self.fail(f"{key}.{lang}", "must be a list of strings")
                value = tuple(value)
            found[lang] = value
        return found

    def settings(self) -> Settings:
        base = self.iri("project.base_iri")
        if not base.endswith("/"):
            raise self.fail("project.base_iri", f"{base!r} must end with a slash")
        languages = self.get("project.languages", list)
        if not languages:
            raise self.fail(
                "project.languages", "name at least one language (the first is the default)"
            )
        for lang in languages:
            if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
                raise self.fail("project.languages", f"{lang!r} is not a language tag such as 'en'")
        if len(set(languages)) != len(languages):
            raise self.fail("project.languages", "a language is named twice")
        langs = tuple(languages)
        spatial = self.get("dataset.spatial", list, [])
        for place in spatial:
            if not isinstance(place, str) or not _HTTP_IRI.fullmatch(place):
                raise self.fail("dataset.spatial", f"{place!r} is not an http(s) IRI")
        prefixes = self.get("prefixes", dict, {})
        for name, namespace in prefixes.items():
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", name):
                raise self.fail("prefixes", f"{name!r} is not a prefix name")
            if not isinstance(namespace, str) or not _HTTP_IRI.fullmatch(namespace):
                raise self.fail(f"prefixes.{name}", "must be an http(s) IRI")
        descriptions = self.get("wikidata.description", dict, {})
        for lang, text in descriptions.items():
            if lang not in langs or not isinstance(text, str):
                raise self.fail(
                    f"wikidata.description.{lang}", "must be a text in a project language"
                )
        return Settings(
            wikidata_description=dict(descriptions),
            base_iri=base,
            name=self.per_language("project.name", langs),
            about=self.per_language("project.about", langs),
            prefixes=dict(prefixes),
            languages=langs,
            ontology_iri=self.iri("project.ontology_iri", ""),
            version=str(self.get("release.version", (str, int, float))),
            date=self.date("release.date"),
            public_url=self.iri("release.public_url"),
            licence=self.iri("dataset.licence"),
            publisher_name=self.get("publisher.name"),
            publisher_url=self.iri("publisher.url"),
            title=self.per_language("dataset.title", langs),
            description=self.per_language("dataset.description", langs),
            keywords=self.per_language("dataset.keywords", langs, list),
            spatial=tuple(spatial),
            path=self.path,
        )


_ARTICLE = {"str": "a string", "list": "a list", "dict": "a table", "int": "a whole number"}
