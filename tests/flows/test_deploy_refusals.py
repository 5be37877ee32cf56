"""Deploy refuses what validate refuses, before anything is stored (issue 9.4): DOCTYPE, oversize files."""

from __future__ import annotations

import pytest

from service.engine.validate import DOCTYPE
from service.flows.deploy import deploy
from service.flows.errors import DeployInvalid
from service.store.models import ProcessVersion
from tests.engine.test_validate_problem_lines import STRAIGHT, diagram
from tests.support import count


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE bpmn:definitions [<!ENTITY team "legal">]>',
    '<!DOCTYPE bpmn:definitions SYSTEM "http://example.com/bpmn.dtd">',
])
def test_a_doctype_is_refused_by_deploy_and_nothing_is_stored(services, prolog):
    with pytest.raises(DeployInvalid) as refused:
        deploy(services, {"bpmn/doctype.bpmn": diagram(STRAIGHT, prolog=prolog)}, "designer")
    assert [str(p) for p in refused.value.problems] == [f"bpmn/doctype.bpmn:2: -: {DOCTYPE}"]
    assert count(services, ProcessVersion) == 0


def test_the_same_diagram_without_its_doctype_deploys(services):
    [deployed] = deploy(services, {"bpmn/plain.bpmn": diagram(STRAIGHT)}, "designer")
    assert deployed.created and count(services, ProcessVersion) == 1


def test_a_file_over_the_limit_is_refused_by_deploy_unparsed(services):
    padding = "<!--" + "x" * (5 * 1024 * 1024) + "-->\n"
    text = diagram(STRAIGHT).replace("</bpmn:definitions>", padding + "</bpmn:definitions>")
    with pytest.raises(DeployInvalid) as refused:
        deploy(services, {"bpmn/big.bpmn": text}, "designer")
    assert [str(p) for p in refused.value.problems] == [
        "bpmn/big.bpmn:1: -: the file is over 5.0 MB; at most 5.0 MB is checked "
        "(split the process, e.g. into called processes)"]
    assert count(services, ProcessVersion) == 0
