"""Property-based requests generated from the served OpenAPI document: no 5xx, answers match the schema.

Bounded: a few examples per operation, derandomized, with a logged-in rep on the real database.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES_PER_OPERATION = 20


def test_generated_requests_get_no_server_error_and_documented_answers(api):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", api.client.application)
    headers = api.login("rep")
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [o for o in operations if o.path != "/api/v1/auth/logout"]  # it would end the rep's token
    assert len(operations) >= 20
    statuses: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        exercise()
    assert len(statuses) >= 5 * len(operations)  # it really sent requests
    assert {200, 404, 422} <= set(statuses)
