"""Parsed process specs, cached by content hash, so instances can refer to them.

Parsing a bundle costs milliseconds; a request cycle must not. Each process
version is parsed once per process and looked up by its reference afterwards.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask

from .bundle import BPMN_SUFFIXES, CALENDARS, Bundle, load_forms, new_parser, start_form_key, start_lane
from .calendar import business_hours_function, load_calendars
from .translations import Translations
from .translations import load as load_translations


class UnknownSpec(LookupError):
    """An instance refers to a process version this library cannot find."""


@dataclass(frozen=True)
class UserTaskInfo:
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    properties: dict = field(default_factory=dict)


@dataclass
class ParsedProcess:
    ref: str
    process_id: str
    spec: object
    subprocess_specs: dict
    forms: dict[str, dict]
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    script_engine: object = None
    properties: dict = field(default_factory=dict)
    start_form_key: str | None = None
    start_lane: str | None = None
    translations: Translations = field(default_factory=Translations)  # its words in other languages

    def form_for(self, element_id: str) -> dict | None:
        info = self.user_tasks.get(element_id)
        return self.forms.get(info.form_key) if info and info.form_key else None


def parse_bundle(bundle: Bundle, ref: str | None = None) -> ParsedProcess:
    ref = ref or bundle.content_hash
    parser = new_parser(bundle.files)
    spec = parser.get_spec(bundle.process_id)
    subprocess_specs = parser.get_subprocess_specs(bundle.process_id)
    for s in (spec, *subprocess_specs.values()):
        s.handoff_ref = ref
    user_tasks = {}
    for s in (spec, *subprocess_specs.values()):
        for task_spec in s.task_specs.values():
            if isinstance(task_spec, CamundaUserTask):
                user_tasks[task_spec.bpmn_id] = UserTaskInfo(
                    task_spec.bpmn_id, task_spec.bpmn_name or task_spec.bpmn_id, task_spec.lane,
                    task_spec.form.key, dict(task_spec.extensions))
    properties = process_properties(bundle)
    return ParsedProcess(ref, bundle.process_id, spec, subprocess_specs, load_forms(bundle.files), user_tasks,
                         functions=script_functions(bundle.files, properties.get("calendar")),
                         properties=properties, start_form_key=start_form_key(bundle.files, bundle.process_id),
                         start_lane=start_lane(bundle.files, bundle.process_id),
                         translations=load_translations(bundle.files))


NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "camunda": "http://camunda.org/schema/1.0/bpmn"}
PROCESS_PROPERTIES = "//bpmn:process[@id=$pid]/bpmn:extensionElements/camunda:properties/camunda:property"


def process_properties(bundle: Bundle) -> dict[str, str]:
    """``camunda:properties`` on the process element itself (e.g. ``start_guard``)."""
    for path, text in bundle.files.items():
        if path.endswith(BPMN_SUFFIXES):
            nodes = etree.fromstring(text.encode("utf-8")).xpath(PROCESS_PROPERTIES, namespaces=NS,
                                                                  pid=bundle.process_id)
            if nodes:
                return {n.get("name"): n.get("value", "") for n in nodes if n.get("name")}
    return {}


def script_functions(files: dict[str, str], calendar: str | None = None) -> dict:
    """Functions the process's expressions may call: ``business_hours("PT24H")``.

    The calendar is the process's own (process property ``calendar``), else ``default``.
    """
    if CALENDARS not in files:
        return {}
    definitions = json.loads(files[CALENDARS])
    calendars = load_calendars(definitions)
    default = calendar or ("default" if "default" in calendars else next(iter(calendars), None))
    return {"business_hours": business_hours_function(calendars, default)}


class SpecLibrary:
    """Thread-safe cache of parsed processes; `loader(ref)` fetches a missing bundle."""

    def __init__(self, loader: Callable[[str], Bundle | None] | None = None):
        self._loader = loader
        self._parsed: dict[str, ParsedProcess] = {}
        self._lock = threading.Lock()

    def add(self, bundle: Bundle) -> ParsedProcess:
        ref = bundle.content_hash
        with self._lock:
            if ref not in self._parsed:
                self._parsed[ref] = parse_bundle(bundle, ref)
            return self._parsed[ref]

    def get(self, ref: str) -> ParsedProcess:
        parsed = self._parsed.get(ref)
        if parsed is not None:
            return parsed
        bundle = self._loader(ref) if self._loader else None
        if bundle is None:
            raise UnknownSpec(ref)
        return self.add(bundle)
