"""tools/bpmn_layout.py gives hand-written BPMN files a diagram a modeler can open, and nothing else changes."""

from __future__ import annotations

import re
import subprocess
import sys
from itertools import combinations, pairwise
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH

from service.engine.parser import HandoffParser
from tools import bpmn_layout
from tools.bpmn_layout_geometry import Flow, Node, rank_nodes

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "bpmn_layout.py"
TIMERS = ROOT / "tests" / "fixtures" / "bpmn" / "timers.bpmn"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://x">
"""
TAIL = "</bpmn:definitions>\n"

LOOP = (
    HEAD
    + """  <!-- rejected: revise, then review again -->
  <bpmn:process id="loop" isExecutable="true">
    <bpmn:startEvent id="start" name="Draft ready"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="approved"/>
    <bpmn:exclusiveGateway id="approved" name="Approved?" default="f_no"/>
    <bpmn:sequenceFlow id="f_yes" name="yes" sourceRef="approved" targetRef="publish">
      <bpmn:conditionExpression>approved</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" name="no" sourceRef="approved" targetRef="revise"/>
    <bpmn:userTask id="revise" name="Revise"/>
    <bpmn:sequenceFlow id="f_again" sourceRef="revise" targetRef="review"/>
    <bpmn:manualTask id="publish" name="Publish"/>
    <bpmn:sequenceFlow id="f_end" sourceRef="publish" targetRef="end"/>
    <bpmn:endEvent id="end" name="Published"/>
  </bpmn:process>
"""
    + TAIL
)
PARALLEL = (
    HEAD
    + """  <bpmn:process id="parallel" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="legal"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="finance"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="ops"/>
    <bpmn:manualTask id="legal" name="Legal check"/>
    <bpmn:manualTask id="finance" name="Finance check"/>
    <bpmn:manualTask id="ops" name="Plan delivery"/>
    <bpmn:sequenceFlow id="f5" sourceRef="ops" targetRef="ops2"/>
    <bpmn:manualTask id="ops2" name="Book people"/>
    <bpmn:sequenceFlow id="f6" sourceRef="legal" targetRef="join"/>
    <bpmn:sequenceFlow id="f7" sourceRef="finance" targetRef="join"/>
    <bpmn:sequenceFlow id="f8" sourceRef="ops2" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
"""
    + TAIL
)
COLLABORATION = (
    HEAD
    + """  <bpmn:collaboration id="collab">
    <bpmn:participant id="p_sales" name="Sales" processRef="sales"/>
    <bpmn:participant id="p_legal" name="Legal" processRef="legal"/>
    <bpmn:participant id="p_customer" name="Customer"/>
    <bpmn:messageFlow id="m_ask" sourceRef="ask" targetRef="asked"/>
    <bpmn:messageFlow id="m_order" sourceRef="p_customer" targetRef="s_start"/>
  </bpmn:collaboration>
  <bpmn:process id="sales" isExecutable="true">
    <bpmn:startEvent id="s_start"/>
    <bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="ask"/>
    <bpmn:sendTask id="ask" name="Ask legal"/>
    <bpmn:sequenceFlow id="s2" sourceRef="ask" targetRef="s_end"/>
    <bpmn:endEvent id="s_end"/>
  </bpmn:process>
  <bpmn:process id="legal" isExecutable="false">
    <bpmn:laneSet id="legal_lanes">
      <bpmn:lane id="clerks" name="clerks"><bpmn:flowNodeRef>asked</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lawyers" name="lawyers">
        <bpmn:flowNodeRef>check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>l_end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="asked" name="Request received"><bpmn:messageEventDefinition id="md"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="l1" sourceRef="asked" targetRef="check"/>
    <bpmn:manualTask id="check" name="Check"/>
    <bpmn:sequenceFlow id="l2" sourceRef="check" targetRef="l_end"/>
    <bpmn:endEvent id="l_end"/>
  </bpmn:process>
