"""HTML pages → visible text, like a browser's innerText, with the site chrome reported as outside.

Blocks become line breaks (a paragraph two, a div one, ``<br>`` one), scripts and styles are dropped,
ASCII whitespace collapses while no-break and ideographic spaces stay (notices indent with them).
Data tables render one row a line with TAB between cells; rowspan/colspan leave empty cells so the
columns stay aligned (`tables.find_task_tables` carries merged values down).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import InputError, MissingDependency, UsageError
from ..model.ir import DecodedText
from ..model.kinds import Span
from ..rules import load_table

_SKIP = frozenset({"head", "script", "style", "noscript", "template", "iframe", "object", "svg", "select",
                   "button", "input", "textarea", "canvas", "audio", "video", "map"})
_PARAGRAPH = frozenset({"p"})
_BLOCK = frozenset({"div", "li", "ul", "ol", "table", "tr", "section", "article", "header", "footer",
                    "nav", "aside", "main", "form", "dl", "dt", "dd", "blockquote", "pre", "address",
                    "figure", "figcaption", "center", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
                    "caption", "fieldset", "details", "summary", "thead", "tbody", "tfoot", "td", "th"})
_SPACES = re.compile(r"[ \t\n\r\f]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
# The WHATWG Encoding Standard's labels (those of the encodings a Chinese notice could be in, and the
# legacy single-byte ones), each to the Python codec that decodes what browsers decode. A page is
# trusted only with one of these: a label such as "undefined", "punycode" or "rot13" names a Python
# codec no browser has, and is ignored (the bytes are detected instead). GB2312/GBK labels decode
# as GB18030, as every browser does.
_WHATWG_LABELS: dict[str, tuple[str, ...]] = {
    "utf-8": ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"),
    "gb18030": ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk",
                "iso-ir-58", "x-gbk", "gb18030"),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "euc_jp": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "iso2022_jp": ("csiso2022jp", "iso-2022-jp"),
    "cp932": ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"),
    "cp949": ("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987",
              "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"),
    "cp1252": ("ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
               "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
               "us-ascii", "windows-1252", "x-cp1252"),
    "cp866": ("866", "cp866", "csibm866", "ibm866"),
    "iso8859_2": ("csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2", "l2", "latin2"),
    "iso8859_5": ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595",
                  "iso_8859-5"),
    "iso8859_15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"),
    "koi8_r": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "koi8_u": ("koi8-ru", "koi8-u"),
    "mac_roman": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "cp874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    **{f"cp{n}": (f"cp{n}", f"windows-{n}", f"x-cp{n}") for n in range(1250, 1259) if n != 1252},
}
# A page can only declare UTF-16 in markup readable as ASCII: browsers take such a label as UTF-8.
_UTF16_LABELS = ("unicodefffe", "utf-16be", "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff",
                 "utf-16", "utf-16le")
_CHARSET_ALIASES = {label: codec for codec, labels in _WHATWG_LABELS.items() for label in labels}
_CHARSET_ALIASES.update(dict.fromkeys(_UTF16_LABELS, "utf-8"))
_LAYOUT_CELL_CHARS = 1500  # a cell this long holds an article, not a table value
# Nesting limit, checked on the markup before the parser sees it: lexbor's tree building costs the
# square of the depth (10^5 nested divs: 40 s); real pages nest a few dozen levels.
MAX_DEPTH = 1000
_TAG = re.compile(r"<(/?)([a-z][a-z0-9:-]*)|<!--")
# Elements that never nest (void) or whose end tag a parser implies (a new <p> closes the last):
# an author never closes them, so they are not counted.
_UNCOUNTED = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img",
                        "input", "keygen", "link", "meta", "param", "source", "track", "wbr", "p", "li",
                        "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
                        "rb", "rt", "rtc", "rp", "colgroup", "caption", "html", "head", "body", "image"})
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed",
                       "noframes", "plaintext"})


def read_html(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode an HTML page (given, declared or detected charset) and render its visible text."""
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        raise MissingDependency("reading HTML needs selectolax: pip install selectolax") from None
    markup, used = decode_markup(data, encoding)
    depth = markup_depth(markup)
    if depth > MAX_DEPTH:
        raise InputError(f"HTML elements nested {depth} deep, more than the limit of {MAX_DEPTH}")
    tree = LexborHTMLParser(markup)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return DecodedText(text="", encoding=used, format="html")
    body = find_body(tree)
    renderer = _Renderer(body.mem_id if body is not None else None, data_tables(root))
    renderer.render(root)
    text = "".join(renderer.out)
    outside: list[Span] = []
    if renderer.body_start is not None and renderer.body_end is not None:
        if renderer.body_start > 0:
            outside.append((0, renderer.body_start))
        if renderer.body_end < len(text):
            outside.append((renderer.body_end, len(text)))
    return DecodedText(text=text, encoding=used, format="html", outside=outside)


