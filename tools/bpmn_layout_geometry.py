"""Geometry of a generated BPMN layout: ranks, lane bands, shapes and orthogonal edges.

Kept apart from the XML handling in `bpmn_layout` so the layout rules read (and test) on
their own: the input is plain nodes, flows and lanes; the output is boxes and waypoints.
All coordinates are integers, so the same input always gives the same output.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise

SIZES = {"task": (100, 80), "event": (36, 36), "gateway": (50, 50)}
COLUMN = 180  # distance between two rank columns
GAP = 90  # from a column's centre to the middle of the gap beside it
ROW = 110  # distance between two stacked rows of a band
ROW_EXTRA = 40  # more room under a row whose tasks carry boundary events (event + label)
HEADER = 30  # the name strip of a lane or pool
LEFT = 50  # margin between the lane header and the first column
TOP = 20  # band padding above the first row
BOTTOM = 25  # band padding below the lowest shape or label
MIN_BAND = 120
CORRIDOR = 12  # distance between parallel loop-back lines under a band
JOG = 22  # a boundary flow first drops this far, below the event's label


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # "task" | "event" | "gateway"
    start: bool = False
    name: str = ""
    host: str | None = None  # boundary events: attachedToRef


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    name: str = ""


@dataclass(frozen=True)
class Lane:
    id: str
    parent: str | None
    refs: tuple[str, ...]


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    def moved(self, dx: int, dy: int) -> Box:
        return replace(self, x=self.x + dx, y=self.y + dy)


@dataclass
class Shape:
    id: str
    kind: str  # node kinds, "lane" or "pool"
    box: Box
    label: Box | None = None


@dataclass
class Edge:
    id: str
    points: list[tuple[int, int]]
    label: Box | None = None


@dataclass
class Block:
    """A laid-out process or sub-process, at the origin; lanes first, then nodes, then edges."""

    shapes: list[Shape]
    edges: list[Edge]
    width: int
    height: int

    def moved(self, dx: int, dy: int) -> Block:
        shapes = [_moved(s, dx, dy) for s in self.shapes]
        edges = [Edge(e.id, [(x + dx, y + dy) for x, y in e.points], _moved_box(e.label, dx, dy)) for e in self.edges]
        return Block(shapes, edges, self.width, self.height)

    def widened(self, width: int) -> Block:
        """Lanes must reach the right border of a pool that is wider than this block."""
        extra = max(0, width - self.width)
        shapes = [replace(s, box=replace(s.box, w=s.box.w + extra)) if s.kind == "lane" else s for s in self.shapes]
        return Block(shapes, self.edges, self.width + extra, self.height)


@dataclass
class _Graph:
    """What the placement and routing steps share about one container."""

    nodes: dict[str, Node]
    flows: list[Flow]
    anchor: dict[str, str]  # boundary event -> its host, else the node itself
    rank: dict[str, int] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)
    band: dict[str, int] = field(default_factory=dict)
    x0: int = LEFT

    def col(self, node_id: str) -> int:
        """The centre x of the node's rank column."""
        return self.x0 + self.rank[node_id] * COLUMN + SIZES["task"][0] // 2


def layout(nodes: list[Node], flows: list[Flow], lanes: list[Lane]) -> Block:
    """Left-to-right layers by longest path, one horizontal band per lane, rows within a band."""
    by_id = {n.id: n for n in nodes}
    flows = [f for f in flows if f.source in by_id and f.target in by_id]
    anchor = {n.id: n.host if n.host in by_id and by_id[n.host].host is None else n.id for n in nodes}
    g = _Graph(by_id, flows, anchor)
    g.rank, g.seen = rank_nodes(nodes, flows, anchor)
    bands, lane_shapes = _bands(g, lanes)
    depth = max((d for _, d, _ in lane_shapes), default=-1) + 1
    g.x0 = HEADER * depth + LEFT
    width = max(300, g.x0 + max(g.rank.values(), default=0) * COLUMN + SIZES["task"][0] + LEFT)
    local = _place(g, len(bands))
    content = [max((_bottom(s) for s in local.values() if g.band[s.id] == i), default=0) for i in range(len(bands))]
    counts = [0] * len(bands)
    heights = [max(MIN_BAND, c + BOTTOM) for c in content]
    _route_all(g, _stack(local, g, heights), _corridors(counts, heights, content))
    heights = [max(MIN_BAND, c + BOTTOM + CORRIDOR * n) for c, n in zip(content, counts, strict=True)]
    shapes = _stack(local, g, heights)
    edges = _route_all(g, shapes, _corridors([0] * len(bands), heights, content))
    lanes_out = _lane_boxes(lane_shapes, heights, width)
    return Block(lanes_out + list(shapes.values()), edges, width, sum(heights))


