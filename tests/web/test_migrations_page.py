"""Issue 10.3 in the browser: an admin finds the version that still has running instances, dry-runs the move
(each instance said in words: one target does not fit, the fixed one does), then migrates them all."""

from __future__ import annotations

from service.flows import instances
from tests.flows.test_migration import PID, deploy_version
from tests.support import instance, seed


def test_an_admin_dry_runs_then_migrates_every_instance_of_a_version(person, library, services):
    people = seed(services)
    deploy_version(services, "v1")
    first = instances.start_process(services, PID, {"customer": "ACME"}, actor_id=people["rep"]).instance_id
    second = instances.start_process(services, PID, {"customer": "Globex"}, actor_id=people["rep"]).instance_id
    v2 = deploy_version(services, "v2_removed")
    v3 = deploy_version(services, "v2_fixed")

    admin = person("admin")
    page = admin.open("/operations/migrations")
    row = page.locator(f"tr.migration[data-process='{PID}'][data-version='1']")
    assert "2" in row.locator("td").nth(2).inner_text()
    row.locator("select.target").select_option(str(v2))
    row.locator("button.dry-run").click()
    outcome = page.locator(f"tr.outcome[data-process='{PID}'][data-version='1']")
    outcome.locator(f"li:has-text('Instance #{first} cannot move')").wait_for()
    assert "no element Activity_0review" in outcome.inner_text()
    admin.shot("dry-run")

    row.locator("select.target").select_option(str(v3))
    row.locator("button.dry-run").click()
    outcome.locator(f"li:has-text('Instance #{second} can move')").wait_for()

    row.locator("button.migrate-all").click()  # no reason yet: nothing happens, the page says why
    page.wait_for_selector("#notice:has-text('Say why')")
    row.locator("input.reason").fill("v3 fixes the scoring script")
    row.locator("button.migrate-all").click()
    page.wait_for_selector("#notice:has-text('2 of 2 migrated')")
    assert outcome.locator("li:has-text('now runs on the new version')").count() == 2
    assert {instance(services, i).process_version.version for i in (first, second)} == {v3}
    admin.shot("migrated")

    assert "Migrations" not in person("rep").open("/tasks").locator("nav").inner_text()