def markup_depth(markup: str, stop: int = MAX_DEPTH) -> int:
    """How deep the elements of `markup` nest, counted on its tags (one linear scan, no tree).

    Comments and the content of script, style and the like are skipped; void elements and those
    with implied end tags are not counted. Stops counting past `stop`.
    """
    lower = markup.lower()
    depth = deepest = pos = 0
    while True:
        match = _TAG.search(lower, pos)
        if match is None:
            return deepest
        pos = match.end()
        name = match.group(2)
        if name is None:  # a comment
            end = lower.find("-->", pos)
            if end < 0:
                return deepest
            pos = end + 3
        elif match.group(1):
            depth = max(0, depth - 1) if name not in _UNCOUNTED else depth
        elif name in _RAW_TEXT:
            end = lower.find(f"</{name}", pos)
            if end < 0:
                return deepest
            pos = end
        elif name not in _UNCOUNTED:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop:
                    return deepest


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in `<meta charset>` or `http-equiv` near its start, as a codec name."""
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    label = match.group(1).decode("ascii", errors="replace").strip().lower()
    return _CHARSET_ALIASES.get(label)


def decode_markup(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode page bytes: the given encoding, else a BOM, else the declared charset, else detection."""
    from . import _BOMS, decode_text

    if encoding is not None:
        return decode_text(data, encoding)
    declared = declared_charset(data)
    if declared and not any(data.startswith(bom) for bom, _ in _BOMS):
        try:
            return decode_text(data, declared)
        except (InputError, UsageError):
            pass  # a page that lies about its charset, or names one Python lacks: detect instead
    return decode_text(data)


def find_body(tree: Any) -> Any | None:
    """The element holding the article: a known CMS container, else the largest text block."""
    table = load_table("html_body.yaml")
    largest, largest_chars = _largest_block(tree, table["block_containers"])
    floor = largest_chars * float(table["min_share_of_largest"])
    for selector in table["body_selectors"]:
        for node in tree.css(selector):
            if len(node.text(deep=True, strip=True)) >= max(floor, 1):
                return node
    return largest


def _largest_block(tree: Any, containers: list[str]) -> tuple[Any | None, int]:
    """The container whose own paragraphs and text hold the most characters, and that count."""
    best, best_score = None, 0
    for node in tree.css(", ".join(containers)):
        score = 0
        child = node.child
        while child is not None:
            tag = child.tag
            if tag == "-text":
                score += len((child.text_content or "").strip())
            elif tag in ("p", "span", "font", "strong", "b", "h1", "h2", "h3", "h4", "h5", "h6"):
                score += len(child.text(deep=True, strip=True))
            child = child.next
        if score > best_score:
            best, best_score = node, score
    if best is None:
        return None, 0
    return best, len(best.text(deep=True, strip=True))


class _Table:
    """Rendering state of one table: data tables track cells; layout tables render as blocks."""

    def __init__(self, data: bool) -> None:
        self.data = data
        self.col = 0
        self.cells_in_row = 0
        self.carry: list[int] = []  # rows still covered by a rowspan, per column


def data_tables(root: Any) -> set[int]:
    """The mem_ids of the data tables under `root`, classified in one pass over the tree.

    A table holding another table lays a page out; so does one with a cell of an article's
    length, or none with two cells in a row. Tables that hold no table have disjoint subtrees,
    so looking into each of them once costs the size of the tree.
    """
    holds_table: set[int] = set()
    leaves: list[Any] = []
    open_tables: list[tuple[Any, int]] = []  # (table, depth), innermost last
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        while open_tables and open_tables[-1][1] >= depth:
            table, _ = open_tables.pop()
            if table.mem_id not in holds_table:
                leaves.append(table)
        if node.tag == "table":
            if open_tables:
                holds_table.add(open_tables[-1][0].mem_id)
            open_tables.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(list(_children(node))) if not child.tag.startswith("-"))
    leaves.extend(table for table, _ in open_tables if table.mem_id not in holds_table)
    return {table.mem_id for table in leaves if _is_data_table(table)}


def _is_data_table(node: Any) -> bool:
    """Whether a table holding no other table is a data table (two cells in a row, no long cell)."""
    widest = 0
    for row in node.css("tr"):
        cells = row.css("td, th")
        widest = max(widest, len(cells))
        if any(len(cell.text(deep=True)) > _LAYOUT_CELL_CHARS for cell in cells):
            return False
    return widest >= 2


def _span_attr(node: Any, name: str) -> int:
    try:
        return max(1, min(int(str(node.attributes.get(name) or "1").strip()), 1000))
    except ValueError:
        return 1


def _children(node: Any) -> Iterator[Any]:
    child = node.child
    while child is not None:
        yield child
        child = child.next


