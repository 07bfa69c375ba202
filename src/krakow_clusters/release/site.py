"""The static HTML site that `build` writes into dist/site/: the pages `serve` renders, as files.

One page per resource of the dataset (every IRI under the base's /id/ that is a subject, its hash
IRIs included: `id/cluster/bim.html` holds `…/id/cluster/bim` and `…/id/cluster/bim#members`), the
home page of the clusters (`index.html`, the index to explore with its pictures) and a page per
facet value (`facet/sector/clean-energy.html`: the clusters of that value, see pages/facets.py), the
list of all resources (`id/index.html`), the dataset description (`dataset.html`, from
void.ttl) and the search page (`search.html`: its script, `static/search.js`, reads the page's
language's `search-index.js`, the names of the one index of rdf/matcher.py as a script that sets
them, so the search works without a server, straight from disk too). Every page exists in each
language of the project: the default's at the site's root, each other's under its own folder
(`pl/`), the same tree. The pages come from the same queries, views and templates as serve's
(pages/views.py, pages/profile.py: a cluster's facts with footnotes, its schema.org JSON-LD);
only their links differ: they are relative, so the folder works from any static host or
straight from disk. A link to a resource without a page (nothing is
stated about it) or to what only a server answers (the SPARQL endpoint) keeps its canonical IRI.

Nothing reads the clock and every list is sorted, so two builds write the same bytes.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import Literal

from ..formats import media as F
from ..pages.assets import assets
from ..pages.dataset import dataset_page, dataset_view
from ..pages.describe import (
    SLUG,
    LabelIndex,
    Site,
    describe,
    describes_something,
    sources_of,
)
from ..pages.facets import cluster_facts, facet_pages, index_page
from ..pages.i18n import split_prefix, translator
from ..pages.profile import resource_page
from ..pages.related import gather
from ..pages.render import Pages
from ..pages.schemaorg import dataset_schema_org, script_json
from ..pages.search import search_index
from ..pages.views import index_view, ontology_view
from ..rdf.entities import load_entities
from ..rdf.matcher import Matcher
from ..rdf.results import GraphStore
from ..rdf.sparqltext import fill

SITE_DIR = "site"
HOME = "index.html"
INDEX = "id/index.html"
DATASET = "dataset.html"
SEARCH = "search.html"
# One per language, beside its search page: the index as a script (`self.searchIndex = {…};`),
# which a page opened from disk (file://) may load where it may not fetch a JSON file.
SEARCH_INDEX = "search-index.js"
SEARCH_SCRIPT = "static/search.js"  # one for every language
ONTOLOGY_DOCS = "ontology/index.{lang}.html"  # in the release, beside the site


@dataclass
class OntologyDocs:
    """What the ontology's documentation shows: the ontology and its schemes, and the links to
    its files (server paths: `/dist/ontology/…`)."""

    graph: rdflib.Graph
    downloads: list[dict] = field(default_factory=list)


SUBJECTS = """
SELECT DISTINCT ?s WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), $ID))
}
"""


def page_of(iri: str, id_base: str) -> str | None:
    """The page of a resource IRI (under the project's `id_base`), relative to the site
    (`id/cluster/bim.html`); None for an IRI that serve has no page for either (not
    /id/{kind}/{slug})."""
    if not iri.startswith(id_base):
        return None
    kind, sep, slug = iri[len(id_base) :].split("#", 1)[0].partition("/")
    if not sep or not SLUG.fullmatch(kind) or not SLUG.fullmatch(slug):
        return None
    return f"id/{kind}/{slug}.html"


class Links:
    """Turns the links of serve's pages (`/id/cluster/bim#members`, `/ontology#memberCount`,
    `/dataset`, `/context.jsonld`) into links between the files of the site and the release."""

    def __init__(self, pages: set[str], release_files: set[str], site: Site) -> None:
        self.site = site
        self.pages = pages
        self.release_files = release_files  # relative to the release folder (the site's parent)
        self.targets: dict[str, str] = {}

    def target(self, href: str) -> str:
        """Where `href` leads, relative to the site folder (or an absolute IRI)."""
        found = self.targets.get(href)
        if found is None:
            found = self.targets[href] = self._target(href)
        return found

    def _target(self, href: str) -> str:
        path, hash_, fragment = href.partition("#")
        suffix = hash_ + fragment
        lang, path = split_prefix(path, self.site.languages)
        if path == "/" + SEARCH_SCRIPT:
            return SEARCH_SCRIPT + suffix
        default = self._default_target(path)
        if default is None:
            return self.site.settings.base_iri + path[1:] + suffix  # no file: the canonical IRI
        if lang not in (None, self.site.default_language):
            if default.startswith("../" + self._ontology_doc()):
                translated = ONTOLOGY_DOCS.format(lang=lang)
                if translated in self.release_files:
                    return "../" + translated + suffix
            elif not default.startswith("../"):
                return f"{lang}/{default}{suffix}"  # a page of the site, in the language's folder
        return default + suffix

    def _ontology_doc(self) -> str:
        return ONTOLOGY_DOCS.format(lang=self.site.default_language)

    def _default_target(self, path: str) -> str | None:
        """Where `path` leads in the default language's tree."""
        if path == "/" and HOME in self.pages:
            return HOME
        if path == "/id/" and INDEX in self.pages:
            return INDEX
        if path == "/search":
            return SEARCH
        if path.startswith("/facet/") and path[1:] + ".html" in self.pages:
            return path[1:] + ".html"
        if path in ("/dataset", "/void", "/.well-known/void") and DATASET in self.pages:
            return DATASET
        if path == "/ontology" and self._ontology_doc() in self.release_files:
            return "../" + self._ontology_doc()
        if path.startswith("/id/"):
            id_base = self.site.settings.id_base
            page = page_of(id_base + path[len("/id/") :], id_base)
            if page in self.pages:
                return page
        else:
            name = path.removeprefix("/dist/").lstrip("/")
            if name in self.release_files:
                return "../" + name
        return None

    def for_page(self, page: str) -> Callable[[str], str]:
        """The link function of one page: site paths become relative to the page's folder."""
        folder = posixpath.dirname(page) or "."

        def link(href: str) -> str:
            if href.startswith(self.site.settings.id_base):  # an IRI as it is (page sources)
                href = self.site.local_href(href)
            if not href.startswith("/"):
                return href  # external, or already relative
            target = self.target(href)
            if "://" in target:
                return target
            path, hash_, fragment = target.partition("#")
            # Both under one made-up root, so that a page beside the site (the ontology's
            # documentation, ../ontology/) links as well as one inside it.
            inside = posixpath.normpath(_ROOT + path)
            return posixpath.relpath(inside, posixpath.normpath(_ROOT + folder)) + hash_ + fragment

        return link


