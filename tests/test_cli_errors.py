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


def _broken(*_args, **_kwargs):
    raise KeyError("a key the code forgot")


def test_a_fault_of_the_software_is_one_line_and_exit_2_with_a_way_to_its_traceback(
    monkeypatch,
):
    # Not the input's fault: a bug (here a KeyError planted in validation) still gives one line
    # and exit code 2, never a traceback, and names the variable that shows one.
    monkeypatch.setattr("krakow_clusters.validate.validate_project", _broken)
    monkeypatch.delenv("KRAKOW_CLUSTERS_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith("error: unexpected KeyError: 'a key the code forgot'")
    assert "KRAKOW_CLUSTERS_DEBUG=1" in lines[0]
    monkeypatch.setenv("KRAKOW_CLUSTERS_DEBUG", "1")
    debugging = CliRunner().invoke(cli, ["validate"])
    assert isinstance(debugging.exception, KeyError)


def test_a_usage_error_is_still_clicks_own():
    result = CliRunner().invoke(cli, ["validate", "--format", "nonsense"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output
