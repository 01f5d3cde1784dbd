"""OFD files (GB/T 33190) → text: the TextCode glyphs of every page, laid out like a PDF's.

An OFD is a ZIP of XML: OFD.xml names the document (DocRoot), Document.xml lists the pages and
their templates, each page's Content.xml holds TextObjects (a boundary, a font size, an optional
CTM) with TextCode runs (a start X/Y and the advance of each character in DeltaX, where
``g N d`` stands for N advances of d). Units are millimetres with y downwards; the glyphs are
turned into the PDF reader's y-up boxes and share its layout (`pdf.layout`).
"""

from __future__ import annotations

import contextlib
import io
import math
import posixpath
import re
import zipfile
from xml.etree import ElementTree as ET

from ..errors import InputError
from ..model.ir import DecodedText
from .pdf import Glyph, Page, layout

# A ZIP is a small file that can unpack into a huge one: the XML read is capped before it is parsed.
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one XML part
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # all the parts read
MAX_RATIO = 200  # uncompressed / compressed size of one part
MAX_MEMBERS = 20000
MAX_PAGES = 5000

SCAN_MESSAGE = "no text layer: this OFD holds page images only (a scan); OCR it first"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


class _Package:
    """The archive with capped reads; names are resolved case-insensitively, as OFD writers vary."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError(f"input is not a readable OFD file ({exc})") from None
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"OFD package has {len(infos)} entries (more than {MAX_MEMBERS}); refused")
        self.names = {info.filename.lstrip("/").lower(): info for info in infos}
        self.total = 0

    def xml(self, name: str) -> ET.Element:
        info = self.names.get(posixpath.normpath(name).lstrip("/").lower())
        if info is None:
            raise InputError(f"OFD package lacks {name}; not a complete OFD file")
        if info.file_size > MAX_MEMBER_BYTES or (
                info.compress_size and info.file_size > MAX_RATIO * info.compress_size and info.file_size > 1 << 20):
            raise InputError(f"OFD part {info.filename} unpacks to {info.file_size} bytes; refused as a ZIP bomb")
        try:
            with self.zip.open(info) as stream:
                raw = stream.read(MAX_MEMBER_BYTES + 1)  # never trust the declared size
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
            raise InputError(f"OFD part {info.filename} cannot be read ({exc})") from None
        self.total += len(raw)
        if len(raw) > MAX_MEMBER_BYTES or self.total > MAX_TOTAL_BYTES:
            raise InputError("OFD package unpacks to more than its limits; refused as a ZIP bomb")
        if _DOCTYPE.search(raw[:4096]):
            raise InputError(f"OFD part {info.filename} declares a DTD or entities; refused")
        try:
            return ET.fromstring(raw)
        except ET.ParseError as exc:
            raise InputError(f"OFD part {info.filename} is not well-formed XML ({exc})") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(elem: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in elem if _local(c.tag) == name), None)


def _all(elem: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in elem.iter() if _local(c.tag) == name]


def _numbers(s: str | None) -> list[float]:
    return [float(x) for x in _NUMBER.findall(s or "")]


def _deltas(s: str | None) -> list[float]:
    """DeltaX/DeltaY values with ``g N d`` (N times d) expanded."""
    out: list[float] = []
    tokens = (s or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                out.extend([float(tokens[i + 2])] * min(int(float(tokens[i + 1])), 100000))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(tokens[i]))
        i += 1
    return out


def _box(elem: ET.Element | None) -> tuple[float, float] | None:
    if elem is None:
        return None
    box = _child(elem, "PhysicalBox")
    values = _numbers(box.text if box is not None else None)
    return (values[2], values[3]) if len(values) == 4 and values[2] > 0 and values[3] > 0 else None


def read_ofd(data: bytes) -> DecodedText:
    """Render an OFD package's first document as text."""
    pkg = _Package(data)
    root = pkg.xml("OFD.xml")
    doc_root = next((e.text.strip() for e in _all(root, "DocRoot") if e.text and e.text.strip()), None)
    if doc_root is None:
        raise InputError("OFD.xml names no document (DocRoot); not an OFD file")
    document = pkg.xml(doc_root)
    base = posixpath.dirname(doc_root.lstrip("/"))
    common = _child(document, "CommonData")
    default_size = _box(_child(common, "PageArea") if common is not None else None) or (210.0, 297.0)
    templates = {t.get("ID"): t.get("BaseLoc", "") for t in _all(document, "TemplatePage")}
    pages_elem = _child(document, "Pages")
    page_refs = [p.get("BaseLoc", "") for p in (_all(pages_elem, "Page") if pages_elem is not None else [])]
    if len(page_refs) > MAX_PAGES:
        raise InputError(f"OFD document has {len(page_refs)} pages (more than {MAX_PAGES}); refused")
    pages: list[Page] = []
    for ref in page_refs:
        content = pkg.xml(posixpath.join(base, ref))
        width, height = _box(_child(content, "Area")) or default_size
        page = Page(width=width, height=height)
        for tpl in _all(content, "Template"):
            loc = templates.get(tpl.get("TemplateID"))
            if loc:
                _text_objects(pkg.xml(posixpath.join(base, loc)), height, page)
        _text_objects(content, height, page)
        pages.append(page)
    return layout(pages, "ofd", scan_message=SCAN_MESSAGE)


def _text_objects(content: ET.Element, height: float, page: Page) -> None:
    for obj in _all(content, "TextObject"):
        boundary = _numbers(obj.get("Boundary"))
        if len(boundary) != 4:
            continue
        bx, by = boundary[0], boundary[1]
        size = float((_numbers(obj.get("Size")) or [0.0])[0])
        ctm = _numbers(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        size *= scale
        if size <= 0:
            continue
        x = y = 0.0
        for code in _all(obj, "TextCode"):
            text = code.text or ""
            x = float((_numbers(code.get("X")) or [x])[0])
            y = float((_numbers(code.get("Y")) or [y])[0])
            dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
            for k, ch in enumerate(text):
                advance = dx[k] if k < len(dx) else (dx[-1] if dx else size)
                if not ch.isspace() and ch.isprintable():
                    px, py = a * x + c * y + e, b * x + d * y + f
                    left, base = bx + px, height - (by + py)
                    width = min(abs(advance) * scale, size) if k < len(dx) else size * (0.5 if ch.isascii() else 1)
                    page.glyphs.append(Glyph(ch, left, base - 0.15 * size, left + width, base + 0.85 * size, base))
                x += advance
                if k < len(dy):
                    y += dy[k]
