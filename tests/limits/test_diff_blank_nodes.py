"""Found while bounding the causes of issue 22: `diff` labels the blank nodes of both releases by
RDF canonicalization (RDFC-1.0), whose work grows factorially with blank nodes that look alike
(9 all linked to each other took about 35 s, 10 several minutes), and it read the dump without
the size limit of every other reader. Both are refused before the dump is parsed or labelled:
one line, exit 2."""

from __future__ import annotations

import pytest

from .commandline import one_line, run_cli

FACT = "<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"


def release(folder, text: str):
    folder.mkdir()
    (folder / "krakow-clusters.nt").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.timeout(150)
def test_a_release_with_nine_blank_nodes_all_linked_is_refused(tmp_path):
    links = "".join(
        f"_:b{a} <https://example.org/p> _:b{b} .\n" for a in range(9) for b in range(9) if a != b
    )
    old = release(tmp_path / "old", FACT)
    new = release(tmp_path / "new", FACT + links)
    done = run_cli("diff", str(old), str(new))
    one_line(done, "krakow-clusters.nt: 9 blank nodes linked to each other in 64 cycles")


@pytest.mark.timeout(150)
def test_a_dump_over_the_file_size_limit_is_refused(tmp_path):
    old = release(tmp_path / "old", FACT)
    new = release(tmp_path / "new", FACT * 100)
    done = run_cli("diff", str(old), str(new), env={"KRAKOW_CLUSTERS_MAX_FILE_SIZE": "1K"})
    one_line(done, "krakow-clusters.nt: 7400 bytes, over the limit of 1024 bytes")


@pytest.mark.timeout(150)
def test_releases_with_a_few_blank_nodes_are_compared(tmp_path):
    tree = "_:a <https://example.org/p> _:b .\n_:a <https://example.org/p> _:c .\n"
    old = release(tmp_path / "old", FACT + tree)
    new = release(tmp_path / "new", tree.replace("_:a", "_:x") + FACT)
    done = run_cli("diff", str(old), str(new))
    assert done.returncode == 0, done.stdout + done.stderr
