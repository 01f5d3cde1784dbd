"""Format sniffing, the HTML reader and the DOCX reader (automatic numbering, merged cells)."""

from __future__ import annotations

import io
import sys
import zipfile

import pytest

from qigong_parse.errors import InputError, MissingDependency
from qigong_parse.read import decode
from qigong_parse.read.docx import chinese_number, format_number
from qigong_parse.read.html import declared_charset
from qigong_parse.read.sniff import sniff_format
from tests.corpus import document_lines, docx_bytes, html_page, sample_text, split_chrome

SAMPLE = sample_text()
HEAD_CHROME, BODY, TAIL_CHROME = split_chrome(SAMPLE)

# --- sniffing ----------------------------------------------------------------------------

SNIFF = [
    (b"<!DOCTYPE html>\n<html><body>x</body></html>", "html"),
    (b"<!doctype HTML PUBLIC \"-//W3C//DTD XHTML 1.0\">", "html"),
    (b"\n\n  <html lang=\"zh-CN\">", "html"),
    (b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">", "html"),
    (b"<BODY>", "html"),
    ("<html><body>一、攻坚目标</body></html>".encode("utf-16"), "html"),
    (SAMPLE.encode(), "text"),
    ("一、攻坚目标\n1.推进<重点>项目".encode(), "text"),  # a < in text is not markup
    (docx_bytes(["一、攻坚目标"], numbered=False), "docx"),
]


@pytest.mark.parametrize(("data", "expected"), SNIFF)
def test_sniff_by_content(data: bytes, expected: str) -> None:
    assert sniff_format(data) == expected


# --- HTML rendering ------------------------------------------------------------------------

# (body markup, expected visible text)
RENDER = [
    ("<p>一、攻坚目标</p><p>为全面贯彻</p>", "一、攻坚目标\n\n为全面贯彻"),
    ("<div>附件1</div><div>邵东市内需扩量提效攻坚实施方案</div>", "附件1\n邵东市内需扩量提效攻坚实施方案"),
    ("各乡镇人民政府、<br>街道办事处:<br><br>经市人民政府同意",
     "各乡镇人民政府、\n街道办事处:\n\n经市人民政府同意"),
    ("<ul><li>首页</li><li>政务公开</li></ul>", "首页\n政务公开"),
    ("<h1>关于印发</h1>总体方案", "关于印发\n总体方案"),
    ("<p>推动\n   消费  <b>回暖</b>\t向好</p>", "推动 消费 回暖 向好"),
    ("<p>&nbsp;&nbsp;　　(一)实施内需扩量</p>", "\xa0\xa0　　(一)实施内需扩量"),
    ("<p>增长6.5%&gt;以上</p>", "增长6.5%>以上"),
    ("<script>var a='<p>x</p>';</script><style>p{}</style><p>正文</p><noscript>请启用</noscript>", "正文"),
    ('<p style="display:none">隐藏</p><p>可见</p>', "可见"),
    ("<table><tr><th>序号</th><th>任务</th></tr><tr><td>1</td><td><p>扩大</p><p>消费</p></td></tr></table>",
     "序号\t任务\n1\t扩大 消费"),
    ("<table><tr><td>1</td><td>甲</td><td rowspan=2>市商务局</td></tr><tr><td>2</td><td>乙</td></tr></table>",
     "1\t甲\t市商务局\n2\t乙\t"),
    ("<table><tr><td rowspan=2>一</td><td>甲</td><td>A</td></tr><tr><td>乙</td><td>B</td></tr></table>",
     "一\t甲\tA\n\t乙\tB"),
    ("<table><tr><td colspan=3>一、扩大内需</td></tr><tr><td>1</td><td>甲</td><td>A</td></tr></table>",
     "一、扩大内需\t\t\n1\t甲\tA"),
    ("<pre>一、 目标\n  1.增长</pre>", "一、 目标\n  1.增长"),
]


@pytest.mark.parametrize(("markup", "expected"), RENDER)
def test_html_renders_like_inner_text(markup: str, expected: str) -> None:
    decoded = decode(f"<html><body>{markup}</body></html>".encode())
    assert decoded.format == "html"
    assert decoded.text == expected


def test_layout_table_keeps_article_lines() -> None:
    article = "".join(f"<p>{line}</p>" for line in BODY[:40])
    page = f"<html><body><table><tr><td>导航</td><td>{article}</td></tr></table></body></html>"
    assert document_lines(decode(page.encode()).text) == ["导航", *BODY[:40]]


