"""Every string a person reads has its Chinese: a new English string without a translation fails here.

The check is `tools/i18n.py check`: it extracts the strings of the templates, the pages' JavaScript and
the Python messages as `extract` does, and compares them with the catalogs.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)

PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def test_every_string_in_templates_scripts_and_messages_has_a_chinese_translation():
    gaps = tool.missing("zh_CN")
    assert gaps == {}, "\n".join(f"{area}: {item}" for area, items in gaps.items() for item in items)


def test_translations_keep_every_placeholder_of_their_english():
    broken = []
    for path in sorted((ROOT / "service/i18n/locales").glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as file:
            for message in read_po(file):
                if not message.id or not message.string:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                wanted = {a or b for a, b in PLACEHOLDER.findall(ids[-1])}
                for string in strings:
                    if {a or b for a, b in PLACEHOLDER.findall(string)} != wanted:
                        broken.append(f"{path.name}: {ids[0]!r} -> {string!r}")
    assert broken == []


def test_the_tool_finds_a_string_nobody_translated(tmp_path, monkeypatch):
    """The check above can fail: a template string missing from the catalog is reported with its file."""
    pages = tmp_path / "templates"
    pages.mkdir()
    (pages / "new.html").write_text("<p>{{ _('A sentence nobody translated') }}</p>", encoding="utf-8")
    monkeypatch.setitem(tool.AREAS, "pages", (pages, [("**.html", "jinja2")], {"_": None}))
    gaps = tool.missing("zh_CN")
    assert any("A sentence nobody translated" in item for item in gaps["pages"])
