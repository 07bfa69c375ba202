"""Every page, in both languages, read with HTML parsers (tests/htmlcheck.py): well formed, with
`lang`, a title, a canonical link and the hreflang alternates, nothing loaded from another host,
and every internal link leading somewhere: on the static site (every file) and on `serve` (a
crawl from the home pages, bounded)."""

from __future__ import annotations

import posixpath
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from krakow_clusters.pages.i18n import is_page, split_prefix

from .appserver import get
from .htmlcheck import Page, check_page
from .identity import SETTINGS
from .sitepages import KINDS, LANGUAGES

# The crawl's bounds: HTML pages read, and URLs asked for in all (pages, data, downloads).
MAX_PAGES = 600
MAX_URLS = 4000


def _static_problems(site: Path, file: Path, page: Page) -> list[str]:
    name = str(file.relative_to(site))
    lang = "pl" if name.startswith("pl/") else "en"
    problems = [f"{name}: {p}" for p in page.problems]
    if page.lang != lang:
        problems.append(f"{name}: lang={page.lang!r}, not {lang!r}")
    wanted = {"en", "pl", "x-default"}
    if page.canonical is None:
        problems.append(f"{name}: no canonical link")
    if set(page.alternates) != wanted:
        problems.append(f"{name}: hreflang alternates {sorted(page.alternates)}")
    elif posixpath.normpath(posixpath.join(posixpath.dirname(name), page.alternates[lang])) != name:
        problems.append(f"{name}: the {lang} alternate is not the page itself")
    problems += [f"{name}: loads {found}" for found in page.loads_from_elsewhere()]
    return problems


def _resolve_static(release: Path, file: Path, href: str, pages: dict[Path, Page]) -> str | None:
    """None when a relative link of `file` leads to a file of the release (and to an id of it,
    for an HTML page with a fragment); else what is wrong."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None  # another host: a link, allowed (loads_from_elsewhere checks resources)
    if href.startswith("/"):
        return "a root-relative link breaks the site on a static host under a folder"
    target = (file.parent / parts.path).resolve() if parts.path else file.resolve()
    if not target.is_relative_to(release.resolve()):
        return "leads out of the release"
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return "no such file"
    if parts.fragment and target.suffix == ".html":
        page = pages.get(target)
        if page is not None and parts.fragment not in page.ids:
            return f"no id {parts.fragment!r} in {target.name}"
    return None


def test_every_page_of_the_static_site_in_both_languages(real_release: Path):
    site = real_release / "site"
    files = sorted(site.rglob("*.html"))
    pages = {file.resolve(): check_page(file.read_text(encoding="utf-8")) for file in files}
    per_language = {lang: 0 for lang in LANGUAGES}
    for file in files:
        per_language["pl" if file.relative_to(site).parts[0] == "pl" else "en"] += 1
    assert per_language["en"] > 50 and per_language["en"] == per_language["pl"], per_language

    problems: list[str] = []
    for file in files:
        page = pages[file.resolve()]
        problems += _static_problems(site, file, page)
        for link in page.links:
            wrong = _resolve_static(real_release, file, link.value, pages)
            if wrong:
                name = file.relative_to(site)
                problems.append(f"{name}: line {link.line}: <{link.tag}> {link.value!r}: {wrong}")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


def _fetch(url: str) -> tuple[int, str, str, bytes]:
    """(status, final URL after redirects, content type, body) of a GET that asks for HTML."""
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            kind = response.headers.get("Content-Type", "")
            return response.status, response.geturl(), kind, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.headers.get("Content-Type", ""), exc.read()


def _crawl(base: str, starts: list[str]) -> tuple[dict[str, Page], list[str]]:
    """Read the HTML pages reachable from `starts` under their language prefixes, and ask for
    every internal URL they name (redirects followed). Pages with a query string (filters, saved
    queries with parameters) are read, but their links are not followed: that bounds the filter
    combinations. Links from a page with a language to one without (the ontology's documentation
    in dist/, the /dist/ listing) are followed one step further: that page is read for its own
    problems and what it links to is asked for.
    Returns the pages read (by path) and the problems."""
    host = urlsplit(base).netloc
    prefixes = tuple(f"/{lang}/" for lang in LANGUAGES)
    queue = deque((path, 2) for path in starts)
    seen = set(starts)
    pages: dict[str, Page] = {}
    problems: list[str] = []
    referrers: dict[str, str] = {}
    while queue:
        path, level = queue.popleft()
        assert len(seen) <= MAX_URLS, f"the crawl named more than {MAX_URLS} URLs: raise it"
        status, final, kind, body = _fetch(base + path)
        if not 200 <= status < 300:
            problems.append(f"{path} (linked from {referrers.get(path)}): {status}")
            continue
        final_path = urlsplit(final).path + (f"?{urlsplit(final).query}" if "?" in final else "")
        if not kind.startswith("text/html") or final_path in pages or len(pages) >= MAX_PAGES:
            continue
        page = pages[final_path] = check_page(body.decode("utf-8"))
        problems += [f"{final_path}: {p}" for p in page.problems]
        problems += [f"{final_path}: loads {found}" for found in page.loads_from_elsewhere()]
        has_language = final_path.startswith(prefixes)
        if has_language:
            problems += _serve_language_problems(final_path, page)
            problems += _unprefixed_page_links(final_path, page)
        if not level or urlsplit(final_path).query:
            continue
        for link in [*page.links, *({"value": v} for v in page.alternates.values())]:
            value = link["value"] if isinstance(link, dict) else link.value
            url, _fragment = urldefrag(urljoin(final, value))
            parts = urlsplit(url)
            if parts.netloc != host or parts.scheme not in ("http", "https"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                referrers[target] = final_path
                queue.append(
                    (target, 2 if level == 2 and target.startswith(prefixes) else level - 1)
                )
    return pages, problems


def _unprefixed_page_links(path: str, page: Page) -> list[str]:
    """A page whose language was chosen (`/pl/…`) links to the pages in that language: a link
    to an HTML page without the prefix would drop the visitor's choice."""
    found = []
    for link in page.links:
        if (
            link.tag in ("a", "form")
            and link.value.startswith("/")
            and not link.value.startswith("//")
        ):
            target = urlsplit(link.value).path
            if is_page(target) and split_prefix(target, SETTINGS.languages)[0] is None:
                found.append(
                    f"{path}: line {link.line}: <{link.tag}> {link.value!r} has no /{path[1:3]}/"
                )
    return found


