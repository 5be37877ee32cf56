"""A sales manager cancels a rep's lost deal from the project page; it leaves the stage board (issue 10)."""

from __future__ import annotations

from tests.support import instance, task_by_element


def test_a_sales_manager_cancels_a_lost_deal_and_it_leaves_the_board(person, library, services):
    project = library.won_project()
    library.describe_opportunity(project)
    manager = person("sales_mgr")
    page = manager.open("/dashboard")
    assert page.locator(f"#board a.project[href$='/instances/{project}']").count() == 1

    page = manager.open(f"/instances/{project}")
    page.click("#instance-actions button[data-action=cancel]")  # no reason yet: the page says so
    page.wait_for_selector("text=the reason is required")
    assert instance(services, project).status == "running"

    page.fill("#action-reason", "The customer signed with a competitor")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#instance-actions button[data-action=cancel]")
    page.wait_for_selector("#timeline tr[data-kind=instance_cancelled]")
    assert instance(services, project).status == "cancelled"
    assert task_by_element(services, project, "submit_contract").status == "cancelled"
    assert page.locator("#instance-actions").count() == 0  # nothing left to do with it
    manager.shot("cancelled")

    page = manager.open("/dashboard")
    assert page.locator(f"#board a.project[href$='/instances/{project}']").count() == 0


def test_the_rep_sees_no_actions_panel(person, library):
    project = library.won_project()
    page = person("rep").open(f"/instances/{project}")
    assert page.locator("#instance-actions").count() == 0
