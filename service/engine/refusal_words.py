"""The sandbox's refusals (`sandbox_policy`) as Texts, so a designer reads why a script is refused in their language.

The sandbox speaks English (RestrictedPython's sentences, rewritten by the policy); the known ones are
matched here and given translatable words with the same English. Any other stays as it is.
"""

from __future__ import annotations

import re

from service.i18n import N_, Text

_KNOWN: list[tuple[re.Pattern, str]] = [(re.compile(pattern), sentence) for pattern, sentence in (
    (r"^imports are not allowed in expressions$", N_("imports are not allowed in expressions")),
    (r"^names starting with _ are not allowed \((?P<name>.*)\)$",
     N_("names starting with _ are not allowed (%(name)s)")),
    (r"^(?P<name>\w+)\(\) is not available in expressions$", N_("%(name)s() is not available in expressions")),
    (r"^this loop never ends \(while True without break\)$", N_("this loop never ends (while True without break)")),
    (r"^a format spec in an f-string must be short and literal \(e\.g\. \.2f\)$",
     N_("a format spec in an f-string must be short and literal (e.g. .2f)")),
    (r"^slice assignment is not allowed \(build a new list instead\)$",
     N_("slice assignment is not allowed (build a new list instead)")),
    (r"^(?P<name>[A-Z]\w+) is not allowed$", N_("%(name)s is not allowed")),
    (r"^cannot be compiled$", N_("cannot be compiled")),
)]


def refusal_text(message: str) -> Text | str:
    """The refusal's words to translate (the same English), or the message itself when it is not a known one."""
    for pattern, sentence in _KNOWN:
        found = pattern.match(message)
        if found:
            return Text(sentence, **found.groupdict())
    return message
