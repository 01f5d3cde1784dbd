"""The PDF and OFD readers: the sample drawn as a multi-page PDF (red header, running header, page
numbers, width-broken lines) and as an OFD package must parse like the text sample; the layout
rules (rejoining, letter-spacing, red-header order, tables) one by one; scans and old Word refused."""

from __future__ import annotations

import io
import sys
import zipfile
from functools import cache
from pathlib import Path

import pytest

from qigong_parse.check.score import score
from qigong_parse.errors import InputError, MissingDependency
from qigong_parse.io.yaml_out import dump_yaml
from qigong_parse.model.ir import DecodedText
from qigong_parse.model.output import Document
from qigong_parse.pipeline import parse_bytes, parse_text
from qigong_parse.read import decode
from qigong_parse.read import ofd as ofd_reader
from qigong_parse.read.pdf import SCAN_MESSAGE
from qigong_parse.read.sniff import sniff_format
from tests.corpus import sample_text
from tests.corpus.pdf import (
    BODY_SIZE,
    LEFT,
    RIGHT,
    Item,
    lay_out,
    ofd_bytes,
    pdf_bytes,
    table_items,
    width,
)

from .conftest import GOLD, load_script

pytest.importorskip("reportlab", reason="the test PDFs are drawn with reportlab (pip install -e '.[dev]')")

ISSUER, DOC_NUMBER = "邵东市人民政府办公室", "邵东政办发〔2025〕2号"


def _body_lines() -> list[str]:
    """The notice's lines as the sample has them (indentation kept), web chrome left out."""
    raw = sample_text().splitlines()
    start = next(i for i, line in enumerate(raw) if line.startswith("分享到")) + 1
    stop = next(i for i, line in enumerate(raw) if line.startswith("扫一扫"))
    return raw[start:stop]


@cache
def sample_items() -> list[Item]:
    return lay_out(_body_lines(), red_header=(ISSUER, DOC_NUMBER))


@cache
def sample_pdf() -> bytes:
    return pdf_bytes(sample_items())


@cache
def sample_pdf_doc() -> Document:
    return parse_bytes(sample_pdf(), file="sample.pdf")


@cache
def text_doc() -> Document:
    return parse_text(sample_text())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _expected_lines() -> list[str]:
    """The text sample's lines in the order the red header prints them: issuer (with 文件), 文号, title."""
    lines = _lines("\n".join(_body_lines()))
    lines.remove(ISSUER)
    lines.remove(DOC_NUMBER)
    return [ISSUER + "文件", DOC_NUMBER, *lines]


# --- the sample as a PDF ------------------------------------------------------------------


def test_sample_pdf_has_many_pages_and_wrapped_lines() -> None:
    items = sample_items()
    assert max(it.page for it in items) + 1 >= 30
    assert len(items) > 2 * len(_expected_lines())  # most paragraphs are broken over several lines


def test_sample_as_pdf_gives_the_text_lines_then_the_page_chrome() -> None:
    decoded = decode(sample_pdf())
    pages = max(it.page for it in sample_items()) + 1
    assert (decoded.format, decoded.encoding) == ("pdf", "utf-8")
    lines = _lines(decoded.text)
    body, chrome = lines[: -(2 * pages - 1)], lines[-(2 * pages - 1):]
    assert body == _expected_lines()
    assert chrome[0] == "—1—" and chrome[-1] == f"—{pages}—"
    assert {r for _, _, r in decoded.labelled} == {"page number", "page header"}
    assert len(decoded.page_starts) == pages and decoded.page_starts == sorted(decoded.page_starts)


def test_sample_as_pdf_scores_like_the_text() -> None:
    want = score(text_doc(), GOLD / "seed").scores()
    got = score(sample_pdf_doc(), GOLD / "seed").scores()
    for metric, value in want.items():
        assert abs(got[metric] - value) <= 0.01, f"{metric}: pdf {got[metric]:.3f} vs text {value:.3f}"


def test_sample_as_pdf_gives_the_same_parts_and_nodes() -> None:
    want, got = text_doc(), sample_pdf_doc()
    assert [(p.id, p.title) for p in got.parts] == [(p.id, p.title) for p in want.parts]
    for a, b in zip(want.parts, got.parts, strict=True):
        assert [(n.path, n.title) for n in b.walk()] == [(n.path, n.title) for n in a.walk()], a.id
    assert got.notice is not None and want.notice is not None
    assert (got.notice.title, got.notice.doc_number, got.notice.date) == (
        want.notice.title, want.notice.doc_number, want.notice.date)


