"""Finds English left on a page meant for a Chinese reader: every Latin word of 3+ letters that is not data.

Why a checker and not a list of strings: a new template sentence that nobody translated fails the page's test
without anyone editing the test. What a page shows that is data (people's names, a customer, a contract
number, a task or diagram name the process designer wrote) is given by the test and removed first; what
remains must be the page's own words, so in Chinese.

Read: the visible text (no <script>, <style>, <template>, nor a closed raw-facts toggle: `details.raw` holds
the stored facts as stored) and the attributes a person reads or hears (title, aria-label, placeholder, alt,
a confirm question).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Words that are the same in a Chinese product: names, acronyms, units, zone abbreviations.
ALLOWED = {"handoff", "pdf", "id", "url", "uri", "e-mail", "email", "api", "bpmn", "dmn", "sla", "sha",
           "utc", "gmt", "cet", "cest", "cst", "kb", "mb", "json", "english", "ldap", "sso", "vat", "crm",
           "http", "https", "uat", "ctrl"}
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm"}
SKIPPED = {"script", "style", "template", "noscript"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


class _Reader(HTMLParser):
    """Collects what a person reads: text outside skipped elements, and the read attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []  # the open elements whose content is not read

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED or (tag == "details" and "raw" in (attributes.get("class") or "").split()):
            self.skipping.append(tag)
        if not self.skipping:
            self.parts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def readable_text(page: str) -> str:
    """The text a person reads on `page` (HTML), one part a line."""
    reader = _Reader()
    reader.feed(page)
    reader.close()
    return "\n".join(part.strip() for part in reader.parts if part.strip())


def english_words(page: str, data: Iterable[str] = ()) -> list[str]:
    """The Latin words (3+ letters) of `page` that are neither data nor allowed, each with its line."""
    text = readable_text(page)
    values = sorted({html.unescape(str(v)).strip() for v in data if v and len(str(v).strip()) > 1}, key=len,
                    reverse=True)
    for value in values:  # whole words only: taking "to" out of "Project" would leave "Proj ect" to find
        text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    found = []
    for line in text.splitlines():
        words = [w for w in LATIN_WORD.findall(line) if len(w) >= 3 and w.lower() not in ALLOWED]
        if words:
            found.append(f"{' '.join(words)!r} in {line.strip()[:120]!r}")
    return found