# (bytes head, declared codec)
CHARSETS = [
    (b'<meta charset="utf-8">', "utf-8"),
    (b"<meta charset=GB2312>", "gb18030"),
    (b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=gbk">', "gb18030"),
    (b"<meta http-equiv='Content-Type' content='text/html;charset=GB18030'/>", "gb18030"),
    (b"<html><body>no declaration</body></html>", None),
]


@pytest.mark.parametrize(("head", "codec"), CHARSETS)
def test_declared_charset(head: bytes, codec: str | None) -> None:
    assert declared_charset(head) == codec


@pytest.mark.parametrize(
    ("charset", "declare", "reported"),
    [("utf-8", "meta-charset", "utf-8"), ("gb18030", "meta-charset", "gb18030"),
     ("gb18030", "http-equiv", "gb18030"), ("utf-8", "none", "utf-8"), ("gb18030", "none", "gb18030")],
)
def test_sample_as_a_page_gives_the_same_lines(charset: str, declare: str, reported: str) -> None:
    decoded = decode(html_page(SAMPLE, charset, declare=declare))
    assert (decoded.format, decoded.encoding) == ("html", reported)
    (_, body_start), (body_end, _) = decoded.outside
    assert document_lines(decoded.text[body_start:body_end]) == BODY
    assert document_lines(decoded.text[:body_start]) == ["首页", "政务公开", *HEAD_CHROME]
    assert document_lines(decoded.text[body_end:]) == TAIL_CHROME


def test_page_lying_about_its_charset_is_detected() -> None:
    page = html_page(SAMPLE, "gb18030").replace(b'charset="gb18030"', b'charset="utf-8"')
    decoded = decode(page)
    assert decoded.encoding == "gb18030"
    assert BODY[0] in decoded.text


def test_given_encoding_beats_the_declared_one() -> None:
    page = html_page(SAMPLE, "gb18030").replace(b'charset="gb18030"', b'charset="utf-8"')
    assert decode(page, encoding="gb18030").encoding == "gb18030"
    with pytest.raises(InputError, match="do not decode as utf-8"):
        decode(page, encoding="utf-8")


def test_body_falls_back_to_the_largest_text_block() -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY[:30])
    page = (f"<html><body><div id='nav'>首页 &gt; 政府公报</div><div class='content'>相关链接</div>"
            f"<div id='wrap'><div class='x'>{paragraphs}</div></div><div>网站地图</div></body></html>")
    decoded = decode(page.encode())
    (_, start), (end, _) = decoded.outside
    assert document_lines(decoded.text[start:end]) == BODY[:30]
    assert document_lines(decoded.text[:start]) == ["首页 > 政府公报", "相关链接"]


def test_page_without_chrome_has_nothing_outside() -> None:
    decoded = decode(("<html><body>" + "".join(f"<p>{x}</p>" for x in BODY[:5]) + "</body></html>").encode())
    assert decoded.outside == []
    assert document_lines(decoded.text) == BODY[:5]


def test_missing_selectolax_is_a_one_line_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "selectolax.lexbor", None)
    with pytest.raises(MissingDependency, match=r"pip install selectolax"):  # a core dependency: exit 1
        decode(b"<html><body><p>x</p></body></html>")


# --- DOCX ------------------------------------------------------------------------------------


def test_sample_as_docx_with_automatic_numbering_gives_the_same_lines() -> None:
    import docx

    data = docx_bytes(BODY)
    runs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "攻坚目标" in runs and "一、攻坚目标" not in runs  # the markers live in numPr only
    decoded = decode(data)
    assert (decoded.format, decoded.encoding, decoded.outside) == ("docx", "utf-8", [])
    assert document_lines(decoded.text) == BODY


def test_docx_table_rows_are_tab_separated_with_merged_cells_left_empty() -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=4, cols=4)
    rows = [["序号", "重点任务", "牵头单位", "完成时限"], ["1", "扩大消费", "市商务局", "12月底"],
            ["2", "推进投资", "", ""], ["3", "", "", ""]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # 牵头单位 merged down over rows 1–2
    table.cell(3, 1).merge(table.cell(3, 3)).text = "合计"  # merged across
    out = io.BytesIO()
    document.save(out)
    assert decode(out.getvalue()).text == (
        "序号\t重点任务\t牵头单位\t完成时限\n1\t扩大消费\t市商务局\t12月底\n2\t推进投资\t\t\n3\t合计\t\t"
    )


def test_corrupt_docx_is_an_input_error() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>not closed")
    with pytest.raises(InputError, match=r"not a readable \.docx"):
        decode(out.getvalue())


def test_forced_docx_on_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"not a readable \.docx"):
        decode("一、攻坚目标".encode(), fmt="docx")


