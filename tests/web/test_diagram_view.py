"""Issue 11.5: diagrams a person can read. The instance page opens on the active task at a readable size in a
box that suits the diagram, with zoom buttons (also from the keyboard) and a hint; the designer's preview shows
the file just chosen, and for a broken one says why instead of leaving another process's diagram."""

from __future__ import annotations

from pathlib import Path

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
READABLE_PX = 11

# The size a person sees a label at: its font size times the canvas's scale (turned labels too), in screen pixels.
LABEL_PX = """(selector) => [...document.querySelectorAll(selector)].map((text) => {
  const m = text.getScreenCTM(); return Math.hypot(m.a, m.b) * parseFloat(getComputedStyle(text).fontSize); })"""
SCALE = "(box) => box.querySelector('.viewport').getScreenCTM().a"
RECT = "(node) => { const r = node.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
# Every shape of the process (not the connections), as drawn on the screen.
SHAPES = """(box) => [...box.querySelectorAll('.djs-shape')].map((shape) => {
  const r = shape.getBoundingClientRect(); return [shape.dataset.elementId, r.left, r.top, r.right, r.bottom]; })"""


def inside(inner, outer, slack: float = 2) -> bool:
    left, top, right, bottom = inner
    return (left >= outer[0] - slack and top >= outer[1] - slack
            and right <= outer[2] + slack and bottom <= outer[3] + slack)


def click_zoom(page, which: str) -> None:
    page.click(f"button[data-zoom='{which}']")


def test_the_project_page_opens_on_the_active_task_at_a_readable_size(person, library):
    project = library.won_project()
    library.describe_opportunity(project)  # now in contract co-signing
    rep = person("rep")
    page = rep.open(f"/instances/{project}")
    page.wait_for_selector("#diagram[data-marked]")
    box = page.locator("#diagram")
    frame = box.evaluate(RECT)

    active = page.locator("#diagram .djs-element.highlight-active[data-element-id='contract']")
    assert inside(active.evaluate(RECT), frame), "the active task is in the box"
    sizes = page.evaluate(LABEL_PX, "#diagram [data-element-id='contract'] text")
    assert sizes and min(sizes) >= READABLE_PX, f"the active task's label is {sizes} px"
    assert page.locator("#diagram .djs-element.highlight-done[data-element-id='opportunity']").count() == 1
    assert "Scroll with Ctrl or use the buttons to zoom; drag to move." in page.inner_text(".diagram-tools")

    # No large empty area: the drawing covers the box from top to bottom.
    drawing = page.locator("#diagram .viewport").evaluate(RECT)
    covered = min(drawing[3], frame[3]) - max(drawing[1], frame[1])
    assert covered >= 0.9 * (frame[3] - frame[1]), f"the drawing covers {covered} of {frame[3] - frame[1]} px"
    rep.shot("diagram-opened")

    opened = box.evaluate(SCALE)
    click_zoom(page, "in")
    assert box.evaluate(SCALE) > opened
    click_zoom(page, "out")
    click_zoom(page, "out")
    assert box.evaluate(SCALE) < opened
    page.focus("button[data-zoom='in']")  # the buttons work from the keyboard
    before = box.evaluate(SCALE)
    page.keyboard.press("Enter")
    assert box.evaluate(SCALE) > before

    click_zoom(page, "fit")
    shapes = box.evaluate(SHAPES)
    assert len(shapes) > 50
    outside = [shape[0] for shape in shapes if not inside(shape[1:], frame)]
    assert not outside, f"after 'Fit all' these are outside the box: {outside}"
    rep.shot("diagram-fit-all")


