"""HTTP beside SPARQLWrapper: the project's one User-Agent, and the one HTTP client (httpx).

SPARQLWrapper stays the client of remote SPARQL queries (`store.remote`); everything else that
speaks HTTP, the Graph Store Protocol (`store.gsp`) and the Wikidata client's transport
(`wikidata.client`), goes through an httpx client made here. All of them send the User-Agent
made here: `krakow-clusters/<version> (<contact>)`, as the Wikidata Query Service's User-Agent
policy asks, with the contact from $KRAKOW_CLUSTERS_CONTACT (an e-mail or a web address), else the
project's address; $KRAKOW_CLUSTERS_USER_AGENT replaces the whole header.

httpx is imported when a client is made, not with this module: the commands that speak no HTTP
(validate, build, query on the embedded store) do not load it.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from . import __version__
from .project import BASE_IRI

if TYPE_CHECKING:
    import httpx

DEFAULT_CONTACT = BASE_IRI


def redact_url(url: str) -> str:
    """The URL without its user:password part: the only form of a URL that a message, a log or
    a file may show."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """(the URL without credentials, user, password) for a URL that may carry them
    (http://user:pass@host/…, percent-encoded as URLs have them); user and password are None
    when it carries none."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo = parts.netloc.rpartition("@")[0]
    user, _, password = userinfo.partition(":")
    return redact_url(url), unquote(user) or None, unquote(password) if password else None


def unresolvable_host(exc: BaseException) -> bool:
    """Whether a connection failed because the host name does not resolve (no address in DNS):
    asking again at once will not change that, so callers give up instead of retrying."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, socket.gaierror):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def user_agent(contact: str | None = None) -> str:
    """`krakow-clusters/<version> (<contact>)`, or $KRAKOW_CLUSTERS_USER_AGENT when it is set
    and no contact is given."""
    override = os.environ.get("KRAKOW_CLUSTERS_USER_AGENT")
    if override and not contact:
        return override
    contact = contact or os.environ.get("KRAKOW_CLUSTERS_CONTACT") or DEFAULT_CONTACT
    return f"krakow-clusters/{__version__} ({contact})"


def client(
    *,
    connect: float,
    read: float,
    contact: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> httpx.Client:
    """An httpx client that sends the User-Agent, waits at most `connect` seconds to connect and
    `read` seconds for each read or write, follows no redirect, and, with `user`, authenticates
    with HTTP basic auth. Use it as a context manager, so its connections are closed."""
    import httpx

    return httpx.Client(
        headers={"User-Agent": user_agent(contact)},
        timeout=httpx.Timeout(read, connect=connect),
        auth=httpx.BasicAuth(user, password or "") if user else None,
        follow_redirects=False,
    )
