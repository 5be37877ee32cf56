"""Uploads are what they claim to be, and come back as downloads: HTML can never be served as a page (issue 13)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from reportlab.pdfgen import canvas

HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/people')</script></body></html>"


def png() -> bytes:
    """A real 1x1 PNG, chunk by chunk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Signed acceptance")
    page.save()
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def upload(api, content: bytes, filename: str, content_type: str):
    return api.client.post("/api/v1/documents", headers=api.login("rep"),
                           data={"file": (io.BytesIO(content), filename, content_type)})


CONTRADICTIONS = [
    (HTML, "text/plain"), (HTML, "image/png"), (HTML, "application/pdf"),
    (b"  \n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "text/plain"),
    (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "text/plain"),
    (b"<script>alert(1)</script>", "text/plain"),
    (png(), "image/jpeg"), (png(), "text/plain"),
    (b"not a zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]
REAL = [
    (png(), "image/png"), (pdf(), "application/pdf"), ("Plain notes: a < b, ünïcode".encode(), "text/plain"),
    (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]


def test_a_file_whose_bytes_contradict_its_declared_type_is_refused(api):
    for content, declared in CONTRADICTIONS:  # one app for all: each is a separate upload
        response = upload(api, content, "evidence.txt", declared)
        assert response.status_code == 422, (declared, content[:40], response.json)
        assert "the file" in response.json["errors"]["file"][0]  # says what is wrong with it


def test_a_real_file_is_accepted_and_downloaded_as_an_attachment_of_its_type(api):
    for content, declared in REAL:
        stored = upload(api, content, "evidence", declared)
        assert stored.status_code == 201, (declared, stored.json)
        got = api.client.get(f"/api/v1/documents/{stored.json['id']}", headers=api.login("rep"))
        assert got.status_code == 200 and got.data == content
        assert got.mimetype == declared
        assert got.headers["Content-Disposition"].startswith("attachment;")
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in got.headers["Content-Security-Policy"]
