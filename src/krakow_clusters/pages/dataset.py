"""The dataset page, from void.ttl alone: its sections (the statements by resource), and what it
tells a person (title, description, files with format and size, licence, sources, how to cite
it), with numbers and sizes written as the page's language writes them (Babel)."""

import re
from collections.abc import Iterable

import rdflib
from babel.numbers import format_decimal
from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, VOID
from rdflib.term import Node

from ..formats import media as F
from ..rdf.labels import pick_literal
from ..rdf.namespaces import STANDARD_PREFIXES
from ..rdf.terms import Triple
from .describe import Description, Site, label_in, other_language
from .views import properties_view


def dataset_view(graph: Iterable[Triple], lang: str, site: Site) -> list[dict]:
    """The sections of the dataset page (void.ttl) in `lang`: catalogue and dataset first, then
    their distributions, then everything else."""
    triples = sorted(graph)
    kinds = ("Catalog", "Dataset", "Distribution", "DataService")
    rank: dict[str, int] = {}
    for s, p, o in triples:
        if p == RDF.type:
            for i, kind in enumerate(kinds):
                if str(o).endswith(("#" + kind, "/" + kind)):
                    rank[str(s)] = min(rank.get(str(s), 9), i)
    subjects = sorted({str(s) for s, _p, _o in triples}, key=lambda s: (rank.get(s, 9), s))
    desc = Description("", triples, {}, site=site)
    for s, p, o in triples:
        if p in (RDFS.label, DCTERMS.title) and isinstance(o, Literal):
            desc.labels.setdefault(str(s), []).append(o)
    void = site.settings.base_iri + "void#"
    return [
        {
            "iri": subject,
            # void.ttl's own nodes (<base>void#dataset …) are sections of its page: links to
            # /void#dataset land on them.
            "anchor": subject.partition("#")[2] if subject.startswith(void) else None,
            "title": label_in(desc.labels.get(subject), lang) or site.curie(subject) or subject,
            "properties": properties_view(subject, desc, {}, lang),
        }
        for subject in subjects
    ]


DCAT = Namespace(STANDARD_PREFIXES["dcat"])
IANA_MEDIA = "http://www.iana.org/assignments/media-types/"


def dataset_page(graph: rdflib.Graph, lang: str, site: Site) -> dict | None:
    """What the dataset page tells a person, from void.ttl alone: the dataset's title,
    description, version and dates, publisher, licence, sources, SPARQL endpoint, its files
    (format, media type, size, link) and how to cite it. None when the graph describes no
    dcat:Dataset (the page then shows the graph only)."""
    datasets = sorted(graph.subjects(RDF.type, DCAT.Dataset))
    if not datasets:
        return None
    ds = datasets[0]

    def text(subject: Node, prop: URIRef) -> tuple[str | None, str | None]:
        return _picked([o for o in graph.objects(subject, prop) if isinstance(o, Literal)], lang)

    def first(subject: Node, prop: URIRef) -> Node | None:
        values = sorted(graph.objects(subject, prop))
        return values[0] if values else None

    def label_of(node: Node) -> tuple[str, str | None]:
        labels = [
            o
            for prop in (RDFS.label, DCTERMS.title, FOAF.name)
            for o in graph.objects(node, prop)
            if isinstance(o, Literal)
        ]
        label, language = _picked(labels, lang)
        return (label, language) if label is not None else (str(node), None)

    def source(node: Node) -> dict:
        label, language = label_of(node)
        return {**site.iri_view(str(node), label), "lang": language}

    catalogs = sorted(graph.subjects(DCAT.dataset, ds))
    publisher = first(ds, DCTERMS.publisher)
    license = first(ds, DCTERMS.license) or (
        first(catalogs[0], DCTERMS.license) if catalogs else None
    )
    endpoint = first(ds, VOID.sparqlEndpoint)
    dumps = set(graph.objects(ds, VOID.dataDump))
    issued, modified, version = (
        first(ds, p) for p in (DCTERMS.issued, DCTERMS.modified, DCAT.version)
    )
    title, title_lang = text(ds, DCTERMS.title)
    description, description_lang = text(ds, DCTERMS.description)
    page = {
        "iri": str(ds),
        # Each text with its language, which the page marks where it is not the page's own.
        "title": title or str(ds),
        "title_lang": title_lang,
        "description": description,
        "description_lang": description_lang,
        "keywords": sorted(
            str(k)
            for k in graph.objects(ds, DCAT.keyword)
            if isinstance(k, Literal) and k.language and other_language(k, lang) is None
        ),
        "version": str(version) if version is not None else None,
        "issued": str(issued) if issued is not None else None,
        "modified": str(modified) if modified is not None else None,
        "publisher": (
            {
                "name": label_of(publisher)[0],
                "href": str(h) if (h := first(publisher, FOAF.homepage)) is not None else None,
            }
            if publisher is not None
            else None
        ),
        "license": site.iri_view(str(license), str(license), local=False) if license else None,
        "sources": [source(s) for s in sorted(graph.objects(ds, PROV.wasDerivedFrom))],
        "sparql": site.iri_view(str(endpoint), str(endpoint)) if endpoint is not None else None,
        # The dumps of the dataset first, then its other files, then the ontology's.
        "downloads": sorted(
            (_download(graph, d, lang, site) for d in graph.objects(ds, DCAT.distribution)),
            key=lambda d: ("/ontology/" in d["url"], URIRef(d["url"]) not in dumps, d["url"]),
        ),
    }
    page["year"] = page["issued"][:4] if page["issued"] else None
    page["bibtex"] = _bibtex(page, site.settings.base_iri)
    return page


