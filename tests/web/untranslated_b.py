"""What of a page is still English when it should be Chinese: its visible text less the data it shows.

Visible text: text nodes outside <script>, <style>, <template> and <code>, and the words a person meets in
attributes (title, placeholder, aria-label, alt). The data a page shows (names of people, customers,
tasks, processes; what receivers said) is taken out first, longest first; what is left may hold no
Latin word of three letters or more, except names that stay Latin in Chinese (`ALLOWED`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Kept in Latin letters in Chinese too: the product, standards, brands, and the language switch's "English".
ALLOWED = {"handoff", "bpmn", "dmn", "sla", "api", "pdf", "id", "ids", "url", "json", "uat", "crm", "utc",
           "slack", "microsoft", "teams", "webhook", "english"}
HIDDEN = ("script", "style", "template", "code")  # <code> holds literal syntax and file names
ZONES = re.compile(r"\b(?:UTC|GMT|CET|CEST|EET|EEST|CST|HKT|SGT|JST|PST|PDT|EST|EDT)\b")
WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
SEEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in SEEN_ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button") and dict(attrs).get("value"):
            self.parts.append(dict(attrs)["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def untranslated(html: str, data: set[str], allowed: set[str] = frozenset()) -> list[str]:
    """Latin words of `html`'s visible text that are neither data nor `ALLOWED` nor `allowed`: empty when translated."""
    text = visible_text(html)
    for value in sorted((v for v in data if v and len(v) > 1), key=len, reverse=True):
        text = text.replace(value, " ")
    text = ZONES.sub(" ", text)
    keep = ALLOWED | {word.lower() for word in allowed}
    return sorted({word for word in WORD.findall(text) if word.lower() not in keep})
