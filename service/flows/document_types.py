"""Does an upload's content agree with the type its sender declared? Checked on the bytes, not the name.

A document is served with the type it was stored under; a file whose bytes are HTML but which claims
to be ``text/plain`` or ``image/png`` must not be stored at all (a browser, or a mail client, or a
finance system that trusts the declared type could render it). Binary formats are recognised by their
magic numbers with `filetype` (pure Python, no libmagic); plain text must be text and must not open
the way the WHATWG MIME-sniffing standard says a browser would take for HTML or XML.
"""

from __future__ import annotations

import re

import filetype

from service.i18n import Text

ZIP_MAGIC = b"PK\x03\x04"
OFFICE_TYPES = {  # Office Open XML files are ZIP containers; filetype names them when it can see their parts
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# WHATWG MIME Sniffing, "rules for identifying an unknown MIME type": the openings a browser takes for HTML
# (a tag name followed by a space or ">"), and XML/SVG; whitespace first is skipped as the browser does.
SCRIPTABLE_OPENING = re.compile(
    rb"[\t\n\x0c\r ]*(<(!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|svg)"
    rb"[ >]|<!--|<\?xml)", re.IGNORECASE)


def contradiction(content: bytes, declared: str) -> Text | None:
    """Why `content` is not a `declared` file, or None when it may be one."""
    if declared == "text/plain":
        return _not_plain_text(content)
    sniffed = filetype.guess_mime(content)
    if declared in OFFICE_TYPES:
        if sniffed == declared or (sniffed in (None, "application/zip") and content.startswith(ZIP_MAGIC)):
            return None
        return (Text("the file's content is %(sniffed)s, not %(declared)s", sniffed=sniffed, declared=declared)
                if sniffed
                else Text("the file's content is not an Office document, not %(declared)s", declared=declared))
    if sniffed != declared:
        return (Text("the file's content is %(sniffed)s, not %(declared)s", sniffed=sniffed, declared=declared)
                if sniffed
                else Text("the file's content is of an unknown kind, not %(declared)s", declared=declared))
    return None


def _not_plain_text(content: bytes) -> Text | None:
    if SCRIPTABLE_OPENING.match(content[:512]):
        return Text("the file's content is HTML or XML, not text/plain")
    sniffed = filetype.guess_mime(content)
    if sniffed is not None:
        return Text("the file's content is %(sniffed)s, not %(declared)s", sniffed=sniffed, declared="text/plain")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return Text("the file is not UTF-8 text, so not text/plain")
    if "\x00" in text:
        return Text("the file holds NUL bytes, so it is not text/plain")
    return None
