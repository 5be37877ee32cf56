"""Camunda 7's JUEL (``${approved}``, ``${amount > 1000}``) translated to the Python the sandbox runs.

Camunda Modeler writes conditions, due dates, assignees and candidate groups as JUEL
(the Unified Expression Language); Handoff evaluates Python in its sandbox. The
translation happens once, when a diagram is parsed, so running stays as fast as
before. A ``${...}`` text that is not JUEL this module knows is left as it is: it is
Handoff's own ``${python expression}`` form (``${business_hours("PT24H")}``), which the
sandbox evaluates as before; most of those are JUEL too (``${initiator}``) and
translate to the same text.

What translates: literals (``true``, ``null``, numbers, strings in single or double
quotes), ``!``/``not``, ``&&``/``and``, ``||``/``or``, ``==``/``eq``, ``!=``/``ne``,
``<``/``lt``, ``>``/``gt``, ``<=``/``le``, ``>=``/``ge``, ``+ - * / div % mod``,
``empty x`` (true too for a variable nobody set), ``c ? a : b``, ``a.b`` and ``a['b']``
(a map's entry), a few Java methods (``size()``, ``isEmpty()``, ``contains(x)``,
``equals(x)``, ``toString()``...), function calls by name, and the date idiom of due
dates, ``dateTime().plusDays(2).toDate()``, which becomes the ISO duration ``"P2D"`` counted from when the task opens.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

from service.i18n import Text

__all__ = ["JuelError", "condition_source", "dollar_body", "expression_source", "juel_problem", "to_python",
           "translate_dollar"]


class JuelError(ValueError):
    """The text is not JUEL this translator knows; the message says what it met (``text``: to translate)."""

    def __init__(self, text: Text | str):
        super().__init__(str(text))
        self.text = text


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>&&|\|\||==|!=|<=|>=|[!<>+\-*/%?:.,()\[\]])
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
""", re.VERBOSE | re.DOTALL)

WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!", "eq": "==", "ne": "!=", "lt": "<", "gt": ">",
                  "le": "<=", "ge": ">=", "div": "/", "mod": "%"}
LITERALS = {"true": "True", "false": "False", "null": "None"}
PYTHON_OPERATORS = {"&&": "and", "||": "or", "==": "==", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">=",
                    "+": "+", "-": "-", "*": "*", "/": "/", "%": "%"}
# Java methods designers call on values, and the Python that does the same.
METHODS = {
    "size": (0, "len({0})"), "length": (0, "len({0})"), "isEmpty": (0, "(len({0}) == 0)"),
    "contains": (1, "({1} in {0})"), "containsKey": (1, "({1} in {0})"), "equals": (1, "({0} == {1})"),
    "toString": (0, "str({0})"), "toUpperCase": (0, "{0}.upper()"), "toLowerCase": (0, "{0}.lower()"),
    "trim": (0, "{0}.strip()"), "startsWith": (1, "{0}.startswith({1})"), "endsWith": (1, "{0}.endswith({1})"),
}
DATE_STEPS = {"plusYears": ("Y", False), "plusMonths": ("M", False), "plusWeeks": ("W", False),
              "plusDays": ("D", False), "plusHours": ("H", True), "plusMinutes": ("M", True),
              "plusSeconds": ("S", True)}
_DOLLAR = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)


@dataclass(frozen=True)
class _Token:
    kind: str  # number | string | op | name | end
    text: str
    at: int


