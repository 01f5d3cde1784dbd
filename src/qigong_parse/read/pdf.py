"""PDF files → text: characters by position into lines, page chrome set aside, wrapped lines rejoined.

The layout half (`layout`) works on positioned glyphs of any source and is shared with the OFD
reader. What it builds:

- the body: every page's lines top to bottom, lines broken by the page width rejoined (a line that
  runs to the right margin continues on the next, unless it is a bare heading, the next starts
  with a marker or is indented as a new paragraph), letter-spaced lines (山 东 省 商 务 厅, 通　知)
  closed up, rows of spaced-apart cells written as TAB-separated table rows;
- after the body, the page chrome (running headers and footers, page numbers — 3 —, 第3页 共10页),
  each line reported as outside the document with its own reason;
- where each page's body starts, so the output can say which page a node starts on.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..errors import InputError, MissingDependency
from ..model.ir import DecodedText

SCAN_MESSAGE = "no text layer: this PDF is a scan; OCR it first"
_MIN_CHARS_PER_PAGE = 5  # fewer text characters than this per page: an image, not a text layer

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－─~～]+\s*\d{1,4}\s*[-—–－─~～]+"  # — 3 —, －3－, -3-
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第3页 共10页
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[-—–－]?\s*\d{1,4}\s*[-—–－]?)$"  # a bare number
)
# Lines that open a new paragraph whatever the width of the line before (outline markers, 附件).
_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]"
    r"|\d{1,3}\s*[.、．](?!\d)|[(（]\s*\d{1,3}\s*[)）]|[①-⑳]"
    r"|第[一二三四五六七八九十百\d]{1,4}[章节条部篇]|附\s*件)"
)
_SENTENCE_PUNCT = re.compile(r"[。；;，,：:、]")
_HEADING = 20  # a marker line without punctuation up to this long is a heading, not a wrapped line
_MARGIN = 0.11  # running headers, footers and page numbers stand in the top or bottom 11% of the page
_FULL_WIDTH = 0.66  # the text block's right edge lies past this share of the page width
_CELL_GAP = 1.5  # a gap wider than this many character widths separates cells
_TALL = 1.5  # a run this many times taller than its neighbours is set on its own line (XX文件)


@dataclass(slots=True)
class Glyph:
    """One character with its box, y upwards (PDF user space; other sources are converted)."""

    ch: str
    left: float
    bottom: float
    right: float
    top: float
    base: float  # the baseline: glyphs of one line share it whatever their fonts' ascent

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Page:
    """One page's glyphs and size."""

    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass(slots=True)
class _Line:
    glyphs: list[Glyph]
    page: int
    text: str = ""
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0  # median character width: the line's em
    height: float = 0.0  # median glyph height: the type size
    table: bool = False
    spaced: bool = False  # letter-spaced (山 东 省 商 务 厅): a display line, never a wrapped one
    cells: list[str] = field(default_factory=list)


