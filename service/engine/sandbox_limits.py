"""Sizes designer code may not exceed, and the arithmetic guards that refuse them before computing.

Shared by the compiler (`sandbox_policy` folds constant arithmetic with them, so
``10**10**10`` is refused at validate time) and the sandbox (`sandbox`) that runs
the code.
"""

from __future__ import annotations

import operator
import re

MAX_INT_BITS = 4096  # about 1,200 decimal digits
MAX_ITEMS = 100_000  # characters of a string, items of a list, length of a range


class SandboxLimit(Exception):
    """Designer code went past a limit of the sandbox (time, size); it was stopped."""


def _sized(value) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def check_items(count: int) -> None:
    if count > MAX_ITEMS:
        raise SandboxLimit(f"the result would hold {count} items (at most {MAX_ITEMS})")


def guarded_pow(base, exponent, modulo=None):
    if isinstance(base, int) and isinstance(exponent, int) and modulo is None and exponent > 0:
        bits = max(abs(base).bit_length() - 1, 0) * exponent
        if abs(base) > 1 and bits > MAX_INT_BITS:
            raise SandboxLimit(f"{base} ** {exponent} is too big a number")
    return pow(base, exponent) if modulo is None else pow(base, exponent, modulo)


def guarded_mul(left, right):
    for seq, times in ((left, right), (right, left)):
        size = _sized(seq)
        if size is not None and isinstance(times, int):
            check_items(size * times)
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise SandboxLimit("the product is too big a number")
    return left * right


def guarded_add(left, right):
    size_left, size_right = _sized(left), _sized(right)
    if size_left is not None and size_right is not None:
        check_items(size_left + size_right)
    return left + right


_PERCENT_WIDTH = re.compile(r"%[-+ #0]*(\*|\d{4,})|%[-+ #0]*\d*\.(\*|\d{4,})")


def guarded_mod(left, right):
    if isinstance(left, str):
        if _PERCENT_WIDTH.search(left):
            raise SandboxLimit("a % format with a width or precision of 1000 or more")
        check_text(right)
    return left % right


def guarded_lshift(left, right):
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right > MAX_INT_BITS:
        raise SandboxLimit(f"{left} << {right} is too big a number")
    return left << right


INPLACE = {"+=": guarded_add, "-=": operator.sub, "*=": guarded_mul, "/=": operator.truediv,
           "//=": operator.floordiv, "%=": guarded_mod, "**=": guarded_pow, "<<=": guarded_lshift,
           ">>=": operator.rshift, "&=": operator.and_, "|=": operator.or_, "^=": operator.xor}


def guarded_inplace(op: str, left, right):
    return INPLACE[op](left, right)


def bounded_range(*args):
    result = range(*args)
    check_items(len(result))
    return result




MAX_TEXT = 1_000_000  # characters of text made from values (str(), repr(), join, % and f-string formatting)
MAX_ARITY = 32  # iterables zip() and map() may walk side by side


def check_text(value) -> None:
    """Refuses a value whose text would pass MAX_TEXT (a list holding one long string 100,000 times)."""
    budget, pending = MAX_TEXT, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            budget -= len(item) + 2
        elif isinstance(item, dict):
            budget -= 2 + 4 * len(item)
            if budget >= 0:
                pending.extend(item.keys())
                pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            budget -= 2 + 2 * len(item)
            if budget >= 0:
                pending.extend(item)
        elif isinstance(item, int):
            budget -= item.bit_length() // 3 + 2
        else:
            budget -= 40  # a number, a date, a function: a short text
        if budget < 0:
            raise SandboxLimit(f"the text would be longer than {MAX_TEXT} characters")


def guarded_str(*args, **kwargs):
    if args:
        check_text(args[0])
    return str(*args, **kwargs)


def guarded_repr(value):
    check_text(value)
    return repr(value)


def guarded_text(value):
    """What an f-string formats: checked, then formatted as it is."""
    check_text(value)
    return value


REAL_TYPES = {guarded_str: str}


def guarded_isinstance(value, kinds):
    """``isinstance(x, str)`` still works although ``str`` is the guarded constructor."""
    if isinstance(kinds, tuple):
        kinds = tuple(REAL_TYPES.get(kind, kind) for kind in kinds)
    else:
        kinds = REAL_TYPES.get(kinds, kinds)
    return isinstance(value, kinds)


def guarded_sum(iterable, start=0):
    if not isinstance(start, int | float) or isinstance(start, bool):
        raise SandboxLimit("sum() adds numbers; join lists and strings with + in a loop")
    return sum(iterable, start)


def guarded_zip(*iterables, **kwargs):
    if len(iterables) > MAX_ARITY:
        raise SandboxLimit(f"zip() of more than {MAX_ARITY} sequences")
    return zip(*iterables, **kwargs)  # noqa: B905 - strict= is the caller's to pass


def guarded_map(function, *iterables):
    if len(iterables) > MAX_ARITY:
        raise SandboxLimit(f"map() over more than {MAX_ARITY} sequences")
    return map(function, *iterables)


def bounded_join(join, separator: str, iterable):
    items = list(iterable)
    check_items(len(items))
    total = len(separator) * len(items) + sum(len(i) for i in items if isinstance(i, str))
    if total > MAX_TEXT:
        raise SandboxLimit(f"the text would be longer than {MAX_TEXT} characters")
    return join(items)


def bounded_translate(translate, text: str, table):
    longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1) if isinstance(table, dict) else 1
    if len(text) * max(longest, 1) > MAX_TEXT:
        raise SandboxLimit(f"the text would be longer than {MAX_TEXT} characters")
    return translate(table)


def bounded_extend(extend, items: list, more):
    more = list(more)
    check_items(len(items) + len(more))
    return extend(more)
