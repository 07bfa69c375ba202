"""English and Polish: the catalog covers every message, pages negotiate Accept-Language, the
/pl/ and /en/ prefixes choose, every page links its other language, the static site has both."""

from __future__ import annotations

import http.client
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from krakow_clusters.pages.i18n import negotiate_language
from krakow_clusters.project import Project
from krakow_clusters.release.build import build

from .appserver import get
from .identity import SETTINGS

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "krakow_clusters"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "translate": (2,)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def code_messages() -> dict[str, tuple[str, int]]:
    """Every message the templates and the Python code of the pages mark, with where it is."""
    found: dict[str, tuple[str, int]] = {}
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for folder in ("pages", "web", "release"):
        for filename, line, message, _comments, _context in extract_from_dir(
            str(PACKAGE / folder), method_map, options, keywords=KEYWORDS
        ):
            for msgid in message if isinstance(message, tuple) else (message,):
                found.setdefault(msgid, (f"{folder}/{filename}", line))
    # The query library's column headings (`#+ column:` lines) are messages of the pages too.
    for path in sorted((PACKAGE.parents[1] / "queries").glob("*.rq")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text.startswith("#+ column:"):
                label = text.partition("|")[2].strip()
                found.setdefault(label, (f"queries/{path.name}", number))
    return found


def catalog():
    folder = resources.files("krakow_clusters.pages") / "locale" / "pl" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po:
        return read_po(po, locale="pl")


def test_every_message_has_a_polish_translation():
    messages = code_messages()
    assert len(messages) > 40, "the extraction found the messages"
    polish = catalog()
    missing = []
    for msgid, (filename, line) in sorted(messages.items()):
        entry = polish.get(msgid)
        if entry is None:
            # The plural form of an ngettext message is an id of its entry, not an entry.
            entry = next((m for m in polish if isinstance(m.id, tuple) and msgid in m.id), None)
        strings = entry.string if entry is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if not all(strings):
            missing.append(f"{filename}:{line}: {msgid!r}")
    assert not missing, "no Polish translation in messages.po:\n" + "\n".join(missing)


def test_the_catalog_holds_only_messages_of_the_code():
    used = set(code_messages())
    stale = [m.id for m in catalog() if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id)]
    stale = [m for m in stale if (m[0] if isinstance(m, tuple) else m) not in used]
    assert not stale, f"messages.po has messages no code uses: {stale}"


def test_translations_keep_their_placeholders():
    checked = 0
    for message in catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, (message.id, string)
            checked += 1
    assert checked > 40


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("pl", "pl"),
        ("pl-PL", "pl"),
        ("PL-pl;q=0.7", "pl"),
        ("en-GB,en;q=0.9,pl;q=0.8", "en"),
        ("de-DE, pl;q=0.9, en;q=0.8", "pl"),
        ("en;q=0.4, pl;q=0.6", "pl"),
        ("en, pl", "en"),
        ("pl, en", "pl"),
        ("pl;q=0, *;q=0.5", "en"),
        ("*", "en"),
        ("fr, de", "en"),
        ("pl;q=abc, en;q=0.1", "en"),
        ("pl;;q=0.9,,en;q=0.1", "pl"),
        ("\u017c\u00f3\u0142w, pl", "pl"),
    ],
)
def test_accept_language_with_q_values(header, language):
    assert negotiate_language(header, SETTINGS.languages) == language


