"""Rendering: the one Jinja environment per language of the project (`Pages`), and the `url`
filters every link of a template goes through, which ask the page's `Urls` (the server's path as
it is, or, for the static site, a relative link between its files, in the page's language)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from ..formats import media
from .assets import asset_url
from .describe import Site, linkable
from .i18n import is_page, language_name, language_name_in, translator, with_language
from .search import MAX_QUERY

# --- rendering -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Urls:
    """The one builder of a page's links, made for each page rendered (Datasette's `Urls`): a
    server path as it is, in the language the page's links carry (`prefix`; None: the page's
    language was negotiated, so its links negotiate again), or, for the static site (`link`), a
    relative link between its files.

    >>> urls = Urls(("en", "pl"), prefix="pl")
    >>> urls("/id/cluster/bim"), urls.in_language("/id/cluster/bim", None)
    ('/pl/id/cluster/bim', '/id/cluster/bim')
    >>> urls("javascript:alert(1)")
    '#'
    """

    languages: Sequence[str]
    prefix: str | None = None
    link: Callable[[str], str] | None = None

    def __call__(self, href: str) -> str:
        return self.in_language(href, self.prefix)

    def in_language(self, href: str, lang: str | None) -> str:
        """`href` in language `lang` (None: the unprefixed, negotiated page)."""
        # The views give only linkable hrefs; this is the last guard, for a template that forgets.
        if not linkable(href):
            return "#"
        if lang is not None:
            href = with_language(href, lang, self.languages)
        return href if self.link is None else self.link(href)


def _capitalized(name: str | None) -> str | None:
    return name[:1].upper() + name[1:] if name else name


@jinja2.pass_context  # never folded into a constant at compile time: the link changes per page
def _url(context: Any, href: str) -> str:
    return context["urls"](href)


@jinja2.pass_context
def _url_in(context: Any, href: str, lang: str | None) -> str:
    return context["urls"].in_language(href, lang)


class Pages:
    """The templates of pages/templates/, rendered to text in each language of the project: the
    one Jinja environment per language, with the site's name and languages."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.envs = {lang: self._environment(lang) for lang in site.languages}

    def _environment(self, lang: str) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.PackageLoader("krakow_clusters.pages", "templates"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        env.install_gettext_translations(translator(lang), newstyle=True)  # type: ignore[attr-defined]
        env.filters["url"] = _url
        env.filters["url_in"] = _url_in
        settings = self.site.settings
        env.globals["LANGUAGES"] = settings.languages
        env.globals["LANGUAGE_NAMES"] = {code: language_name(code) for code in settings.languages}
        # The names of the languages in the page's own (`Polish`, `angielski`), for a name given
        # in another language; Babel's CLDR data, so a new language needs no message.
        env.globals["LANGUAGE_NAMES_HERE"] = {
            code: _capitalized(language_name_in(code, lang)) for code in settings.languages
        }
        env.globals["SITE_NAME"] = settings.text(settings.name, lang)
        env.globals["SITE_TITLE"] = settings.text(settings.title, lang)
        env.globals["SITE_ABOUT"] = settings.text(settings.about, lang)
        env.globals["asset_url"] = asset_url
        env.globals["MAX_QUERY"] = MAX_QUERY  # the search box's, as /search checks it
        env.globals["media"] = media  # the media types of links (rel="alternate" type=…)
        return env

    def render(
        self,
        name: str,
        link: Callable[[str], str] | None = None,
        lang: str | None = None,
        explicit: bool = False,
        page_path: str | None = None,
        **context: Any,
    ) -> str:
        """Render template `name` in `lang`. With `link`, the page is one of the static site: every
        link goes through `link`, and what only a server can answer (SPARQL, saved queries) is
        left out. `explicit`: the language was chosen (a path prefix, or the static site's
        folder), so the page's links keep it. `page_path`: the server path of the page, for the
        language switch, the alternates and the canonical link."""
        context.setdefault("license", None)
        if context["license"] is not None and not linkable(context["license"]):
            context["license"] = None  # shown only as a link, so only when it can be one
        lang = lang or self.site.default_language
        # The footer's sources (sources_of): given for every language, shown in the page's.
        sources = context.get("sources") or {}
        context["sources"] = sources.get(lang, []) if isinstance(sources, dict) else sources
        context.setdefault("alternates", [])
        context.setdefault("remote", None)
        context["static"] = link is not None
        context["lang"] = lang
        if page_path is not None and not is_page(page_path.partition("?")[0]):
            page_path = None  # a file or a listing: one version for every language
        context["page_path"] = page_path
        context["urls"] = Urls(self.site.languages, lang if explicit else None, link)
        return self.envs[lang].get_template(name).render(**context)
