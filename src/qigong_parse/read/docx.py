"""DOCX files → text: paragraphs in order, tables as TAB rows, Word's automatic numbering as text.

Word keeps list numbers out of the run text (``w:numPr`` points into numbering.xml), so without
rendering them the outline parser would see titles with no 一、 / （一） / 1. markers.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, MissingDependency
from ..model.ir import DecodedText

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LEVELS = 9
# Limits on what a .docx may make us inflate: the file size limit bounds the compressed bytes only,
# and a 2 MB file can hold a part that inflates to gigabytes. Only the parts read below are
# inflated (the others become empty placeholders, never decompressed).
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # the read parts together, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for a read part over 1 MiB (XML of Word: 5-20)
MAX_ENTRIES = 10_000
_USED_PARTS = frozenset({"[Content_Types].xml", "word/document.xml", "word/numbering.xml", "word/styles.xml"})
_PLACEHOLDER_XML = b'<?xml version="1.0" encoding="UTF-8"?><placeholder/>'
# Word's own bounds on numbers it writes; a file with larger ones is hostile or broken.
_MAX_SPAN = 64  # gridSpan / gridBefore: Word tables have at most 63 columns
_MAX_START = 32767  # w:start, w:startOverride
_MAX_LVL_TEXT = 64  # characters of a level's lvlText
_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def read_docx(data: bytes) -> DecodedText:
    """Render a .docx file's body as text with automatic numbers written out."""
    try:
        import docx
    except ImportError:
        raise MissingDependency("reading DOCX needs python-docx: pip install 'qigong-parse[docx]'") from None
    try:
        document = docx.Document(io.BytesIO(slim_package(data)))
    except InputError:
        raise
    except Exception as exc:  # a third-party parser on foreign bytes: any failure means "not a docx"
        raise InputError(f"input is not a readable .docx file ({type(exc).__name__}: {exc})") from None
    numbering = Numbering.from_document(document)
    lines: list[str] = []
    for block in _blocks(document.element.body):
        if block.tag == _W + "p":
            lines.append(numbering.marker(block) + _paragraph_text(block))
        else:
            lines.extend(table_rows(block, numbering))
    return DecodedText(text="\n".join(lines), encoding="utf-8", format="docx")


def slim_package(data: bytes) -> bytes:
    """The .docx with only the parts we read, after checking their inflated sizes; InputError past a limit.

    Every other part (themes, images, fonts, headers …) is replaced by an empty placeholder
    without being decompressed: python-docx loads every part it can reach.
    """
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"input is not a readable .docx file ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(f"the .docx holds {len(infos)} entries, more than the limit of {MAX_ENTRIES}")
        used = [i for i in infos if _is_used(i.filename)]
        total = sum(i.file_size for i in used)
        if total > MAX_INFLATED_BYTES:
            raise InputError(f"the .docx text parts inflate to {total} bytes, more than the limit of "
                             f"{MAX_INFLATED_BYTES // (1024 * 1024)} MiB (a decompression bomb?)")
        for info in used:
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size > 1 << 20 and ratio > MAX_RATIO:
                raise InputError(f"the .docx part {info.filename} inflates {ratio} times, more than the "
                                 f"limit of {MAX_RATIO} (a decompression bomb?)")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as slim:
            seen: set[str] = set()
            for info in infos:
                if info.filename in seen or info.is_dir():
                    continue
                seen.add(info.filename)
                if _is_used(info.filename):
                    try:
                        # reads at most file_size bytes (zipfile stops there and checks the CRC)
                        blob = archive.read(info)
                    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError,
                            RuntimeError, EOFError) as exc:
                        raise InputError(f"the .docx part {info.filename} cannot be read ({exc})") from None
                else:
                    blob = _PLACEHOLDER_XML if info.filename.lower().endswith(".xml") else b""
                slim.writestr(info.filename, blob)
    return out.getvalue()


def _is_used(name: str) -> bool:
    return name in _USED_PARTS or name.endswith(".rels")


