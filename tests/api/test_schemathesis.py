"""Property-based requests generated from the served OpenAPI document: no 5xx, whatever is sent.

Every operation, as a rep and as an admin, in schemathesis' positive mode (requests the schema allows;
answers must also match the documented shapes) and its negative mode (requests the schema refuses:
wrong types, missing fields, out-of-range numbers; the answer must be a 4xx, never a 5xx). Operations
on one thing (a task, an instance, a customer...) are also sent with the ids of real ones, so the
flows behind them see generated bodies, not just a 404. Derandomized and bounded in examples.
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = pytest.mark.slow  # 25-60 s per database on two cores, by their load

SCALE = int(os.environ.get("HANDOFF_FUZZ_SCALE", "1"))  # e.g. 10 for a longer hunt by hand or nightly
EXAMPLES = {GenerationMode.POSITIVE: 15 * SCALE, GenerationMode.NEGATIVE: 15 * SCALE}
ON_REAL_THINGS = 10 * SCALE  # further examples per mode for operations on an existing task, instance, customer...


def _run(operation, mode: GenerationMode, headers: dict, examples: int, statuses: list[int],
         path_parameters: dict | None = None) -> None:
    checks = [not_a_server_error, response_schema_conformance] if mode.is_positive else [not_a_server_error]

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def exercise(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=checks)

    try:
        exercise()
    except Unsatisfiable:  # nothing to break: an operation without parameters or body has no negative cases
        assert not mode.is_positive, operation.label


def _real_ids(api, username: str) -> dict[str, int]:
    """A project the rep started, with its open task; the seeded customer."""
    project = api.start_project()
    return {"instance_id": project["id"], "task_id": project["open_tasks"][0]["id"],
            "customer_id": api.customer_id, "message_id": 1, "document_id": 1}


@pytest.mark.parametrize("username", ["rep", "admin"])
def test_generated_requests_never_get_a_server_error(api, username):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", api.client.application)
    headers = api.login(username)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [o for o in operations if o.path != "/api/v1/auth/logout"]  # it would end the rep's token
    assert len(operations) >= 20
    ids = _real_ids(api, username)
    statuses: list[int] = []

    for operation in operations:
        for mode, examples in EXAMPLES.items():
            _run(operation, mode, headers, examples, statuses)
            names = re.findall(r"{(\w+)}", operation.path)
            if names and all(name in ids for name in names):
                _run(operation, mode, headers, ON_REAL_THINGS, statuses, {name: ids[name] for name in names})
    assert len(statuses) >= 8 * len(operations)  # it really sent requests
    assert {200, 404, 422} <= set(statuses)
    assert max(statuses) < 500
