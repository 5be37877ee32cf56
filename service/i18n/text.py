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


def N_(msgid: str) -> str:
    """Marks a string for the catalog where it is defined (a label table); translated where it is read."""
    return msgid


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
        """A list or tuple parameter becomes its items joined in the reader's way (`listed`)."""
        params = {k: listed(v, locale) if isinstance(v, list | tuple) else render(v, locale)
                  for k, v in self.params.items()}
        return tr(locale, self.msgid, **params)

    def __str__(self) -> str:
        return self.render("en")


def render(value: Any, locale: str | None) -> Any:
    """A `Text` in `locale`; anything else unchanged (so parameters may be Texts themselves)."""
    return value.render(locale) if isinstance(value, Text) else value


def listed(items: list | tuple, locale: str | None) -> str:
    """Items (Texts or not) rendered and joined by `locale`'s list separator (English ", ", Chinese "、")."""
    return tr(locale, ", ").join(str(render(item, locale)) for item in items)


def _fill(text: str, params: dict[str, Any]) -> str:
    if not params:
        return text
    try:
        return text % params
    except (KeyError, ValueError, TypeError):
        return text  # a translation with a broken placeholder shows unfilled rather than failing the page


def text_json(text: Text) -> dict[str, Any]:
    """A `Text` as JSON for a payload: ``{"msgid": ..., "params": {...}}`` (Text parameters nested alike)."""
    return {"msgid": text.msgid, "params": {k: _json(v) for k, v in text.params.items()}}


def _json(value: Any) -> Any:
    if isinstance(value, Text):
        return text_json(value)
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("msgid"), str):
        params = value.get("params") if isinstance(value.get("params"), dict) else {}
        return Text(value["msgid"], **{k: _from_json(v) for k, v in params.items()})
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return value


def text_from(payload: dict | None, key: str = "subject") -> Text | None:
    """The `Text` a flow stored as ``payload[key + "_text"]`` (see `text_json`), or None when it stored none."""
    stored = (payload or {}).get(f"{key}_text")
    text = _from_json(stored)
    return text if isinstance(text, Text) else None


def localized(payload: dict | None, key: str, locale: str | None) -> Any:
    """``payload[key]`` as `locale` reads it: its ``<key>_text`` rendered, else the diagram's translation
    (``subjects``/``bodies`` by locale), else the stored (English) value."""
    payload = payload or {}
    text = text_from(payload, key)
    if text is not None:
        return text.render(locale)
    translated = payload.get(f"{key}s") if isinstance(payload.get(f"{key}s"), dict) else {}
    return translated.get(locale) or payload.get(key)