"""
    + TAIL
)
SUBPROCESS = (
    HEAD
    + """  <bpmn:process id="outer" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:subProcess id="prepare" name="Prepare">
      <bpmn:startEvent id="inner_start"/>
      <bpmn:sequenceFlow id="i1" sourceRef="inner_start" targetRef="draft"/>
      <bpmn:manualTask id="draft" name="Draft"/>
      <bpmn:sequenceFlow id="i2" sourceRef="draft" targetRef="inner_end"/>
      <bpmn:endEvent id="inner_end"/>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="too_late" name="2 days" attachedToRef="prepare">
      <bpmn:timerEventDefinition id="too_late_def">
        <bpmn:timeDuration>"P2D"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_late" sourceRef="too_late" targetRef="end"/>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
"""
    + TAIL
)
NESTED_LANES = (
    HEAD
    + """  <bpmn:process id="nested" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="company">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>work</bpmn:flowNodeRef>
        <bpmn:childLaneSet id="cls">
          <bpmn:lane id="front"><bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane>
          <bpmn:lane id="back"><bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane>
        </bpmn:childLaneSet>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:manualTask id="work" name="Work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end" name="Outside every lane"/>
  </bpmn:process>
"""
    + TAIL
)
TWO_PROCESSES = (
    HEAD
    + """  <bpmn:process id="first" isExecutable="true">
    <bpmn:startEvent id="a_start"/>
    <bpmn:sequenceFlow id="a1" sourceRef="a_start" targetRef="a_end"/>
    <bpmn:endEvent id="a_end"/>
  </bpmn:process>
  <bpmn:process id="second" isExecutable="true">
    <bpmn:startEvent id="b_start"/>
    <bpmn:sequenceFlow id="b1" sourceRef="b_start" targetRef="b_end"/>
    <bpmn:endEvent id="b_end"/>
  </bpmn:process>
