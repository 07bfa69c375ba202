"""Issue 22: `reconcile` took 15 s and 955 MB on one 100,000-character cell: matching compares every
word of a name with the index. A name longer than the limit is refused, not cut short (no row
is matched on part of what it says): one line naming the file, the line and the limit, exit 2."""

from __future__ import annotations

import pytest

from .commandline import one_line, run_cli

LIMIT = "over the limit of 1000 characters (KRAKOW_CLUSTERS_MAX_NAME_LENGTH changes it)"
WORDS = "LifeScience Krakow Cluster Foundation Malopolska Energy Lighting Foundry "


def names(*cells: str) -> str:
    return "id,name\n" + "".join(f'{i},"{cell}"\n' for i, cell in enumerate(cells, 1))


@pytest.mark.timeout(150)
def test_a_name_of_100000_characters_is_refused(tmp_path):
    path = tmp_path / "names.csv"
    huge = (WORDS * 2000)[:100_000]
    path.write_text(names("LifeScience Kraków", huge), encoding="utf-8")
    done = run_cli("reconcile", str(path), "--column", "name")
    one_line(done, f"{path}:3: a name of 100000 characters in column 'name'", LIMIT)
    assert done.stdout == ""


@pytest.mark.timeout(150)
def test_a_long_cell_in_another_column_is_only_copied(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(f'name,notes\nLifeScience Kraków,"{"x" * 50_000}"\n', encoding="utf-8")
    done = run_cli("reconcile", str(path), "--column", "name")
    assert done.returncode == 0, done.stderr
    assert "lifescience-krakow" in done.stdout


@pytest.mark.timeout(150)
def test_a_name_at_the_limit_is_matched(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(names((WORDS * 20)[:1000]), encoding="utf-8")
    done = run_cli("reconcile", str(path), "--column", "name", "--format", "json")
    assert done.returncode == 0, done.stderr


@pytest.mark.timeout(150)
def test_the_limit_is_a_setting(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(names("LifeScience Kraków Cluster"), encoding="utf-8")
    env = {"KRAKOW_CLUSTERS_MAX_NAME_LENGTH": "10"}
    done = run_cli("reconcile", str(path), "--column", "name", env=env)
    one_line(done, "a name of 26 characters in column 'name', over the limit of 10 characters")