# The site folder as an absolute path of no machine, for relative links between the release's files.
_ROOT = "/release/site/"


def write_ontology_docs(
    ontology: OntologyDocs,
    site: Site,
    release: Path,
    with_site: bool = True,
    sources: dict[str, list[dict]] | None = None,
) -> list[Path]:
    """The ontology's documentation, a page of the site (its frame, its navigation) in each
    language, written into the release's ontology/ folder (ONTOLOGY_DOCS) before the site (the
    release's void.ttl lists it). Its navigation leads to the site's pages `with_site` (the home
    page, the index and the dataset page that write_site writes), else to the published IRIs."""
    files = {str(p.relative_to(release)) for p in release.rglob("*") if p.is_file()}
    files |= {ONTOLOGY_DOCS.format(lang=lang) for lang in site.languages}
    links = Links({HOME, INDEX, DATASET} if with_site else set(), files, site)
    renderer = Pages(site)
    written = []
    for lang in site.languages:
        view = ontology_view(ontology.graph, lang, site)
        docs = ONTOLOGY_DOCS.format(lang=lang)
        html = renderer.render(
            "ontology.html",
            link=links.for_page("../" + docs),
            lang=lang,
            explicit=True,
            page_path="/ontology",
            license=site.settings.licence,
            sources=sources or {},
            title=view["title"],
            o=view,
            downloads=ontology.downloads,
            alternates=ontology.downloads,
        )
        path = release / docs
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(html.encode("utf-8"))
        written.append(path)
    return written


