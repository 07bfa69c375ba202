"""The whole HTTP API against its own description: schemathesis generates requests from
/openapi.json (valid ones and others), sends them to the running server, and checks every answer:
no 5xx, a status, a media type and headers the description allows, JSON that fits its schema.

Bounded: a few examples per operation (the suite's time matters more than a long search; the
security tests try the known bad cases on purpose)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = 20


def test_every_operation_answers_as_described(app):
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    schema = schemathesis.openapi.from_url(app.base + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18, "the description lists the API's operations"
    tried: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_described(case) -> None:
            # Every check on the answers; not "a request the description allows is accepted":
            # no schema can say which strings are SPARQL, so a query of the allowed type may
            # still be refused (400, one line), as it must be.
            response = case.call_and_validate(
                base_url=app.base, timeout=30, excluded_checks=[positive_data_acceptance]
            )
            assert response.status_code < 500, (case.method, case.formatted_path)

        answers_as_described()
        tried.append(f"{operation.method.upper()} {operation.path}")
    assert "POST /sparql" in tried and "GET /id/{kind}/{slug}" in tried
    assert "POST /reconcile" in tried and "GET /reconcile/suggest/{kind}" in tried
