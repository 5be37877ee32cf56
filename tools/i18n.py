"""Keeps the gettext catalogs in step with the code: ``python tools/i18n.py extract`` (or ``check``).

``extract`` finds every translatable string (templates: ``_()``/``ngettext()``/``{% trans %}``; the pages'
JavaScript: ``t()``/``tn()``; Python: ``tr()``/``trn()``/``Text()``/``_()``/``N_()``) and writes each area's
``.po`` (service/i18n/locales/zh_CN/LC_MESSAGES/): new strings come in with an empty translation,
translations of strings still used are kept, strings no longer used are dropped. ``check`` changes
nothing and lists what is missing: the test suite runs the same check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "service" / "i18n" / "locales"
TARGETS = ("zh_CN",)

# area: (folder, method map, keywords). Keywords name the argument holding the msgid (1-based).
PY_KEYWORDS = {"tr": (2,), "trn": (2, 3), "Text": None, "_": None, "N_": None, "gettext": None,
               "ngettext": (1, 2), "lazy_gettext": None}
AREAS = {
    "pages": (ROOT / "service" / "web" / "templates", [("**.html", "jinja2")],
              {"_": None, "gettext": None, "ngettext": (1, 2)}),
    "scripts": (ROOT / "service" / "web" / "static", [("vendor/**", "ignore"), ("*.js", "javascript")],
                {"t": None, "tn": (1, 2)}),
    "messages": (ROOT, [("service/web/templates/**", "ignore"), ("service/web/static/**", "ignore"),
                        ("tests/**", "ignore"), ("tools/**", "ignore"), ("bench/**", "ignore"),
                        ("service/**.py", "python"), ("integrations/**.py", "python")], PY_KEYWORDS),
}
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def extracted(area: str) -> Catalog:
    folder, method_map, keywords = AREAS[area]
    catalog = Catalog()
    for filename, lineno, message, _comments, _context in extract_from_dir(
            folder, method_map, options_map=OPTIONS, keywords=keywords, strip_comment_tags=True):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        path = folder / filename
        relative = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()
        catalog.add(message, locations=[(relative, lineno)])
    return catalog


def po_path(locale: str, area: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / f"{area}.po"


def read(path: Path, locale: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def missing(locale: str) -> dict[str, list[str]]:
    """Per area, the strings used in code that have no (or only a fuzzy) translation."""
    gaps: dict[str, list[str]] = {}
    for area in AREAS:
        path = po_path(locale, area)
        have = read(path, locale) if path.is_file() else Catalog(locale=locale)
        for message in extracted(area):
            if not message.id:
                continue  # the header
            found = have.get(message.id)
            strings = found.string if found is not None else None
            if (found is None or found.fuzzy or not strings
                    or (isinstance(strings, tuple | list) and not all(strings))):
                where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
                gaps.setdefault(area, []).append(f"{_first(message.id)!r} ({where})")
    return gaps


def extract() -> None:
    for locale in TARGETS:
        for area in AREAS:
            path = po_path(locale, area)
            old = read(path, locale) if path.is_file() else Catalog(locale=locale)
            new = Catalog(locale=locale, project="Handoff", header_comment=old.header_comment,
                          creation_date=old.creation_date, revision_date=old.revision_date,
                          fuzzy=False)
            for message in extracted(area):
                if not message.id:
                    continue
                kept = old.get(message.id)
                new.add(message.id, kept.string if kept is not None else ("" if not isinstance(message.id, tuple)
                                                                         else ("",)),
                        locations=message.locations, flags=kept.flags if kept is not None else ())
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as file:
                write_po(file, new, width=120, sort_output=False, include_previous=False, omit_header=False)
            print(f"{path.relative_to(ROOT)}: {len(new)} strings, "
                  f"{sum(1 for m in new if m.id and not _translated(m))} without a translation")


def _translated(message) -> bool:
    strings = message.string
    return bool(strings) and (not isinstance(strings, tuple | list) or all(strings)) and not message.fuzzy


def _first(msgid):
    return msgid[0] if isinstance(msgid, tuple | list) else msgid


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        extract()
        return 0
    gaps = {area: items for locale in TARGETS for area, items in missing(locale).items()}
    for area, items in gaps.items():
        print(f"{area}: {len(items)} without a translation")
        for item in items:
            print(f"  {item}")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
