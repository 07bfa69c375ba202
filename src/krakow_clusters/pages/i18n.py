"""The languages of the pages: those of the project's settings (`settings.languages`, the first
the default), each a gettext catalogue.

Messages are gettext messages whose msgid is the English text; the catalogue of another language
is the hand-edited `locale/LANG/LC_MESSAGES/messages.po` beside this module (Polish today), read
with Babel (no compiled `.mo` file to keep in step); a language without one shows the English.
Templates call `_()`, `ngettext()` and `{% trans %}`; Python code calls
`translator(lang).gettext()`, or marks a string with `N_()` to translate it later.
`tests/test_i18n.py` extracts every message and fails when one has no translation in a catalogue.

On `serve` the language of a page is a path prefix (`/pl/id/cluster/bim`, `/en/id/cluster/bim`);
the unprefixed path negotiates `Accept-Language`. The static site has the default language's
pages at its root and each other language's under its own folder (`pl/`).
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from importlib import resources
from urllib.parse import urlsplit, urlunsplit

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from ..formats.media import parse_accept

# A language range of Accept-Language (RFC 4647 basic ranges: `pl`, `pl-PL`, `*`).
_RANGE = re.compile(r"\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it (translated where it is shown)."""
    return message


def negotiate_language(header: str | None, offered: Sequence[str]) -> str:
    """The offered language the client prefers by its Accept-Language header: the highest q,
    ties broken by the order in the header; the default (the first offered) when nothing
    offered fits.

    A range matches a language when its primary subtag is the language (`pl-PL` is Polish);
    `*` matches any language not named elsewhere; q=0 refuses.

    >>> negotiate_language("pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", ("en", "pl"))
    'pl'
    >>> negotiate_language("de, en;q=0.5, pl;q=0.8", ("en", "pl"))
    'pl'
    >>> negotiate_language("pl;q=0, *", ("en", "pl"))
    'en'
    >>> negotiate_language("fr", ("en", "pl"))
    'en'
    >>> negotiate_language("pt, en;q=0.5", ("en", "pt-BR"))
    'pt-BR'
    """
    quality: dict[str, tuple[float, int]] = {}
    star: tuple[float, int] | None = None
    for position, (language_range, q) in enumerate(parse_accept(header)):
        if not _RANGE.fullmatch(language_range):
            continue
        if language_range == "*":
            star = star or (q, position)
            continue
        # A range names an offered language by its tag (`pt-BR`) or by its primary subtag (`pl`
        # for `pl-PL`, `pt` for `pt-BR`), in any case.
        wanted = language_range.lower()
        for language in offered:
            tag = language.lower()
            if (wanted == tag or wanted.split("-")[0] == tag.split("-")[0]) and (
                language not in quality
            ):
                quality[language] = (q, position)
    if star is not None:
        for language in offered:
            quality.setdefault(language, star)
    ranked = sorted(
        ((q, -position, -offered.index(lang), lang) for lang, (q, position) in quality.items()),
        reverse=True,
    )
    if ranked and ranked[0][0] > 0:
        return ranked[0][3]
    return offered[0]


def split_prefix(path: str, languages: Sequence[str]) -> tuple[str | None, str]:
    """(the language of a `/en/…` or `/pl/…` path, one of `languages`, the path without it);
    (None, path) for a path without a language prefix.

    >>> split_prefix("/pl/id/cluster/bim", ("en", "pl"))
    ('pl', '/id/cluster/bim')
    >>> split_prefix("/pl", ("en", "pl"))
    ('pl', '/')
    >>> split_prefix("/id/cluster/bim", ("en", "pl"))
    (None, '/id/cluster/bim')
    >>> split_prefix("/de/x", ("en", "pl"))
    (None, '/de/x')
    """
    first, _, rest = path[1:].partition("/")
    if not path.startswith("/") or first not in languages:
        return None, path
    return first, "/" + rest


# The paths of HTML pages, which exist in each language; everything else (data files, the
# dumps, /dist/, the reconciliation service) has no language.
_PAGE = re.compile(
    r"/(?:id/[^.]*|graph/[^.]*|facet/[^.]*|dataset|sparql|queries/[^.]*|ontology|search)?"
)


def is_page(path: str) -> bool:
    """Whether a server path (before any `?` or `#`) is an HTML page with a language version.

    >>> is_page("/id/cluster/bim"), is_page("/id/cluster/bim.ttl"), is_page("/dist/x.nt")
    (True, False, False)
    """
    return bool(_PAGE.fullmatch(path))


