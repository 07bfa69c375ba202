"""The names of the engines a user can choose, importable without importing any engine, so that
the command line can offer them and start quickly."""

from __future__ import annotations

# The SHACL engines the embedded store can run (EmbeddedStore.validate_shacl): `auto` takes turbo
# when pyshacl-turbo is installed.
SHACL_ENGINES = ("auto", "pyshacl", "turbo")
