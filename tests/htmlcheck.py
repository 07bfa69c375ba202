"""HTML checks with parsers: what every page of the site promises, whatever its kind.

Two parsers read each page. html5rdf (the maintained fork of html5lib, a WHATWG HTML parser)
reports every parse error the HTML standard defines (misnested or stray tags, duplicate
attributes, a table's stray content, an unexpected end of file). The standard library's tokenizer
then checks what the standard forgives but our templates promise: every element that is not void
is closed explicitly, in order. The same pass collects the language, the title, the canonical
and alternate links, the ids and every link, for the tests to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import html5rdf
from html5rdf.constants import E

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Where a page loads something from (not where it only links to): each must stay on this site.
LOADED = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "track": "src",
    "embed": "src",
    "object": "data",
}
# <link> relations that name another document rather than load a resource.
LINK_ONLY = {"alternate", "canonical", "license", "help", "author", "describedby"}


@dataclass
class Link:
    tag: str
    attribute: str
    value: str
    rel: str = ""
    line: int = 0


@dataclass
class Page:
    """What one page says about itself, and what is wrong with it."""

    lang: str | None = None
    title: str = ""
    canonical: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)  # hreflang -> href
    typed: list[tuple[str, str]] = field(default_factory=list)  # every rel=alternate: (href, type)
    links: list[Link] = field(default_factory=list)  # <a>, <link>, <form> and loaded resources
    ids: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def loads_from_elsewhere(self) -> list[str]:
        """The resources (scripts, styles, images, frames…) a page loads from another host."""
        found = []
        for link in self.links:
            loaded = link.tag in LOADED or (
                link.tag == "link" and not set(link.rel.split()) <= LINK_ONLY
            )
            if loaded and urlsplit(link.value).netloc:
                found.append(f"line {link.line}: <{link.tag} {link.attribute}={link.value!r}>")
        return found


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.open: list[tuple[str, int]] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag not in VOID:
            self.open.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        # Inside <svg> or <math> (foreign content) `<circle/>` closes itself, as in XML.
        foreign = any(name in ("svg", "math") for name, _line in self.open)
        if tag not in VOID and not foreign:
            self.page.problems.append(f"line {self.getpos()[0]}: <{tag}/> is not a void element")

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        if "id" in attributes:
            self.page.ids.add(attributes["id"])
        if tag == "html":
            self.page.lang = attributes.get("lang")
        elif tag == "title":
            self.in_title = True
        elif tag == "a" and "name" in attributes:
            self.page.ids.add(attributes["name"])
        rel = attributes.get("rel", "")
        if tag == "link":
            rels = rel.split()
            if "canonical" in rels:
                self.page.canonical = attributes.get("href")
            if "alternate" in rels and "hreflang" in attributes:
                self.page.alternates[attributes["hreflang"]] = attributes.get("href", "")
            if "alternate" in rels:
                kind = attributes.get("type", "")
                self.page.typed.append((attributes.get("href", ""), kind))
                if not kind:
                    shown = attributes.get("href", "")[:80]
                    self.page.problems.append(f"line {line}: <link rel=alternate {shown}> no type")
        for name in ("href", "src", "action", "data"):
            if name in attributes and (tag, name) in _LINKING:
                self.page.links.append(Link(tag, name, attributes[name], rel, line))

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag == "title":
            self.in_title = False
        if tag in VOID:
            self.page.problems.append(f"line {line}: </{tag}> closes a void element")
        elif not self.open:
            self.page.problems.append(f"line {line}: </{tag}> closes nothing")
        elif self.open[-1][0] != tag:
            opened, at = self.open[-1]
            self.page.problems.append(f"line {line}: </{tag}> closes <{opened}> of line {at}")
            if any(name == tag for name, _ in self.open):
                while self.open and self.open.pop()[0] != tag:
                    pass
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page.title += data


_LINKING = {
    ("a", "href"),
    ("link", "href"),
    ("form", "action"),
    ("area", "href"),
    *LOADED.items(),
}


def check_page(text: str) -> Page:
    """Read one page with both parsers; `problems` lists what is not well formed."""
    page = Page()
    parser = html5rdf.HTMLParser()
    parser.parse(text)
    for (line, column), code, data in parser.errors:
        message = E.get(code, code) % (data or {}) if data is not None else E.get(code, code)
        page.problems.append(f"line {line}:{column}: {message}")
    reader = _Reader(page)
    reader.feed(text)
    reader.close()
    for tag, line in reader.open:
        page.problems.append(f"<{tag}> of line {line} is never closed")
    if not (page.lang or "").strip():
        page.problems.append("<html> has no lang")
    page.title = " ".join(page.title.split())
    if not page.title:
        page.problems.append("no <title>, or an empty one")
    return page
