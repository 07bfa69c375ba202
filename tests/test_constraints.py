"""A fresh clone installs the versions the suite passed with: constraints.txt pins every package
of the environment, and the environment running the suite holds exactly those versions."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_the_packages_the_code_relies_on_are_pinned():
    pins = _pins()
    relied_on = ("rdflib", "pyoxigraph", "pyshacl", "sparqlwrapper", "httpx", "starlette", "pytest")
    for name in relied_on:
        assert name in pins, f"constraints.txt does not pin {name}"


def test_the_suite_runs_with_the_pinned_versions():
    pins = _pins()
    assert pins
    installed = {}
    for name in pins:
        try:
            installed[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed[name] = None
    differ = {n: (pins[n], installed[n]) for n in pins if installed[n] != pins[n]}
    assert not differ, (
        f"installed versions differ from constraints.txt (pinned, installed): {differ}; "
        "`make install` installs the pins; after an upgrade that passes, regenerate the file"
    )