def test_the_designer_preview_shows_the_chosen_file_or_says_why_it_cannot(person, library, tmp_path):
    lifecycle = (BPMN / "project_lifecycle.bpmn").read_text(encoding="utf-8")
    line = lifecycle[:lifecycle.index("<bpmn:callActivity id=\"contract\"")].count("\n") + 1
    broken = tmp_path / "project_lifecycle.bpmn"
    contract = 'calledElement="contract_cosign"/>'
    broken.write_text(lifecycle.replace(contract, 'calledElement="contract_cosign"></bpmn:task>', 1), encoding="utf-8")

    designer = person("designer")
    page = designer.open("/designer/lead_response")
    page.wait_for_selector("#preview[data-showing] [data-element-id='lead_in']")
    assert page.inner_text("#preview-title") == "Preview: Lead routing and response SLA (R7)"

    page.set_input_files("#diagrams", str(BPMN / "project_lifecycle.bpmn"))
    page.wait_for_selector("#preview[data-showing='project_lifecycle.bpmn']")
    assert page.inner_text("#preview-title") == "Preview: project_lifecycle.bpmn (chosen, not deployed yet)"
    assert page.locator("#preview [data-element-id='lead_in']").count() == 0  # not the deployed one any more
    # Too wide to read whole: it opens at its beginning, at a readable size.
    start = page.locator("#preview [data-element-id='project_start']")
    assert inside(start.evaluate(RECT), page.locator("#preview").evaluate(RECT))
    sizes = page.evaluate(LABEL_PX, "#preview .djs-element text")
    assert sizes and min(sizes) >= READABLE_PX, f"labels at {min(sizes)} px"
    scale = page.locator("#preview").evaluate(SCALE)
    click_zoom(page, "out")
    assert page.locator("#preview").evaluate(SCALE) < scale
    designer.shot("preview-chosen")

    page.set_input_files("#diagrams", str(broken))
    problem = page.wait_for_selector("#preview-problem:not([hidden])")
    assert "project_lifecycle.bpmn cannot be drawn" in problem.inner_text()
    assert f"Line {line}, column" in problem.inner_text()
    assert page.locator("#preview .djs-element").count() == 0  # nothing of the file shown before
    assert not page.is_visible("#preview")
    designer.shot("preview-broken")

    page.set_input_files("#diagrams", str(BPMN / "lead_response.bpmn"))
    page.wait_for_selector("#preview[data-showing='lead_response.bpmn'] [data-element-id='lead_in']")
    assert not page.is_visible("#preview-problem")
    assert not page.is_visible("#preview-pick")  # one diagram chosen: nothing to pick


def test_the_designer_picks_which_chosen_diagram_to_preview_and_reads_its_warnings(person, library, tmp_path):
    lead = (BPMN / "lead_response.bpmn").read_text(encoding="utf-8")
    start = '<bpmn:startEvent id="lead_in" name="New lead"/>'
    line = lead[:lead.index(start)].count("\n") + 1
    odd = tmp_path / "lead_response.bpmn"
    odd.write_text(lead.replace(start, start + "<bpmn:notAnElement/>", 1), encoding="utf-8")

    designer = person("designer")
    page = designer.open("/designer/lead_response")
    page.wait_for_selector("#preview[data-showing] [data-element-id='lead_in']")
    page.set_input_files("#diagrams", [str(odd), str(BPMN / "handover_package.bpmn")])
    page.wait_for_selector("#preview[data-showing='lead_response.bpmn']")
    warning = page.inner_text("#preview-warnings")  # drawn, with what a modeler would warn about, by line
    assert "Drawn, but the modeler would warn:" in warning
    assert f"Line {line}, column" in warning and "bpmn:notAnElement" in warning
    assert page.is_visible("#preview-pick")
    designer.shot("preview-warnings")
    page.select_option("#preview-file", label="handover_package.bpmn")
    page.wait_for_selector("#preview[data-showing='handover_package.bpmn']")
    assert page.inner_text("#preview-title") == "Preview: handover_package.bpmn (chosen, not deployed yet)"
    assert page.locator("#preview [data-element-id='lead_in']").count() == 0
    assert not page.is_visible("#preview-warnings")
    designer.shot("preview-picked")