def test_missing_python_docx_is_a_one_line_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    data = docx_bytes(["一、攻坚目标"])
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(MissingDependency, match=r"pip install 'qigong-parse\[docx\]'"):
        decode(data)


# (counter, numFmt, rendered)
NUMBER_FORMATS = [
    (1, "chineseCounting", "一"),
    (10, "chineseCounting", "十"),
    (12, "chineseCountingThousand", "十二"),
    (20, "chineseCounting", "二十"),
    (105, "chineseCountingThousand", "一百零五"),
    (3, "decimal", "3"),
    (1, "decimalEnclosedCircle", "①"),
    (20, "decimalEnclosedCircleChinese", "⑳"),
    (21, "decimalEnclosedCircle", "㉑"),
    (2, "decimalEnclosedParen", "⑵"),
    (7, "decimalFullWidth", "７"),
    (3, "ideographTraditional", "丙"),
    (4, "chineseLegalSimplified", "肆"),
    (28, "lowerLetter", "bb"),
    (14, "upperRoman", "XIV"),
    (5, "someFutureFormat", "5"),
]


@pytest.mark.parametrize(("n", "fmt", "rendered"), NUMBER_FORMATS)
def test_word_number_formats(n: int, fmt: str, rendered: str) -> None:
    assert format_number(n, fmt) == rendered


def test_chinese_counting_reads_back() -> None:
    digits = dict(zip("一二三四五六七八九", range(1, 10), strict=True))
    for n in range(1, 100):
        text = chinese_number(n)
        tens, _, ones = text.rpartition("十")
        value = (digits.get(tens, 1) * 10 if "十" in text else 0) + digits.get(ones, 0)
        assert value == n, text


def _numbered_docx(levels: list[tuple[str, str]], paragraphs: list[tuple[int | None, str]],
                   style_numbered: bool = False) -> bytes:
    """A .docx with one abstract list of `levels` (numFmt, lvlText) and paragraphs at (ilvl, text)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text) in enumerate(levels))
    abstract = f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70">{lvls}</w:abstractNum>'
    numbering.insert(0, parse_xml(abstract))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="30"><w:abstractNumId w:val="70"/></w:num>'))
    if style_numbered:
        style = document.styles.add_style("ListHeading", 1)
        style.element.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="30"/></w:numPr>'))
    for ilvl, text in paragraphs:
        paragraph = document.add_paragraph(text)
        if ilvl is None:
            continue
        if style_numbered and ilvl == 0:
            paragraph.style = document.styles["ListHeading"]
            continue
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="30"/></w:numPr>'))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


GENRE_LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."),
                ("decimal", "（%4）"), ("decimalEnclosedCircle", "%5")]


def test_docx_numbering_counts_per_level_and_resets_under_a_higher_level() -> None:
    paragraphs = [(0, "攻坚目标"), (None, "为全面贯彻"), (0, "攻坚任务"), (1, "扩大内需"), (2, "促消费"),
                  (2, "扩投资"), (3, "以旧换新"), (4, "家电"), (4, "汽车"), (3, "展会"), (2, "稳外贸"),
                  (1, "培育产业"), (2, "三品战略"), (0, "推进机制")]
    text = decode(_numbered_docx(GENRE_LEVELS, paragraphs)).text
    assert text.splitlines() == [
        "一、攻坚目标", "为全面贯彻", "二、攻坚任务", "（一）扩大内需", "1.促消费", "2.扩投资",
        "（1）以旧换新", "①家电", "②汽车", "（2）展会", "3.稳外贸", "（二）培育产业", "1.三品战略",
        "三、推进机制",
    ]


def test_docx_multi_level_text_and_style_numbering() -> None:
    levels = [("decimal", "第%1章"), ("decimal", "%1.%2")]
    text = decode(_numbered_docx(levels, [(0, "总则"), (1, "目的"), (1, "依据"), (0, "任务")],
                                 style_numbered=True)).text
    assert text.splitlines() == ["第1章 总则", "1.1 目的", "1.2 依据", "第2章 任务"]
