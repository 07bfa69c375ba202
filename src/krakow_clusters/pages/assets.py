"""The files the pages load from this server (pages/static/: the vendored SPARQL editor YASGUI and
the query page's own script and stylesheet), read once from the package, with their media type,
a gzip copy and a version tag for their URLs.

Only the files found in the folder when the index is made can be served: a request names a key of
that index, never a path on disk, so nothing outside the folder is reachable.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

# The media types of the files that ship in static/; a file of any other kind is not served.
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}


@dataclass(frozen=True)
class Asset:
    """One file of static/: its bytes, the same gzipped, its media type and its version tag (the
    start of its SHA-256, also its ETag)."""

    body: bytes
    gzipped: bytes
    media_type: str
    version: str


def _walk(folder: Traversable, prefix: str = "") -> dict[str, Traversable]:
    found: dict[str, Traversable] = {}
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.update(_walk(entry, f"{prefix}{entry.name}/"))
        elif any(entry.name.endswith(ext) for ext in MEDIA_TYPES):
            found[prefix + entry.name] = entry
    return found


@functools.lru_cache(maxsize=1)
def assets() -> dict[str, Asset]:
    """Every file of static/ by its path under the folder (`yasgui/yasgui.min.js`)."""
    index = {}
    for name, entry in sorted(_walk(resources.files("krakow_clusters.pages") / "static").items()):
        body = entry.read_bytes()
        media = next(m for ext, m in MEDIA_TYPES.items() if name.endswith(ext))
        version = hashlib.sha256(body).hexdigest()[:16]
        # mtime=0: the same bytes on every start, so the ETag and the body agree
        index[name] = Asset(body, gzip.compress(body, 9, mtime=0), media, version)
    return index


def asset_url(name: str) -> str:
    """The URL of a file of static/ with its version, so that it can be cached for good: a new
    version of the file has a new URL. KeyError for a file that is not there (a template's typo
    fails its page at once)."""
    return f"/static/{name}?v={assets()[name].version}"
