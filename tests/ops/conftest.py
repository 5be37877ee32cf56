"""Helpers for the operations tests: the ops fixture process, Prometheus scrapes, captured JSON logs."""

from __future__ import annotations

import io
import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.engine.bundle import read_tree
from service.flows.deploy import deploy
from service.logging_setup import configure
from tests.support import FIXTURES

OPS_FIXTURES = FIXTURES / "ops"  # quick_handoff: a task due in an hour, a notification, a `wait_for` timer


def deploy_ops(services):
    return deploy(services, read_tree(OPS_FIXTURES), "tests")


def parse_metrics(text: str) -> dict[str, float]:
    """``{'name{label="value",...}': value}`` for every sample, labels sorted."""
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain")
    return parse_metrics(response.get_data(as_text=True))


@pytest.fixture
def json_logs():
    """Routes every log record through the service's JSON formatter into a buffer; returns a reader."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    buffer = io.StringIO()
    configure("INFO", "json", buffer)

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]

    yield lines
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
