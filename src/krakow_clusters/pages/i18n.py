"""The languages of the pages: English and Polish.

Messages are gettext messages whose msgid is the English text; the Polish catalog is the
hand-edited `locale/pl/LC_MESSAGES/messages.po` beside this module, read with Babel (no compiled
`.mo` file to keep in step). Templates call `_()`, `ngettext()` and `{% trans %}`; Python code
calls `translator(lang).gettext()`, or marks a string with `N_()` to translate it later.
`tests/test_i18n.py` extracts every message and fails when one has no Polish translation.

On `serve` the language of a page is a path prefix (`/pl/id/cluster/bim`, `/en/id/cluster/bim`);
the unprefixed path negotiates `Accept-Language`. The static site has the English pages at its
root and the Polish ones under `pl/`.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from ..formats.media import parse_accept

LANGUAGES = ("en", "pl")
DEFAULT = "en"
# The name of each language in itself, for the switch.
NAMES = {"en": "English", "pl": "polski"}

_PREFIX = re.compile(r"/(en|pl)(/.*)?")
# A language range of Accept-Language (RFC 4647 basic ranges: `pl`, `pl-PL`, `*`).
_RANGE = re.compile(r"\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it (translated where it is shown)."""
    return message


def negotiate_language(header: str | None, offered: Sequence[str] = LANGUAGES) -> str:
    """The offered language the client prefers by its Accept-Language header: the highest q,
    ties broken by the order in the header; the default when nothing offered fits.

    A range matches a language when its primary subtag is the language (`pl-PL` is Polish);
    `*` matches any language not named elsewhere; q=0 refuses.

    >>> negotiate_language("pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7")
    'pl'
    >>> negotiate_language("de, en;q=0.5, pl;q=0.8")
    'pl'
    >>> negotiate_language("pl;q=0, *")
    'en'
    >>> negotiate_language("fr")
    'en'
    """
    quality: dict[str, tuple[float, int]] = {}
    star: tuple[float, int] | None = None
    for position, (language_range, q) in enumerate(parse_accept(header)):
        if not _RANGE.fullmatch(language_range):
            continue
        if language_range == "*":
            star = star or (q, position)
            continue
        primary = language_range.split("-", 1)[0]
        if primary in offered and primary not in quality:
            quality[primary] = (q, position)
    if star is not None:
        for language in offered:
            quality.setdefault(language, star)
    ranked = sorted(
        ((q, -position, -offered.index(lang), lang) for lang, (q, position) in quality.items()),
        reverse=True,
    )
    if ranked and ranked[0][0] > 0:
        return ranked[0][3]
    return DEFAULT


def split_prefix(path: str) -> tuple[str | None, str]:
    """(the language of a `/en/…` or `/pl/…` path, the path without it); (None, path) for a
    path without a language prefix.

    >>> split_prefix("/pl/id/cluster/bim")
    ('pl', '/id/cluster/bim')
    >>> split_prefix("/pl")
    ('pl', '/')
    >>> split_prefix("/id/cluster/bim")
    (None, '/id/cluster/bim')
    """
    match = _PREFIX.fullmatch(path)
    if match is None:
        return None, path
    return match.group(1), match.group(2) or "/"


# The paths of HTML pages, which exist in each language; everything else (data files, the
# dumps, /dist/, the reconciliation service) has no language.
_PAGE = re.compile(r"/(?:id/[^.]*|graph/[^.]*|facet/[^.]*|dataset|sparql|queries/[^.]*|ontology)?")


def is_page(path: str) -> bool:
    """Whether a server path (before any `?` or `#`) is an HTML page with a language version.

    >>> is_page("/id/cluster/bim"), is_page("/id/cluster/bim.ttl"), is_page("/dist/x.nt")
    (True, False, False)
    """
    return bool(_PAGE.fullmatch(path))


def with_language(href: str, lang: str) -> str:
    """`href` in language `lang`: a page path gets its prefix; any other link is unchanged.

    >>> with_language("/id/cluster/bim#members", "pl")
    '/pl/id/cluster/bim#members'
    >>> with_language("/id/cluster/bim.ttl", "pl")
    '/id/cluster/bim.ttl'
    """
    if not href.startswith("/") or href.startswith("//"):
        return href
    cut = min((i for i in (href.find("?"), href.find("#")) if i >= 0), default=len(href))
    path = href[:cut]
    if split_prefix(path)[0] is not None or not is_page(path):
        return href
    return f"/{lang}{href}"


@functools.cache
def translator(lang: str) -> NullTranslations:
    """The gettext translations of `lang` (`gettext`, `ngettext`); English is the msgids."""
    if lang == DEFAULT:
        return NullTranslations()
    folder = resources.files(__package__) / "locale" / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


class LanguagePrefix:
    """ASGI middleware: a path `/pl/…` or `/en/…` is routed as `/…` with its language kept in
    the request's state (`request.state.lang`), so every page route exists in both languages
    without a second route table."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            lang, rest = split_prefix(scope.get("path", ""))
            if lang is not None:
                scope = dict(scope)
                scope["path"] = rest
                raw = scope.get("raw_path")
                if raw is not None:
                    # The raw path keeps its %-escapes: drop the prefix's three bytes only.
                    scope["raw_path"] = raw[len(lang) + 1 :] or b"/"
                scope["state"] = {**scope.get("state", {}), "lang": lang}
        await self.app(scope, receive, send)


def page_language(request) -> tuple[str, bool]:
    """(the language of the page `request` asks for, whether it was chosen by a path prefix);
    without a prefix, the language Accept-Language prefers."""
    chosen = request.scope.get("state", {}).get("lang")
    if chosen in LANGUAGES:
        return chosen, True
    return negotiate_language(request.headers.get("accept-language")), False