class Page(HTMLParser):
    """The parts of a page the language promises are about."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.lang: str | None = None
        self.links: list[dict[str, str | None]] = []
        self.hrefs: list[str] = []
        self.h1 = ""
        self._in_h1 = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data

    def link(self, rel: str, hreflang: str | None = None) -> str | None:
        for link in self.links:
            if link.get("rel") == rel and link.get("hreflang") == hreflang:
                return link.get("href")
        return None


def page(app, path: str, **headers: str) -> tuple[dict, Page]:
    status, response_headers, body = get(app.base + path, "text/html", **headers)
    assert status == 200, (path, status)
    return response_headers, Page(body.decode("utf-8"))


PAGES = ["/", "/id/", "/id/cluster/bim", "/id/sector/clean-energy", "/dataset", "/sparql"]


@pytest.mark.parametrize("path", PAGES)
def test_the_prefix_chooses_the_language_whatever_the_header(app, path):
    for lang, header in (("pl", "en"), ("en", "pl")):
        headers, found = page(app, f"/{lang}{path}", **{"Accept-Language": header})
        assert found.lang == lang
        assert headers["Content-Language"] == lang
        assert "Accept-Language" not in headers.get("Vary", "")
        assert found.link("canonical") == f"/{lang}{path}"
        assert found.link("alternate", "en") == f"/en{path}"
        assert found.link("alternate", "pl") == f"/pl{path}"
        assert found.link("alternate", "x-default") == path


@pytest.mark.parametrize("path", PAGES)
def test_without_a_prefix_the_page_follows_accept_language(app, path):
    for header, lang in (
        ("pl-PL,pl;q=0.9,en;q=0.8", "pl"),
        ("en;q=0.2, pl;q=0.1", "en"),
        ("", "en"),
    ):
        headers, found = page(app, path, **{"Accept-Language": header})
        assert found.lang == lang, header
        assert headers["Content-Language"] == lang
        assert "Accept-Language" in headers["Vary"]
        assert found.link("canonical") == f"/{lang}{path}"


def test_a_polish_page_is_in_polish_and_links_to_polish_pages(app):
    _headers, found = page(app, "/pl/")
    assert found.h1 == SETTINGS.title["pl"]
    assert "/pl/id/cluster/bim" in found.hrefs
    assert "/pl/id/" in found.hrefs
    assert "/id/cluster/bim" not in found.hrefs, "a chosen language stays chosen"
    _headers, cluster = page(app, "/pl/id/cluster/bim")
    assert "/id/cluster/bim.ttl" in cluster.hrefs, "data links carry no language"
    assert "/en/id/cluster/bim" in cluster.hrefs, "the switch to English"


def test_a_negotiated_page_links_without_a_prefix(app):
    _headers, found = page(app, "/", **{"Accept-Language": "pl"})
    assert found.lang == "pl"
    assert "/id/cluster/bim" in found.hrefs
    assert "/en/" in found.hrefs and "/pl/" not in found.hrefs, "the switch names the other one"


def test_data_under_a_prefix_is_the_same_data(app):
    status, headers, turtle = get(app.base + "/id/cluster/bim", "text/turtle")
    assert status == 200
    status_pl, headers_pl, turtle_pl = get(app.base + "/pl/id/cluster/bim", "text/turtle")
    assert status_pl == 200 and turtle_pl == turtle
    assert headers_pl["Content-Type"] == headers["Content-Type"]


def test_an_unknown_page_under_a_prefix_is_a_polish_404(app):
    status, headers, body = get(app.base + "/pl/id/cluster/no-such-cluster", "text/html")
    assert status == 404
    assert headers["Content-Language"] == "pl"
    assert Page(body.decode()).h1 == "Nie znaleziono"
    assert "Zbiór danych nie mówi nic o &lt;https://w3id.org/" in body.decode()
    assert "Not Found" not in body.decode(), "the message in the page's language too"


@pytest.fixture(scope="module")
def release(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("i18n") / "dist"
    assert build(project, out).built
    return out


def test_the_static_site_has_both_languages(release: Path):
    english = release / "site" / "id" / "cluster" / "bim.html"
    polish = release / "site" / "pl" / "id" / "cluster" / "bim.html"
    en, pl = Page(english.read_text("utf-8")), Page(polish.read_text("utf-8"))
    assert (en.lang, pl.lang) == ("en", "pl")
    assert pl.link("canonical") == "bim.html"
    assert pl.link("alternate", "en") == "../../../id/cluster/bim.html"
    assert en.link("alternate", "pl") == "../../pl/id/cluster/bim.html"
    assert (english.parent / en.link("alternate", "pl")).resolve() == polish.resolve()
    home = Page((release / "site" / "pl" / "index.html").read_text("utf-8"))
    assert "id/cluster/bim.html" in home.hrefs, "Polish pages link to Polish pages"


def test_a_tagged_literal_in_a_result_table_says_its_language(app):
    """A saved query's answer on a Polish page: a cell holding an English text is marked
    lang="en", so that a reader's software reads it as English; on an English page it is not."""
    status, _headers, body = get(app.base + "/pl/queries/overview", "text/html")
    assert status == 200
    tagged = re.findall(r'<td lang="([\w-]+)">', body.decode("utf-8"))
    assert "en" in tagged, "the answer has English literals"
    _status, _headers, body = get(app.base + "/en/queries/overview", "text/html")
    assert not re.findall(r'<td lang="en">', body.decode("utf-8"))


@pytest.mark.parametrize(("path", "location"), [("/pl/id", "/pl/id/"), ("/en/id", "/en/id/")])
def test_the_trailing_slash_redirect_keeps_the_language(app, path: str, location: str):
    where = urlsplit(app.base)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": "text/html"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert 300 <= response.status < 400
    assert response.getheader("Location") == location


def test_a_name_in_another_language_is_introduced_by_that_languages_name_in_the_page_language():
    # Babel's names, not messages of the catalogue: a project in en and de needs no "German:".
    from krakow_clusters.pages.describe import Site
    from krakow_clusters.pages.render import Pages

    pages = Pages(Site(SETTINGS))
    names = {lang: pages._environment(lang).globals["LANGUAGE_NAMES_HERE"] for lang in ("en", "pl")}
    assert names["en"]["pl"] == "Polish" and names["pl"]["en"] == "Angielski"
    template = Path(__file__).parents[1] / "src/krakow_clusters/pages/templates/resource.html"
    assert "LANGUAGE_NAMES_HERE" in template.read_text(encoding="utf-8")
