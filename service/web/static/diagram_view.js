// One way to show a BPMN diagram readably (instance page and designer preview): the box's height follows the
// diagram, it opens on the elements that matter at a scale whose labels can be read, and the zoom buttons
// beside it (markup in _diagram.html) zoom in, out and fit the whole process.
"use strict";

const HandoffDiagram = (() => {
  const READABLE = 1;        // bpmn-js draws task labels at 12 px and event labels at 11 px: never open smaller
  const LARGEST = 1.2;       // a lone small element is not blown up beyond this: its neighbours stay in view
  const CONTEXT = { x: 260, y: 140 }; // diagram units shown around the focused elements (neighbours, labels)
  const EDGE = 30;           // diagram units kept free around the whole drawing
  const AROUND = { x: EDGE, y: EDGE };
  const LOWEST_BOX = 220;    // px

  /** A navigated viewer (drag to move, Ctrl+wheel to zoom) in `box`, wired to the buttons of its toolbar. */
  function viewer(box) {
    const made = new BpmnJS({ container: box });
    const tools = box.closest(".diagram-view")?.querySelector(".diagram-tools");
    tools?.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-zoom]");
      if (!button) return;
      const canvas = made.get("canvas");
      if (button.dataset.zoom === "fit") canvas.zoom("fit-viewport", "auto");
      else made.get("zoomScroll").stepZoom(button.dataset.zoom === "in" ? 1 : -1);
    });
    window.addEventListener("resize", () => made.get("canvas").resized());
    touch(made, box);
    return made;
  }

  /** Where the touching fingers are: their middle (in the box) and how far apart they are. */
  function fingers(points, box) {
    const all = [...points.values()];
    const rect = box.getBoundingClientRect();
    const x = all.reduce((sum, p) => sum + p.x, 0) / all.length - rect.left;
    const y = all.reduce((sum, p) => sum + p.y, 0) / all.length - rect.top;
    const apart = all.length > 1 ? Math.hypot(all[0].x - all[1].x, all[0].y - all[1].y) : 0;
    return { count: all.length, x, y, apart };
  }

  /**
   * On a touch screen: two fingers pinch to zoom and move the drawing; one finger drags it sideways (up and
   * down, the box's `touch-action: pan-y` leaves the page scrolling, so a finger on the diagram is no trap).
   */
  function touch(made, box) {
    const points = new Map();
    let last = null;
    box.addEventListener("pointerdown", (event) => {
      if (event.pointerType !== "touch") return;
      points.set(event.pointerId, { x: event.clientX, y: event.clientY });
      last = fingers(points, box);
    });
    box.addEventListener("pointermove", (event) => {
      if (!points.has(event.pointerId)) return;
      points.set(event.pointerId, { x: event.clientX, y: event.clientY });
      const now = fingers(points, box);
      const canvas = made.get("canvas");
      if (last && last.count === now.count) {
        canvas.scroll({ dx: now.x - last.x, dy: now.count > 1 ? now.y - last.y : 0 });
        if (now.count > 1 && last.apart > 0) {
          const scale = Math.min(4, Math.max(0.2, canvas.zoom() * (now.apart / last.apart)));
          canvas.zoom(scale, { x: now.x, y: now.y });
        }
      }
      last = now;
    });
    const lift = (event) => {
      points.delete(event.pointerId);
      last = points.size ? fingers(points, box) : null;
    };
    for (const type of ["pointerup", "pointercancel"]) box.addEventListener(type, lift);
  }

  /** The tallest the box may be: most of the window, so the page around it stays in reach. */
  function tallest() {
    return Math.max(320, Math.round(window.innerHeight * 0.6));
  }

  function union(shapes) {
    const x = Math.min(...shapes.map((s) => s.x));
    const y = Math.min(...shapes.map((s) => s.y));
    const right = Math.max(...shapes.map((s) => s.x + s.width));
    const bottom = Math.max(...shapes.map((s) => s.y + s.height));
    return { x, y, width: right - x, height: bottom - y };
  }

  function grow(rect, by) {
    return { x: rect.x - by.x, y: rect.y - by.y, width: rect.width + 2 * by.x, height: rect.height + 2 * by.y };
  }

  function clip(inner, outer) {
    const x = Math.max(inner.x, outer.x);
    const y = Math.max(inner.y, outer.y);
    return { x, y, width: Math.min(inner.x + inner.width, outer.x + outer.width) - x,
      height: Math.min(inner.y + inner.height, outer.y + outer.height) - y };
  }

  function top(element) {
    let node = element;
    while (node.parent) node = node.parent;
    return node;
  }

  /** An element drawn inside a collapsed subprocess (its own plane) stands for that subprocess on `root`. */
  function onRoot(registry, element, root) {
    let node = element;
    for (let depth = 0; node && depth < 10 && top(node) !== root; depth += 1) {
      node = registry.get(top(node).businessObject?.id);
    }
    return node;
  }

  /** Where a person starts reading: the leftmost (then topmost) of `shapes`. */
  function first(shapes) {
    return [...shapes].sort((a, b) => a.x - b.x || a.y - b.y)[0];
  }

  /** Keeps a view of `size` units inside the drawing (plus its edge); centres it when the drawing is smaller. */
  function within(start, size, from, length) {
    if (size >= length + 2 * EDGE) return from + length / 2 - size / 2;
    return Math.min(Math.max(start, from - EDGE), from + length + EDGE - size);
  }

  /**
   * Sizes the box and opens the view: the `focus` elements (ids) with some context around them, at a
   * readable scale; if they do not fit at that scale, centred on the first of them. Without focus
   * elements, the whole process if it is readable so, else its beginning.
   */
  function frame(made, box, focus = []) {
    const canvas = made.get("canvas");
    const registry = made.get("elementRegistry");
    const root = canvas.getRootElement();
    const shown = (e) => e && !e.waypoints && e.type !== "label" && e.parent && e.width && top(e) === root;
    const shapes = registry.filter(shown);
    if (!shapes.length) return;
    const drawing = union(shapes);
    const focused = [...new Set(focus.map((id) => onRoot(registry, registry.get(id), root)))].filter(shown);
    const starts = shapes.filter((e) => e.type === "bpmn:StartEvent" && e.parent.type !== "bpmn:SubProcess");
    const area = focused.length ? union(focused) : drawing;
    const want = clip(grow(area, focused.length ? CONTEXT : AROUND), grow(drawing, AROUND));
    const width = box.clientWidth;
    const scale = Math.min(LARGEST, Math.max(READABLE, Math.min(width / want.width, tallest() / want.height)));
    const height = Math.round(Math.min(tallest(), Math.max(LOWEST_BOX, (drawing.height + 2 * EDGE) * scale)));
    box.style.height = `${height}px`;
    canvas.resized();
    const size = canvas.getSize(); // inside the box's border
    const fits = want.width * scale <= size.width + 1 && want.height * scale <= size.height + 1;
    const centre = fits ? want : first(focused.length ? focused : starts.length ? starts : shapes);
    const view = { width: size.width / scale, height: size.height / scale };
    view.x = within(centre.x + centre.width / 2 - view.width / 2, view.width, drawing.x, drawing.width);
    view.y = within(centre.y + centre.height / 2 - view.height / 2, view.height, drawing.y, drawing.height);
    canvas.viewbox(view);
  }

  return { viewer, frame };
})();
