"""Issue 22: a 1.1 KB draft of 7 blank nodes all linked to each other took 13 s in the SHACL
engine, which describes a blank node by everything reachable through blank nodes: a work that
doubles with each cycle among them. The independent cycles of each group of linked blank nodes
(its links less its nodes, plus one) are counted once the file is parsed; past the limit, one
line naming the file and the limit, exit 2, before any engine runs. Trees, rings and lists of
blank nodes, which cost nothing, pass."""

from __future__ import annotations

import pytest

from .commandline import one_line, run_cli, validated

SKOS = "http://www.w3.org/2004/02/skos/core#"
LIMIT = "over the limit of 16 cycles (KRAKOW_CLUSTERS_MAX_BLANK_CYCLES changes it)"


def concepts(n: int, links: list[tuple[int, int]]) -> str:
    lines = [f"@prefix skos: <{SKOS}> ."]
    lines += [f"_:c{i} a skos:Concept ." for i in range(n)]
    lines += [f"_:c{a} skos:broader _:c{b} ." for a, b in links]
    return "\n".join(lines) + "\n"


def clique(n: int) -> list[tuple[int, int]]:
    return [(a, b) for a in range(n) for b in range(n) if a != b]


@pytest.mark.timeout(150)
def test_seven_blank_nodes_all_linked_are_refused(tmp_path):
    path = tmp_path / "clique.ttl"
    path.write_text(concepts(7, clique(7)), encoding="utf-8")
    # 42 links among 7 nodes: 42 - 7 + 1 = 36 independent cycles
    one_line(
        run_cli("validate", str(path)),
        f"{path}: 7 blank nodes linked to each other in 36 cycles",
        LIMIT,
    )


@pytest.mark.timeout(150)
def test_a_chain_linked_twice_ahead_is_refused(tmp_path):
    # Each node linked to the next two: no clique, and still twice the work with each node.
    n = 40
    path = tmp_path / "ladder.ttl"
    path.write_text(concepts(n, [(i, (i + k) % n) for i in range(n) for k in (1, 2)]), "utf-8")
    one_line(run_cli("validate", str(path)), "40 blank nodes linked to each other in 41 cycles")


@pytest.mark.timeout(150)
@pytest.mark.parametrize(
    "links",
    [
        [(i, i + 1) for i in range(199)],  # a chain of 200
        [(i, (i + 1) % 200) for i in range(200)],  # a ring: one cycle
        [(i, (i - 1) // 2) for i in range(1, 200)],  # a tree
    ],
    ids=["chain", "ring", "tree"],
)
def test_chains_rings_and_trees_of_blank_nodes_are_validated(tmp_path, links):
    path = tmp_path / "concepts.ttl"
    path.write_text(concepts(200, links), encoding="utf-8")
    done = run_cli("validate", str(path))
    validated(done)


@pytest.mark.timeout(150)
def test_the_limit_is_a_setting(tmp_path):
    path = tmp_path / "clique.ttl"
    path.write_text(concepts(3, clique(3)), encoding="utf-8")  # 6 links: 4 cycles
    done = run_cli("validate", str(path), env={"KRAKOW_CLUSTERS_MAX_BLANK_CYCLES": "3"})
    one_line(done, "3 blank nodes linked to each other in 4 cycles, over the limit of 3 cycles")