def rank_nodes(nodes: list[Node], flows: list[Flow], anchor: dict[str, str]):
    """Longest path from the start events; DFS back edges (loops to earlier tasks) are left out."""
    ids = [n.id for n in nodes if anchor[n.id] == n.id]
    succ: dict[str, list[str]] = {i: [] for i in ids}
    for f in flows:
        s, t = anchor[f.source], anchor[f.target]
        if s != t and t not in succ[s]:
            succ[s].append(t)
    targets = {t for s in ids for t in succ[s]}
    roots = [n.id for n in nodes if n.start and n.id in succ] + [i for i in ids if i not in targets] + ids
    state: dict[str, int] = {}
    back, post, seen = set(), [], {}
    for root in roots:
        if root in state:
            continue
        state[root], seen[root] = 1, len(seen)
        stack = [(root, iter(succ[root]))]
        while stack:
            node, todo = stack[-1]
            nxt = next(todo, None)
            if nxt is None:
                state[node] = 2
                post.append(node)
                stack.pop()
            elif nxt not in state:
                state[nxt], seen[nxt] = 1, len(seen)
                stack.append((nxt, iter(succ[nxt])))
            elif state[nxt] == 1:
                back.add((node, nxt))
    rank = dict.fromkeys(ids, 0)
    for node in reversed(post):  # a topological order once the back edges are gone
        for nxt in succ[node]:
            if (node, nxt) not in back:
                rank[nxt] = max(rank[nxt], rank[node] + 1)
    return {n.id: rank[anchor[n.id]] for n in nodes}, {n.id: seen[anchor[n.id]] for n in nodes}


def _bands(g: _Graph, lanes: list[Lane]):
    """Leaf lanes in document order are the bands; nodes outside every lane share one more band."""
    children: dict[str, list[str]] = {lane.id: [] for lane in lanes}
    depth: dict[str, int] = {}
    lane_of: dict[str, str] = {}
    for lane in lanes:  # pre-order: a nested lane comes after its parent and wins
        if lane.parent in children:
            children[lane.parent].append(lane.id)
        depth[lane.id] = depth[lane.parent] + 1 if lane.parent in depth else 0
        lane_of.update(dict.fromkeys(lane.refs, lane.id))
    leaves = [lane.id for lane in lanes if not children[lane.id]]
    bands: list[str | None] = list(leaves) or [None]
    for node_id, host in g.anchor.items():
        lane = lane_of.get(host)
        while lane is not None and children[lane]:
            lane = children[lane][0]
        if lane is None and None not in bands:
            bands.append(None)
        g.band[node_id] = bands.index(lane)
    spans = {lane.id: [bands.index(leaf) for leaf in _leaves(lane.id, children)] for lane in lanes}
    return bands, [(lane.id, depth[lane.id], spans[lane.id]) for lane in lanes]


def _leaves(lane_id: str, children: dict[str, list[str]]) -> list[str]:
    if not children[lane_id]:
        return [lane_id]
    return [leaf for child in children[lane_id] for leaf in _leaves(child, children)]