"""
    + TAIL
)
SAMPLES = {
    "timers": TIMERS.read_text(encoding="utf-8"),
    "loop": LOOP,
    "parallel": PARALLEL,
    "collaboration": COLLABORATION,
    "subprocess": SUBPROCESS,
    "nested_lanes": NESTED_LANES,
    "two_processes": TWO_PROCESSES,
}


class Box:
    def __init__(self, bounds):
        self.x, self.y, self.w, self.h = (float(bounds.get(k)) for k in ("x", "y", "width", "height"))
        self.right, self.bottom = self.x + self.w, self.y + self.h

    def overlaps(self, other) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def contains(self, other) -> bool:
        return self.x <= other.x and other.right <= self.right and self.y <= other.y and other.bottom <= self.bottom

    def on_border(self, point) -> bool:
        x, y = point
        inside_x, inside_y = self.x <= x <= self.right, self.y <= y <= self.bottom
        return (inside_x and y in (self.y, self.bottom)) or (inside_y and x in (self.x, self.right))


def lay_out(tmp_path: Path, text: str, name: str = "diagram") -> tuple[bytes, etree._Element]:
    path = tmp_path / f"{name}.bpmn"
    path.write_text(text, encoding="utf-8")
    assert bpmn_layout.main([str(path)]) == 0
    data = path.read_bytes()
    return data, etree.fromstring(data)


def local(el) -> str:
    return etree.QName(el).localname


def semantic(root, *names: str) -> dict[str, etree._Element]:
    """Model elements (not DI) by id: a capitalised name is a suffix ("Task"), else a local name ("lane")."""
    found = {}
    for el in root.iter(f"{{{NS['bpmn']}}}*"):
        name = local(el)
        if el.get("id") and (name in names or any(name.endswith(suffix) for suffix in names if suffix[0].isupper())):
            found[el.get("id")] = el
    return found


def flow_nodes(root) -> dict[str, etree._Element]:
    return semantic(root, "Task", "Event", "Gateway", "task", "subProcess", "callActivity")


def di_elements(root) -> dict[str, list[etree._Element]]:
    index: dict[str, list] = {}
    for el in root.iterfind(".//bpmndi:BPMNPlane/*", NS):
        index.setdefault(el.get("bpmnElement"), []).append(el)
    return index


def shape(root, element_id: str) -> Box:
    (el,) = di_elements(root)[element_id]
    return Box(el.find("dc:Bounds", NS))


def waypoints(root, element_id: str) -> list[tuple[float, float]]:
    (el,) = di_elements(root)[element_id]
    return [(float(p.get("x")), float(p.get("y"))) for p in el.iterfind("di:waypoint", NS)]


@pytest.fixture(params=sorted(SAMPLES))
def sample(request, tmp_path):
    data, root = lay_out(tmp_path, SAMPLES[request.param], request.param)
    return request.param, data, root


def test_check_fails_without_di_and_passes_after_layout(tmp_path, capsys):
    path = tmp_path / "timers.bpmn"
    path.write_bytes(TIMERS.read_bytes())
    assert bpmn_layout.main(["--check", str(path)]) == 1
    assert "no BPMNDiagram" in capsys.readouterr().out
    assert bpmn_layout.main([str(path)]) == 0
    assert bpmn_layout.main(["--check", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_check_names_what_the_di_misses(tmp_path, capsys):
    data, _ = lay_out(tmp_path, LOOP)
    text = re.sub(r"\s*<bpmndi:BPMNShape id=\"revise_di\".*?</bpmndi:BPMNShape>", "", data.decode(), flags=re.S)
    text = re.sub(r"\s*<bpmndi:BPMNEdge id=\"f_again_di\".*?</bpmndi:BPMNEdge>", "", text, flags=re.S)
    (tmp_path / "partial.bpmn").write_text(text, encoding="utf-8")
    assert bpmn_layout.main(["--check", str(tmp_path / "partial.bpmn")]) == 1
    out = capsys.readouterr().out
    assert "userTask 'revise'" in out and "sequenceFlow 'f_again'" in out and "'review'" not in out


def test_every_node_lane_participant_and_flow_has_exactly_one_di(sample):
    _, _, root = sample
    wanted = {**flow_nodes(root), **semantic(root, "lane", "participant", "sequenceFlow", "messageFlow")}
    index = di_elements(root)
    assert {element_id: len(index.get(element_id, [])) for element_id in wanted} == dict.fromkeys(wanted, 1)
    assert set(index) <= set(wanted) | {p.get("bpmnElement") for p in root.iterfind(".//bpmndi:BPMNPlane", NS)}


def test_shapes_have_bpmn_sizes_and_do_not_overlap(sample):
    _, _, root = sample
    nodes = flow_nodes(root)
    sizes = {"Event": (36, 36), "Gateway": (50, 50)}
    for node_id, el in nodes.items():
        expected = next((size for suffix, size in sizes.items() if local(el).endswith(suffix)), (100, 80))
        assert (shape(root, node_id).w, shape(root, node_id).h) == expected, node_id
    planes = {}
    for node_id, el in nodes.items():
        if local(el) != "boundaryEvent":
            planes.setdefault(di_elements(root)[node_id][0].getparent().get("bpmnElement"), []).append(node_id)
    for ids in planes.values():
        for a, b in combinations(ids, 2):
            assert not shape(root, a).overlaps(shape(root, b)), (a, b)


def test_nodes_lie_inside_their_lanes_and_pools(sample):
    _, _, root = sample
    for lane_id, lane in semantic(root, "lane").items():
        refs = [ref.text for ref in lane.iter(f"{{{NS['bpmn']}}}flowNodeRef")]
        hosted = [b.get("id") for b in root.iter(f"{{{NS['bpmn']}}}boundaryEvent") if b.get("attachedToRef") in refs]
        for node_id in refs + hosted:
            assert shape(root, lane_id).contains(shape(root, node_id)), (lane_id, node_id)
    processes = semantic(root, "process")
    for participant_id, participant in semantic(root, "participant").items():
        pool = di_elements(root)[participant_id][0]
        for node_id in flow_nodes(processes.get(participant.get("processRef"), etree.Element("none"))):
            if di_elements(root)[node_id][0].getparent() is pool.getparent():  # not in a sub-process plane
                assert shape(root, participant_id).contains(shape(root, node_id)), (participant_id, node_id)


def test_boundary_events_sit_on_the_bottom_border_of_their_host(sample):
    _, _, root = sample
    for event in root.iter(f"{{{NS['bpmn']}}}boundaryEvent"):
        host, box = shape(root, event.get("attachedToRef")), shape(root, event.get("id"))
        assert box.y + box.h / 2 == host.bottom
        assert host.x <= box.x + box.w / 2 <= host.right


def test_sequence_flows_are_orthogonal_from_border_to_border(sample):
    _, _, root = sample
    for flow_id, flow in semantic(root, "sequenceFlow", "messageFlow").items():
        points = waypoints(root, flow_id)
        assert len(points) >= 2
        assert shape(root, flow.get("sourceRef")).on_border(points[0]), flow_id
        assert shape(root, flow.get("targetRef")).on_border(points[-1]), flow_id
        if local(flow) == "sequenceFlow":
            assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(points)), flow_id


def test_sequence_flows_do_not_cross_other_shapes(sample):
    _, _, root = sample
    for flow_id, flow in semantic(root, "sequenceFlow").items():
        plane = di_elements(root)[flow_id][0].getparent()
        others = [
            Box(s.find("dc:Bounds", NS))
            for s in plane.iterfind("bpmndi:BPMNShape", NS)
            if s.get("bpmnElement") not in (flow.get("sourceRef"), flow.get("targetRef"))
            and local(root.xpath(f"//*[@id='{s.get('bpmnElement')}']")[0]) not in ("lane", "participant")
        ]
        for (x1, y1), (x2, y2) in pairwise(waypoints(root, flow_id)):
            for box in others:
                crosses_x = box.x < max(x1, x2) and min(x1, x2) < box.right
                crosses_y = box.y < max(y1, y2) and min(y1, y2) < box.bottom
                vertical_inside = x1 == x2 and box.x < x1 < box.right and crosses_y
                horizontal_inside = y1 == y2 and box.y < y1 < box.bottom and crosses_x
                assert not (vertical_inside or horizontal_inside), flow_id


def test_the_loop_back_goes_below_the_tasks_and_ranks_go_left_to_right(tmp_path):
    _, root = lay_out(tmp_path, LOOP)
    xs = [shape(root, node).x for node in ("start", "review", "approved", "publish", "end")]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert shape(root, "revise").x == shape(root, "publish").x  # the same rank, stacked
    assert shape(root, "revise").y - shape(root, "publish").y == 110
    points = waypoints(root, "f_again")
    lowest = max(shape(root, node).bottom for node in ("review", "revise", "publish"))
    assert max(y for _, y in points) > lowest
    assert points[-1] == (shape(root, "review").x, shape(root, "review").y + 40)


def test_parallel_branches_share_a_column(tmp_path):
    _, root = lay_out(tmp_path, PARALLEL)
    branches = [shape(root, node) for node in ("legal", "finance", "ops")]
    assert len({b.x for b in branches}) == 1 and len({b.y for b in branches}) == 3
    assert shape(root, "ops").x < shape(root, "ops2").x < shape(root, "join").x < shape(root, "end").x
    assert all(len(waypoints(root, flow)) <= 4 for flow in semantic(root, "sequenceFlow"))  # one elbow at most


def test_collaboration_stacks_pools_and_draws_message_flows(tmp_path):
    _, root = lay_out(tmp_path, COLLABORATION)
    (diagram,) = root.iterfind("bpmndi:BPMNDiagram", NS)
    assert diagram.find("bpmndi:BPMNPlane", NS).get("bpmnElement") == "collab"
    pools = {p: di_elements(root)[p][0] for p in ("p_sales", "p_legal", "p_customer")}
    assert all(el.get("isHorizontal") == "true" for el in pools.values())
    for a, b in combinations(pools, 2):
        assert not shape(root, a).overlaps(shape(root, b))
    assert shape(root, "p_legal").contains(shape(root, "clerks"))
    assert shape(root, "clerks").right == shape(root, "p_legal").right  # lanes fill their pool
    assert len(waypoints(root, "m_ask")) == 2


def test_subprocess_is_collapsed_with_a_plane_of_its_own(tmp_path):
    _, root = lay_out(tmp_path, SUBPROCESS)
    planes = [d.find("bpmndi:BPMNPlane", NS) for d in root.iterfind("bpmndi:BPMNDiagram", NS)]
    assert [p.get("bpmnElement") for p in planes] == ["outer", "prepare"]  # bpmn-js opens the first
    assert di_elements(root)["prepare"][0].get("isExpanded") == "false"
    assert {el.get("bpmnElement") for el in planes[1]} == {"inner_start", "draft", "inner_end", "i1", "i2"}


def test_processes_without_a_collaboration_get_a_diagram_each(tmp_path):
    _, root = lay_out(tmp_path, TWO_PROCESSES)
    planes = [p.get("bpmnElement") for p in root.iterfind("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)]
    assert planes == ["first", "second"]


def test_gateway_markers_and_external_labels(tmp_path):
    _, root = lay_out(tmp_path, LOOP)
    index = di_elements(root)
    assert index["approved"][0].get("isMarkerVisible") == "true"
    for node_id in ("start", "approved", "end"):
        label = Box(index[node_id][0].find("bpmndi:BPMNLabel/dc:Bounds", NS))
        assert label.y >= shape(root, node_id).bottom
    assert index["review"][0].find("bpmndi:BPMNLabel", NS) is None
    assert index["f_no"][0].find("bpmndi:BPMNLabel/dc:Bounds", NS) is not None


def test_nested_lanes_enclose_their_child_lanes(tmp_path):
    _, root = lay_out(tmp_path, NESTED_LANES)
    company, front, back = (shape(root, lane) for lane in ("company", "front", "back"))
    assert company.contains(front) and company.contains(back) and front.x > company.x
    assert front.bottom == back.y
    assert shape(root, "end").y >= company.bottom  # its own band, below the lanes


def test_layout_is_deterministic_and_idempotent(tmp_path, sample):
    name, data, _ = sample
    (tmp_path / "again").mkdir()
    again, _ = lay_out(tmp_path / "again", SAMPLES[name], name)
    assert again == data
    path = tmp_path / "twice.bpmn"
    path.write_bytes(data)
    assert bpmn_layout.main([str(path)]) == 0
    assert path.read_bytes() == data


def test_only_the_di_and_its_namespaces_are_added(tmp_path):
    data, _ = lay_out(tmp_path, SAMPLES["timers"], "timers")
    text = data.decode("utf-8")
    added_namespaces = re.findall(r"\n +xmlns:(?:bpmndi|dc|di)=\"[^\"]+\"", text)
    assert len(added_namespaces) == 3
    for declaration in added_namespaces:
        text = text.replace(declaration, "", 1)
    text = re.sub(r"  <bpmndi:BPMNDiagram .*</bpmndi:BPMNDiagram>\n", "", text, flags=re.S)
    assert text.encode("utf-8") == TIMERS.read_bytes()


def test_comments_line_endings_and_old_di(tmp_path):
    crlf = LOOP.replace("\n", "\r\n")
    data, root = lay_out(tmp_path, crlf, "crlf")
    assert b"<!-- rejected: revise, then review again -->" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    stale = data.decode().replace('x="', 'x="1', 1)  # a designer moved a shape, and left a comment
    stale = stale.replace("<bpmndi:BPMNPlane ", "<!-- old -->\r\n<bpmndi:BPMNPlane ", 1)
    (tmp_path / "stale.bpmn").write_text(stale, encoding="utf-8", newline="")
    assert bpmn_layout.main([str(tmp_path / "stale.bpmn")]) == 0
    assert (tmp_path / "stale.bpmn").read_bytes() == data  # the old DI is replaced, not kept beside the new
    one_line = LOOP.replace("\n", "")
    data, _ = lay_out(tmp_path, one_line, "one_line")
    assert bpmn_layout.missing_di(data) == []
    assert bpmn_layout.layout_bytes(data) == data


def test_the_file_own_di_prefixes_are_reused(tmp_path):
    head = HEAD.replace(
        'id="defs"',
        'xmlns:ns4="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:ns3="http://www.omg.org/spec/DD/20100524/DC"\n'
        '    xmlns:ns2="http://www.omg.org/spec/DD/20100524/DI" id="defs"',
    )
    old_di = '  <ns4:BPMNDiagram id="old"><ns4:BPMNPlane id="old_plane" bpmnElement="first"/></ns4:BPMNDiagram>\n'
    data, root = lay_out(tmp_path, head + TWO_PROCESSES[len(HEAD) : -len(TAIL)] + old_di + TAIL)
    assert data.count(b"xmlns:") == 4 and b"<ns4:BPMNShape" in data and b"<ns3:Bounds" in data
    assert b'id="old' not in data and bpmn_layout.missing_di(data) == []


def test_a_file_that_is_not_bpmn_is_left_alone(tmp_path, capsys):
    broken, foreign = tmp_path / "broken.bpmn", tmp_path / "foreign.bpmn"
    broken.write_text(LOOP[:-40], encoding="utf-8")
    foreign.write_text('<?xml version="1.0"?>\n<definitions xmlns="urn:other"/>\n', encoding="utf-8")
    before = broken.read_bytes(), foreign.read_bytes()
    assert bpmn_layout.main([str(broken), str(foreign)]) == 2
    assert (broken.read_bytes(), foreign.read_bytes()) == before
    assert "not a BPMN file" in capsys.readouterr().err


def test_process_semantics_are_unchanged(tmp_path, sample):
    name, data, root = sample
    before = etree.fromstring(SAMPLES[name].encode("utf-8"))
    for tag in ("process", "collaboration"):
        old = [etree.tostring(el, method="c14n", exclusive=True) for el in before.iterfind(f"bpmn:{tag}", NS)]
        new = [etree.tostring(el, method="c14n", exclusive=True) for el in root.iterfind(f"bpmn:{tag}", NS)]
        assert old == new
    parser = HandoffParser()
    parser.add_bpmn_str(data, filename=f"{name}.bpmn")
    for process in root.iterfind("bpmn:process", NS):
        if process.get("isExecutable") == "true":
            assert parser.get_spec(process.get("id")).name == process.get("id")


def test_the_output_is_valid_against_the_bpmn_schema(sample):
    _, _, root = sample
    schema = etree.XMLSchema(etree.parse(XSD_PATH))
    assert schema.validate(root), schema.error_log


def test_the_script_runs_from_the_command_line(tmp_path):
    path = tmp_path / "timers.bpmn"
    path.write_bytes(TIMERS.read_bytes())

    def run(*args):
        return subprocess.run([sys.executable, str(TOOL), *args, str(path)], capture_output=True, text=True)

    assert run("--check").returncode == 1
    assert run().returncode == 0
    assert run("--check").returncode == 0


def test_rank_ignores_loops_back_to_earlier_nodes():
    nodes = [Node(i, "task", start=i == "a") for i in "abcd"]
    flows = [Flow("1", "a", "b"), Flow("2", "b", "c"), Flow("3", "c", "b"), Flow("4", "c", "d"), Flow("5", "a", "d")]
    rank, _ = rank_nodes(nodes, flows, {n.id: n.id for n in nodes})
    assert rank == {"a": 0, "b": 1, "c": 2, "d": 3}