def with_language(href: str, lang: str, languages: Sequence[str]) -> str:
    """`href` in language `lang`: a page path gets its prefix (unless it has one of
    `languages`); any other link is unchanged.

    >>> with_language("/id/cluster/bim#members", "pl", ("en", "pl"))
    '/pl/id/cluster/bim#members'
    >>> with_language("/id/cluster/bim.ttl", "pl", ("en", "pl"))
    '/id/cluster/bim.ttl'
    """
    if not href.startswith("/") or href.startswith("//"):
        return href
    cut = min((i for i in (href.find("?"), href.find("#")) if i >= 0), default=len(href))
    path = href[:cut]
    if split_prefix(path, languages)[0] is not None or not is_page(path):
        return href
    return f"/{lang}{href}"


def _catalogue(lang: str):
    return resources.files(__package__) / "locale" / lang / "LC_MESSAGES" / "messages.po"


def language_name(lang: str, capitalized: bool = False) -> str:
    """A language's name in itself (Babel's CLDR data): `English`, `polski`, `Deutsch`;
    `capitalized` for the start of a line (`Polski`)."""
    try:
        name = Locale.parse(lang.replace("-", "_")).get_display_name() or lang
    except (ValueError, UnknownLocaleError):
        name = lang
    return name[:1].upper() + name[1:] if capitalized else name


def language_name_in(code: str, lang: str) -> str | None:
    """The name of language `code` in language `lang` (Babel's CLDR data): `angielski` for
    English on a Polish page; None for a code CLDR does not know."""
    try:
        return Locale.parse(lang.replace("-", "_")).languages.get(code.split("-")[0].lower())
    except (ValueError, UnknownLocaleError):
        return None


def has_catalogue(lang: str) -> bool:
    """Whether the messages have a translation into `lang` (English is the msgids)."""
    return lang == "en" or _catalogue(lang).is_file()


@functools.cache
def translator(lang: str) -> NullTranslations:
    """The gettext translations of `lang` (`gettext`, `ngettext`); English is the msgids, and
    so is a language that has no catalogue yet."""
    if not has_catalogue(lang) or lang == "en":
        return NullTranslations()
    with _catalogue(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


class LanguagePrefix:
    """ASGI middleware: a path `/pl/…` or `/en/…` (a language of `languages`) is routed as `/…`
    with its language kept in the request's state (`request.state.lang`), so every page route
    exists in every language without a second route table. The languages offered travel in the
    state too (`page_language`)."""

    def __init__(self, app, languages: Sequence[str]) -> None:
        self.app = app
        self.languages = tuple(languages)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            scope = dict(scope)
            state = {**scope.get("state", {}), "languages": self.languages}
            lang, rest = split_prefix(scope.get("path", ""), self.languages)
            if lang is not None:
                scope["path"] = rest
                raw = scope.get("raw_path")
                if raw is not None:
                    # The raw path keeps its %-escapes: drop the prefix's bytes only.
                    scope["raw_path"] = raw[len(lang) + 1 :] or b"/"
                state["lang"] = lang
                send = _keeping_language(send, lang, self.languages)
            scope["state"] = state
        await self.app(scope, receive, send)


def _keeping_language(send, lang: str, languages: Sequence[str]):
    """`send`, with a redirect to a page of this server (Starlette's to a trailing slash:
    `/pl/id` to `/id/`) kept in the language the request's prefix chose."""

    async def sending(message) -> None:
        if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
            headers = []
            for name, value in message.get("headers", []):
                if name.lower() == b"location":
                    value = _located(value.decode("latin-1"), lang, languages).encode("latin-1")
                headers.append((name, value))
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _located(location: str, lang: str, languages: Sequence[str]) -> str:
    """`location` (a path, or a URL on some host) with the language prefix where it is a page.

    >>> _located("http://127.0.0.1:8000/id/", "pl", ("en", "pl"))
    'http://127.0.0.1:8000/pl/id/'
    >>> _located("/dist/ontology/index.pl.html", "pl", ("en", "pl"))
    '/dist/ontology/index.pl.html'
    """
    parts = urlsplit(location)
    if parts.path and parts.path.startswith("/"):
        path = with_language(parts.path, lang, languages)
        return urlunsplit(parts._replace(path=path))
    return location


def page_language(request) -> tuple[str, bool]:
    """(the language of the page `request` asks for, whether it was chosen by a path prefix);
    without a prefix, the language Accept-Language prefers among those offered."""
    state = request.scope.get("state", {})
    offered = state.get("languages", ())
    chosen = state.get("lang")
    if chosen in offered:
        return chosen, True
    return negotiate_language(request.headers.get("accept-language"), offered), False
