"""Designer Python runs in a sandbox: RestrictedPython code, an allow-list of builtins, a budget.

SpiffWorkflow evaluates timers, conditions, ``${...}`` parameters, user-task attributes,
decision tables and script tasks with plain ``eval``/``exec``: a deployed timer
``__import__('os').system(...)`` ran a shell. `SandboxEnvironment` replaces its
`TaskDataEnvironment`: the code is compiled by `sandbox_policy` (cached per text), run
with only the builtins below, the process's helpers (``business_hours``...) and the
task data, and every step of it counts against a budget (a ``sys.settrace`` tracer
that only traces the designer's own frames, so it works in any thread, unlike a
signal-based alarm). What can grow without bound in C in one step (``**``, ``*`` on
sequences, ``range``, padding) is refused by size before it is computed.
"""

from __future__ import annotations

import functools
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    raise_,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from .sandbox_limits import (
    SandboxLimit,
    bounded_extend,
    bounded_join,
    bounded_range,
    bounded_translate,
    check_items,
    guarded_add,
    guarded_inplace,
    guarded_isinstance,
    guarded_lshift,
    guarded_map,
    guarded_mod,
    guarded_mul,
    guarded_pow,
    guarded_repr,
    guarded_str,
    guarded_sum,
    guarded_text,
    guarded_zip,
)
from .sandbox_policy import FILENAME, compiled

__all__ = ["SandboxEnvironment", "SandboxLimit"]

MAX_STEPS = 100_000  # traced lines and calls of one evaluation
MAX_SECONDS = 2.0  # wall clock of one evaluation, checked as it steps
MAX_GROWTH_BYTES = 256 * 2**20  # memory one evaluation may add (read from /proc where there is one)


_PADDING = frozenset({"ljust", "rjust", "center", "zfill"})


def guarded_getattr(obj, name, *default):
    """RestrictedPython's getattr (no ``_`` names, no str.format), with what grows text or lists bounded."""
    value = safer_getattr(obj, name, *(default or (raise_,)))
    if isinstance(obj, str):
        if name == "encode":
            raise AttributeError("bytes are not available in expressions")
        if name in _PADDING:
            return lambda width, *rest: value(_bounded_width(width), *rest)
        if name in ("replace", "expandtabs"):
            return lambda *args: _bounded_result(value, obj, *args)
        if name == "join":
            return lambda iterable: bounded_join(value, obj, iterable)
        if name == "translate":
            return lambda table: bounded_translate(value, obj, table)
    elif isinstance(obj, list) and name == "extend":
        return lambda more: bounded_extend(value, obj, more)
    return value


def _bounded_width(width):
    if isinstance(width, int):
        check_items(width)
    return width


def _bounded_result(method, text: str, *args):
    if method.__name__ == "expandtabs":
        tabsize = args[0] if args else 8
        check_items(len(text) + text.count("\t") * max(int(tabsize), 0))
    elif len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        old, new = args[0], args[1]
        occurrences = text.count(old) if old else len(text) + 1
        check_items(len(text) + occurrences * max(len(new) - len(old), 0))
    return method(*args)


def guarded_getitem(obj, key):
    if isinstance(key, str) and key.startswith("__"):
        raise KeyError(key)  # never the interpreter's own entries (``__builtins__``...)
    return default_guarded_getitem(obj, key)


def guarded_getiter(obj):
    return iter(obj)


def guarded_apply(function, *args, **kwargs):
    return function(*args, **kwargs)


SAFE_BUILTINS: dict[str, Any] = {
    "None": None, "True": True, "False": False,
    "abs": abs, "all": all, "any": any, "bool": bool, "chr": chr, "dict": dict, "divmod": divmod,
    "enumerate": enumerate, "filter": filter, "float": float, "frozenset": frozenset, "int": int,
    "isinstance": guarded_isinstance, "len": len, "list": list, "map": guarded_map, "max": max, "min": min,
    "ord": ord, "pow": guarded_pow, "range": bounded_range, "repr": guarded_repr, "reversed": reversed,
    "round": round, "set": set, "slice": slice, "sorted": sorted, "str": guarded_str, "sum": guarded_sum,
    "tuple": tuple, "zip": guarded_zip,
    "ValueError": ValueError, "KeyError": KeyError, "TypeError": TypeError,
    # The types the diagrams compute with; builtins, so a data field named ``date`` simply wins.
    "datetime": datetime, "date": date, "timedelta": timedelta, "Decimal": Decimal, "UTC": UTC,
}
GUARDS: dict[str, Any] = {
    "_getattr_": guarded_getattr, "_getitem_": guarded_getitem, "_getiter_": guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard, "_apply_": guarded_apply, "_inplacevar_": guarded_inplace,
    "_pow_": guarded_pow, "_mul_": guarded_mul, "_add_": guarded_add, "_mod_": guarded_mod,
    "_lshift_": guarded_lshift, "_text_": guarded_text,
}


