"""Generate BPMN diagram interchange (DI) for hand-written BPMN files.

A BPMN file without BPMNDiagram/BPMNShape/BPMNEdge opens empty in Camunda Modeler and
bpmn.io, so designers could not look at the processes we write by hand. This tool adds a
readable first layout (see `bpmn_layout_geometry` for the rules) that designers then
adjust in the modeler:

    .venv/bin/python tools/bpmn_layout.py bpmn/*.bpmn          # rewrite in place
    .venv/bin/python tools/bpmn_layout.py --check bpmn/*.bpmn  # CI: exit 1 if DI is missing

The file is edited as text, not re-serialised: the old BPMNDiagram elements are cut out,
the new ones go before the closing root tag and the DI namespaces join the root tag, so
comments, attribute order, quoting and line breaks of everything else stay byte for byte.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

try:
    from . import bpmn_layout_geometry as geo
except ImportError:  # run as a script: tools/ is on sys.path
    import bpmn_layout_geometry as geo

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
DI_NAMESPACES = {"bpmndi": BPMNDI, "dc": DC, "di": DI}
EXPANDABLE = {"subProcess", "transaction", "adHocSubProcess"}
ACTIVITIES = {"task", "callActivity"} | EXPANDABLE
ORIGIN = (150, 80)  # where the first pool, lane or node column starts
POOL_GAP = 40
BLACK_BOX_HEIGHT = 80
# comments, CDATA, processing instructions and the doctype are skipped; tags are tracked by depth
TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>"
    r"|</?[^\s/>!?]+(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/?>",
    re.S,
)
XMLNS = re.compile(r"""\sxmlns(?::[^\s=]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def local(el) -> str | None:
    """The BPMN local name of an element; None for comments and foreign (extension) elements."""
    if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{BPMN}}}"):
        return None
    return el.tag.split("}", 1)[1]


def kind_of(name: str | None) -> str | None:
    if not name:
        return None
    if name.endswith("Task") or name in ACTIVITIES:
        return "task"
    if name.endswith("Event"):
        return "event"
    return "gateway" if name.endswith("Gateway") else None


# --- reading the model -------------------------------------------------------------------


def read_container(el) -> tuple[list[geo.Node], list[geo.Flow], list[geo.Lane]]:
    """The direct flow nodes, sequence flows and lanes of a process or sub-process."""
    nodes, flows = [], []
    for child in el:
        name, node_id = local(child), child.get("id")
        if kind_of(name) and node_id:
            host = child.get("attachedToRef") if name == "boundaryEvent" else None
            nodes.append(geo.Node(node_id, kind_of(name), name == "startEvent", child.get("name") or "", host))
        elif name == "sequenceFlow" and node_id:
            source, target = child.get("sourceRef"), child.get("targetRef")
            flows.append(geo.Flow(node_id, source or "", target or "", child.get("name") or ""))
    lanes: list[geo.Lane] = []

    def walk(holder, parent):
        for lane_set in holder:
            if local(lane_set) in ("laneSet", "childLaneSet"):
                for lane in lane_set.iterchildren(q(BPMN, "lane")):
                    refs = tuple((ref.text or "").strip() for ref in lane.iterchildren(q(BPMN, "flowNodeRef")))
                    lanes.append(geo.Lane(lane.get("id") or "", parent, refs))
                    walk(lane, lane.get("id"))

    walk(el, None)
    return nodes, flows, [lane for lane in lanes if lane.id]


def plan(root) -> list[tuple[str, geo.Block]]:
    """One (plane element id, laid-out block) per BPMNDiagram, the one bpmn-js opens first.

    bpmn-js shows the first diagram and, since v10, drills down into one plane per collapsed
    sub-process; a second process without a collaboration gets a diagram of its own.
    """
    processes = {p.get("id"): p for p in root.iterchildren(q(BPMN, "process"))}
    subs: list = []
    diagrams = []
    collaboration = next(root.iterchildren(q(BPMN, "collaboration")), None)
    drawn = set()
    if collaboration is not None and collaboration.find(q(BPMN, "participant")) is not None:
        drawn = {p.get("processRef") for p in collaboration.iterchildren(q(BPMN, "participant"))}
        diagrams.append((collaboration.get("id"), collaboration_block(collaboration, processes, subs)))
    for process_id, process in processes.items():
        if process_id not in drawn:
            diagrams.append((process_id, container_block(process, subs).moved(*ORIGIN)))
    while subs:
        sub = subs.pop(0)
        diagrams.append((sub.get("id"), container_block(sub, subs).moved(*ORIGIN)))
    return diagrams


