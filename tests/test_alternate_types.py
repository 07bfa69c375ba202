"""Every `<link rel="alternate">` names the media type of what it links (issue 25): on the pages
of serve, of the static site and of the ontology documentation; and the type it names is the
one the server answers with, or the one of the file it links to. (tests/htmlcheck.py also counts
a rel=alternate without a type as a problem of every page the other HTML tests read.)"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from krakow_clusters.formats import media as F

from .appserver import get
from .htmlcheck import check_page
from .sitepages import KINDS, LANGUAGES, STATIC_KINDS, serve_path


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_served_alternates_name_the_type_the_server_answers_with(real_app, kind: str):
    for lang in LANGUAGES:
        path = serve_path(kind, lang)
        status, _headers, body = get(real_app.base + path, "text/html")
        page = check_page(body.decode("utf-8"))
        # Every page has its language alternates; the cluster, dataset and saved query pages
        # their data too.
        assert len(page.typed) >= len(LANGUAGES) + 1, f"{path}: {page.typed}"
        if kind in ("cluster", "dataset", "saved-query"):
            assert {t for _h, t in page.typed} - {F.HTML}, f"{path}: no data alternate"
        for href, kind_of in page.typed:
            assert kind_of, f"{path}: <link rel=alternate href={href!r}> has no type"
            if status != 200:
                continue  # the error page's alternates are the same missing page
            url = urljoin(real_app.base + path, href)
            answered, headers, _body = get(url, kind_of)
            assert answered == 200, f"{path}: {href} answers {answered}"
            served = headers.get("Content-Type", "").split(";")[0].strip()
            assert served == kind_of, f"{path}: {href} says {kind_of}, the server sends {served}"


def _typed_files(page_file: Path) -> list[tuple[Path, str]]:
    page = check_page(page_file.read_text(encoding="utf-8"))
    assert page.typed, f"{page_file.name} has no rel=alternate link"
    return [(page_file.parent / urlsplit(href).path, kind_of) for href, kind_of in page.typed]


def test_static_alternates_name_the_type_of_the_file_they_link(real_release: Path):
    site = real_release / "site"
    # A kind's static address may carry a query (search.html?q=…): the file is its path. The
    # ontology's documentation lies beside the site, a file per language (globbed below).
    names = [urlsplit(name).path for name in STATIC_KINDS.values() if "{lang}" not in name]
    files = [site / name for name in names]
    files += [site / "pl" / name for name in names]
    files += sorted((real_release / "ontology").glob("index.*.html"))
    assert len(files) == 2 * (len(STATIC_KINDS) - 1) + len(LANGUAGES)
    data_links = 0
    for page_file in files:
        for target, kind_of in _typed_files(page_file):
            assert target.resolve().is_file(), f"{page_file}: {target} does not exist"
            assert F.FILE_TYPES[target.suffix] == kind_of, f"{page_file}: {target.name} {kind_of}"
            data_links += kind_of != F.HTML
    # The dataset page links void.ttl, the ontology documentation its three files.
    assert data_links >= 2 + 3 * len(LANGUAGES)