def _download(graph: rdflib.Graph, dist: Node, lang: str, site: Site) -> dict:
    url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
    media_iri = str(graph.value(dist, DCAT.mediaType) or "")
    media = media_iri.removeprefix(IANA_MEDIA) if media_iri.startswith(IANA_MEDIA) else None
    size = graph.value(dist, DCAT.byteSize)
    size = int(size) if isinstance(size, Literal) and str(size).isdigit() else None
    title, title_lang = _picked(
        [o for o in graph.objects(dist, DCTERMS.title) if isinstance(o, Literal)], lang
    )
    url = str(url) if url is not None else ""
    return {
        "title": title or url,
        "title_lang": title_lang if title else None,
        "url": url,
        "link": site.iri_view(url, url) if url else None,
        "format": F.FORMAT_NAMES.get(media or "", media or ""),
        "media": media,
        "bytes": _grouped(size, lang) if size is not None else None,
        "size": human_size(size, lang) if size is not None else None,
    }


def _picked(literals: list[Literal], lang: str) -> tuple[str | None, str | None]:
    """(the text pick_literal chooses for `lang`, its language when not the page's, or None)."""
    chosen = pick_literal(literals, lang)
    return (None, None) if chosen is None else (str(chosen), other_language(chosen, lang))


def _grouped(number: int, lang: str) -> str:
    """A whole number with its thousands grouped as `lang` writes them (Babel): 70,481 /
    70 481."""
    return format_decimal(number, locale=lang.replace("-", "_"))


def human_size(size: int, lang: str) -> str:
    """A size in bytes as a person reads it in `lang` (decimal units, one decimal, the
    language's decimal sign from Babel): 70.5 kB, 1,2 MB."""
    if size < 1000:
        return f"{size} B"
    value, unit = (size / 1000, "kB") if size < 1_000_000 else (size / 1_000_000, "MB")
    # Rounded first as Python rounds (the figure shown so far), then written by Babel.
    figure = format_decimal(float(f"{value:.1f}"), format="0.0", locale=lang.replace("-", "_"))
    return figure + "\u00a0" + unit


def _bibtex_text(value: str) -> str:
    """A value inside a BibTeX field's braces: TeX's special characters escaped."""
    out = value.replace("\\", "\\textbackslash{}")
    for char in "{}&%$#_":
        out = out.replace(char, "\\" + char)
    return out.replace("\\textbackslash\\{\\}", "\\textbackslash{}")


def _bibtex(page: dict, base_iri: str) -> str:
    """A BibTeX entry of the dataset with only what void.ttl states: no author is invented (the
    publisher is the publisher); the URL is the dataset's IRI. Its key is the last segment of the
    project's base IRI and the version."""
    # A key is a bare word: letters, digits, dots and hyphens only.
    version = re.sub(r"[^A-Za-z0-9.-]", "", page["version"] or "")
    name = re.sub(r"[^A-Za-z0-9.-]", "", base_iri.rstrip("/").rsplit("/", 1)[-1]) or "dataset"
    key = name + (f"-{version}" if version else "")
    fields = [("title", "{" + _bibtex_text(page["title"]) + "}")]
    if page["publisher"]:
        fields.append(("publisher", _bibtex_text(page["publisher"]["name"])))
    if page["year"]:
        fields.append(("year", _bibtex_text(page["year"])))
    if page["issued"]:
        fields.append(("date", _bibtex_text(page["issued"])))
    if page["version"]:
        fields.append(("version", _bibtex_text(page["version"])))
    fields.append(("url", page["iri"]))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"
