"""FEEL, the language of DMN cells Camunda Modeler writes, translated to the Python the sandbox runs.

A decision table's input entries are FEEL *unary tests* (``< 250``, ``[250..1000]``,
``]1..5[``, ``"budget","exceptional"``, ``not("x")``, ``-``) and its output entries and
input expressions are FEEL *expressions* (``"accounting"``, ``amount * 0.1``,
``if vip then "gold" else "silver"``). Each is translated once, when the DMN file is
parsed, to a Python expression; an input entry's Python reads the column's value as
`INPUT`. The sandbox then evaluates it like any designer Python, with its budget.

We looked for a FEEL library first: bkflow-feel (last release 2023) and pySFeel (2022,
S-FEEL with deliberate deviations) are not maintained, and both evaluate outside the
sandbox; the subset Camunda's tables use is small enough to translate here.

What is not FEEL this module knows raises `FeelError`; `service.engine.dmn` then reads
the cell as Handoff's older Python form (``? in ("a", "b")``), so existing tables run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["INPUT", "FeelError", "expression", "unary_tests"]

INPUT = "dmninput"  # the input column's value, as the translated input entries read it


class FeelError(ValueError):
    """Not FEEL this translator knows; the message says what it met and where."""


# Function names with blanks are one token; FEEL's own, and the Python that does the same.
FUNCTIONS = {
    "date and time": (1, "datetime.fromisoformat({0})"), "date": (1, "date.fromisoformat({0})"),
    "string length": (1, "len({0})"), "upper case": (1, "{0}.upper()"), "lower case": (1, "{0}.lower()"),
    "contains": (2, "({1} in {0})"), "starts with": (2, "{0}.startswith({1})"),
    "ends with": (2, "{0}.endswith({1})"), "count": (1, "len({0})"), "sum": (1, "sum({0})"),
    "min": (1, "min({0})"), "max": (1, "max({0})"), "abs": (1, "abs({0})"), "string": (1, "str({0})"),
    "number": (1, "float({0})"), "not": (1, "(not {0})"),
}
KEYWORDS = frozenset({"and", "or", "not", "true", "false", "null", "if", "then", "else", "in", "between",
                      "for", "some", "every", "return", "satisfies", "function", "instance", "of"})
_MULTIWORD = "|".join(re.escape(name) for name in sorted(FUNCTIONS, key=len, reverse=True) if " " in name)
_TOKEN = re.compile(rf"""
    (?P<ws>\s+)
  | (?P<function>(?:{_MULTIWORD})(?=\s*\())
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<op>\.\.|<=|>=|!=|\*\*|[=<>+\-*/(),.\[\]?])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
""", re.VERBOSE | re.DOTALL)
COMPARISONS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass(frozen=True)
class _Token:
    kind: str  # function | number | string | op | name | keyword | end
    text: str
    at: int


def _tokens(text: str) -> list[_Token]:
    tokens, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise FeelError(f"unexpected {text[at]!r} at column {at + 1}")
        kind, value = match.lastgroup, match.group()
        if kind == "name" and value in KEYWORDS:
            kind = "keyword"
        if kind != "ws":
            tokens.append(_Token(kind, value, at))
        at = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the part of FEEL's grammar decision tables use."""

    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.pos = 0
        self.uses_input = False  # the text reads ``?``

    # --- tokens
    def at(self, kind: str, *texts: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == kind and (not texts or token.text in texts)

    def op(self, *texts: str) -> bool:
        return self.at("op", *texts)

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, kind: str, text: str) -> None:
        token = self.take()
        if token.kind != kind or token.text != text:
            raise FeelError(f"expected {text!r} at column {token.at + 1}, found {token.text or 'the end'!r}")

    def done(self) -> None:
        token = self.tokens[self.pos]
        if token.kind != "end":
            raise FeelError(f"unexpected {token.text!r} at column {token.at + 1}")

    # --- unary tests
    def unary_tests(self) -> str:
        if self.op("-") and self.tokens[self.pos + 1].kind == "end":
            return "True"
        if self.at("function", "not") or (self.at("keyword", "not") and self.tokens[self.pos + 1].text == "("):
            start = self.pos
            self.take()
            self.expect("op", "(")
            inner = self.positive_tests()
            if self.op(")") and self.tokens[self.pos + 1].kind == "end":
                self.take()
                return f"(not {inner})"
            self.pos = start  # ``not(a) or b``: an expression that starts with not(...)
        tests = self.positive_tests()
        self.done()
        return tests

    def positive_tests(self) -> str:
        tests = [self.positive_test()]
        while self.op(","):
            self.take()
            tests.append(self.positive_test())
        return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"

    def positive_test(self) -> str:
        if self.op("<", "<=", ">", ">="):
            operator = self.take().text
            return f"({INPUT} {operator} {self.endpoint()})"
        if self.op("[", "(", "]") and self._looks_like_interval():
            return self.interval()
        before = self.uses_input
        self.uses_input = False
        value = self.expression()
        reads_input, self.uses_input = self.uses_input, before or self.uses_input
        if reads_input:
            return f"bool({value})"
        if value == "None":
            return f"({INPUT} is None)"
        # Camunda's FEEL: the input equals the value, or the value is a test that holds (``claimed > 2000``)
        return f"({INPUT} == {value})" if _is_literal(value) else f"(({INPUT} == {value}) or ({value}) is True)"

    def _looks_like_interval(self) -> bool:
        """After ``[``, ``]`` or ``(``: is there a ``..`` before the bracket closes?"""
        depth = 1
        for token in self.tokens[self.pos + 1:]:
            if token.kind == "end" or (token.kind == "op" and token.text == "," and depth == 1):
                return False
            if token.kind == "op" and token.text == ".." and depth == 1:
                return True
            if token.kind == "op" and token.text in ("(", "["):
                depth += 1
            elif token.kind == "op" and token.text in (")", "]"):
                depth -= 1
                if depth == 0:
                    return False
        return False

    def interval(self) -> str:
        opening = self.take().text
        low = self.endpoint()
        self.expect("op", "..")
        high = self.endpoint()
        closing = self.take()
        if closing.kind != "op" or closing.text not in ("]", "[", ")"):
            raise FeelError(f"expected ']', '[' or ')' at column {closing.at + 1}")
        low_op = "<=" if opening == "[" else "<"
        high_op = "<=" if closing.text == "]" else "<"
        return f"({low} {low_op} {INPUT} {high_op} {high})"

    def endpoint(self) -> str:
        return self.additive()

    # --- expressions
    def expression(self) -> str:
        if self.at("keyword", "if"):
            self.take()
            condition = self.expression()
            self.expect("keyword", "then")
            when_true = self.expression()
            self.expect("keyword", "else")
            when_false = self.expression()
            return f"({when_true} if {condition} else {when_false})"
        return self.disjunction()

    def disjunction(self) -> str:
        left = self.conjunction()
        while self.at("keyword", "or"):
            self.take()
            left = f"({left} or {self.conjunction()})"
        return left

    def conjunction(self) -> str:
        left = self.comparison()
        while self.at("keyword", "and"):
            self.take()
            left = f"({left} and {self.comparison()})"
        return left

    def comparison(self) -> str:
        left = self.additive()
        if self.op(*COMPARISONS):
            operator = COMPARISONS[self.take().text]
            return f"({left} {operator} {self.additive()})"
        if self.at("keyword", "between"):
            self.take()
            low = self.additive()
            self.expect("keyword", "and")
            return f"({low} <= {left} <= {self.additive()})"
        if self.at("keyword", "in"):
            self.take()
            return self.membership(left)
        return left

    def membership(self, value: str) -> str:
        """``x in (1, 2)``, ``x in [1..5]``, ``x in < 3``: the unary tests with ``x`` as their input."""
        if self.op("(") and not self._looks_like_interval():
            self.take()
            tests = self.positive_tests()
            self.expect("op", ")")
        else:
            tests = self.positive_test()
        return re.sub(rf"\b{INPUT}\b", lambda _: f"({value})", tests)

    def additive(self) -> str:
        left = self.multiplicative()
        while self.op("+", "-"):
            operator = self.take().text
            left = f"({left} {operator} {self.multiplicative()})"
        return left

    def multiplicative(self) -> str:
        left = self.power()
        while self.op("*", "/"):
            operator = self.take().text
            left = f"({left} {operator} {self.power()})"
        return left

    def power(self) -> str:
        left = self.unary()
        if self.op("**"):
            self.take()
            return f"({left} ** {self.unary()})"
        return left

    def unary(self) -> str:
        if self.op("-"):
            self.take()
            return f"(-{self.unary()})"
        return self.postfix(self.primary())

    def postfix(self, source: str) -> str:
        while self.op("."):
            self.take()
            member = self.take()
            if member.kind != "name":
                raise FeelError(f"expected a name at column {member.at + 1}")
            source = f"{source}[{member.text!r}]"
        return source

    def primary(self) -> str:
        token = self.take()
        if token.kind == "number":
            return token.text
        if token.kind == "string":
            return token.text
        if token.kind == "keyword" and token.text in ("true", "false", "null"):
            return {"true": "True", "false": "False", "null": "None"}[token.text]
        if token.kind == "op" and token.text == "?":
            self.uses_input = True
            return INPUT
        if token.kind == "op" and token.text == "(":
            inner = self.expression()
            self.expect("op", ")")
            return f"({inner})"
        if token.kind == "op" and token.text == "[":
            return self.list_literal()
        if token.kind == "function" or (token.kind in ("name", "keyword") and token.text == "not" and self.op("(")):
            return self.call(token.text)
        if token.kind == "name":
            if self.op("("):
                return self.call(token.text)
            if token.text.startswith("_"):
                raise FeelError(f"the name {token.text!r} cannot be used in Handoff")
            return token.text
        raise FeelError(f"unexpected {token.text or 'end of the text'!r} at column {token.at + 1}")

    def list_literal(self) -> str:
        items = []
        if not self.op("]"):
            items.append(self.expression())
            while self.op(","):
                self.take()
                items.append(self.expression())
        self.expect("op", "]")
        return "[" + ", ".join(items) + "]"

    def call(self, name: str) -> str:
        known = FUNCTIONS.get(name)
        if known is None:
            raise FeelError(f"the function {name}() is not one Handoff translates")
        self.expect("op", "(")
        args = []
        if not self.op(")"):
            args.append(self.expression())
            while self.op(","):
                self.take()
                args.append(self.expression())
        self.expect("op", ")")
        count, template = known
        if name in ("min", "max", "sum") and len(args) > 1:
            args = ["[" + ", ".join(args) + "]"]
        if len(args) != count:
            raise FeelError(f"{name}() takes {count} argument{'s' if count > 1 else ''}")
        return template.format(*args)


def _is_literal(source: str) -> bool:
    return bool(re.fullmatch(r'-?\(?-?[\d.]+\)?|"(?:[^"\\]|\\.)*"|True|False', source))


def unary_tests(text: str | None) -> str:
    """Python that is true when `INPUT` passes the input entry's unary tests (``-`` or empty: always)."""
    if text is None or not text.strip() or text.strip() == "-":
        return "True"
    return _Parser(text).unary_tests()


def expression(text: str) -> str:
    """Python for a FEEL expression (an output entry, an input expression, a literal decision)."""
    if not text or not text.strip():
        raise FeelError("the expression is empty")
    parser = _Parser(text)
    source = parser.expression()
    parser.done()
    return source