def _place(g: _Graph, band_count: int) -> dict[str, Shape]:
    """Band-relative shapes: rows keep a successor on its predecessor's row where they can."""
    row: dict[str, int] = {}
    main = sorted((n for n in g.nodes.values() if g.anchor[n.id] == n.id), key=lambda n: (g.rank[n.id], g.seen[n.id]))
    for band in range(band_count):
        for r in sorted({g.rank[n.id] for n in main}):
            column = [n.id for n in main if g.band[n.id] == band and g.rank[n.id] == r]
            column.sort(key=lambda n: (_wish(g, row, n), g.seen[n]))
            last = -1
            for node_id in column:
                last = row[node_id] = max(int(_wish(g, row, node_id) + 0.4), last + 1)
    hosts = {n.host for n in g.nodes.values() if g.anchor[n.id] != n.id}
    pitch: dict[tuple[int, int], int] = {}
    for node_id, r in row.items():
        key = (g.band[node_id], r)
        pitch[key] = max(pitch.get(key, ROW), ROW + ROW_EXTRA if node_id in hosts else ROW)
    shapes: dict[str, Shape] = {}
    for node_id, r in row.items():
        band = g.band[node_id]
        cy = TOP + SIZES["task"][1] // 2 + sum(pitch.get((band, k), ROW) for k in range(r))
        w, h = SIZES[g.nodes[node_id].kind]
        box = Box(g.col(node_id) - w // 2, cy - h // 2, w, h)
        shapes[node_id] = Shape(node_id, g.nodes[node_id].kind, box, _label(g.nodes[node_id], box))
    _attach_boundaries(g, shapes)
    return {n: shapes[n] for n in g.nodes if n in shapes}  # document order


def _wish(g: _Graph, row: dict[str, int], node_id: str) -> float:
    """The mean row of the placed predecessors in the same band; a boundary event's row is below its host."""
    wishes = []
    for f in g.flows:
        placed = f.target == node_id and g.anchor[f.source] in row and g.rank[f.source] < g.rank[node_id]
        if placed and g.band[f.source] == g.band[node_id]:
            wishes.append(row[g.anchor[f.source]] + (f.source != g.anchor[f.source]))
    return sum(wishes) / len(wishes) if wishes else 0.0


def _attach_boundaries(g: _Graph, shapes: dict[str, Shape]) -> None:
    """Boundary events sit on the bottom border of their host, spread across its width."""
    by_host: dict[str, list[str]] = {}
    for node_id, host in g.anchor.items():
        if host != node_id:
            by_host.setdefault(host, []).append(node_id)
    for host, events in by_host.items():
        hb = shapes[host].box
        events.sort(key=lambda e: _target_depth(g, shapes, e), reverse=True)  # deeper targets leave first
        for i, node_id in enumerate(events):
            cx = hb.cx if len(events) == 1 else hb.x + 20 + i * (hb.w - 40) // (len(events) - 1)
            box = Box(cx - 18, hb.bottom - 18, 36, 36)
            left = len(events) > 1 and i == 0  # the outgoing flow drops from the centre: label beside it
            shapes[node_id] = Shape(node_id, "event", box, _label(g.nodes[node_id], box, side=-1 if left else 1))


def _target_depth(g: _Graph, shapes: dict[str, Shape], node_id: str) -> tuple[int, int]:
    """How far down the first target of a boundary event lies, so the flows out of one host do not cross."""
    target = next((f.target for f in g.flows if f.source == node_id and f.target in shapes), None)
    return (g.band[target], shapes[target].box.y) if target else (-1, 0)


def _label(node: Node, box: Box, side: int = 0) -> Box | None:
    """External label of a named event or gateway: below it, or beside the flow of a boundary event."""
    if node.kind == "task" or not node.name.strip():
        return None
    chars = len(" ".join(node.name.split()))
    width = min(90, max(20, chars * 6))
    height = 14 * -(-chars * 6 // 90)
    if side == 0:
        return Box(box.cx - width // 2, box.bottom + 5, width, height)
    return Box(box.cx + 6 if side > 0 else box.cx - 6 - width, box.bottom + 2, width, height)


def _bottom(shape: Shape) -> int:
    return max(shape.box.bottom, shape.label.bottom if shape.label else 0)


def _stack(local: dict[str, Shape], g: _Graph, heights: list[int]) -> dict[str, Shape]:
    tops = [sum(heights[:i]) for i in range(len(heights))]
    return {s.id: _moved(s, 0, tops[g.band[s.id]]) for s in local.values()}


def _moved(s: Shape, dx: int, dy: int) -> Shape:
    return Shape(s.id, s.kind, s.box.moved(dx, dy), _moved_box(s.label, dx, dy))


def _moved_box(box: Box | None, dx: int, dy: int) -> Box | None:
    return box.moved(dx, dy) if box else None


def _corridors(counts: list[int], heights: list[int], content: list[int]):
    """Hands out the y of the next free loop-back line under a band's content."""

    def next_corridor(band: int) -> int:
        counts[band] += 1
        return sum(heights[:band]) + content[band] + 15 + CORRIDOR * (counts[band] - 1)

    return next_corridor


def _lane_boxes(lane_shapes, heights: list[int], width: int) -> list[Shape]:
    shapes = []
    for lane_id, depth, spans in lane_shapes:
        top = sum(heights[: min(spans)])
        height = sum(heights[min(spans) : max(spans) + 1])
        shapes.append(Shape(lane_id, "lane", Box(HEADER * depth, top, width - HEADER * depth, height)))
    return shapes


def _route_all(g: _Graph, shapes: dict[str, Shape], corridor) -> list[Edge]:
    edges, tracks = [], {}
    for f in g.flows:
        points = _claim(tracks, _route(g, shapes, f, corridor), f)
        edges.append(Edge(f.id, points, _flow_label(f, points)))
    return edges


def _claim(tracks: dict, points: list[tuple[int, int]], f: Flow) -> list[tuple[int, int]]:
    """Moves an elbow's vertical run aside where a flow of another source and target runs, so two do not merge."""
    if len(points) in (4, 5) and points[-3][0] == points[-2][0]:  # the elbow in the gap before the target
        x, (y1, y2) = points[-3][0], sorted((points[-3][1], points[-2][1]))
        for dx in (0, 10, -10, 20, -20, 30, -30):
            runs = tracks.get(x + dx, [])
            if not [r for r in runs if r[0] < y2 and y1 < r[1] and r[2] != f.source and r[3] != f.target]:
                break
        points = [*points[:-3], (x + dx, points[-3][1]), (x + dx, points[-2][1]), points[-1]]
    for (x1, y1), (x2, y2) in pairwise(points):
        if x1 == x2:
            tracks.setdefault(x1, []).append((min(y1, y2), max(y1, y2), f.source, f.target))
    return points


def _route(g: _Graph, shapes: dict[str, Shape], f: Flow, corridor) -> list[tuple[int, int]]:
    """Orthogonal: right side to left side, boundary events from below, loops along a line under the band."""
    src, t = shapes[f.source], shapes[f.target].box
    s, end = src.box, (t.x, t.cy)
    boundary = g.anchor[f.source] != f.source
    start = (s.cx, s.bottom) if boundary else (s.right, s.cy)
    lead = [start]
    if boundary:  # drop below the event's label before turning
        lead.append((s.cx, max(s.bottom + JOG, src.label.bottom + 6 if src.label else 0)))
    obstacles = [sh.box for sh in shapes.values() if sh.id not in (f.source, f.target)]
    candidates = []
    if g.rank[f.target] > g.rank[f.source]:
        if boundary and end[1] >= lead[-1][1]:
            candidates.append([start, (start[0], end[1]), end])
        if not boundary and start[1] == end[1]:
            candidates.append([start, end])
        for gx in (g.col(f.target) - GAP, g.col(f.source) + GAP):
            candidates.append([*lead, (gx, lead[-1][1]), (gx, end[1]), end])
    for points in candidates:
        points = _simplify(points)
        if _clear(points, obstacles):
            return points
    cy = corridor(max(g.band[f.source], g.band[f.target]))
    out_x, in_x = g.col(f.source) + GAP - 20, g.col(f.target) - GAP + 20
    tail = [(in_x, cy), (in_x, end[1]), end]
    if boundary and _clear([start, (start[0], cy), tail[0]], obstacles):
        return _simplify([start, (start[0], cy), *tail])
    return _simplify([*lead, (out_x, lead[-1][1]), (out_x, cy), *tail])


def _simplify(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drops repeated points and the middle of three points on one line."""
    out: list[tuple[int, int]] = []
    for p in points:
        if out and p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out.pop()
        out.append(p)
    return out


def _clear(points: list[tuple[int, int]], obstacles: list[Box]) -> bool:
    """True if no segment runs through the inside of a shape (touching a border is fine)."""
    for (x1, y1), (x2, y2) in pairwise(points):
        for b in obstacles:
            if y1 == y2 and b.y < y1 < b.bottom and max(min(x1, x2), b.x) < min(max(x1, x2), b.right):
                return False
            if x1 == x2 and b.x < x1 < b.right and max(min(y1, y2), b.y) < min(max(y1, y2), b.bottom):
                return False
    return True


def _flow_label(f: Flow, points: list[tuple[int, int]]) -> Box | None:
    """A named flow's label sits above its last horizontal run (below the line of a loop)."""
    if not f.name.strip():
        return None
    chars = len(" ".join(f.name.split()))
    width, height = min(90, max(20, chars * 6)), 14 * -(-chars * 6 // 90)
    if len(points) >= 5:
        (x1, y), (x2, _) = max(pairwise(points), key=lambda seg: abs(seg[0][0] - seg[1][0]))
        return Box((x1 + x2) // 2 - width // 2, y + 4, width, height)
    x, y = points[0] if len(points) == 2 else points[-2]
    return Box(x + 6, y - height - 4, width, height)