def _serve_language_problems(path: str, page: Page) -> list[str]:
    lang, rest = path[1:3], path[3:]
    plain = rest.partition("?")[0]
    wanted = {"en": f"/en{plain}", "pl": f"/pl{plain}", "x-default": plain}
    problems = []
    if page.lang != lang:
        problems.append(f"{path}: lang={page.lang!r}")
    if page.canonical != f"/{lang}{plain}":
        problems.append(f"{path}: canonical {page.canonical!r}")
    if page.alternates != wanted:
        problems.append(f"{path}: hreflang alternates {page.alternates}")
    return problems


@pytest.fixture(scope="module")
def crawl(real_app) -> tuple[dict[str, Page], list[str], list[str]]:
    """(pages read, problems) of the crawl of serve."""
    return _crawl(real_app.base, ["/en/", "/pl/"])


def test_every_page_serve_links_to_in_both_languages(crawl):
    pages, problems = crawl
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])
    for lang in LANGUAGES:
        read = [path for path in pages if path.startswith(f"/{lang}/")]
        assert len(read) > 50, f"the crawl read only {len(read)} {lang} pages"
        # Every kind of page (but the error pages, which nothing links to, and the results of a
        # search, which a form asks for) was reached.
        for kind, path in KINDS.items():
            if kind not in ("not-found", "bad-filter", "search"):
                assert f"/{lang}{path}" in pages, f"the crawl missed the {kind} page in {lang}"
    assert len(pages) < MAX_PAGES, "the crawl stopped at its bound: raise MAX_PAGES"


def test_the_error_page_in_both_languages(real_app):
    for lang in LANGUAGES:
        path = f"/{lang}{KINDS['not-found']}"
        status, _headers, body = get(real_app.base + path, "text/html")
        assert status == 404
        page = check_page(body.decode("utf-8"))
        assert not page.problems, page.problems
        assert not _serve_language_problems(path, page)
        assert not page.loads_from_elsewhere()
