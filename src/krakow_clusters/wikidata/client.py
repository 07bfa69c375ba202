"""The polite client of Wikidata's SPARQL endpoint (or any SPARQL 1.1 endpoint shaped like it).

Politeness, as the Wikidata Query Service asks of its users:

- a descriptive User-Agent, `krakow-clusters/<version> (<contact>)` (`httpclient.user_agent`);
  the contact comes from the settings or $KRAKOW_CLUSTERS_CONTACT (an e-mail or a web address)
  and the whole header may be replaced with $KRAKOW_CLUSTERS_USER_AGENT;
- one request at a time (a process-wide lock) with a pause between requests;
- separate connect and read timeouts, and a deadline for the whole answer, so a server that never
  answers, or trickles bytes, cannot hold the command (no read waits longer than the deadline,
  and the deadline is checked after each part of the body);
- retries with exponential backoff on 429, 500, 502, 503, 504 and on network errors, honouring
  `Retry-After` (seconds or an HTTP date) and giving up when it asks for longer than `max_wait`;
  a host name that does not resolve ends the query at once, with no retry;
- credentials written in the endpoint URL are sent as HTTP basic auth and shown nowhere: the
  client's `endpoint`, which messages, the cache and link records use, is the URL without them;
- a 200 answer is only accepted when its body is a SPARQL JSON result: Blazegraph (Wikidata) and
  Oxigraph both report errors that occur while results stream *inside* a 200 body, after the
  first bytes (a Java exception such as `java.util.concurrent.TimeoutException`, or a plain
  message); that is reported as an error, never taken for an empty answer;
- an on-disk cache (`.cache/wikidata/` in the checkout), keyed by endpoint and query, each entry
  written atomically, with an expiry; `offline=True` answers from the cache only (of any age) and
  says which query is missing.

Why the project's HTTP client (httpx, `httpclient.client`) rather than SPARQLWrapper: SPARQLWrapper
2.0 casts its one timeout to an int (`setTimeout(0.5)` means *no* timeout), uses the same value for
connecting and reading, reads the body with no overall deadline, and turns some HTTP errors into
its own exceptions while re-raising others; the retry, Retry-After and error-in-200 handling above
need the raw status, headers and body, as they stream in. The protocol part is small (a GET, or a
form POST for long queries, with an Accept header), so it is done here directly.

Results come back as `rdf.results.QueryResult` with rdflib terms, the same shape the embedded
store gives.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from .. import httpclient
from ..errors import CouldNotRun, one_line
from ..files import write_atomic
from ..formats.bounds import check_json_depth
from ..formats.media import SPARQL_JSON
from ..formats.results import parse_results
from ..project import Project
from ..rdf.results import QueryResult
from . import WIKIDATA_ENDPOINT

RETRY_STATUSES = (429, 500, 502, 503, 504)
# Longer queries go as a form POST: some servers and proxies refuse URLs over a few kB.
MAX_GET_QUERY = 1800

# One request at a time from this process, whatever the number of clients.
_REQUEST_LOCK = threading.Lock()
_last_request_end = [0.0]


def is_public_wikidata(endpoint: str) -> bool:
    """Whether the endpoint is the Wikidata Query Service itself (query.wikidata.org)."""
    return urllib.parse.urlsplit(endpoint).hostname == "query.wikidata.org"


@dataclass
class ClientSettings:
    """How the client behaves; the defaults suit the public endpoint, tests make them small."""

    endpoint: str = WIKIDATA_ENDPOINT
    contact: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    # The whole answer (connect, headers, body) of one attempt must arrive within this time.
    deadline: float = 90.0
    retries: int = 4
    backoff: float = 2.0
    max_wait: float = 120.0
    # Pause between two requests; None means 1 s for the public endpoint, none for others.
    pause: float | None = None
    cache_dir: Path | None = None
    cache_days: float = 7.0
    offline: bool = False

    def __post_init__(self) -> None:
        # here, before the endpoint names a cache file or a message (redact_url would raise)
        httpclient.check_url(self.endpoint, "endpoint")

    @property
    def pause_seconds(self) -> float:
        if self.pause is not None:
            return self.pause
        return 1.0 if is_public_wikidata(self.endpoint) else 0.0


@dataclass
class Attempt:
    """One HTTP exchange, kept for reports and tests."""

    status: int | None
    waited: float
    error: str | None = None


@dataclass
class WikidataClient:
    """Ask SPARQL queries of one endpoint, politely, through the cache."""

    settings: ClientSettings = field(default_factory=ClientSettings)
    sleep: Callable[[float], None] = time.sleep
    attempts: list[Attempt] = field(default_factory=list)
    requests_sent: int = 0
    cache_hits: int = 0

    @property
    def endpoint(self) -> str:
        """The endpoint as messages, the cache and link records name it: without credentials."""
        return httpclient.redact_url(self.settings.endpoint)

    # --- public API ---------------------------------------------------------------------------

    def query(self, sparql: str) -> QueryResult:
        """A SELECT or ASK query's answer, from the cache when fresh, else from the endpoint."""
        payload = self.query_json(sparql)
        try:
            return parse_results(json.dumps(payload).encode("utf-8"), SPARQL_JSON)
        except ValueError as exc:
            raise CouldNotRun(
                f"{self.endpoint} did not answer with SPARQL JSON results: {one_line(exc)}"
            ) from None

    def query_json(self, sparql: str) -> dict:
        """The answer as the parsed SPARQL JSON document, as it is cached."""
        cached = self._cache_read(sparql)
        if cached is not None:
            self.cache_hits += 1
            return cached
        if self.settings.offline:
            raise CouldNotRun(
                f"offline: no cached answer from {self.endpoint} for this query "
                f"(cache key {cache_key(self.endpoint, sparql)[:12]}); run once without --offline"
            )
        payload = self._fetch(sparql)
        self._cache_write(sparql, payload)
        return payload

    # --- HTTP -----------------------------------------------------------------------------------

    def _fetch(self, sparql: str) -> dict:
        s = self.settings
        last_problem = "no attempt made"
        for attempt in range(s.retries + 1):
            with _REQUEST_LOCK:
                gap = s.pause_seconds - (time.monotonic() - _last_request_end[0])
                if gap > 0:
                    self.sleep(gap)
                try:
                    status, headers, body = self._exchange(sparql)
                finally:
                    _last_request_end[0] = time.monotonic()
            if status == 200:
                # before json.loads, which descends recursively into what the server sent
                check_json_depth(body, self.endpoint)
                payload, problem = check_body(body, headers.get("content-type", ""))
                if payload is not None:
                    self.attempts.append(Attempt(200, 0.0))
                    return payload
                # An error inside a 200 body is the server's answer to this query: retrying
                # would send the same query again, so report it.
                self.attempts.append(Attempt(200, 0.0, problem))
                raise CouldNotRun(f"{self.endpoint} answered 200 with an error: {problem}")
            if status is None:
                last_problem = headers.get("x-problem", "no answer")
                wait = s.backoff * (2**attempt)
            elif status in RETRY_STATUSES:
                last_problem = f"HTTP {status}" + _short(body)
                wait = retry_after(headers.get("retry-after"), s.backoff * (2**attempt))
                if wait > s.max_wait:
                    self.attempts.append(Attempt(status, 0.0, last_problem))
                    raise CouldNotRun(
                        f"{self.endpoint} asks to wait {wait:.0f} s (Retry-After), more than "
                        f"the {s.max_wait:.0f} s allowed; try again later"
                    )
            else:
                self.attempts.append(Attempt(status, 0.0, f"HTTP {status}"))
                raise CouldNotRun(f"{self.endpoint} answered HTTP {status}{_short(body)}")
            if attempt == s.retries:
                self.attempts.append(Attempt(status, 0.0, last_problem))
                break
            self.attempts.append(Attempt(status, wait, last_problem))
            self.sleep(wait)
        raise CouldNotRun(
            f"{self.endpoint} did not answer after {s.retries + 1} attempts: {last_problem}"
        )

    def _exchange(self, sparql: str) -> tuple[int | None, dict[str, str], bytes]:
        """One request; (None, {x-problem}, b"") when the server cannot be reached in time."""
        s = self.settings
        # A user:password in the URL is sent as HTTP basic auth, never in the URL; no fragment.
        bare, user, password = httpclient.split_credentials(s.endpoint, "endpoint")
        parts = urllib.parse.urlsplit(bare)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CouldNotRun(f"not an http(s) endpoint: {bare}")
        parts = parts._replace(fragment="")
        headers = {"Accept": "application/sparql-results+json"}
        encoded = urllib.parse.urlencode({"query": sparql})
        if len(encoded) <= MAX_GET_QUERY:
            query = _join_query(parts.query, encoded)
            method, url, data = "GET", urllib.parse.urlunsplit(parts._replace(query=query)), None
        else:
            method, url, data = "POST", urllib.parse.urlunsplit(parts), encoded.encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        too_late = (None, {"x-problem": f"no complete answer within {s.deadline:g} s"}, b"")
        started = time.monotonic()
        self.requests_sent += 1
        try:
            with (
                httpclient.client(
                    connect=s.connect_timeout,
                    read=min(s.read_timeout, s.deadline),
                    contact=s.contact,
                    user=user,
                    password=password,
                ) as http,
                http.stream(method, url, headers=headers, content=data) as response,
            ):
                late = []

                def in_time(chunks: Iterator[bytes]) -> Iterator[bytes]:
                    for chunk in chunks:
                        yield chunk
                        if time.monotonic() - started >= s.deadline:
                            late.append(chunk)
                            return

                body = httpclient.read_capped(
                    in_time(response.iter_bytes()),
                    self.endpoint,
                    response.headers.get("content-length"),
                )
                if late:
                    return too_late
                answer = {k.lower(): v for k, v in response.headers.items()}
                return response.status_code, answer, body
        except httpx.TimeoutException:
            if time.monotonic() - started >= s.deadline:
                return too_late
            return None, {"x-problem": "timed out"}, b""
        except (httpx.RequestError, httpx.InvalidURL) as exc:
            if httpclient.unresolvable_host(exc):
                # No address for the name: a retry in a few seconds gets the same answer.
                raise CouldNotRun(
                    f"{self.endpoint}: the host name {parts.hostname} does not resolve "
                    f"({one_line(exc)}); check the address and the network"
                ) from None
            return None, {"x-problem": f"network error: {one_line(exc)}"}, b""

    # --- cache ----------------------------------------------------------------------------------

    def _cache_path(self, sparql: str) -> Path | None:
        if self.settings.cache_dir is None:
            return None
        return Path(self.settings.cache_dir) / f"{cache_key(self.endpoint, sparql)}.json"

    def _cache_read(self, sparql: str) -> dict | None:
        path = self._cache_path(sparql)
        if path is None or not path.is_file():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None  # a damaged entry is ignored and rewritten
        if entry.get("endpoint") != self.endpoint or entry.get("query") != sparql:
            return None
        age_days = (time.time() - float(entry.get("fetched", 0))) / 86400
        if age_days > self.settings.cache_days and not self.settings.offline:
            return None
        return entry.get("answer")

    def _cache_write(self, sparql: str, payload: dict) -> None:
        path = self._cache_path(sparql)
        if path is None:
            return
        entry = {
            "endpoint": self.endpoint,
            "query": sparql,
            "fetched": time.time(),
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "answer": payload,
        }
        write_atomic(path, json.dumps(entry, ensure_ascii=False, indent=1) + "\n")


