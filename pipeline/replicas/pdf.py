"""Small, valid one-page PDFs for replica uploads: a real xref table and an Info ``/Title``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

__all__ = ["make_pdf"]

PRODUCER = "Microsoft® Word para Microsoft 365"


def _text_string(text: str) -> bytes:
    """A PDF text string: literal when ASCII, else UTF-16BE with a byte-order mark, in hex."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})".encode("ascii")
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _shown(text: str) -> bytes:
    """A string for the Tj operator with Helvetica's WinAnsiEncoding."""
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf_date(moment: datetime) -> str:
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def make_pdf(
    title: str, lines: Sequence[str] = (), *, author: str = "", created: datetime | None = None
) -> bytes:
    """A one-page A4 PDF showing ``title`` and ``lines``, with ``title`` in its Info dictionary."""
    content = [b"BT", b"/F1 16 Tf", b"72 770 Td", _shown(title) + b" Tj", b"/F1 11 Tf"]
    for line in lines:
        content += [b"0 -18 Td", _shown(line) + b" Tj"]
    content.append(b"ET")
    stream = b"\n".join(content)
    info = b"<< /Title " + _text_string(title) + b" /Producer " + _text_string(PRODUCER)
    if author:
        info += b" /Author " + _text_string(author)
    if created is not None:
        info += b" /CreationDate " + _text_string(_pdf_date(created))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        info + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n".encode()
    out += f"startxref\n{xref_at}\n%%EOF".encode()
    return bytes(out)
