"""The documents the demo's people upload (a contract, an acceptance report): real one-page PDFs in the
demo company's language, so a click on one opens something to read, set in a font with its glyphs."""

from __future__ import annotations

import io
import json
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from integrations.pdf_fonts import font_for
from service.i18n import tr


def contract_pdf(locale: str | None, number: str, customer: str, amount, terms: str, acceptance_terms: str) -> bytes:
    return _pdf(tr(locale, "Contract %(number)s", number=number), locale, [
        (tr(locale, "Customer"), customer), (tr(locale, "Amount"), str(amount)),
        (tr(locale, "Payment terms"), terms), (tr(locale, "Special acceptance terms"), acceptance_terms)])


def acceptance_pdf(locale: str | None, customer: str, accepted_on: str) -> bytes:
    return _pdf(tr(locale, "Acceptance report: %(customer)s", customer=customer), locale, [
        (tr(locale, "Customer"), customer), (tr(locale, "Accepted on"), accepted_on),
        (tr(locale, "Result"), tr(locale, "Accepted: the delivered system meets the contract."))])


def _pdf(title: str, locale: str | None, rows: list[tuple[str, str]]) -> bytes:
    font = font_for(json.dumps([title, rows], ensure_ascii=False), locale)
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = font
    table = Table([[Paragraph(escape(k), styles["Normal"]), Paragraph(escape(v), styles["Normal"])] for k, v in rows],
                  colWidths=[45 * mm, 125 * mm], hAlign="LEFT")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=title, author="Handoff demo").build(
        [Paragraph(escape(title), styles["Title"]), Spacer(1, 6 * mm), table])
    return buffer.getvalue()
