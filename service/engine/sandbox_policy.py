"""What designer Python may say, decided when it is compiled (RestrictedPython's policy, tightened).

Timer expressions, conditions, ``${...}`` parameters, user-task attributes and script
tasks are compiled here, once per distinct text, both by the validator (so a deploy
is refused with the line) and by the sandbox that runs them (so a diagram that
bypassed validation is refused the same way). On top of RestrictedPython's rules
(no names or attributes starting with ``_``, no eval/exec):

- no ``import`` at all;
- none of the builtins that reach the interpreter (``open``, ``getattr``, ``type``,
  ``globals``...);
- ``**``, ``*``, ``+``, ``%`` and ``<<`` become calls of guards that refuse results
  too big to compute (``10**10**10``, ``'a' * 10**10``) before computing them;
- a format spec in an f-string must be a short literal (``f"{x:>9999999999}"``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec

from . import sandbox_limits

FILENAME = "<designer expression>"  # the sandbox's step budget traces only frames of this file

# Builtins that would hand out the interpreter; refused where they are named.
REFUSED_NAMES = frozenset({
    "eval", "exec", "compile", "open", "input", "breakpoint", "help", "exit", "quit", "globals", "locals",
    "vars", "dir", "getattr", "setattr", "delattr", "hasattr", "type", "object", "super", "classmethod",
    "staticmethod", "property", "memoryview", "bytearray", "bytes", "iter", "aiter", "anext", "format",
    "print",
})
OPERATOR_GUARDS = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.Add: "_add_", ast.Mod: "_mod_", ast.LShift: "_lshift_"}
FOLD = {"_pow_": sandbox_limits.guarded_pow, "_mul_": sandbox_limits.guarded_mul,
        "_add_": sandbox_limits.guarded_add, "_mod_": sandbox_limits.guarded_mod,
        "_lshift_": sandbox_limits.guarded_lshift}
MAX_FORMAT_SPEC = 3  # characters in a literal f-string format spec: "{x:.2f}" yes, "{x:>9999999999}" no

_PLAIN = (
    (re.compile(r'"([^"]*)" is an invalid (?:variable|attribute) name because it starts with "_"'),
     r"names starting with _ are not allowed (\1)"),
    (re.compile(r'"([^"]*)" is an invalid (?:variable|attribute) name because it ends with "__roles__"\.?'),
     r"the name \1 is not allowed"),
)
_SAID_BY_NAME = re.compile(r"(Eval|Exec) calls are not allowed")  # visit_Name says it in the same words


@dataclass(frozen=True)
class Refusal:
    """One reason the text cannot run, at a line counted from the text's first line."""

    line: int
    message: str


class SandboxRefused(Exception):
    """The text breaks a rule of the sandbox; nothing of it ran."""

    def __init__(self, refusals: list[Refusal]):
        super().__init__("; ".join(f"line {r.line}: {r.message}" for r in refusals))
        self.refusals = refusals


class HandoffPolicy(RestrictingNodeTransformer):
    """RestrictedPython's transformer with Handoff's extra rules (see the module docstring)."""

    def error(self, node, info: str) -> None:
        if _SAID_BY_NAME.match(info):
            return
        for pattern, plain in _PLAIN:
            info = pattern.sub(plain, info)
        super().error(node, info.rstrip(".").replace("statements are not allowed", "is not allowed"))

    def visit_Import(self, node):
        self.error(node, "imports are not allowed in expressions")
        return node

    visit_ImportFrom = visit_Import

    refused_names = REFUSED_NAMES - {"globals"}  # a data-only globals() for versions deployed before

    def visit_Name(self, node):
        if node.id in self.refused_names:
            self.error(node, f"{node.id}() is not available in expressions")
        return super().visit_Name(node)

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        guard = OPERATOR_GUARDS.get(type(node.op))
        if guard is None:
            return node
        folded = self._fold(guard, node.left, node.right, node)
        if folded is not None:
            return folded
        call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def _fold(self, guard: str, left, right, node):
        """Literal arithmetic is worked out now, so a too-big literal is refused at validate time."""
        if not (isinstance(left, ast.Constant) and isinstance(right, ast.Constant)):
            return None
        try:
            value = FOLD[guard](left.value, right.value)
        except sandbox_limits.SandboxLimit as limit:
            self.error(node, str(limit))
            return None
        except Exception:  # noqa: BLE001 - e.g. 1 + 'a': the run will say so
            return None
        return ast.copy_location(ast.Constant(value), node)

    def visit_While(self, node):
        if isinstance(node.test, ast.Constant) and node.test.value and not _breaks(node.body):
            self.error(node, "this loop never ends (while True without break)")
        return super().visit_While(node)

    def visit_FormattedValue(self, node):
        spec = node.format_spec
        literal = isinstance(spec, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in spec.values)
        if spec is not None and (not literal or sum(len(str(v.value)) for v in spec.values) > MAX_FORMAT_SPEC):
            self.error(node, "a format spec in an f-string must be short and literal (e.g. .2f)")
        node = super().visit_FormattedValue(node)
        node.value = ast.fix_missing_locations(ast.copy_location(
            ast.Call(func=ast.Name("_text_", ast.Load()), args=[node.value], keywords=[]), node.value))
        return node

    def visit_Subscript(self, node):
        if isinstance(node.ctx, ast.Store | ast.Del) and isinstance(node.slice, ast.Slice):
            self.error(node, "slice assignment is not allowed (build a new list instead)")
        return super().visit_Subscript(node)


class DesignPolicy(HandoffPolicy):
    """What validate holds new diagrams to: the sandbox's rules, and no ``globals()`` at all."""

    refused_names = REFUSED_NAMES


def _breaks(body: list) -> bool:
    """A ``break`` or ``return`` of this loop (not of a loop nested in it)."""
    pending = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Break | ast.Return):
            return True
        if isinstance(node, ast.While | ast.For | ast.FunctionDef | ast.Lambda):
            continue
        pending.extend(ast.iter_child_nodes(node))
    return False


def source_of(text: str, mode: str) -> str:
    """SpiffWorkflow's eval() drops leading blanks; so do we."""
    return text.lstrip(" \t") if mode == "eval" else text


def refusals(text: str, mode: str) -> list[Refusal]:
    """Why validate refuses `text` (empty when it passes); never raises."""
    try:
        _compile(text, mode, DesignPolicy)
    except SandboxRefused as refused:
        return refused.refusals
    return []


@lru_cache(maxsize=8192)
def compiled(text: str, mode: str) -> CodeType:
    """The sandboxed code of `text` ('eval' or 'exec'), compiled once per distinct text."""
    return _compile(text, mode, HandoffPolicy)


def _compile(text: str, mode: str, policy: type[HandoffPolicy]) -> CodeType:
    compile_mode = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compile_mode(source_of(text, mode), filename=FILENAME, policy=policy)
    except (ValueError, RecursionError, MemoryError, TypeError) as error:
        raise SandboxRefused([Refusal(1, f"cannot be compiled ({type(error).__name__})")]) from None
    if result.errors or result.code is None:
        raise SandboxRefused([_refusal(e) for e in result.errors] or [Refusal(1, "cannot be compiled")])
    return result.code


def _refusal(error: str) -> Refusal:
    match = re.match(r"Line (\d+): (.*)", error, re.DOTALL)
    if match:
        return Refusal(int(match.group(1)), " ".join(match.group(2).split()))
    syntax = re.search(r"at statement: |line (\d+)", error)
    line = int(syntax.group(1)) if syntax and syntax.group(1) else 1
    return Refusal(line, " ".join(error.split()))
