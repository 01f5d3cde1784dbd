"""Test PDFs and OFDs built at test time from the sample (no binary files in the repository).

PDFs are drawn with reportlab and its built-in CID font STSong-Light (no font file). The pages
look like a printed notice: a red-header first page (the issuer in large red type with 文件, the
文号 centred under it, a red rule), paragraphs indented two characters and broken at the page
width, centred titles, signature lines set right, a running header on every page after the
first and a page number (— 3 — or 第3页 共10页) at the foot. An OFD package is written by hand:
OFD.xml, Document.xml and one Content.xml per page with TextObject/TextCode elements.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 80.0, 515.0, 740.0, 100.0
BODY_SIZE, TITLE_SIZE, ISSUER_SIZE = 12.0, 16.0, 26.0
HEADER = "邵东市人民政府公报 2025年第2期"
_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+\.|附件)")
_SENTENCE_END = re.compile(r"[。;:,；：，]$")


@dataclass
class Item:
    """One drawn line: where, what, how big, in which colour."""

    page: int
    x: float
    y: float
    text: str
    size: float
    red: bool = False


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def width(text: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    _font()
    return float(pdfmetrics.stringWidth(text, FONT, size))


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _wrap(text: str, size: float, first_indent: float) -> list[str]:
    """Break `text` where it would run past the right margin (first line indented), never inside
    a number or a Latin word, as a word processor does."""
    lines, current, room = [], "", RIGHT - LEFT - first_indent
    for ch in text:
        if current and width(current + ch, size) > room:
            cut, after = len(current), current + ch
            while cut > 1 and _alnum(after[cut - 1]) and _alnum(after[cut]):
                cut -= 1
            lines.append(current[:cut])
            current, room = current[cut:], RIGHT - LEFT
        current += ch
    if current:
        lines.append(current)
    return lines


def lay_out(lines: list[str], *, red_header: tuple[str, str] | None = None) -> list[Item]:
    """Place the notice's lines (as the text sample has them) on pages."""
    items: list[Item] = []
    page, y = 0, TOP
    body = list(lines)
    if red_header is not None:
        issuer, doc_number = red_header
        head = issuer + "文件"
        items.append(Item(0, (PAGE_W - width(head, ISSUER_SIZE)) / 2, 700, head, ISSUER_SIZE, red=True))
        items.append(Item(0, (PAGE_W - width(doc_number, BODY_SIZE)) / 2, 650, doc_number, BODY_SIZE))
        for taken in (issuer, doc_number):  # their first lines: the signature names the issuer again
            body.pop(next(i for i, ln in enumerate(body) if ln.strip() == taken))
        y = 600

    def emit(x: float, text: str, size: float) -> None:
        nonlocal page, y
        if y < BOTTOM:
            page, y = page + 1, TOP
        items.append(Item(page, x, y, text, size))
        y -= size * 1.8

    for raw in body:
        text = raw.strip()
        if not text:
            continue
        if raw.startswith(" " * 8):  # the signature block: set right
            emit(RIGHT - width(text, BODY_SIZE) - 2 * BODY_SIZE, text, BODY_SIZE)
        elif len(text) <= 24 and not _SENTENCE_END.search(text) and not _MARKER.match(text):
            emit((PAGE_W - width(text, TITLE_SIZE)) / 2, text, TITLE_SIZE)  # a title: centred
        else:
            for k, part in enumerate(_wrap(text, BODY_SIZE, 2 * BODY_SIZE)):
                emit(LEFT + (2 * BODY_SIZE if k == 0 else 0), part, BODY_SIZE)
    return items


def _chrome(pages: int, page_numbers: str) -> list[Item]:
    out = []
    for k in range(pages):
        if k:
            out.append(Item(k, (PAGE_W - width(HEADER, 9)) / 2, 800, HEADER, 9))
        number = f"— {k + 1} —" if page_numbers == "dash" else f"第{k + 1}页 共{pages}页"
        out.append(Item(k, (PAGE_W - width(number, 10)) / 2, 50, number, 10))
    return out


