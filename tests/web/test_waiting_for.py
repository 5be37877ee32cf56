"""The instance page shows the messages and signals an instance waits for (beside its timers)."""

from __future__ import annotations

import pytest

from service.app import create_app
from service.engine.bundle import read_tree
from service.flows import events, instances
from service.flows.deploy import deploy
from tests.support import FIXTURES
from tests.web.test_pages import logged_in


@pytest.fixture
def app(services, library):
    deploy(services, read_tree(FIXTURES / "messages"), "tests", on_top_of_deployed=True)
    return create_app(services.config, services)


def test_the_page_lists_what_the_instance_waits_for_until_it_comes(app, services, library):
    rep = logged_in(app, "rep")
    started = instances.start_process(services, "msg_boundary_task", {}, actor_id=library.people["rep"])
    page = rep.get(f"/instances/{started.instance_id}").get_data(as_text=True)
    waiting = page[page.index('<table id="waits">'):]
    waiting = waiting[:waiting.index("</table>")]
    assert "the message <strong>order_cancelled</strong>" in waiting
    assert "the signal <strong>terms_updated</strong>" in waiting and "without stopping it" in waiting
    assert "style=" not in waiting and "<script" not in waiting  # the strict CSP: no inline style or script

    events.correlate(services, "order_cancelled", events.Correlation(instance_id=started.instance_id))
    page = rep.get(f"/instances/{started.instance_id}").get_data(as_text=True)
    assert "No message or signal." in page and "order_cancelled</strong>" not in page
