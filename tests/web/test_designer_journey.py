"""A process designer deploys a new version from the browser, and sees a line-numbered error for a broken one (R11)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from service.store.models import ProcessVersion

LEAD = Path(__file__).resolve().parents[2] / "bpmn" / "lead_response.bpmn"
TWO_HOURS = '<bpmn:timeDuration>"PT2H"</bpmn:timeDuration>'


def versions(services, process_id: str) -> list[int]:
    with services.sessions() as session:
        return list(session.scalars(select(ProcessVersion.version).where(ProcessVersion.process_id == process_id)
                                    .order_by(ProcessVersion.version)))


def test_a_designer_deploys_a_new_version_and_sees_the_line_of_a_broken_one(person, library, services, tmp_path):
    source = LEAD.read_text(encoding="utf-8")
    line = source[:source.index(TWO_HOURS)].count("\n") + 1
    broken = tmp_path / "broken" / "lead_response.bpmn"
    broken.parent.mkdir()
    broken.write_text(source.replace(TWO_HOURS, "<bpmn:timeDuration>PT2Hours</bpmn:timeDuration>", 1), encoding="utf-8")
    changed = tmp_path / "changed" / "lead_response.bpmn"
    changed.parent.mkdir()
    changed.write_text(source.replace(TWO_HOURS, '<bpmn:timeDuration>"PT3H"</bpmn:timeDuration>', 1), encoding="utf-8")

    designer = person("designer")
    page = designer.open("/tasks")
    page.click("header nav >> text=Processes")
    assert page.locator(".process[data-process='lead_response'] tr.version").count() == 1

    page.set_input_files("#diagrams", str(broken))
    page.click("#deploy")
    problem = page.wait_for_selector("#deploy-result .problems li")
    assert problem.inner_text().startswith(f"bpmn/lead_response.bpmn:{line}: ")
    assert "Not deployed" in page.inner_text("#notice")
    designer.shot("broken")
    assert versions(services, "lead_response") == [1]  # nothing was deployed

    page.set_input_files("#diagrams", str(changed))
    page.click("#deploy")
    page.wait_for_selector("#notice:has-text('Deployed: lead_response v2')")
    page.wait_for_selector(".process[data-process='lead_response'] tr.version >> nth=1")  # after the reload
    assert versions(services, "lead_response") == [1, 2]
    assert versions(services, "project_lifecycle") == [1]  # what was not sent stays as deployed
    page.click(".process[data-process='lead_response'] a")
    page.wait_for_selector("#preview .djs-container")
    assert page.locator("#preview [data-element-id='lead_unopened']").count() >= 1  # the diagram is drawn