def pdf_bytes(items: list[Item], *, page_numbers: str = "dash", chrome: bool = True,
              rules: list[tuple[int, float, float, float, float]] | None = None) -> bytes:
    """Draw the items (and the page chrome) into a PDF."""
    from reportlab.pdfgen import canvas

    _font()
    pages = max((it.page for it in items), default=0) + 1
    drawn = items + (_chrome(pages, page_numbers) if chrome else [])
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H))
    for k in range(pages):
        for it in drawn:
            if it.page != k:
                continue
            pdf.setFillColorRGB(0.85, 0.1, 0.1) if it.red else pdf.setFillColorRGB(0, 0, 0)
            pdf.setFont(FONT, it.size)
            # a one-character CID string comes out unreadable (reportlab): a space after it helps
            pdf.drawString(it.x, it.y, it.text if len(it.text) > 1 else it.text + " ")
        if k == 0 and any(it.red for it in items):
            pdf.setStrokeColorRGB(0.85, 0.1, 0.1)
            pdf.line(LEFT, 630, RIGHT, 630)
        for page, x1, y1, x2, y2 in rules or []:
            if page == k:
                pdf.setStrokeColorRGB(0, 0, 0)
                pdf.line(x1, y1, x2, y2)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def table_items(rows: list[list[str]], columns: list[float], top: float = 700) -> list[Item]:
    """A ruled-looking table: each cell at its column's x, one row a line."""
    items = []
    for r, row in enumerate(rows):
        for cell, x in zip(row, columns, strict=True):
            items.append(Item(0, x, top - r * 24, cell, BODY_SIZE))
    return items


def ofd_bytes(items: list[Item], *, chrome: bool = True) -> bytes:
    """The same pages as an OFD package (millimetres, y downwards), text in TextCode elements."""
    mm = 25.4 / 72
    pages = max((it.page for it in items), default=0) + 1
    drawn = items + (_chrome(pages, "dash") if chrome else [])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD">'
                              "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        refs = "".join(f'<ofd:Page ID="{k + 1}" BaseLoc="Pages/Page_{k}/Content.xml"/>' for k in range(pages))
        z.writestr("Doc_0/Document.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData>'
                   f"<ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_W * mm:.2f} {PAGE_H * mm:.2f}</ofd:PhysicalBox>"
                   f"</ofd:PageArea></ofd:CommonData><ofd:Pages>{refs}</ofd:Pages></ofd:Document>")
        for k in range(pages):
            objs = []
            for n, it in enumerate(i for i in drawn if i.page == k):
                size = it.size * mm
                deltas = [width(ch, it.size) * mm for ch in it.text[:-1]]
                # compress runs of equal advances as OFD writers do: g N d
                parts, i = [], 0
                while i < len(deltas):
                    j = i
                    while j < len(deltas) and abs(deltas[j] - deltas[i]) < 1e-6:
                        j += 1
                    parts.append(f"g {j - i} {deltas[i]:.3f}" if j - i > 2 else " ".join(f"{d:.3f}" for d in deltas[i:j]))
                    i = j
                top = (PAGE_H - it.y) * mm - size  # the boundary's top-left, y downwards
                objs.append(f'<ofd:TextObject ID="{k * 1000 + n + 10}" Font="1" Size="{size:.3f}" '
                            f'Boundary="{it.x * mm:.3f} {top:.3f} {width(it.text, it.size) * mm + 1:.3f} {size * 1.3:.3f}">'
                            f'<ofd:TextCode X="0" Y="{size:.3f}" DeltaX="{" ".join(parts)}">{escape(it.text)}</ofd:TextCode>'
                            "</ofd:TextObject>")
            z.writestr(f"Doc_0/Pages/Page_{k}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="{k + 5000}">'
                       + "".join(objs) + "</ofd:Layer></ofd:Content></ofd:Page>")
    return buf.getvalue()
