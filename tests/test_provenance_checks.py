"""Issue 23, "what the tools must catch": each rule that keeps a statement where it belongs is
shown on a mutation of the real data that `validate` must refuse (exit 1, one plain line), and
the real data passes (test_cli_validate.test_real_data_conforms)."""

from __future__ import annotations

import pytest

from .conftest import edit
from .test_cli_validate import run

WD = "http://www.wikidata.org/entity/"
ID = "https://w3id.org/krakow-clusters/id/"


def violations(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("violation")]


def refused(checkout, rule: str) -> list[str]:
    """Validate the mutated copy: exit 1, and the lines of `rule` (a check's name or a SHACL
    constraint component), each one plain line."""
    result = run()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in violations(result.output) if rule in line]
    assert lines, result.output
    return lines


def test_the_real_data_passes_every_provenance_check():
    result = run()
    assert result.exit_code == 0, result.output
    assert violations(result.output) == []
    assert "and 12 SPARQL checks" in result.output


def test_a_link_from_the_evidence_list_that_the_list_does_not_hold(checkout):
    # A QID typed from memory, recorded as if it came from the evidence list.
    links = checkout / "data" / "links" / "wikidata.ttl"
    edit(links, "owl:sameAs wd:Q36 .", "owl:sameAs wd:Q999999999 .")
    edit(links, "rdf:object wd:Q36 ;", "rdf:object wd:Q999999999 ;")
    [line] = refused(checkout, "check:link-without-evidence-violation")
    assert f"<{ID}place/poland> owl:sameAs" in line
    assert f"<{WD}Q999999999>" in line and "evidence list" in line


def test_an_identity_link_on_evidence_still_to_be_confirmed(checkout):
    # AGH's QID: the list asks for confirmation through the ROR ID, so closeMatch, not sameAs.
    links = checkout / "data" / "links" / "wikidata.ttl"
    edit(links, "skos:closeMatch wd:Q1132271 .", "owl:sameAs wd:Q1132271 .")
    edit(
        links,
        "rdf:predicate skos:closeMatch ;\n    rdf:object wd:Q1132271",
        "rdf:predicate owl:sameAs ;\n    rdf:object wd:Q1132271",
    )
    [line] = refused(checkout, "check:identity-on-unconfirmed-evidence-violation")
    assert f"<{ID}organization/agh-university> owl:sameAs" in line
    assert "confirm through ROR ID property P6782" in line and "skos:closeMatch" in line


def test_a_link_whose_evidence_names_another_resource(checkout):
    # Silesia's QID on Małopolska, with a record that looks right.
    links = checkout / "data" / "links" / "wikidata.ttl"
    edit(links, "owl:sameAs wd:Q54159 .", "owl:sameAs wd:Q54181 .")
    edit(links, "rdf:object wd:Q54159 ;", "rdf:object wd:Q54181 ;")
    [line] = refused(checkout, "check:link-evidence-of-another-resource-violation")
    assert f"<{ID}place/malopolskie> owl:sameAs" in line
    assert f"<{ID}place/slaskie>" in line


def test_schema_value_on_a_count_qualified_more_than(checkout):
    # the last statement of the count's block (the layout sorts kc:statedAs before it)
    edit(checkout / "data" / "clusters.ttl", "kc:statedNumber 70 .", "schema:value 70 .")
    [line] = refused(checkout, "sh:SPARQLConstraintComponent")
    assert f"<{ID}cluster/lifescience-krakow#members> schema:value" in line
    assert 'qualified "more than"' in line and "kc:statedNumber" in line


@pytest.mark.parametrize(
    ("statement", "path", "where"),
    [
        (
            "cluster:bim skos:exactMatch <http://www.wikidata.org/entity/Q11661> .",
            "skos:exactMatch",
            "data/links/",
        ),
        (
            "cluster:bim kc:sector <https://w3id.org/krakow-clusters/id/sector/ict> .",
            "kc:sector",
            "data/classifications.ttl",
        ),
        (
            'cluster:bim dcterms:description "Klaster."@pl .',
            "dcterms:description",
            "data/translations.ttl",
        ),
        (
            'cluster:bim skos:editorialNote "Read from the name."@en .',
            "skos:editorialNote",
            "data/interpretations.ttl",
        ),
    ],
    ids=["external link", "classification", "translation", "editorial note"],
)
def test_a_statement_the_article_graph_cannot_hold(checkout, statement, path, where):
    data = checkout / "data" / "clusters.ttl"
    data.write_text(data.read_text(encoding="utf-8") + "\n" + statement + "\n", encoding="utf-8")
    lines = refused(checkout, "check:editorial-statement-in-source-graph-violation")
    [line] = [line for line in lines if f"<{ID}cluster/bim> {path}:" in line]
    assert f"move it to {where}" in line
