"""Errors that stop a command from running (exit code 2), each with a message for a person."""

from __future__ import annotations

from pathlib import Path


class CouldNotRun(Exception):
    """A command could not do its work: bad input, a missing file, an unreachable service."""


class RdfSyntaxError(CouldNotRun):
    """An RDF file does not parse; names the file, line and column."""

    def __init__(self, path: Path | str, line: int | None, column: int | None, detail: str):
        self.path = str(path)
        self.line = line
        self.column = column
        # The parser may quote the offending text: a line break or NUL in it is shown escaped,
        # so the message stays one line.
        self.detail = "".join(c if c.isprintable() else repr(c)[1:-1] for c in detail)
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: syntax error: {self.detail}")


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (its type's name when it has none)."""
    return " ".join(str(exc).split()) or type(exc).__name__
