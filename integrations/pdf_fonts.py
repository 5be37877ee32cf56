"""Which font a PDF is set in, so that no glyph is ever missing (ReportLab).

Latin-only text: Bitstream Vera (shipped with ReportLab, embedded). Text in Chinese (or a reader whose
language is Chinese): a CJK TrueType font from a Debian package, embedded as a subset — WenQuanYi Micro Hei
(`fonts-wqy-microhei`, installed by ``./dev``) or Zen Hei (`fonts-wqy-zenhei`); ``HANDOFF_PDF_CJK_FONT``
names another file (``path`` or ``path#index`` for a .ttc). Without one, or when the text has a character
the file lacks, ReportLab's built-in CID font STSong-Light, which every PDF reader has (not embedded).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

LATIN, CJK_TTF, CJK_CID = "Vera", "HandoffCJK", "STSong-Light"
PACKAGED = (("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # fonts-wqy-microhei
            ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0))  # fonts-wqy-zenhei


def needs_cjk(text: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uff00" <= ch <= "\uffef"
               or "\u3000" <= ch <= "\u303f" for ch in text)


def font_for(text: str, locale: str | None = None) -> str:
    """Registers (once) and returns the name of the font that shows every character of `text`."""
    if not (needs_cjk(text) or locale == "zh-CN"):
        return _registered(LATIN, lambda: TTFont(LATIN, "Vera.ttf"))
    ttf = _cjk_truetype()
    if ttf is not None and all(ord(ch) in ttf.face.charToGlyph for ch in set(text) if ch.isprintable()):
        return ttf.fontName
    return _registered(CJK_CID, lambda: UnicodeCIDFont(CJK_CID))


def _registered(name: str, make) -> str:
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(make())
    return name


@functools.cache
def _cjk_truetype() -> TTFont | None:
    """The first CJK TrueType file present, registered; None when there is none (or it cannot be read)."""
    for path, index in _candidates():
        if Path(path).is_file():
            try:
                font = TTFont(CJK_TTF, path, subfontIndex=index)
            except Exception:  # noqa: BLE001 - a broken or unsupported file: try the next, else the CID font
                continue
            pdfmetrics.registerFont(font)
            return font
    return None


def _candidates() -> list[tuple[str, int]]:
    named = os.environ.get("HANDOFF_PDF_CJK_FONT", "").strip()
    if not named:
        return list(PACKAGED)
    path, _, index = named.partition("#")
    return [(path, int(index or 0)), *PACKAGED]
