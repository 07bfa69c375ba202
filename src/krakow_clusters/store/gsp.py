"""A client of the SPARQL 1.1 Graph Store HTTP Protocol: replace a named graph of a remote store,
through the project's one HTTP client (`httpclient`)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import httpx

from .. import httpclient
from ..errors import CouldNotRun, one_line
from ..httpclient import split_credentials


def put_graph(
    store_url: str,
    graph_iri: str,
    data: bytes,
    content_type: str = "application/n-triples",
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
) -> int:
    """Replace the named graph `graph_iri` of a Graph Store Protocol endpoint with `data`.

    Returns the HTTP status. Credentials written in the URL (http://user:pass@host/…) are used
    when `user` is not given. Unreachable store, refused credentials and server errors each raise
    CouldNotRun with one line that never contains the credentials. `timeout` bounds connecting
    and each read or write.
    """
    shown, url_user, url_password = split_credentials(store_url)
    if user is None and url_user is not None:
        user, password = url_user, url_password
    parts = urlsplit(store_url)
    separator = "&" if parts.query else "?"
    # The credentials go in a header, never in the URL (which messages show).
    url = shown + separator + "graph=" + quote(graph_iri, safe="")
    try:
        with httpclient.client(connect=timeout, read=timeout, user=user, password=password) as http:
            response = http.put(url, content=data, headers={"Content-Type": content_type})
    except httpx.TimeoutException:
        raise CouldNotRun(f"the store at {shown} did not answer within {timeout:g} s") from None
    except (httpx.RequestError, httpx.InvalidURL) as exc:
        raise CouldNotRun(f"cannot reach the store at {shown}: {one_line(exc)}") from None
    status = response.status_code
    if 200 <= status < 300:
        return status
    if status in (401, 403):
        if url_user is not None and user == url_user:
            hint = "check the user and password written in the URL"
        elif user:
            hint = "check KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
        else:
            hint = "set KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
        raise CouldNotRun(f"the store at {shown} refused access (HTTP {status}): {hint}")
    lines = response.content.decode("utf-8", "replace").strip().splitlines()
    first = f": {lines[0][:200]}" if lines else ""
    if status >= 500:
        raise CouldNotRun(f"the store at {shown} failed (HTTP {status}){first}")
    raise CouldNotRun(f"the store at {shown} rejected the data (HTTP {status}){first}")
