"""Text in a given locale, outside Flask: flows, jobs and integrations render for whoever reads it.

`tr(locale, msgid, **params)` translates now; a `Text` is a message kept untranslated (an error raised
deep in a flow, a notification's sentence) and rendered later, in the reader's language: the API
answers in the request's, a delivery in its recipient's. ``str(text)`` is the English.
Placeholders are Python's ``%(name)s``, as gettext tools check them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .catalog import translations


def tr(locale: str | None, msgid: str, **params: Any) -> str:
    """`msgid` in `locale` (English when it has no translation), with `params` filled in."""
    text = translations(locale).gettext(msgid) if locale and locale != "en" else msgid
    return _fill(text, params)


def trn(locale: str | None, singular: str, plural: str, n: int, **params: Any) -> str:
    """The plural form of `locale` for `n` (``%(n)s`` is filled with n)."""
    if locale and locale != "en":
        text = translations(locale).ngettext(singular, plural, n)
    else:
        text = singular if n == 1 else plural
    return _fill(text, {"n": n, **params})


@dataclass(frozen=True)
class Text:
    """A message to translate when its reader is known: ``Text("Only %(group)s may start it", group="sales")``."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, msgid: str, **params: Any):
        object.__setattr__(self, "msgid", msgid)
        object.__setattr__(self, "params", params)

    def render(self, locale: str | None) -> str:
        params = {k: render(v, locale) for k, v in self.params.items()}
        return tr(locale, self.msgid, **params)

    def __str__(self) -> str:
        return self.render("en")


def render(value: Any, locale: str | None) -> Any:
    """A `Text` in `locale`; anything else unchanged (so parameters may be Texts themselves)."""
    return value.render(locale) if isinstance(value, Text) else value


def _fill(text: str, params: dict[str, Any]) -> str:
    if not params:
        return text
    try:
        return text % params
    except (KeyError, ValueError, TypeError):
        return text  # a translation with a broken placeholder shows unfilled rather than failing the page