def container_block(el, subs: list) -> geo.Block:
    """Lays out one container; its sub-processes are queued for planes of their own."""
    subs.extend(child for child in el if local(child) in EXPANDABLE and child.get("id"))
    return geo.layout(*read_container(el))


def collaboration_block(collaboration, processes: dict, subs: list) -> geo.Block:
    """Pools stacked top to bottom, all as wide as the widest; message flows as straight lines."""
    participants = [p for p in collaboration.iterchildren(q(BPMN, "participant")) if p.get("id")]
    blocks, used = [], set()
    for participant in participants:  # a process drawn twice would have two DI elements per node
        ref = participant.get("processRef")
        blocks.append(container_block(processes[ref], subs) if ref in processes and ref not in used else None)
        used.add(ref)
    width = max([b.width for b in blocks if b] + [400])
    shapes: list[geo.Shape] = []
    edges: list[geo.Edge] = []
    y = ORIGIN[1]
    for participant, block in zip(participants, blocks, strict=True):
        height = block.height if block else BLACK_BOX_HEIGHT
        shapes.append(geo.Shape(participant.get("id"), "pool", geo.Box(ORIGIN[0], y, width + geo.HEADER, height)))
        if block:
            inner = block.widened(width).moved(ORIGIN[0] + geo.HEADER, y)
            shapes += inner.shapes
            edges += inner.edges
        y += height + POOL_GAP
    boxes = {s.id: s.box for s in shapes}
    for flow in collaboration.iterchildren(q(BPMN, "messageFlow")):
        source, target = boxes.get(flow.get("sourceRef")), boxes.get(flow.get("targetRef"))
        if flow.get("id") and source and target:
            edges.append(geo.Edge(flow.get("id"), message_points(source, target)))
    return geo.Block(shapes, edges, width + geo.HEADER, y - POOL_GAP - ORIGIN[1])


