"""R2.2 on the dashboard: the manager sees the held-back rep, records the training, and the rep may start again."""

from __future__ import annotations

import pytest

from service.flows.errors import Forbidden
from tests.process.test_r2_2_collaboration_discipline import submit_package


def test_the_manager_lifts_the_block_from_the_dashboard(person, library, services):
    submit_package(library, [{"risk": "No API access"}])
    submit_package(library, [])  # 1 of 2 incomplete: held back
    with pytest.raises(Forbidden):
        library.won_project()
    manager = person("sales_mgr")
    page = manager.open("/dashboard")
    row = page.locator("#held-back tr.held-back")
    assert row.count() == 1 and "Rita Patel" in row.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button:has-text('Record the collaboration training')").click()
    page.wait_for_selector("#held-back td.training:has-text('they can start opportunities again')")
    manager.shot("training-recorded")
    assert library.won_project()  # the block lifted at once
    page.reload()
    assert "Nobody in your team is held back." in page.inner_text("#held-back")
