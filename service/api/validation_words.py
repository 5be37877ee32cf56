"""Marshmallow's and webargs' 422 field messages in the request's language.

Why a table read after validation rather than patching ``Field.default_error_messages``: the messages are
formatted by marshmallow when a field fails ("Length must be between 1 and 200."), in many classes and
validators (ours and the library's); translating the finished sentence in one place covers them all, leaves
the library untouched, and keeps the 422 body's shape. A message the table does not know stays as it is.
"""

from __future__ import annotations

import re

from service.i18n import Text

_MIN_OPS = {"greater than": Text("greater than"), "greater than or equal to": Text("greater than or equal to")}
_MAX_OPS = {"less than": Text("less than"), "less than or equal to": Text("less than or equal to")}
_OP = r"(?:greater|less) than(?: or equal to)?"

# (pattern on the English message, the Text it becomes: named groups fill its placeholders)
TABLE: list[tuple[re.Pattern, Text]] = [(re.compile(pattern + r"\Z", re.S), text) for pattern, text in [
    (r"Missing data for required field\.", Text("Missing data for required field.")),
    (r"Field may not be null\.", Text("Field may not be null.")),
    (r"Unknown field\.", Text("Unknown field.")),
    (r"Invalid value\.", Text("Invalid value.")),
    (r"Invalid input\.", Text("Invalid input.")),
    (r"Invalid input type\.", Text("Invalid input type.")),
    (r"Invalid type\.", Text("Invalid type.")),
    (r"Not a valid integer\.", Text("Not a valid integer.")),
    (r"Not a valid number\.", Text("Not a valid number.")),
    (r"Not a valid string\.", Text("Not a valid string.")),
    (r"Not a valid boolean\.", Text("Not a valid boolean.")),
    (r"Not a valid list\.", Text("Not a valid list.")),
    (r"Not a valid mapping type\.", Text("Not a valid mapping type.")),
    (r"Not a valid date\.", Text("Not a valid date.")),
    (r"Not a valid datetime\.", Text("Not a valid datetime.")),
    (r"Not a valid email address\.", Text("Not a valid email address.")),
    (r"Not a valid URL\.", Text("Not a valid URL.")),
    (r"Not a valid UUID\.", Text("Not a valid UUID.")),
    (r"Number too large\.", Text("Number too large.")),
    (r"Special numeric values \(nan or infinity\) are not permitted\.",
     Text("Special numeric values (nan or infinity) are not permitted.")),
    (r"String does not match expected pattern\.", Text("String does not match expected pattern.")),
    (r"Length must be between (?P<min>\S+) and (?P<max>\S+)\.", Text("Length must be between %(min)s and %(max)s.")),
    (r"Length must be (?P<equal>\S+)\.", Text("Length must be %(equal)s.")),
    (r"Longer than maximum length (?P<max>\S+)\.", Text("Longer than maximum length %(max)s.")),
    (r"Shorter than minimum length (?P<min>\S+)\.", Text("Shorter than minimum length %(min)s.")),
    (rf"Must be (?P<min_op>{_OP}) (?P<min>\S+) and (?P<max_op>{_OP}) (?P<max>\S+)\.",
     Text("Must be %(min_op)s %(min)s and %(max_op)s %(max)s.")),
    (r"Must be (?P<min_op>greater than(?: or equal to)?) (?P<min>\S+)\.", Text("Must be %(min_op)s %(min)s.")),
    (r"Must be (?P<max_op>less than(?: or equal to)?) (?P<max>\S+)\.", Text("Must be %(max_op)s %(max)s.")),
    (r"Must be one of: (?P<choices>.*)\.", Text("Must be one of: %(choices)s.")),
    (r"Must be equal to (?P<other>.*)\.", Text("Must be equal to %(other)s.")),
    (r"One or more of the choices you made was not in: (?P<choices>.*)\.",
     Text("One or more of the choices you made was not in: %(choices)s.")),
    (r"(?P<name>.+): a correlation key's value is a string, number, true, false or null",
     Text("%(name)s: a correlation key's value is a string, number, true, false or null")),
    (r"say why, for the log \(not needed for a dry run\)", Text("say why, for the log (not needed for a dry run)")),
]]


def translated(message: str, render) -> str:
    """One marshmallow message through `render` (a Text → str in the reader's language)."""
    for pattern, text in TABLE:
        found = pattern.match(message)
        if found:
            params = {k: _OPS.get(v, v) for k, v in found.groupdict().items()}
            return render(Text(text.msgid, **params))
    return message


_OPS = {**_MIN_OPS, **_MAX_OPS}


def translate_all(messages, render):
    """Nested marshmallow messages (dicts of lists of strings, lists in lists) translated leaf by leaf."""
    if isinstance(messages, dict):
        return {key: translate_all(value, render) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate_all(value, render) for value in messages]
    if isinstance(messages, str):
        return translated(messages, render)
    return render(messages)