class _Renderer:
    """One pass over the DOM, emitting text pieces and the body's start and end offsets."""

    def __init__(self, body_id: int | None, data_tables: set[int]) -> None:
        self.data_tables = data_tables
        self.out: list[str] = []
        self.length = 0
        self.pending = 0  # line breaks owed before the next text (innerText's "required line breaks")
        self.space = False  # a collapsed space owed before the next text on the same line
        self.tables: list[_Table] = []
        self.cell_depth = 0  # inside a data-table cell, blocks become spaces
        self.pre_depth = 0
        self.body_id = body_id
        self.in_body = False
        self.body_start: int | None = None
        self.body_end: int | None = None

    def render(self, root: Any) -> None:
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._leave(node)
                continue
            tag = node.tag
            if tag == "-text":
                self._text(node.text_content or "")
                continue
            if tag.startswith("-") or tag in _SKIP:
                continue
            style = node.attributes.get("style")
            if style and _HIDDEN.search(style):
                continue
            self._enter(node, tag)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(_children(node))))

    # --- emitting -------------------------------------------------------------------------

    def _add(self, piece: str) -> None:
        self.out.append(piece)
        self.length += len(piece)

    def _last_char(self) -> str:
        return self.out[-1][-1] if self.out else "\n"

    def _trim_space(self) -> None:
        if self.out and self.out[-1].endswith(" "):
            stripped = self.out[-1].rstrip(" ")
            self.length -= len(self.out[-1]) - len(stripped)
            self.out[-1] = stripped

    def _flush(self) -> None:
        if self.pending:
            if self.length:
                self._trim_space()
                have = len(self.out[-1]) - len(self.out[-1].rstrip("\n")) if self.out else 0
                if have < self.pending:
                    self._add("\n" * (self.pending - have))
            self.pending = 0
            self.space = False
        elif self.space:
            if self._last_char() not in " \n\t":
                self._add(" ")
            self.space = False

    def _text(self, raw: str) -> None:
        text = raw if self.pre_depth else _SPACES.sub(" ", raw)
        if not text:
            return
        if not self.pre_depth:
            if text == " ":
                self.space = True
                return
            if text.startswith(" "):
                self.space = True
                text = text[1:]
            trailing = text.endswith(" ")
            text = text.rstrip(" ")
        else:
            trailing = False
        self._flush()
        if self.in_body and self.body_start is None:
            self.body_start = self.length
        self._add(text)
        self.space = trailing

    def _block(self, breaks: int) -> None:
        if self.cell_depth:
            self.space = True
        else:
            self.pending = max(self.pending, breaks)

    # --- elements ---------------------------------------------------------------------------

    def _enter(self, node: Any, tag: str) -> None:
        if node.mem_id == self.body_id:
            self.in_body = True
        table = self.tables[-1] if self.tables else None
        if tag == "table":
            self._block(1)
            self.tables.append(_Table(node.mem_id in self.data_tables))
        elif table is not None and table.data and tag == "tr":
            self._block(1)
            table.col = 0
            table.cells_in_row = 0
        elif table is not None and table.data and tag in ("td", "th"):
            self._cell_start(table, node)
        elif tag == "br":
            if self.cell_depth:
                self.space = True
            else:
                self.pending = 0
                self._flush()
                self._trim_space()
                self._add("\n")
        elif tag in _PARAGRAPH:
            self._block(2)
        elif tag in _BLOCK:
            self._block(1)
        if tag == "pre":
            self.pre_depth += 1

    def _leave(self, node: Any) -> None:
        tag = node.tag
        table = self.tables[-1] if self.tables else None
        if tag == "table":
            self.tables.pop()
            self._block(1)
        elif table is not None and table.data and tag == "tr":
            self._fill_covered(table, end_of_row=True)
            self._block(1)
        elif table is not None and table.data and tag in ("td", "th"):
            self.cell_depth -= 1
            self.space = False
            span = _span_attr(node, "colspan")
            if span > 1:
                self._add("\t" * (span - 1))
        elif tag in _PARAGRAPH:
            self._block(2)
        elif tag in _BLOCK:
            self._block(1)
        if tag == "pre":
            self.pre_depth -= 1
        if node.mem_id == self.body_id:
            self.in_body = False
            self.body_end = self.length

    def _cell_start(self, table: _Table, node: Any) -> None:
        self._fill_covered(table, end_of_row=False)
        self._flush()
        if self.in_body and self.body_start is None:
            self.body_start = self.length
        if table.cells_in_row:
            self._add("\t")
        colspan, rowspan = _span_attr(node, "colspan"), _span_attr(node, "rowspan")
        for col in range(table.col, table.col + colspan):
            while len(table.carry) <= col:
                table.carry.append(0)
            table.carry[col] = rowspan - 1
        table.col += colspan
        table.cells_in_row += 1
        self.cell_depth += 1

    def _fill_covered(self, table: _Table, *, end_of_row: bool) -> None:
        """Emit empty cells for columns a rowspan from an earlier row still covers."""
        while table.col < len(table.carry) and table.carry[table.col] > 0:
            if not end_of_row or any(table.carry[table.col:]):
                self._flush()
                if table.cells_in_row:
                    self._add("\t")
                table.cells_in_row += 1
            table.carry[table.col] -= 1
            table.col += 1
        if end_of_row:
            for col in range(table.col, len(table.carry)):
                if table.carry[col] > 0:
                    table.carry[col] -= 1