def test_nodes_say_the_page_they_start_on() -> None:
    doc, items = sample_pdf_doc(), sample_items()
    nodes = [n for p in doc.parts for n in p.walk()]
    assert all(n.page is not None for n in nodes)
    pages = [n.page or 0 for n in nodes]
    assert pages == sorted(pages) and pages[-1] >= max(it.page for it in items)
    # each top-level heading is on the page where its line was drawn
    for part in doc.parts:
        for node in part.nodes:
            head = (node.marker + node.title)[:6]
            drawn = [it.page + 1 for it in items if it.text.startswith(head)]
            assert node.page in drawn, (node.path, node.title, drawn)


def test_page_chrome_is_unassigned_with_its_own_reason() -> None:
    doc, text = sample_pdf_doc(), decode(sample_pdf()).text
    reasons = [u.reason for u in doc.unassigned]
    pages = max(it.page for it in sample_items()) + 1
    assert reasons.count("page number") == pages
    assert reasons.count("page header") == pages - 1
    for u in doc.unassigned:
        assert text[u.span[0]:u.span[1]] == u.text
    for part in doc.parts:
        assert "公报" not in text[part.span[0]:part.span[1]]
        assert "—3—" not in text[part.span[0]:part.span[1]]


def test_pdf_output_tiles_its_text_and_validates() -> None:
    doc, text = sample_pdf_doc(), decode(sample_pdf()).text
    Document.model_validate(doc.model_dump())
    errors = load_script("fuzz").tiling_errors(doc, text)
    assert not errors, errors[:5]


def test_page_appears_in_pdf_yaml_only() -> None:
    assert "\n    page: " not in dump_yaml(text_doc()) and " page: " not in dump_yaml(text_doc())
    assert "page: 2" in dump_yaml(sample_pdf_doc())


def test_second_style_of_page_numbers() -> None:
    items = lay_out(_body_lines()[:60])
    decoded = decode(pdf_bytes(items, page_numbers="of"))
    pages = max(it.page for it in items) + 1
    numbers = [decoded.text[s:e] for s, e, r in decoded.labelled if r == "page number"]
    assert numbers == [f"第{k}页共{pages}页" for k in range(1, pages + 1)]


# --- layout rules, one by one -------------------------------------------------------------


def _page(lines: list[tuple[float, str]], size: float = BODY_SIZE, top: float = 700) -> list[Item]:
    return [Item(0, x, top - k * size * 1.8, text, size) for k, (x, text) in enumerate(lines)]


FULL = "推动消费品以旧换新提质扩容，加快培育新型消费，"  # 12pt: fills the line from LEFT nearly to RIGHT


def _full(n: int) -> str:
    text = ""
    while width(text + FULL[len(text) % len(FULL)], BODY_SIZE) <= RIGHT - LEFT:
        text += FULL[len(text) % len(FULL)]
    return text[:n] if n else text


def _read(items: list[Item], **kw: object) -> list[str]:
    return _lines(decode(pdf_bytes(items, chrome=False, **kw)).text)  # type: ignore[arg-type]


def test_a_line_to_the_margin_continues_on_the_next() -> None:
    full = _full(0)
    rows = [(LEFT + 24, "为深入贯彻落实中央决策部署，" + full[16:]), (LEFT, full), (LEFT, "制定本方案。"),
            (LEFT, "另" + full[1:]), (LEFT + 24, full[2:]), (LEFT, "完。")]
    got = _read(_page(rows))
    # a short line ends its paragraph; an indented line after a full one starts a new one
    # (the same text twice on a page would be dropped by pdfium as overprinted fake bold)
    assert got == ["为深入贯彻落实中央决策部署，" + full[16:] + full + "制定本方案。", "另" + full[1:], full[2:] + "完。"]


def test_no_join_before_a_marker_after_a_short_line_or_after_a_bare_heading() -> None:
    full = _full(0)
    rows = [(LEFT, full), (LEFT, "（一）完善组织领导。"), (LEFT, "短行到此为止。"), (LEFT, full),
            (LEFT, "附件：1.实施方案"), (LEFT, "一、总体要求"), (LEFT, full)]
    got = _read(_page(rows))
    assert got == [full, "（一）完善组织领导。", "短行到此为止。", full, "附件：1.实施方案", "一、总体要求", full]