def cache_key(endpoint: str, sparql: str) -> str:
    """The cache file's name for one query of one endpoint: a SHA-256 of both."""
    return hashlib.sha256(f"{endpoint}\n{sparql}".encode()).hexdigest()


def retry_after(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); default otherwise."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


_ERROR_MARKERS = ("exception", "error", "timeout", "query timeout limit reached")


def check_body(body: bytes, content_type: str) -> tuple[dict | None, str | None]:
    """(the parsed SPARQL JSON result, None) or (None, what went wrong in words)."""
    text = body.decode("utf-8", errors="replace")
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    if (
        isinstance(payload, dict)
        and "head" in payload
        and ("results" in payload or "boolean" in payload)
    ):
        return payload, None
    return None, _error_summary(text, content_type)


def _error_summary(text: str, content_type: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # The streamed result stops where the error starts: show the error, not the JSON before it.
    for line in lines:
        lower = line.lower()
        if any(marker in lower for marker in _ERROR_MARKERS):
            return _clip(line)
    if text.lstrip().startswith("{"):
        tail = text.strip()[-200:]
        for marker in ("]", "}"):
            if marker in tail:
                tail = tail.rsplit(marker, 1)[-1] or tail
        return _clip(f"the JSON result is cut short: …{tail.strip()}")
    if not lines:
        return "empty body"
    kind = content_type.split(";")[0] or "no content type"
    return _clip(f"not a SPARQL JSON result ({kind}): {lines[0]}")


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    return f": {_clip(text.splitlines()[0], 200)}" if text else ""


def _join_query(existing: str, added: str) -> str:
    return f"{existing}&{added}" if existing else added


def client_for(
    project: Project,
    endpoint: str = WIKIDATA_ENDPOINT,
    offline: bool = False,
    contact: str | None = None,
    connect_timeout: float = 10.0,
    read_timeout: float = 60.0,
    retries: int = 4,
    cache_days: float = 7.0,
    pause: float | None = None,
) -> WikidataClient:
    """The client the `link` commands use, with its cache in the checkout (.cache/wikidata/, or
    $KRAKOW_CLUSTERS_CACHE) and an overall deadline per request derived from the timeouts."""
    cache = os.environ.get("KRAKOW_CLUSTERS_CACHE") or project.root / ".cache" / "wikidata"
    settings = ClientSettings(
        endpoint=endpoint,
        contact=contact
        or os.environ.get("KRAKOW_CLUSTERS_CONTACT")
        or project.settings.publisher_url,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        deadline=max(read_timeout * 1.5, read_timeout + connect_timeout),
        retries=retries,
        cache_dir=Path(cache),
        cache_days=cache_days,
        offline=offline,
        pause=pause,
    )
    return WikidataClient(settings)