def _tokens(text: str) -> list[_Token]:
    tokens, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise JuelError(Text("unexpected %(token)s at column %(column)s", token=repr(text[at]), column=at + 1))
        kind = match.lastgroup
        if kind != "ws":
            value = match.group()
            if kind == "name" and value in WORD_OPERATORS:
                kind, value = "op", WORD_OPERATORS[value]
            elif kind == "name" and value == "empty":
                kind = "op"
            tokens.append(_Token(kind, value, at))
        at = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over EL's grammar; every method returns Python source, parenthesised where it matters."""

    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self, *texts: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "op" and token.text in texts

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.kind != "op" or token.text != text:
            raise JuelError(Text("expected %(wanted)s at column %(column)s, found %(found)s", wanted=repr(text),
                                 column=token.at + 1, found=repr(token.text) if token.text else Text("'the end'")))

    def parse(self) -> str:
        source = self.ternary()
        token = self.tokens[self.pos]
        if token.kind != "end":
            raise JuelError(Text("unexpected %(token)s at column %(column)s", token=repr(token.text),
                                 column=token.at + 1))
        return source

    def ternary(self) -> str:
        condition = self.binary(0)
        if not self.peek("?"):
            return condition
        self.take()
        when_true = self.ternary()
        self.expect(":")
        when_false = self.ternary()
        return f"({when_true} if {condition} else {when_false})"

    LEVELS = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> str:
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        count = 0
        while self.peek(*self.LEVELS[level]):
            count += 1
            if count > 1 and level in (2, 3):  # ``0 < x < 10`` is Python's chain, meaningless in JUEL: keep Python
                raise JuelError(Text("chained comparisons are Python, not JUEL"))
            operator = PYTHON_OPERATORS[self.take().text]
            right = self.binary(level + 1)
            left = f"({left} {operator} {right})"
        return left

    def unary(self) -> str:
        if self.peek("!"):
            self.take()
            return f"(not {self.unary()})"
        if self.peek("-"):
            self.take()
            return f"(-{self.unary()})"
        if self.peek("empty"):
            self.take()
            operand = self.unary()
            if re.fullmatch(r"[A-Za-z]\w*", operand) and operand not in ("True", "False", "None"):
                operand = f"data_value({operand!r})"  # a variable nobody set is empty, as in JUEL (not an error)
            return f"({operand} in (None, '', [], {{}}))"
        return self.value()

    def value(self) -> str:
        token = self.take()
        if token.kind in ("number", "string"):
            source = token.text
        elif token.kind == "op" and token.text == "(":
            source = self.ternary()
            self.expect(")")
            source = f"({source})"
        elif token.kind == "name":
            source = self.name(token)
        else:
            raise JuelError(Text("unexpected %(token)s at column %(column)s", column=token.at + 1,
                                 token=repr(token.text) if token.text else Text("'end of the expression'")))
        return self.suffixes(source)

    def name(self, token: _Token) -> str:
        if token.text in LITERALS:
            return LITERALS[token.text]
        if token.text == "dateTime" and self.peek("("):
            return self.date_time(token)
        if token.text.startswith("_") or "$" in token.text or keyword.iskeyword(token.text) and \
                token.text not in ("True", "False", "None"):
            raise JuelError(Text("the name %(name)s cannot be used in Handoff", name=repr(token.text)))
        if self.peek("("):
            return f"{token.text}({self.arguments()})"
        return token.text

    def arguments(self) -> str:
        self.expect("(")
        args = []
        if not self.peek(")"):
            args.append(self.ternary())
            while self.peek(","):
                self.take()
                args.append(self.ternary())
        self.expect(")")
        return ", ".join(args)

    def suffixes(self, source: str) -> str:
        while True:
            if self.peek("."):
                self.take()
                member = self.take()
                if member.kind != "name":
                    raise JuelError(Text("expected a property name at column %(column)s", column=member.at + 1))
                source = self.method(source, member) if self.peek("(") else f"{source}[{member.text!r}]"
            elif self.peek("["):
                self.take()
                index = self.ternary()
                self.expect("]")
                source = f"{source}[{index}]"
            else:
                return source

    def method(self, source: str, member: _Token) -> str:
        known = METHODS.get(member.text)
        args = self.arguments()
        count = 0 if not args else len(_split_arguments(args))
        if known is None or known[0] != count:
            raise JuelError(Text("the method %(name)s() has no Handoff equivalent", name=member.text))
        return known[1].format(source, args)

    def date_time(self, token: _Token) -> str:
        """``dateTime().plusWeeks(1).toDate()``: a due date counted from now, i.e. the ISO duration ``P1W``."""
        self.expect("(")
        self.expect(")")
        date_parts, time_parts, steps = [], [], 0
        while self.peek("."):
            self.take()
            member = self.take()
            if member.text == "toDate" and self.peek("("):
                self.expect("(")
                self.expect(")")
                break
            step = DATE_STEPS.get(member.text)
            if step is None:
                raise JuelError(Text('dateTime().%(name)s() has no Handoff equivalent: write an ISO 8601 '
                                     'duration from when the task opens, e.g. "P7D", or ${business_hours("PT24H")}',
                                     name=member.text))
            amount = self.arguments()
            if not re.fullmatch(r"\d+", amount):
                amount = f'" + str(int({amount})) + "'
            (time_parts if step[1] else date_parts).append(f"{amount}{step[0]}")
            steps += 1
        if not steps:
            raise JuelError(Text("dateTime() alone has no Handoff equivalent: add .plusDays(n) or write an ISO "
                                 "duration"))
        duration = "P" + "".join(date_parts) + ("T" + "".join(time_parts) if time_parts else "")
        return f'"{duration}"'.replace('"" + ', "").replace(' + ""', "")


def _split_arguments(args: str) -> list[str]:
    """Top-level commas of a rendered argument list (strings and brackets are skipped)."""
    depth, quote, parts, start = 0, None, [], 0
    for index, char in enumerate(args):
        if quote:
            quote = None if char == quote and args[index - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(args[start:index])
            start = index + 1
    parts.append(args[start:])
    return parts


def to_python(body: str) -> str:
    """The Python for a JUEL expression (the text between ``${`` and ``}``); raises `JuelError`."""
    if not body.strip():
        raise JuelError(Text("the expression is empty"))
    return _Parser(body).parse()


def dollar_body(raw: str | None) -> str | None:
    """The text inside ``${...}`` or ``#{...}``, or None for a literal."""
    match = _DOLLAR.match(raw or "")
    return match.group("body") if match else None


def expression_source(body: str) -> str:
    """Python for a ``${...}`` body: its JUEL translation, or the body itself (Handoff's Python form)."""
    try:
        return to_python(body)
    except (JuelError, RecursionError):
        return body


def juel_problem(body: str) -> Text | str | None:
    """Why a ``${...}`` body is neither JUEL this module translates nor Python (None when it is either)."""
    try:
        to_python(body)
        return None
    except (JuelError, RecursionError) as error:
        try:
            ast.parse(body.strip(), mode="eval")
            return None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return error.text if isinstance(error, JuelError) else Text("nested too deeply")


def translate_dollar(raw: str | None) -> str | None:
    """``${approved && amount gt 10}`` becomes ``${(approved and (amount > 10))}``; a literal stays as it is."""
    body = dollar_body(raw)
    return raw if body is None else "${" + expression_source(body) + "}"


def condition_source(text: str | None) -> str | None:
    """A sequence-flow condition as the engine evaluates it: JUEL ``${...}`` translated, Python as written."""
    body = dollar_body(text)
    return text if body is None else expression_source(body)
