"""files.write_atomic: the written file keeps the permissions it had, and a new file gets the
ones open() would give it (mkstemp's 0600 must not leak through os.replace)."""

from __future__ import annotations

import os
import stat

import pytest

from krakow_clusters.errors import CouldNotRun
from krakow_clusters.files import check_output_folder, write_atomic


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path, umask_022):
    path = tmp_path / "x.csv"
    write_atomic(path, "a\n")
    assert mode(path) == 0o644
    assert path.read_text() == "a\n"


def test_an_existing_file_keeps_its_mode(tmp_path, umask_022):
    path = tmp_path / "wikidata.ttl"
    path.write_text("old\n")
    path.chmod(0o664)
    write_atomic(path, "new\n")
    assert mode(path) == 0o664
    assert path.read_text() == "new\n"


def test_an_output_folder_that_does_not_exist_is_refused(tmp_path):
    check_output_folder(tmp_path / "x.csv")
    with pytest.raises(CouldNotRun, match="does not exist"):
        check_output_folder(tmp_path / "missing" / "x.csv")
    assert not (tmp_path / "missing").exists()
