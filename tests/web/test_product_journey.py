"""The product owner finds a project frozen by a knowledge-base change in the inbox and releases it, rebound (R4)."""

from __future__ import annotations

from tests.process.test_r4_kb_version import NEW_VERSION, publish, to_implementation
from tests.support import instance, run_jobs


def test_the_product_owner_releases_a_frozen_project_with_the_current_version(person, library, services):
    project = to_implementation(library)
    publish(services, NEW_VERSION)
    library.hand_over(project)  # delivery starts: the version check freezes the project
    run_jobs(services)
    assert instance(services, project).frozen

    rep = person("rep")
    assert rep.open(f"/instances/{project}").locator("#release").count() == 0  # only the release group may

    product = person("product")
    page = product.open("/inbox")
    page.locator("tr.message", has_text="Project frozen").locator(f"a:has-text('#{project}')").click()
    page.wait_for_selector("#diagram[data-marked]")
    assert page.locator(".highlight-frozen").count() >= 1  # the waiting work is drawn as frozen
    product.shot("frozen")
    page.click(f"#release button[data-release='rebind']:has-text('to {NEW_VERSION}')")
    page.wait_for_selector("#release", state="detached")
    row = instance(services, project)
    assert not row.frozen and row.data["kb_version"] == NEW_VERSION
