"""SPARQL query files with grlc-style headers (`#+ summary:`, `#+ description:`, `#+ param:`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CouldNotRun

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class QueryFile:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    params: tuple[str, ...] = field(default_factory=tuple)


def read_query(path: Path) -> QueryFile:
    """Read a .rq file and its header lines (the comment block at the top)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CouldNotRun(f"{path}: cannot read: {exc.strerror or exc}") from None
    headers: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match:
            headers.setdefault(match.group(1).lower(), []).append(match.group(2))
    return QueryFile(
        name=Path(path).stem,
        path=Path(path),
        text=text,
        summary=" ".join(headers.get("summary", [])),
        description=" ".join(headers.get("description", [])),
        params=tuple(headers.get("param", [])),
    )