def test_a_paragraph_continues_across_the_page_break() -> None:
    full = _full(0)
    items = [Item(0, LEFT, 700, "一、总体要求", BODY_SIZE), Item(0, LEFT + 24, 650, full[2:], BODY_SIZE),
             Item(0, LEFT, 100, full, BODY_SIZE), Item(1, LEFT, 770, "下页接续的句子。", BODY_SIZE),
             Item(1, LEFT, 700, "二、主要任务", BODY_SIZE), Item(2, LEFT, 700, "第三页。", BODY_SIZE)]
    decoded = decode(pdf_bytes(items))
    assert _lines(decoded.text)[:3] == ["一、总体要求", full[2:] + full + "下页接续的句子。", "二、主要任务"]
    assert decoded.text.index("下页接续") == decoded.page_starts[1]


def test_spaced_out_titles_are_closed_up() -> None:
    spaced = [Item(0, 250 + k * 40, 600, ch, 22) for k, ch in enumerate("通知")]  # spaced by position
    items = [Item(0, 200, 700, "通　　知", 22), *spaced, Item(0, 150, 500, "山 东 省 商 务 厅", 26)]
    assert _read(items) == ["通知", "通知", "山东省商务厅"]


def test_joint_red_header_reads_issuers_then_wenjian_then_the_number() -> None:
    issuers = ["济南市商务局", "济南市发展和改革委员会", "济南市财政局"]
    items = [Item(0, 90, 700 - k * 40, name, 26, red=True) for k, name in enumerate(issuers)]
    items.append(Item(0, 420, 640, "文件", 60, red=True))  # large, beside the three names
    items += [Item(0, 230, 560, "济商务字〔2025〕5号", 14), Item(0, 120, 500, "关于印发《实施细则》的通知", 20)]
    assert _read(items) == [*issuers, "文件", "济商务字〔2025〕5号", "关于印发《实施细则》的通知"]


def test_table_rows_are_tab_separated_and_a_lone_gap_is_a_space() -> None:
    rows = [["序号", "重点任务", "责任单位"], ["1", "扩大有效投资", "市发改局"], ["2", "促进消费回暖", "市商务局"]]
    items = table_items(rows, [LEFT, LEFT + 60, LEFT + 300])
    items.append(Item(0, LEFT, 600, "表后的一段文字。", BODY_SIZE))
    items.append(Item(0, LEFT, 560, "邵东市人民政府办公室", BODY_SIZE))
    items.append(Item(0, LEFT + 300, 560, "2025年3月6日", BODY_SIZE))
    assert _read(items) == ["序号\t重点任务\t责任单位", "1\t扩大有效投资\t市发改局", "2\t促进消费回暖\t市商务局",
                            "表后的一段文字。", "邵东市人民政府办公室 2025年3月6日"]


# --- refusals and errors ------------------------------------------------------------------


def _image_only_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for _ in range(3):
        pdf.rect(100, 100, 300, 500, fill=1)  # a "scanned page": paint, no text
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_scan_is_refused_with_the_ocr_message() -> None:
    with pytest.raises(InputError, match=r"^no text layer: this PDF is a scan; OCR it first$"):
        decode(_image_only_pdf())


def test_scan_on_the_command_line_is_one_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qigong_parse.cli import run

    path = tmp_path / "scan.pdf"
    path.write_bytes(_image_only_pdf())
    code = run(["parse", str(path), "-o", str(tmp_path / "out.yaml")])
    err = capsys.readouterr().err
    assert code == 1 and SCAN_MESSAGE in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_password_protected_and_damaged_pdfs_are_input_errors() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, encrypt="secret")
    pdf.drawString(100, 700, "x")
    pdf.showPage()
    pdf.save()
    with pytest.raises(InputError, match="password"):
        decode(buf.getvalue())
    with pytest.raises(InputError, match="not a readable PDF"):
        decode(b"%PDF-1.7\n" + b"\x00garbage" * 50)


def test_old_word_is_refused_naming_what_to_do() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert sniff_format(ole2) == "doc"
    with pytest.raises(InputError, match=r"old Word \.doc or WPS.*save it as \.docx"):
        decode(ole2)


def test_missing_pypdfium2_is_a_one_line_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    with pytest.raises(MissingDependency, match=r"pip install 'qigong-parse\[pdf\]'"):
        decode(sample_pdf())


def test_sniffing_pdf_and_ofd_by_content() -> None:
    assert sniff_format(sample_pdf()) == "pdf"
    assert sniff_format(b"\n%PDF-1.4\n") == "pdf"
    assert sniff_format(ofd_bytes(sample_items()[:5])) == "ofd"
    assert sniff_format("说明：本文附 %PDF- 字样".encode()) == "text"


