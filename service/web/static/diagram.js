// The instance's own BPMN, drawn by bpmn-js, with done / active / overdue / frozen elements marked; it opens
// on the active elements at a readable scale (diagram_view.js).
"use strict";

(async () => {
  const box = document.getElementById("diagram");
  if (!box) return;
  try {
    const diagram = await Handoff.api("GET", `/instances/${box.dataset.instance}/diagram`);
    const viewer = HandoffDiagram.viewer(box);
    await viewer.importXML(diagram.xml);
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    const mark = (ids, marker) => ids.filter((id) => registry.get(id)).forEach((id) => canvas.addMarker(id, marker));
    mark(diagram.done, "highlight-done");
    mark(diagram.active, "highlight-active");
    mark(diagram.overdue, "highlight-overdue");
    if (diagram.frozen) mark(diagram.active, "highlight-frozen");
    HandoffDiagram.frame(viewer, box, diagram.active);
    box.dataset.marked = JSON.stringify({ done: diagram.done, active: diagram.active, overdue: diagram.overdue });
  } catch (error) {
    box.textContent = t("The diagram could not be drawn: {reason}", { reason: Handoff.explain(error) });
    box.closest(".diagram-view")?.querySelector(".diagram-tools")?.setAttribute("hidden", "");
  }
})();
