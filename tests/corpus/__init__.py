"""Test corpus builders: the sample notice re-served as the formats notices arrive in.

Built at test time (no binary files in the repository): the text as UTF-8 with and without BOM,
GB18030 and UTF-16 bytes; as a government-site HTML page (chrome divs around a TRS_Editor body,
one <p> per paragraph, GB18030 or UTF-8 declared); as a .docx made with python-docx whose 一、 and
(一) markers come from Word's automatic numbering (numPr), not from the run text.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"

_CN = "一二三四五六七八九十"
_TOP = re.compile(r"([一二三四五六七八九十]+)、")
_SECOND = re.compile(r"\(([一二三四五六七八九十]+)\)")


def sample_text() -> str:
    """The sample notice as saved from its web page (chrome included)."""
    return SAMPLE.read_text(encoding="utf-8")


def document_lines(text: str) -> list[str]:
    """The non-blank lines, stripped: what every format must agree on."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_chrome(text: str) -> tuple[list[str], list[str], list[str]]:
    """The sample's chrome above the notice, the notice's lines, the chrome below (non-blank, stripped)."""
    lines = document_lines(text)
    head_end = next(i for i, line in enumerate(lines) if line.startswith("分享到")) + 1
    tail_start = next(i for i, line in enumerate(lines) if line.startswith("扫一扫"))
    return lines[:head_end], lines[head_end:tail_start], lines[tail_start:]


def html_page(text: str, charset: str = "utf-8", *, declare: str = "meta-charset") -> bytes:
    """The notice as a government CMS serves it: chrome divs, a TRS_Editor body, one <p> a paragraph."""
    head, body, tail = split_chrome(text)
    esc = html.escape
    meta = {
        "meta-charset": f'<meta charset="{charset}">',
        "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        "none": "",
    }[declare]
    page = "\n".join([
        "<!DOCTYPE html>",
        "<html>",
        f"<head>{meta}<title>{esc(body[0])}</title>",
        "<style>.TRS_Editor p { text-indent: 2em; }</style>",
        '<script type="text/javascript">var share = "<p>not text</p>";</script></head>',
        "<body>",
        '<div class="header"><ul class="nav"><li>首页</li><li>政务公开</li></ul></div>',
        '<div class="position">' + "<br>".join(esc(line) for line in head) + "</div>",
        '<div class="article"><div class="TRS_Editor">',
        *(f'<p style="text-indent:2em">{esc(line)}</p>' for line in body),
        "</div></div>",
        '<div class="footer">' + "".join(f"<p>{esc(line)}</p>" for line in tail) + "</div>",
        "<script>document.write('统计代码');</script>",
        "</body></html>",
    ])
    return page.encode(charset)


def _cn_value(numeral: str) -> int:
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + _CN.index(numeral[1]) + 1
    if len(numeral) == 1:
        return _CN.index(numeral) + 1
    if len(numeral) == 2 and numeral[1] == "十":
        return (_CN.index(numeral[0]) + 1) * 10
    return (_CN.index(numeral[0]) + 1) * 10 + _CN.index(numeral[2]) + 1


def _add_numbering(document: object) -> None:
    """One abstract list: level 0 "%1、", level 1 "(%2)", both chineseCounting."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    abstract = parse_xml(
        f"<w:abstractNum {nsdecls('w')} w:abstractNumId=\"90\">"
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="(%2)"/><w:suff w:val="nothing"/></w:lvl>'
        "</w:abstractNum>"
    )
    numbering.insert(0, abstract)


def _new_num(document: object, num_id: int) -> None:
    """A list instance of the abstract list that restarts level 0 at 1 (each part restarts 一、)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="90"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    ))


def _set_numpr(paragraph: object, num_id: int, ilvl: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                         f'<w:numId w:val="{num_id}"/></w:numPr>'))


def docx_bytes(lines: list[str], *, numbered: bool = True,
               table: list[list[str]] | None = None) -> bytes:
    """A .docx with one paragraph a line; 一、 and (一) markers moved into automatic numbering.

    A marker moves only when it is the number the list would show next, so the rendered text must
    equal the input lines. `table` (rows of cells) is appended as a Word table.
    """
    import docx

    document = docx.Document()
    if numbered:
        _add_numbering(document)
    num_id, counts = 100, [0, 0]
    for line in lines:
        paragraph = document.add_paragraph()
        body = line
        if numbered:
            top, second = _TOP.match(line), _SECOND.match(line)
            if top and _cn_value(top.group(1)) == 1:
                num_id += 1
                _new_num(document, num_id)
                counts = [0, 0]
            if top and num_id > 100 and _cn_value(top.group(1)) == counts[0] + 1:
                _set_numpr(paragraph, num_id, 0)
                counts = [counts[0] + 1, 0]
                body = line[top.end():]
            elif second and num_id > 100 and counts[0] and _cn_value(second.group(1)) == counts[1] + 1:
                _set_numpr(paragraph, num_id, 1)
                counts[1] += 1
                body = line[second.end():]
        paragraph.add_run(body)
    if table:
        word_table = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                word_table.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
