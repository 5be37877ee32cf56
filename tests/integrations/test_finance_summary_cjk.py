"""The finance summary PDF in Chinese: its fixed words in the reader's language, the data as typed, set in a
font that has the glyphs (a packaged TrueType font embedded, else ReportLab's CID font), so the text reads
back out of the PDF."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from pypdf import PdfReader
from sqlalchemy import select

from integrations import pdf_fonts
from integrations.finance_summary import summary_pdf
from service.store.models import Outbox
from tests.support import run_jobs

from .conftest import accept_project

FACTS = {"id": 7, "customer": "华东教育集团", "owner": "李娜 (销售)", "status": "accepted", "outbox_id": 42,
         "started_at": "2026-03-01T02:00:00+00:00", "pushed_at": "2026-04-06T02:00:00+00:00",
         "invoicing": {"contract_number": "HT-2026-008", "amount": 800000, "invoice_type": "增值税专用发票",
                       "customer": "华东教育集团"},
         "stages": [{"stage": "delivery", "entered_at": "2026-03-20T02:00:00+00:00"}]}


def _read(content: bytes) -> tuple[str, list[dict]]:
    """The PDF's text and its fonts' dictionaries (with their descriptors)."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fonts.append({"base": str(font["/BaseFont"]), "descriptor": descendant.get("/FontDescriptor")})
    # ReportLab's canvas names Helvetica before any text is set; no character is drawn in it
    return text, [f for f in fonts if f["base"] != "/Helvetica"]


@pytest.fixture
def without_packaged_font(monkeypatch):
    """As on a machine without fonts-wqy-*: no CJK TrueType file to embed."""
    monkeypatch.setattr(pdf_fonts, "PACKAGED", ())
    monkeypatch.delenv("HANDOFF_PDF_CJK_FONT", raising=False)
    pdf_fonts._cjk_truetype.cache_clear()
    yield
    pdf_fonts._cjk_truetype.cache_clear()


def test_a_chinese_summary_reads_back_in_chinese_in_an_embedded_truetype_font():
    assert any(Path(p).is_file() for p, _ in pdf_fonts.PACKAGED), \
        "no CJK TrueType font: ./dev installs fonts-wqy-microhei (apt-get install fonts-wqy-microhei)"
    text, fonts = _read(summary_pdf(FACTS, "zh-CN"))
    for words in ("已验收项目：华东教育集团", "开票信息", "合同编号", "HT-2026-008", "增值税专用发票", "李娜 (销售)",
                  "阶段", "由 Handoff 为财务推送 #42 生成。"):
        assert words in text, words
    assert "Invoicing data" not in text and "Contract number" not in text
    [font] = {f["base"]: f for f in fonts}.values()
    assert "WenQuanYi" in font["base"] or "ZenHei" in font["base"], font["base"]
    assert "/FontFile2" in font["descriptor"].get_object()  # the glyphs travel inside the PDF


def test_without_a_packaged_font_the_cid_font_shows_the_chinese(without_packaged_font):
    text, fonts = _read(summary_pdf(FACTS, "zh-CN"))
    assert {f["base"] for f in fonts} == {"/STSong-Light"}
    assert "已验收项目：华东教育集团" in text and "开票信息" in text


def test_english_readers_get_english_words_and_chinese_data_still_shows():
    text, fonts = _read(summary_pdf(FACTS, "en"))
    assert "Accepted project: 华东教育集团" in text and "Invoicing data" in text and "Contract number" in text
    assert "开票信息" not in text
    latin = summary_pdf({**FACTS, "customer": "ACME Education", "owner": "Rita", "invoicing": {"amount": 1}}, "en")
    assert {f["base"].split("+")[-1] for f in _read(latin)[1]} == {"BitstreamVeraSans-Roman"}


def test_the_same_facts_give_the_same_bytes():
    assert summary_pdf(FACTS, "zh-CN") == summary_pdf(FACTS, "zh-CN")


@pytest.fixture
def config(config):
    """A company whose language is Chinese (HANDOFF_DEFAULT_LOCALE=zh-CN): finance reads the summary in it."""
    return replace(config, default_locale="zh-CN")


def test_the_pushed_summary_is_in_the_companys_language(services, library, config, finance_hook):
    with freeze_time(datetime(2026, 4, 6, 2, 0, tzinfo=UTC)):
        accept_project(library)
        run_jobs(services)
    with services.sessions() as session:
        push = session.scalars(select(Outbox).where(Outbox.channel == "finance")).one()
    manifest = json.loads((config.finance_drop_dir / f"push-{push.id:08d}.json").read_text())
    [summary] = [a for a in manifest["attachments"] if a["role"] == "summary"]
    text, _fonts = _read((config.finance_drop_dir / summary["file"]).read_bytes())
    assert "已验收项目：ACME Education" in text and "开票信息" in text and "验收单" in text


def test_a_chinese_file_name_keeps_its_extension_in_the_push():
    from integrations.finance_package import _safe_name

    assert [_safe_name(n) for n in ("验收报告.pdf", "acceptance.pdf", "../a b.PDF", "合同")] == [
        "document.pdf", "acceptance.pdf", "a_b.PDF", "document"]
