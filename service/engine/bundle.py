"""A deployable bundle: one executable process and exactly the files it needs.

The content hash of a bundle names a process version: deploying unchanged files is
a no-op, and an instance's serialized state refers to its spec by this hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask

from .parser import HandoffParser
from .translations import catalogs_for, is_translation

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml")
DMN_SUFFIX = ".dmn"
FORMS_PREFIX = "forms/"
CALENDARS = "bpmn/calendars.json"


@dataclass(frozen=True)
class Bundle:
    process_id: str
    name: str
    files: dict[str, str]

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256(self.process_id.encode())
        for path in sorted(self.files):
            digest.update(b"\0" + path.encode() + b"\0" + self.files[path].encode())
        return digest.hexdigest()


def read_tree(root: Path, bpmn_dir: str = "bpmn", forms_dir: str = "forms") -> dict[str, str]:
    """Reads `bpmn/` and `forms/` under root into {relative path: text}."""
    files: dict[str, str] = {}
    for folder in (bpmn_dir, forms_dir):
        base = root / folder
        for path in source_files(base):
            key = (Path(folder) / path.relative_to(base)).as_posix()
            if folder == forms_dir:
                key = FORMS_PREFIX + path.relative_to(base).as_posix()
            files[key] = path.read_text(encoding="utf-8")
    return files


def source_files(base: Path) -> list[Path]:
    """Every BPMN, DMN and JSON file under a folder, subfolders included: what a deploy of it sends."""
    if not base.is_dir():
        return []
    return [path for path in sorted(base.rglob("*")) if path.is_file() and _is_source(path.name)]


def _is_source(name: str) -> bool:
    return name.endswith(BPMN_SUFFIXES) or name.endswith(DMN_SUFFIX) or name.endswith(".json")


def decision_files(bpmn_root: Path) -> list[Path]:
    """The DMN files of a project's `bpmn/` folder, found as a deploy finds them (`read_tree`)."""
    return [path for path in source_files(bpmn_root) if path.name.endswith(DMN_SUFFIX)]


def project_folders(diagram: Path) -> tuple[Path, Path]:
    """(the `bpmn/` folder, the `forms/` folder) of the project a diagram belongs to.

    The project is the parent of the nearest enclosing folder named ``bpmn`` (at most three
    levels up, as in ``bpmn/sales/leads/x.bpmn``); a diagram outside any such folder counts
    its own folder as the `bpmn/` folder (forms beside it).
    """
    folder = diagram.parent
    for candidate in (folder, *folder.parents[:3]):
        if candidate.name == "bpmn":
            return candidate, candidate.parent / "forms"
    return folder, folder.parent / "forms"


def new_parser(files: dict[str, str]) -> HandoffParser:
    parser = HandoffParser()
    for path, text in sorted(files.items()):
        if path.endswith(BPMN_SUFFIXES):
            parser.add_bpmn_str(text.encode("utf-8"), filename=path)
        elif path.endswith(DMN_SUFFIX):
            parser.add_dmn_str(text.encode("utf-8"), filename=path)
    return parser


def form_keys(specs) -> set[str]:
    keys = set()
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, CamundaUserTask) and task_spec.form.key:
                keys.add(task_spec.form.key)
    return keys


def split_bundles(files: dict[str, str]) -> list[Bundle]:
    """One bundle per executable process, holding its BPMN files, all DMN files and its forms.
    (`get_process_ids` lists executable processes only: a documentation-only pool gets no bundle.)

    Assumes the files have been validated; parse errors propagate.
    """
    parser = new_parser(files)
    dmn_files = {p: t for p, t in files.items() if p.endswith(DMN_SUFFIX)}
    bundles = []
    for process_id in sorted(parser.get_process_ids()):
        spec = parser.get_spec(process_id)
        subprocesses = parser.get_subprocess_specs(process_id)
        specs = [spec, *subprocesses.values()]
        needed = {s.file for s in specs if s is not None and s.file}
        bundle_files = {p: files[p] for p in needed if p in files}
        for diagram in list(bundle_files):  # a diagram's translations travel (and are hashed) with it
            bundle_files.update({c: files[c] for c in catalogs_for(diagram, files)})
        bundle_files.update(dmn_files)
        if CALENDARS in files:
            bundle_files[CALENDARS] = files[CALENDARS]
        for key in form_keys(s for s in specs if s is not None) | {start_form_key(files, process_id)} - {None}:
            path = FORMS_PREFIX + key
            if path in files:
                bundle_files[path] = files[path]
                bundle_files.update({c: files[c] for c in catalogs_for(path, files)})
        bundles.append(Bundle(process_id, spec.description or process_id, bundle_files))
    return bundles


CAMUNDA_FORM_KEY = "{http://camunda.org/schema/1.0/bpmn}formKey"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _start_event(files: dict[str, str], process_id: str):
    from lxml import etree

    for path, text in files.items():
        if path.endswith(BPMN_SUFFIXES):
            found = etree.fromstring(text.encode("utf-8")).xpath(
                "//bpmn:process[@id=$pid]/bpmn:startEvent", namespaces=NS, pid=process_id)
            if found:
                return found[0]
    return None


def process_line(text: str, process_id: str) -> int:
    """The line of ``<bpmn:process id=...>`` in a BPMN text (1 when it is not found)."""
    found = re.search(rf'<(?:\w+:)?process\b[^>]*\bid="{re.escape(process_id)}"', text)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def start_form_key(files: dict[str, str], process_id: str) -> str | None:
    """The form of the process's start event (``camunda:formKey``): what starting it requires."""
    event = _start_event(files, process_id)
    return event.get(CAMUNDA_FORM_KEY) if event is not None else None


def start_lane(files: dict[str, str], process_id: str) -> str | None:
    """The lane of the start event: the group whose members may start the process."""
    event = _start_event(files, process_id)
    if event is None:
        return None
    lanes = event.getparent().xpath("bpmn:laneSet//bpmn:lane[bpmn:flowNodeRef=$node]", namespaces=NS,
                                    node=event.get("id"))
    return lanes[0].get("name") if lanes else None


def process_sources(files: dict[str, str]) -> dict[str, str]:
    """The BPMN and DMN files among a deployment's files, with the diagrams' translations (the validator's input)."""
    return {p: t for p, t in files.items() if p.endswith(BPMN_SUFFIXES) or p.endswith(DMN_SUFFIX)
            or (is_translation(p) and not p.startswith(FORMS_PREFIX))}


def form_sources(files: dict[str, str]) -> dict[str, str]:
    """The forms (and their translations) of a deployment, keyed by form key (path under ``forms/``)."""
    return {p[len(FORMS_PREFIX):]: t for p, t in files.items() if p.startswith(FORMS_PREFIX)}


def load_forms(files: dict[str, str]) -> dict[str, dict]:
    return {
        path[len(FORMS_PREFIX):]: json.loads(text)
        for path, text in files.items()
        if path.startswith(FORMS_PREFIX) and path.endswith(".json") and not is_translation(path)
    }