def _blocks(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in reading order, looking through content controls."""
    for child in container.iterchildren():
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _blocks(child)


def _paragraph_text(p: Any) -> str:
    return str(p.text)


def table_rows(tbl: Any, numbering: Numbering) -> list[str]:
    """One TAB-separated line per row; merged cells leave empty cells so columns stay aligned."""
    rows: list[str] = []
    for tr in tbl.tr_lst:
        cells = [""] * _span(tr, "grid_before", 0)
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                cells.append("")  # continued vertical merge: the value is the one above
            else:
                cells.append(_cell_text(tc, numbering))
            cells.extend([""] * (_span(tc, "grid_span", 1) - 1))
        rows.append("\t".join(cells))
    return rows


def _span(element: Any, name: str, default: int) -> int:
    """A gridSpan/gridBefore count clamped to what a Word table can have (0 or 1 … 63)."""
    try:
        value = int(getattr(element, name, default) or default)
    except (ValueError, TypeError, OverflowError):
        return default
    return max(default, min(value, _MAX_SPAN))


def _cell_text(tc: Any, numbering: Numbering) -> str:
    parts: list[str] = []
    for block in _blocks(tc):
        if block.tag == _W + "p":
            parts.append(numbering.marker(block) + _paragraph_text(block))
        else:
            parts.extend(table_rows(block, numbering))
    text = " ".join(part.strip() for part in parts if part.strip())
    return text.replace("\t", " ").replace("\n", " ")


@dataclass
class Level:
    """One level of an abstract numbering definition."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart; 0 = never restart
    suffix: str = "tab"


@dataclass
class Numbering:
    """Word's numbering definitions and the running counters of each list."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)  # numId → abstractNumId
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId → level → start
    style_numpr: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId → (numId, ilvl)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Any) -> Numbering:
        """Read numbering.xml and the paragraph styles that carry numbering."""
        self = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        if root is not None:
            for absnum in root.iterchildren(_W + "abstractNum"):
                levels: dict[int, Level] = {}
                for lvl in absnum.iterchildren(_W + "lvl"):
                    ilvl = _int(lvl.get(_W + "ilvl"), 0)
                    if 0 <= ilvl < _LEVELS:  # Word has nine levels; others are never shown
                        levels[ilvl] = _level(lvl)
                self.abstract[str(absnum.get(_W + "abstractNumId"))] = levels
            for num in root.iterchildren(_W + "num"):
                num_id = str(num.get(_W + "numId"))
                ref = num.find(_W + "abstractNumId")
                self.nums[num_id] = str(ref.get(_W + "val")) if ref is not None else ""
                for override in num.iterchildren(_W + "lvlOverride"):
                    start = override.find(_W + "startOverride")
                    if start is not None:
                        level = _int(override.get(_W + "ilvl"), 0)
                        value = _clamp(_int(start.get(_W + "val"), 1), 0, _MAX_START)
                        if 0 <= level < _LEVELS:
                            self.overrides.setdefault(num_id, {})[level] = value
        self._read_styles(document)
        return self

    def _read_styles(self, document: Any) -> None:
        try:
            styles = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        based_on: dict[str, str] = {}
        for style in styles.iterchildren(_W + "style"):
            style_id = str(style.get(_W + "styleId"))
            base = style.find(_W + "basedOn")
            if base is not None:
                based_on[style_id] = str(base.get(_W + "val"))
            numpr = style.find(f"{_W}pPr/{_W}numPr")
            if numpr is not None:
                self.style_numpr[style_id] = _numpr(numpr)
        for style_id in list(based_on):  # inherit numbering down basedOn chains
            seen, current = set(), style_id
            while current not in self.style_numpr and current in based_on and current not in seen:
                seen.add(current)
                current = based_on[current]
            if current in self.style_numpr and style_id not in self.style_numpr:
                self.style_numpr[style_id] = self.style_numpr[current]

    def marker(self, p: Any) -> str:
        """The list number Word would show before paragraph `p` ("" when it has none); advances the count."""
        ref = self._numbering_of(p)
        if ref is None:
            return ""
        num_id, ilvl = ref
        abstract_id = self.nums.get(num_id)
        if abstract_id is None or abstract_id not in self.abstract:
            return ""
        levels = self.abstract[abstract_id]
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        # lists sharing a definition continue each other's count unless one restarts with an override
        key = num_id if num_id in self.overrides else abstract_id
        counts = self.counters.setdefault(key, [None] * _LEVELS)
        starts = {i: self.overrides.get(num_id, {}).get(i, lv.start) for i, lv in levels.items()}
        counts[ilvl] = starts.get(ilvl, 1) if counts[ilvl] is None else counts[ilvl] + 1  # type: ignore[operator]
        for deeper in range(ilvl + 1, _LEVELS):
            below = levels.get(deeper)
            if below is None or below.restart != 0:
                counts[deeper] = None
        text = level.text
        for n in range(_LEVELS, 0, -1):  # %10 does not exist, but replace %9 … %1 so %1 never eats %1x
            token = f"%{n}"
            if token in text:
                other = levels.get(n - 1, Level())
                value = counts[n - 1] if counts[n - 1] is not None else starts.get(n - 1, 1)
                text = text.replace(token, format_number(int(value or 1), other.fmt))
        if not text:
            return ""
        if level.suffix != "nothing" and _needs_separator(text[-1]):
            text += " "
        return text

    def _numbering_of(self, p: Any) -> tuple[str, int] | None:
        ppr = p.find(_W + "pPr")
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        if numpr is not None:
            num_id, ilvl = _numpr(numpr)
            if num_id in ("", "0"):
                return None
            return num_id, ilvl
        style = ppr.find(_W + "pStyle") if ppr is not None else None
        if style is not None:
            ref = self.style_numpr.get(str(style.get(_W + "val")))
            if ref is not None and ref[0] not in ("", "0"):
                return ref
        return None


def _needs_separator(last: str) -> bool:
    """Word's tab after a marker, kept only where the title would otherwise run into it.

    "一、" "（一）" "1." "①" delimit themselves (the genre writes the title right after them); "第1章"
    or a bare "1" would fuse with the title. Never a TAB: that would read as a table row.
    """
    return (last.isascii() and last.isalnum()) or unicodedata.category(last) == "Lo"


def _numpr(numpr: Any) -> tuple[str, int]:
    num = numpr.find(_W + "numId")
    lvl = numpr.find(_W + "ilvl")
    return (str(num.get(_W + "val")) if num is not None else "",
            _clamp(_int(lvl.get(_W + "val"), 0), 0, _LEVELS - 1) if lvl is not None else 0)


def _level(lvl: Any) -> Level:
    def val(tag: str) -> str | None:
        node = lvl.find(_W + tag)
        return None if node is None else node.get(_W + "val")

    restart = val("lvlRestart")
    return Level(fmt=val("numFmt") or "decimal", text=(val("lvlText") or "")[:_MAX_LVL_TEXT],
                 start=_clamp(_int(val("start"), 1), 0, _MAX_START),
                 restart=None if restart is None else _int(restart, 1), suffix=val("suff") or "tab")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:  # also a number of more than 4300 digits
        return default


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def chinese_number(n: int, digits: str = _CN_DIGITS, ten: str = "十", hundred: str = "百",
                   thousand: str = "千") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (counting style, below 10000)."""
    if n <= 0 or n >= 10000:
        return str(n)
    units = ((1000, thousand), (100, hundred), (10, ten), (1, ""))
    out, zero = "", False
    for size, name in units:
        d = n // size % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += ("" if (d == 1 and size == 10 and not out) else digits[d]) + name
    return out


def format_number(n: int, fmt: str) -> str:
    """Render counter `n` in Word number format `fmt` (numFmt values of WordprocessingML)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "koreanCounting"):
        return chinese_number(n)
    if fmt in ("chineseLegalSimplified", "taiwaneseCountingThousand", "japaneseLegal"):
        return chinese_number(n, _CN_LEGAL, "拾", "佰", "仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(c)] for c in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        if 1 <= n <= 20:
            return chr(0x2460 + n - 1)
        if 21 <= n <= 35:
            return chr(0x3251 + n - 21)
        if 36 <= n <= 50:
            return chr(0x32B1 + n - 36)
        return str(n)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _STEMS[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return _BRANCHES[n - 1]
    if fmt in ("lowerLetter", "upperLetter") and 1 <= n <= 26 * 4:  # Word writes aaaa at most here
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(n)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out