def read_pdf(data: bytes) -> DecodedText:
    """Render a text PDF as text; InputError for scans, encrypted or damaged files."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise MissingDependency("reading PDF needs pypdfium2: pip install 'qigong-parse[pdf]'") from None
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise InputError("the PDF is password-protected; open it and save an unprotected copy") from None
        raise InputError(f"input is not a readable PDF file ({reason})") from None
    try:
        pages = [_pdf_page(document[i]) for i in range(len(document))]
    finally:
        document.close()
    return layout(pages, "pdf", scan_message=SCAN_MESSAGE)


def _pdf_page(page: object) -> Page:
    import ctypes

    import pypdfium2.raw as raw

    ox, oy, rect = ctypes.c_double(), ctypes.c_double(), raw.FS_RECTF()
    width, height = page.get_size()  # type: ignore[attr-defined]
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    out = Page(width=width, height=height)
    try:
        handle = textpage.raw
        count = textpage.count_chars()
        units = (ctypes.c_ushort * (count + 1))()
        raw.FPDFText_GetText(handle, 0, count, units)  # one UTF-16 unit per character index
        i = 0
        while i < count:
            code, at = units[i], i
            i += 1
            if 0xD800 <= code <= 0xDBFF and i < count and 0xDC00 <= units[i] <= 0xDFFF:
                code = 0x10000 + ((code - 0xD800) << 10) + (units[i] - 0xDC00)  # a pair: one character
                i += 1
            elif code < 32 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
                continue
            ch = chr(code)
            if ch.isspace():
                continue  # spaces (pdfium's guessed ones too) are gaps in the geometry
            raw.FPDFText_GetLooseCharBox(handle, at, rect)
            left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
            if top <= bottom:
                continue
            raw.FPDFText_GetCharOrigin(handle, at, ox, oy)
            base = oy.value if bottom <= oy.value <= top else bottom
            out.glyphs.append(Glyph(ch, left, bottom, right, top, base))
    finally:
        textpage.close()
        page.close()  # type: ignore[attr-defined]
    return out


# --- layout -----------------------------------------------------------------------------


def layout(pages: list[Page], fmt: str, *, scan_message: str) -> DecodedText:
    """Build the text of positioned glyphs: body in reading order, then the page chrome."""
    chars = sum(len(p.glyphs) for p in pages)
    if not pages or chars < _MIN_CHARS_PER_PAGE * len(pages):
        raise InputError(scan_message)
    page_lines = [_page_lines(p, k) for k, p in enumerate(pages)]
    chrome = _chrome(page_lines, pages)
    body = [ln for k, lines in enumerate(page_lines) for j, ln in enumerate(lines) if (k, j) not in chrome]
    _mark_tables(body)

    pieces: list[str] = []
    page_starts: list[int] = [-1] * len(pages)
    pos = 0
    left, right = _margins(body)
    # a page whose lines all end short of two thirds of its width has no full lines to rejoin
    right = max(right, _FULL_WIDTH * statistics.median(p.width for p in pages))
    usual = statistics.median(ln.height for ln in body) if body else 0.0
    prev: _Line | None = None
    for ln in body:
        if prev is not None:
            sep = _joiner(prev, ln, left, right, usual)
            if sep is None:
                pieces.append("\n")
                pos += 1
            else:
                pieces.append(sep)
                pos += len(sep)
        if page_starts[ln.page] < 0:
            page_starts[ln.page] = pos
        pieces.append(ln.text)
        pos += len(ln.text)
        prev = ln
    # pages with no body text (a seal page) start where the next page does
    nxt = pos
    for k in range(len(pages) - 1, -1, -1):
        if page_starts[k] < 0:
            page_starts[k] = nxt
        nxt = page_starts[k]

    labelled: list[tuple[int, int, str]] = []
    for (k, j), reason in sorted(chrome.items()):
        text = page_lines[k][j].text
        pieces.append("\n")
        pos += 1
        labelled.append((pos, pos + len(text), reason))
        pieces.append(text)
        pos += len(text)
    text = "".join(pieces)
    return DecodedText(text=text, encoding="utf-8", format=fmt,  # type: ignore[arg-type]
                       outside=[(s, e) for s, e, _ in labelled], labelled=labelled, page_starts=page_starts)


def _page_lines(page: Page, number: int) -> list[_Line]:
    """The page's glyphs grouped into lines, top to bottom."""
    entries = sorted(((g.base, g.top - g.bottom, g) for g in page.glyphs), key=lambda e: -e[0])
    lines: list[tuple[float, float, list[Glyph]]] = []  # (baseline, height, glyphs) of the first glyph
    for base, h, g in entries:
        for k in range(len(lines) - 1, max(-1, len(lines) - 5), -1):  # the few lines just above
            ref_base, ref_h, members = lines[k]
            low, high = (ref_h, h) if ref_h < h else (h, ref_h)
            if abs(ref_base - base) < 0.3 * low and high < 1.6 * low:
                members.append(g)
                break
        else:
            lines.append((base, h, [g]))
    built = [_build_line(gs, number) for _, _, gs in lines]
    built.sort(key=lambda ln: -(ln.top + ln.bottom) / 2)
    return _tall_runs_last(built)


def _tall_runs_last(lines: list[_Line]) -> list[_Line]:
    """A run in large type beside smaller lines (the 文件 of a joint red header) follows them all."""
    out = list(lines)
    for ln in lines:
        height = ln.top - ln.bottom
        beside = [o for o in out if o is not ln and ln.bottom < (o.top + o.bottom) / 2 < ln.top
                  and _TALL * (o.top - o.bottom) <= height]
        if not beside:
            continue
        out.remove(ln)
        at = out.index(beside[-1]) + 1
        size = beside[-1].top - beside[-1].bottom
        while at < len(out) and abs((out[at].top - out[at].bottom) - size) < 0.2 * size:
            at += 1  # the rest of the issuer lines in the same type
        out.insert(at, ln)
    return out


def _build_line(glyphs: list[Glyph], page: int) -> _Line:
    glyphs.sort(key=lambda g: g.left)
    widths = [g.right - g.left for g in glyphs if g.right > g.left]
    size = statistics.median(widths) if widths else statistics.median(g.height for g in glyphs)
    cells: list[list[Glyph]] = [[glyphs[0]]]
    for a, b in itertools.pairwise(glyphs):
        if b.left - a.right > _CELL_GAP * size:
            cells.append([b])
        else:
            cells[-1].append(b)
    texts = [_run_text(c, size) for c in cells]
    spaced = len(texts) > 1 and all(len(t) == 1 for t in texts)
    if spaced:
        texts = ["".join(texts)]  # letter-spaced: 山 东 省 商 务 厅, 通　　知
    return _Line(glyphs=glyphs, page=page, text="\t".join(texts), cells=texts, spaced=spaced,
                 left=glyphs[0].left, right=max(g.right for g in glyphs),
                 top=max(g.top for g in glyphs), bottom=min(g.bottom for g in glyphs), size=size,
                 height=statistics.median(g.height for g in glyphs))


