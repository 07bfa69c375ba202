"""A client of the SPARQL 1.1 Graph Store HTTP Protocol: replace a named graph of a remote store."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from ..errors import CouldNotRun


def display_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=host))


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

    Returns the HTTP status. Unreachable store, refused credentials and server errors each raise
    CouldNotRun with one line that never contains the credentials.
    """
    import base64
    import urllib.error
    import urllib.request
    from urllib.parse import quote

    shown = display_url(store_url)
    parts = urlsplit(store_url)
    separator = "&" if parts.query else "?"
    url = display_url(store_url) + separator + "graph=" + quote(graph_iri, safe="")
    headers = {"Content-Type": content_type, "User-Agent": "krakow-clusters publish"}
    if user:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, data=data, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            hint = (
                "check KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
                if user
                else "set KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
            )
            raise CouldNotRun(
                f"the store at {shown} refused access (HTTP {exc.code}): {hint}"
            ) from None
        lines = exc.read().decode("utf-8", "replace").strip().splitlines()
        first = f": {lines[0][:200]}" if lines else ""
        if exc.code >= 500:
            raise CouldNotRun(f"the store at {shown} failed (HTTP {exc.code}){first}") from None
        raise CouldNotRun(
            f"the store at {shown} rejected the data (HTTP {exc.code}){first}"
        ) from None
    except TimeoutError:
        raise CouldNotRun(f"the store at {shown} did not answer within {timeout:g} s") from None
    except (urllib.error.URLError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CouldNotRun(f"cannot reach the store at {shown}: {reason}") from None


# --- deterministic serialization -----------------------------------------------------------------
#
# Every writer takes triples in any order and gives the same bytes for the same graph: triples are
# sorted by their N-Triples form, subjects are grouped, and blank nodes (none in the curated data,
