"""Issue 9.6 in the browser: after a bad version went out, the designer makes the previous one current from
the Processes page; its files come back as a new version and new projects start on them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from service.flows.deploy import deploy
from service.store.models import ProcessVersion

LEAD = Path(__file__).resolve().parents[2] / "bpmn" / "lead_response.bpmn"


def hashes(services) -> list:
    with services.sessions() as session:
        return list(session.execute(select(ProcessVersion.version, ProcessVersion.content_hash)
                                    .where(ProcessVersion.process_id == "lead_response")
                                    .order_by(ProcessVersion.version)).all())


def test_a_designer_makes_the_previous_version_current_again(person, library, services):
    bad = LEAD.read_text(encoding="utf-8").replace('"PT2H"', '"PT200H"', 1)
    deploy(services, {"bpmn/lead_response.bpmn": bad}, "designer", on_top_of_deployed=True)
    (_, good), (_, broken) = hashes(services)

    designer = person("designer")
    page = designer.open("/designer/lead_response")
    rows = page.locator(".process[data-process='lead_response'] tr.version")
    assert rows.count() == 2
    assert rows.nth(0).locator("button.activate").count() == 0  # v2 is current: nothing to undo to there
    assert "current" in rows.nth(0).inner_text()
    page.click(".process[data-process='lead_response'] tr.version[data-version='1'] button.activate")
    page.wait_for_selector("#notice:has-text('Deployed: lead_response v3 (the files of v1).')")
    page.wait_for_selector(".process[data-process='lead_response'] tr.version[data-version='3']")  # reloaded
    designer.shot("made-current")

    assert [tuple(row) for row in hashes(services)] == [(1, good), (2, broken), (3, good)]
    rows = page.locator(".process[data-process='lead_response'] tr.version")
    assert rows.nth(0).get_attribute("data-version") == "3"
    lead = page.locator(".process[data-process='lead_response']")
    assert lead.locator("tr[data-version='1'] button.activate").count() == 0  # same files as the current one
    assert lead.locator("button.activate").count() == 1  # only v2 differs from v3 now