def _run_text(glyphs: list[Glyph], size: float) -> str:
    out = [glyphs[0].ch]
    for a, b in itertools.pairwise(glyphs):
        # a word space between Latin letters or digits; CJK text has none
        if b.left - a.right > 0.2 * size and a.ch.isascii() and b.ch.isascii() and a.ch.isalnum() and b.ch.isalnum():
            out.append(" ")
        out.append(b.ch)
    return "".join(out)


def _chrome(page_lines: list[list[_Line]], pages: list[Page]) -> dict[tuple[int, int], str]:
    """(page, line) → reason for the running headers, footers and page numbers."""
    found: dict[tuple[int, int], str] = {}
    texts = [k for k, lines in enumerate(page_lines) if lines]

    def key(ln: _Line) -> str:
        return re.sub(r"\d+", "#", unicodedata.normalize("NFKC", ln.text).replace(" ", "").replace("\t", ""))

    repeated: Counter[tuple[str, str]] = Counter()
    for k in texts:
        lines = page_lines[k]
        for ln in lines[:2]:
            repeated[("top", key(ln))] += 1
        for ln in lines[-2:]:
            repeated[("bottom", key(ln))] += 1
    enough = max(2, (len(texts) + 1) // 2)
    for k in texts:
        lines = page_lines[k]
        height = pages[k].height
        ends = [(j, "top") for j in range(min(2, len(lines)))]
        ends += [(j, "bottom") for j in range(max(0, len(lines) - 2), len(lines))]
        for j, side in ends:
            ln = lines[j]
            margin = ln.bottom > (1 - _MARGIN) * height if side == "top" else ln.top < _MARGIN * height
            if not margin:
                continue
            flat = unicodedata.normalize("NFKC", ln.text).replace("\t", " ").strip()
            if _PAGE_NUMBER.match(flat):
                found[(k, j)] = "page number"
            elif len(texts) >= 2 and repeated[(side, key(ln))] >= enough and len(flat) <= 60:
                found[(k, j)] = "page header" if side == "top" else "page footer"
    return found


def _mark_tables(body: list[_Line]) -> None:
    """Lines of two or more cells next to another such line are table rows; a lone one is not."""
    multi = [len(ln.cells) > 1 for ln in body]
    for i, ln in enumerate(body):
        if not multi[i]:
            continue
        if (i > 0 and multi[i - 1]) or (i + 1 < len(body) and multi[i + 1]):
            ln.table = True
        else:
            ln.text = " ".join(ln.cells)  # a lone gap (a signature beside a date): one space


def _margins(body: list[_Line]) -> tuple[float, float]:
    """The text block's left and right edges: where most lines start, where the long lines end."""
    plain = [ln for ln in body if not ln.table and not ln.spaced] or body
    if not plain:
        return 0.0, 0.0
    lefts = sorted(ln.left for ln in plain)
    widest = max(ln.right for ln in plain)
    em = statistics.median(ln.size for ln in plain)
    long = sorted(ln.right for ln in plain if ln.right >= widest - 3 * em)
    return lefts[len(lefts) // 10], long[len(long) // 2]


def _joiner(prev: _Line, nxt: _Line, left: float, right: float, usual: float) -> str | None:
    """What joins `prev` and `nxt` when the page width broke one line in two; None: a line break."""
    if prev.table or nxt.table or prev.spaced or nxt.spaced or prev.height > 1.3 * usual:
        return None  # a table row, a letter-spaced line, or large type (the red header's issuer lines)
    em = max(prev.size, nxt.size)
    if prev.right < right - 1.5 * em:
        return None  # the line ends short of the margin: it ends there
    if max(prev.height, nxt.height) > 1.3 * min(prev.height, nxt.height):
        return None  # another type size: another block
    if nxt.left > left + 0.8 * em:
        return None  # indented: a new paragraph
    if prev.left > left + 3 * em:
        return None  # a centred or right-set line (a title, a signature) is no wrapped body line
    if _MARKER.match(nxt.text):
        return None
    if _MARKER.match(prev.text) and not _SENTENCE_PUNCT.search(prev.text) and len(prev.text) <= _HEADING:
        return None  # a bare heading (in a narrow column it can reach the margin)
    a, b = prev.text[-1:], nxt.text[:1]
    # Latin words broken at a line end had a space there; CJK text and numbers have none
    return " " if a.isascii() and b.isascii() and a.isalpha() and b.isalpha() else ""
