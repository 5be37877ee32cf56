"""The gettext catalogs, read straight from their ``.po`` files: no compile step, never a stale ``.mo``.

Catalogs are split by what they translate, so that people working on different parts never edit
the same file: ``pages.po`` (templates), ``scripts.po`` (the pages' JavaScript), ``messages.po``
(Python: errors, validation, notifications, e-mails, chat). A locale's translations are all of them
merged. `tools/i18n.py extract` adds new strings to the right file; a test fails on any string
without a translation.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).with_name("locales")
AREAS = ("pages", "scripts", "messages")


def po_files(tag: str) -> list[Path]:
    folder = LOCALES / tag.replace("-", "_") / "LC_MESSAGES"
    return [folder / f"{area}.po" for area in AREAS if (folder / f"{area}.po").is_file()]


@functools.cache
def translations(tag: str) -> NullTranslations:
    """All catalogs of one locale merged (``en`` has none: the msgids are the English)."""
    merged: NullTranslations = NullTranslations()
    for path in po_files(tag):
        with path.open("rb") as file:
            catalog = read_po(file, locale=tag.replace("-", "_"))
        buffer = io.BytesIO()
        write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
        buffer.seek(0)
        loaded = Translations(buffer, domain=path.stem)
        if isinstance(merged, Translations):
            merged.merge(loaded)
        else:
            merged = loaded
    return merged


@functools.cache
def js_catalog(tag: str) -> dict[str, str | list[str]]:
    """The translations the pages' JavaScript uses (``scripts.po``), as ``{msgid: msgstr}``; plurals as lists."""
    folder = LOCALES / tag.replace("-", "_") / "LC_MESSAGES"
    path = folder / "scripts.po"
    if not path.is_file():
        return {}
    with path.open("rb") as file:
        catalog = read_po(file, locale=tag.replace("-", "_"))
    table: dict[str, str | list[str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        if isinstance(message.id, tuple | list):
            strings = list(message.string)
            if all(strings):
                table[message.id[0]] = strings
        else:
            table[message.id] = message.string
    return table
