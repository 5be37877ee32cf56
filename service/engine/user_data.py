"""User data stays data in SpiffWorkflow's serialized state.

SpiffWorkflow 3.2's `DictionaryConverter.restore` reads every dict with a ``typename`` key
as a typed value (``UUID``, ``datetime``, ``timedelta`` and every spec and workflow
class the serializer registers). Task data holds what people and integrations send,
so a form field ``{"name": "Ann", "typename": "UUID"}`` would come back as a crash
(or, with ``"datetime"``, as a datetime). ``typename`` is the only key the registry
inspects when it restores; the keys the restoring functions read (``value``, ``days``,
...) only matter once ``typename`` has matched.

On the way out, a dict that holds ``typename`` is wrapped as
``{"typename": "handoff.data", "items": {...}}``; on the way back the wrapper's items
are restored value by value, never as a typed value themselves, so the dict comes
back exactly as it was. The walk looks at dicts, lists and tuples only, with one key
lookup per dict, and copies nothing when there is nothing to escape.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry

RESERVED = "typename"  # the one key DictionaryConverter.restore looks at
ESCAPED = "handoff.data"  # not a Python class name, so never a registered typename


def escape(value):
    """`value` with every dict holding the reserved key wrapped; `value` itself when none does."""
    if isinstance(value, dict):
        changed = None
        for key, item in value.items():
            if isinstance(item, dict | list | tuple):
                escaped = escape(item)
                if escaped is not item:
                    if changed is None:
                        changed = dict(value)
                    changed[key] = escaped
        result = value if changed is None else changed
        return {RESERVED: ESCAPED, "items": result} if RESERVED in value else result
    if isinstance(value, list | tuple):
        changed = None
        for index, item in enumerate(value):
            if isinstance(item, dict | list | tuple):
                escaped = escape(item)
                if escaped is not item:
                    if changed is None:
                        changed = list(value)
                    changed[index] = escaped
        if changed is None:
            return value
        return tuple(changed) if isinstance(value, tuple) else changed
    return value


class UserDataRegistry(DefaultRegistry):
    """SpiffWorkflow's default registry, with user dicts escaped out and restored back."""

    def __init__(self):
        super().__init__()
        self.convert_from_dict[ESCAPED] = self._unescape

    def _unescape(self, dct, **kwargs):
        return {key: self.restore(item, **kwargs) for key, item in dct["items"].items()}

    def convert(self, obj, **kwargs):
        if self._encoder_mode:
            return self._convert_for_encoder(obj)
        converted = super().convert(obj, **kwargs)
        if isinstance(obj, dict) and obj.__class__ not in self.typenames and RESERVED in obj:
            return {RESERVED: ESCAPED, "items": converted}
        return converted

    def _convert_for_encoder(self, obj):
        converted = super()._convert_for_encoder(obj)
        if obj.__class__ in self.typenames:
            return converted  # a registered object: its own dict carries its typename
        return escape(converted)


class UserDataTaskConverter(TaskConverter):
    """SpiffWorkflow leaves task data to the JSON encoder; escape it first."""

    def to_dict(self, task):
        dct = super().to_dict(task)
        if dct["data"]:
            dct["data"] = escape(dct["data"])
        delta = dct["delta"]
        if delta and delta["updates"]:
            delta["updates"] = escape(delta["updates"])
        return dct
