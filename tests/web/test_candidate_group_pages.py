"""Issue 9.4 on the pages: a task for two groups says so, and a member of either may claim it there."""

from __future__ import annotations

from service.flows import instances
from service.flows.deploy import deploy
from tests.api.test_candidate_groups import review_process
from tests.modeler import FORM, FORM_KEY
from tests.support import task_by_element
from tests.web.test_pages import app, logged_in  # noqa: F401 - the pages' app fixture


def test_a_task_for_two_groups_is_claimable_by_either_on_its_page(app, services):  # noqa: F811
    deploy(services, {"bpmn/review.bpmn": review_process("review", "legal, finance"), f"forms/{FORM_KEY}": FORM},
           "tests")
    started = instances.start_process(services, "review", {})
    task = task_by_element(services, started.instance_id, "Activity_0review1")
    for who in ("legal", "finance"):
        page = logged_in(app, who).get(f"/tasks/{task.id}").get_data(as_text=True)
        assert "waiting in <b>Legal, Finance</b>" in page and "Claim this task" in page
        assert f"/tasks/{task.id}" in logged_in(app, who).get("/tasks?scope=groups").get_data(as_text=True)
    assert logged_in(app, "delivery").get(f"/tasks/{task.id}").status_code == 404
