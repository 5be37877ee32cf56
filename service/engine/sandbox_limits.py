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
    if isinstance(left, str) and _PERCENT_WIDTH.search(left):
        raise SandboxLimit("a % format with a width or precision of 1000 or more")
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


