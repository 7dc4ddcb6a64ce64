"""Real PDF files for the conference materials, made by pypdf."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.actions import JavaScript


def a_pdf(*, encrypt: bool = False, script: bool = False, attach: bool = False) -> bytes:
    """A one-page PDF; optionally with a password, JavaScript or an embedded file."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if script:
        writer.add_open_action(JavaScript("app.alert('hallo');"))
    if attach:
        writer.add_attachment("tool.exe", b"MZ not really")
    if encrypt:
        writer.encrypt("geheim")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