def test_forced_formats() -> None:
    assert decode(sample_pdf(), fmt="pdf").format == "pdf"
    with pytest.raises(InputError):
        decode(sample_text().encode(), fmt="pdf")
    with pytest.raises(InputError):
        decode(sample_text().encode(), fmt="ofd")


# --- OFD ----------------------------------------------------------------------------------


@cache
def sample_ofd() -> bytes:
    return ofd_bytes(sample_items())


def test_sample_as_ofd_reads_like_the_pdf() -> None:
    pdf, ofd = decode(sample_pdf()), decode(sample_ofd())
    assert ofd.format == "ofd"
    assert _lines(ofd.text) == _lines(pdf.text)
    assert ofd.page_starts == pdf.page_starts


def test_sample_as_ofd_scores_like_the_text() -> None:
    want = score(text_doc(), GOLD / "seed").scores()
    doc = parse_bytes(sample_ofd(), file="sample.ofd")
    got = score(doc, GOLD / "seed").scores()
    for metric, value in want.items():
        assert abs(got[metric] - value) <= 0.01, metric
    assert doc.source.format == "ofd" and all(n.page for p in doc.parts for n in p.walk())


def test_ofd_delta_runs_expand() -> None:
    assert ofd_reader._deltas("1 g 3 2.5 4") == [1.0, 2.5, 2.5, 2.5, 4.0]
    assert ofd_reader._deltas("") == []


def _rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            if name in change:
                if change[name] is not None:
                    out.writestr(name, change[name])  # type: ignore[arg-type]
            else:
                out.writestr(name, src.read(name))
    return buf.getvalue()


def test_ofd_limits_and_damage_are_input_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ofd_bytes(sample_items()[:40])
    with pytest.raises(InputError, match="lacks"):
        decode(_rezip(data, {"Doc_0/Pages/Page_0/Content.xml": None}), fmt="ofd")
    with pytest.raises(InputError, match="DTD"):
        decode(_rezip(data, {"OFD.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'}))
    with pytest.raises(InputError, match="well-formed"):
        decode(_rezip(data, {"Doc_0/Document.xml": b"<ofd:Document"}))
    bomb = _rezip(data, {"Doc_0/Pages/Page_0/Content.xml": b"<a>" + b" " * (3 << 20) + b"</a>"})
    with pytest.raises(InputError, match="ZIP bomb"):
        decode(bomb)  # 3 MiB of blanks packs to a few KB: far past the ratio
    monkeypatch.setattr(ofd_reader, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(InputError, match="refused"):
        decode(data)


def test_ofd_without_text_is_a_scan() -> None:
    data = ofd_bytes([])
    with pytest.raises(InputError, match="no text layer"):
        decode(data)


def test_decoded_text_keeps_its_defaults_for_other_formats() -> None:
    decoded = decode(sample_text().encode())
    assert isinstance(decoded, DecodedText) and decoded.page_starts == [] and decoded.labelled == []


def test_repeated_footer_and_header_lines_are_chrome_with_their_reason() -> None:
    items: list[Item] = []
    for k in range(3):
        items += [Item(k, LEFT, 810, "内部资料 注意保存", 9), Item(k, LEFT, 700, f"第{k + 1}页的正文一句话。", BODY_SIZE),
                  Item(k, LEFT, 60, "邵东市人民政府办公室发布", 9), Item(k, 280, 40, str(k + 1), 9)]
    decoded = decode(pdf_bytes(items, chrome=False))
    got = [(decoded.text[s:e], r) for s, e, r in decoded.labelled]
    assert sorted(set(got)) == sorted({("内部资料 注意保存".replace(" ", ""), "page header"),
                                       ("邵东市人民政府办公室发布", "page footer"),
                                       ("1", "page number"), ("2", "page number"), ("3", "page number")})
    assert _lines(decoded.text)[:3] == ["第1页的正文一句话。", "第2页的正文一句话。", "第3页的正文一句话。"]


def test_parse_a_pdf_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qigong_parse.cli import run

    path, out = tmp_path / "notice.pdf", tmp_path / "notice.yaml"
    path.write_bytes(sample_pdf())
    assert run(["parse", str(path), "-o", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert "format: pdf" in written and "reason: page number" in written and "page: 3" in written
    assert run(["validate", str(out)]) == 0
    capsys.readouterr()
