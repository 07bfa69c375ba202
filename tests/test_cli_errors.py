"""The exit-code contract holds for failures that are not the data's fault: one line, exit 2."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from krakow_clusters.cli import cli


def test_an_unwritable_output_folder_is_one_line_and_exit_2():
    result = CliRunner().invoke(cli, ["build", "--out", "/proc/krakow-clusters-dist"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_on_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_refuses_an_impossible_port():
    result = CliRunner().invoke(cli, ["serve", "--port", "99999"])
    assert result.exit_code == 2
    assert "99999 is not in the range" in result.output


def test_a_retrieval_date_in_the_future_is_refused():
    result = CliRunner().invoke(cli, ["link", "quickstatements", "--retrieved", "2999-01-01"])
    assert result.exit_code == 2
    assert "is in the future" in result.output


def test_a_malformed_typed_number_is_reported_without_a_traceback(tmp_path):
    draft = tmp_path / "many.ttl"
    draft.write_text(
        "<https://w3id.org/krakow-clusters/id/cluster/bim#members> <https://schema.org/value> "
        '"many"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    result = CliRunner().invoke(cli, ["validate", str(draft)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "sh:DatatypeConstraintComponent" in result.output
    assert 'Value: "many".' in result.output