class _Budget:
    """A tracer that counts the steps of the designer's frames and stops them past the budget."""

    __slots__ = ("baseline", "deadline", "steps")

    def __init__(self):
        self.steps = MAX_STEPS
        self.deadline = time.monotonic() + MAX_SECONDS
        self.baseline = None

    def __call__(self, frame, event, arg):
        self._step()
        if frame.f_code.co_filename != FILENAME:
            return None  # only the designer's own frames are traced line by line
        return self._local

    def _local(self, frame, event, arg):
        self._step()
        return self._local

    def _step(self):
        self.steps -= 1
        if self.steps <= 0:
            raise SandboxLimit(f"the expression ran more than {MAX_STEPS} steps")
        if self.steps & 255 == 0 or self.steps == MAX_STEPS - 64:  # short expressions never get here
            if time.monotonic() > self.deadline:
                raise SandboxLimit(f"the expression ran longer than {MAX_SECONDS} s")
            used = _resident_bytes()
            if self.baseline is None:
                self.baseline = used
            elif used - self.baseline > MAX_GROWTH_BYTES:
                raise SandboxLimit("the expression used too much memory")


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * 4096
    except (OSError, ValueError, IndexError):
        return 0


def run(code, scope: dict):
    """Runs sandboxed code with the step budget; evaluates an expression, executes a script."""
    previous = sys.gettrace()
    sys.settrace(_Budget())
    try:
        return eval(code, scope)  # noqa: S307 - code compiled by the restricting policy
    finally:
        sys.settrace(previous)


class SandboxEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment, with the sandbox's compiler, builtins and budget.

    ``environment_globals`` are the helpers a process's expressions may call. Scripts see
    ``data_value(name, default)`` and ``forget(*names)`` for what ``globals()`` did.
    """

    def __init__(self, environment_globals=None):
        super().__init__({name: _untraced(value) if callable(value) else value
                          for name, value in (environment_globals or {}).items()})

    def evaluate(self, expression, context, external_context=None):
        code = compiled(expression, "eval")
        scope = {**self.globals, **(external_context or {}), **context, **GUARDS,
                 "__builtins__": _builtins(context)}
        return run(code, scope)

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = compiled(script, "exec")
        injected = {**self.globals, **(external_context or {}), **GUARDS, "__builtins__": _builtins(context)}
        saved = {k: context[k] for k in GUARDS if k in context}  # a data key that looks like a guard
        context.update(injected)
        try:
            run(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
            for key in GUARDS:
                context.pop(key, None)
            context.update(saved)
        return True


def _untraced(helper):
    """A process helper (``business_hours``) is one step: it bounds its own work (ten years of days)."""

    @functools.wraps(helper)
    def call(*args, **kwargs):
        budget = sys.gettrace()
        sys.settrace(None)
        try:
            return helper(*args, **kwargs)
        finally:
            sys.settrace(budget)

    return call


class DataView:
    """What ``globals()`` gives a script of a version deployed before the sandbox: the task data only.

    Such versions cleared and read data with ``globals().pop(name, None)`` and
    ``globals().get(name)``; they keep running. Names starting with ``_`` and functions
    (the guards, the helpers) are not in the view. Validate refuses ``globals()`` in new
    diagrams: they use ``data_value`` and ``forget``.
    """

    __slots__ = ("_data",)

    def __init__(self, data: dict):
        self._data = data

    def _visible(self, name) -> bool:
        return isinstance(name, str) and not name.startswith("_") and name in self._data \
            and not callable(self._data[name])

    def get(self, name, default=None):
        return self._data[name] if self._visible(name) else default

    def pop(self, name, default=None):
        return self._data.pop(name) if self._visible(name) else default

    def __contains__(self, name) -> bool:
        return self._visible(name)

    def __getitem__(self, name):
        if not self._visible(name):
            raise KeyError(name)
        return self._data[name]


def _builtins(context: dict) -> dict:
    """The allow-list, plus what scripts used ``globals()`` for, bound to this task's data."""

    def data_value(name, default=None):
        value = context.get(name, default)
        return default if callable(value) else value

    def forget(*names):
        for name in names:
            if isinstance(name, str) and not name.startswith("_"):
                context.pop(name, None)

    return {**SAFE_BUILTINS, "data_value": data_value, "forget": forget, "globals": lambda: DataView(context)}