def write_site(store: GraphStore, site: Site, out: Path, release: Path | None = None) -> list[Path]:
    """Write the static site of the data in `store` (the project of `site`) into the folder
    `out` (created).

    `release` is the folder of the release the site belongs to (default: `out`'s parent): links
    to the ontology documentation, the dumps and the dataset description (void.ttl) point at its
    files, and the dataset page is written only when it holds void.ttl. Returns the files written.
    """
    out = Path(out)
    release = Path(release) if release is not None else out.parent
    release_files = (
        {str(p.relative_to(release)) for p in release.rglob("*") if p.is_file()}
        if release.is_dir()
        else set()
    )
    release_files = {f for f in release_files if not f.startswith(SITE_DIR + "/")}

    id_base = site.settings.id_base
    answer = store.query(fill(SUBJECTS, ID=Literal(id_base)))
    documents = sorted({str(row[0]).split("#", 1)[0] for row in answer.rows})
    resources = {iri: page for iri in documents if (page := page_of(iri, id_base)) is not None}
    has_void = "void.ttl" in release_files
    facets = facet_pages(store, site)
    facet_files = {(name, slug): f"facet/{name}/{slug}.html" for name, slug in facets}
    pages = {HOME, INDEX, SEARCH, *resources.values(), *facet_files.values()}
    pages |= {DATASET} if has_void else set()
    links = Links(pages, release_files, site)

    renderer = Pages(site)
    license = site.settings.licence  # the dataset's, as void.ttl's
    sources = sources_of(store, site)
    written: list[Path] = []
    groups = index_view(store, site)
    facts = cluster_facts(store, site)  # once for every page of the index
    graph = None
    if has_void:
        graph = rdflib.Graph().parse(release / "void.ttl", format="turtle")

    def write(lang: str, page: str, server_path: str, template: str, **context) -> None:
        # The default language at the site's root, each other in its own folder (the same tree).
        page = page if lang == site.default_language else f"{lang}/{page}"
        html = renderer.render(
            template,
            link=links.for_page(page),
            lang=lang,
            explicit=True,
            page_path=server_path,
            license=license,
            sources=sources,
            **context,
        )
        path = out / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(html.encode("utf-8"))
        written.append(path)

    matcher = Matcher.build(load_entities(store, site.settings).values())
    for lang in site.languages:
        _ = translator(lang).gettext
        title = site.settings.text(site.settings.name, lang)
        write(lang, SEARCH, "/search", "search.html", title=_("Search"), q="")
        page = SEARCH if lang == site.default_language else f"{lang}/{SEARCH}"
        index = search_index(matcher, lang, site, links.for_page(page))
        path = out / posixpath.dirname(page) / SEARCH_INDEX
        data = json.dumps(index, ensure_ascii=False, sort_keys=True)
        path.write_bytes(f"self.searchIndex = {data};\n".encode())
        written.append(path)
        home = index_page(store, site, [], lang, static=True, facts=facts)
        write(lang, HOME, "/", "home.html", title=title, **home)
        for (name, slug), page in sorted(facet_files.items(), key=lambda item: item[1]):
            view = index_page(store, site, [(name, slug)], lang, static=True, facts=facts)
            write(lang, page, f"/facet/{name}/{slug}", "home.html", title=title, **view)
        write(lang, INDEX, "/id/", "index.html", groups=groups, title=_("All resources"))
        if graph is not None:
            alternates = [{"href": "/void.ttl", "label": "Turtle", "type": F.TURTLE}]
            write(lang, DATASET, "/dataset", "dataset.html", title=_("Dataset description"),
                  alternates=alternates, d=dataset_page(graph, lang, site),
                  sections=dataset_view(graph, lang, site),
                  jsonld=script_json(dataset_schema_org(graph, site.kc)))  # fmt: skip
    script = out / SEARCH_SCRIPT
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_bytes(assets()["search.js"].body)
    written.append(script)
    labels = LabelIndex(store)
    for iri, page in sorted(resources.items(), key=lambda item: item[1]):
        desc = describe(store, iri, site, labels=labels)  # once for every language
        if not describes_something(desc):
            continue
        gather(store, desc, labels)
        path = site.local_href(iri)
        for lang in site.languages:
            template, context = resource_page(desc, lang, store)
            write(lang, page, path, template, path=path, **context)
    return written