def message_points(source: geo.Box, target: geo.Box) -> list[tuple[int, int]]:
    """A straight line between facing borders; vertical where the shapes overlap horizontally."""
    left, right = max(source.x, target.x), min(source.right, target.right)
    sx, tx = ((left + right) // 2,) * 2 if left < right else (source.cx, target.cx)
    if source.cy <= target.cy:
        return [(sx, source.bottom), (tx, target.y)]
    return [(sx, source.y), (tx, target.bottom)]


# --- writing the DI ------------------------------------------------------------------------


def diagram_lines(plane_id: str, block: geo.Block, tags: dict, prefix: dict, ids: set) -> list[tuple[int, str]]:
    """(depth, line) pairs of one BPMNDiagram; ids get a suffix should they clash with the model's."""
    bpmndi, dc, di = prefix[BPMNDI], prefix[DC], prefix[DI]

    def new_id(base):
        candidate, n = base, 1
        while candidate in ids:
            n += 1
            candidate = f"{base}_{n}"
        ids.add(candidate)
        return quoteattr(candidate)

    def bounds(box, depth):
        return (depth, f'<{dc}:Bounds x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}"/>')

    def label(box, depth):
        return [(depth, f"<{bpmndi}:BPMNLabel>"), bounds(box, depth + 1), (depth, f"</{bpmndi}:BPMNLabel>")]

    lines = [(0, f"<{bpmndi}:BPMNDiagram id={new_id('BPMNDiagram_' + plane_id)}>")]
    lines.append((1, f"<{bpmndi}:BPMNPlane id={new_id('BPMNPlane_' + plane_id)} bpmnElement={quoteattr(plane_id)}>"))
    for s in block.shapes:
        element = f"bpmnElement={quoteattr(s.id)}{flags(s, tags)}"
        lines.append((2, f"<{bpmndi}:BPMNShape id={new_id(s.id + '_di')} {element}>"))
        lines += [bounds(s.box, 3), *(label(s.label, 3) if s.label else []), (2, f"</{bpmndi}:BPMNShape>")]
    for e in block.edges:
        lines.append((2, f"<{bpmndi}:BPMNEdge id={new_id(e.id + '_di')} bpmnElement={quoteattr(e.id)}>"))
        lines += [(3, f'<{di}:waypoint x="{x}" y="{y}"/>') for x, y in e.points]
        lines += [*(label(e.label, 3) if e.label else []), (2, f"</{bpmndi}:BPMNEdge>")]
    return [*lines, (1, f"</{bpmndi}:BPMNPlane>"), (0, f"</{bpmndi}:BPMNDiagram>")]


def flags(shape: geo.Shape, tags: dict) -> str:
    """The attributes bpmn-js reads: horizontal pools and lanes, gateway markers, collapsed sub-processes."""
    if shape.kind in ("pool", "lane"):
        return ' isHorizontal="true"'
    tag = tags.get(shape.id)
    if tag == "exclusiveGateway":
        return ' isMarkerVisible="true"'
    return ' isExpanded="false"' if tag in EXPANDABLE else ""


def prefixes(root) -> tuple[dict, list[str]]:
    """The prefix of each DI namespace, reusing the root's; and the declarations the root lacks."""
    known = {uri: p for p, uri in root.nsmap.items() if p}
    taken = {p for p in root.nsmap if p}
    chosen, missing = {}, []
    for wanted, uri in DI_NAMESPACES.items():
        if uri in known:
            chosen[uri] = known[uri]
            continue
        name, n = wanted, 1
        while name in taken:
            n += 1
            name = f"{wanted}{n}"
        taken.add(name)
        chosen[uri] = name
        missing.append(f"xmlns:{name}={quoteattr(uri)}")
    return chosen, missing


# --- editing the text ----------------------------------------------------------------------


def scan(text: str):
    """Spans of the root start tag, of each element child of the root, and of the root end tag."""
    depth, start, root_tag, children = 0, 0, None, []
    for m in TOKEN.finditer(text):
        token = m.group()
        if token.startswith(("<!", "<?")):
            continue
        if token.startswith("</"):
            depth -= 1
            if depth == 1:
                children.append((start, m.end()))
            elif depth == 0:
                return root_tag, children, m.span()
            continue
        if root_tag is None:
            root_tag = m.span()
        elif depth == 1:
            start = m.start()
            if token.endswith("/>"):
                children.append((start, m.end()))
        if not token.endswith("/>"):
            depth += 1
    raise ValueError("could not find the end of the root element")


def whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """Widens a span to its lines when nothing else shares them, so no blank line stays behind."""
    line_start = text.rfind("\n", 0, start) + 1
    rest = re.match(r"[ \t]*(\r?\n)?", text[end:])
    if text[line_start:start].strip() or not rest.group(1):
        return start, end
    return line_start, end + rest.end()


def add_declarations(tag: str, declarations: list[str]) -> str:
    """Adds xmlns declarations after the root's last one, one per line if the tag spans lines."""
    found = list(XMLNS.finditer(tag))
    at = found[-1].end() if found else re.match(r"<[^\s/>]+", tag).end()
    if "\n" not in tag or not found:
        return tag[:at] + "".join(" " + d for d in declarations) + tag[at:]
    attr_start = found[-1].start() + 1
    line_start = tag.rfind("\n", 0, attr_start) + 1
    indent = tag[line_start:attr_start] if not tag[line_start:attr_start].strip() else " " * (attr_start - line_start)
    newline = "\r\n" if "\r\n" in tag else "\n"
    return tag[:at] + "".join(newline + indent + d for d in declarations) + tag[at:]


def layout_text(text: str, root) -> str:
    """The document text with fresh DI; everything outside the old DI and the root tag is kept as is."""
    (tag_start, tag_end), spans, (end_start, _) = scan(text)
    elements = [c for c in root if isinstance(c.tag, str)]
    if len(elements) != len(spans):
        raise ValueError("the XML text and its parse tree disagree")
    prefix, declarations = prefixes(root)
    old = [span for el, span in zip(elements, spans, strict=True) if el.tag == q(BPMNDI, "BPMNDiagram")]
    later = [span[0] for el, span in zip(elements, spans, strict=True) if local(el) == "relationship"]
    at = min([end_start, *later])  # the schema wants DI after the root elements, before any relationship
    newline = "\r\n" if "\r\n" in text else "\n"
    indent = re.sub(r"^.*\n", "", root.text or "", flags=re.S) if "\n" in (root.text or "") else "  "
    tags = {el.get("id"): local(el) for el in root.iter() if local(el)}
    ids = {el.get("id") for el in root.iter() if el.get("id")} - {
        el.get("id") for d in root.iterchildren(q(BPMNDI, "BPMNDiagram")) for el in d.iter()
    }
    lines = [line for plane_id, block in plan(root) for line in diagram_lines(plane_id, block, tags, prefix, ids)]
    new = "".join(indent + "  " * depth + line + newline for depth, line in lines)
    line_start = text.rfind("\n", 0, at) + 1
    if text[line_start:at].strip():
        new = newline + new  # start the DI on a line of its own
    else:
        at = line_start
    edits = [(at, at, new)] + [(*whole_lines(text, *span), "") for span in old]
    if declarations:
        edits.append((tag_start, tag_end, add_declarations(text[tag_start:tag_end], declarations)))
    for start, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def parse(raw: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    root = etree.fromstring(raw, parser)
    if root.tag != q(BPMN, "definitions"):
        raise ValueError("not a BPMN file: the root is not bpmn:definitions")
    return root


def layout_bytes(raw: bytes) -> bytes:
    """The whole tool on one file's bytes: parse, lay out, splice, and re-parse to be sure."""
    root = parse(raw)
    encoding = root.getroottree().docinfo.encoding or "UTF-8"
    result = layout_text(raw.decode(encoding), root).encode(encoding)
    if model(parse(result)) != model(root):
        raise ValueError("the layout would change the process model; the file is left as it was")
    return result


def model(root) -> list:
    """Everything but the DI, canonically: what a layout must never change (c14n of a comment crashes lxml)."""
    kept = [c for c in root if c.tag != q(BPMNDI, "BPMNDiagram")]
    return [etree.tostring(c, method="c14n", exclusive=True) if isinstance(c.tag, str) else c.text for c in kept]


# --- checking ------------------------------------------------------------------------------


def missing_di(raw: bytes) -> list[str]:
    """What a modeler could not draw: flow nodes, lanes, participants and sequence flows without DI."""
    root = parse(raw)
    required = {}
    for el in root.iter():
        name = local(el)
        if el.get("id") and (kind_of(name) or name in ("lane", "participant", "sequenceFlow")):
            required[el.get("id")] = name
    diagrams = list(root.iterchildren(q(BPMNDI, "BPMNDiagram")))
    if not diagrams:
        return ["no BPMNDiagram: the file has no diagram interchange at all"]
    counts = Counter(
        el.get("bpmnElement") for d in diagrams for el in d.iter(q(BPMNDI, "BPMNShape"), q(BPMNDI, "BPMNEdge"))
    )
    problems = [f"no DI for {name} {el_id!r}" for el_id, name in required.items() if not counts[el_id]]
    return problems + [f"{n} DI elements for {el_id!r}" for el_id, n in counts.items() if n > 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate (or check) the diagram layout of BPMN files.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report files whose DI is missing or partial")
    args = parser.parse_args(argv)
    status = 0
    for path in args.files:
        try:
            raw = path.read_bytes()
            if args.check:
                problems = missing_di(raw)
                for problem in problems:
                    print(f"{path}: {problem}")
                status = max(status, 1 if problems else 0)
                continue
            result = layout_bytes(raw)
            if result != raw:
                path.write_bytes(result)
        except (OSError, ValueError, etree.XMLSyntaxError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())
