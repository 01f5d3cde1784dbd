"""The real PDFs and OFDs of ../shared/corpus/binary (skipped, visibly, where that folder is absent).

Each text PDF with a red header gives its head (文号, title; issuer: see the xfails) and an outline;
the reprint without 文号 gives an outline; the scan is refused; the OFD files parse. The
expectations are the corpus MANIFEST's, written out here.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import pytest

from qigong_parse.errors import InputError
from qigong_parse.model.output import Document
from qigong_parse.pipeline import parse_path
from qigong_parse.read.pdf import SCAN_MESSAGE

BINARY = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "binary"
pytestmark = pytest.mark.skipif(not BINARY.is_dir(), reason=f"corpus folder {BINARY} absent: real PDF/OFD files not tested")

# file → (issuer's first name, 文号, the title's 关于… part)
RED_HEADER = {
    "01-shandong-2025-jiadian-yijiuhuanxin-shishifangan.pdf":
        ("山东省商务厅", "鲁商字〔2025〕1号", "关于印发《山东省2025年家电以旧换新实施方案》的通知"),
    "02-jinan-2025-jiadian-butie-shishixize.pdf":
        ("济南市商务局", "济商务字〔2025〕5号", "关于印发《济南市2025年家电以旧换新补贴实施细则》的通知"),
    "03-jinan-2025-shouji-gouxin-butie-shishixize.pdf":
        ("济南市商务局", "济商务字〔2025〕6号", "关于印发《济南市2025年手机、平板、智能手表（手环）购新补贴实施细则》的通知"),
}
REPRINT = "05-zhongyang-2026-yihaowenjian.pdf"
SCAN = "06-shandong-2025-shouji-gouxin-butie-SCAN.pdf"
OFD = {"12-luqiao-2011-pifu-sample.ofd": ("路桥区卫生局", "路卫发〔2011〕76号", "关于同意张阿三同志辞职的批复"),
       "13-bengbu-2023-han.ofd": (None, None, "关于加快南货场铁路涵洞下穿建设的函")}


def _flat(s: str | None) -> str:
    return unicodedata.normalize("NFKC", s or "").replace(" ", "")


@cache
def parsed(name: str) -> Document:
    return parse_path(BINARY / name)


def _path(name: str) -> Path:
    path = BINARY / name
    if not path.is_file():
        pytest.skip(f"{path} absent from the corpus")
    return path


@pytest.mark.parametrize("name", sorted(RED_HEADER))
def test_red_header_pdf_gives_doc_number_title_and_outline(name: str) -> None:
    _path(name)
    doc = parsed(name)
    _, number, title = RED_HEADER[name]
    assert doc.source.format == "pdf"
    assert doc.notice is not None
    assert doc.notice.doc_number == number
    assert _flat(doc.notice.title) == _flat(title)
    nodes = [n for p in doc.parts for n in p.walk()]
    assert nodes and all(n.page is not None and n.page >= 2 for n in nodes)
    assert any(u.reason == "page number" for u in doc.unassigned)


@pytest.mark.parametrize("name", sorted(RED_HEADER))
def test_red_header_pdf_gives_its_issuer(name: str) -> None:
    _path(name)
    doc = parsed(name)
    assert doc.notice is not None and doc.notice.issuer is not None
    assert RED_HEADER[name][0] in doc.notice.issuer


def test_red_header_lines_come_first_in_the_rendered_text() -> None:
    from qigong_parse.read import decode

    lines = decode(_path("02-jinan-2025-jiadian-butie-shishixize.pdf").read_bytes()).text.splitlines()
    assert lines[:6] == ["济南市商务局", "济南市发展和改革委员会", "济南市财政局", "济南市市场监督管理局", "文件",
                         "济商务字〔2025〕5号"]


def test_reprint_without_doc_number_gives_an_outline() -> None:
    _path(REPRINT)
    doc = parsed(REPRINT)
    nodes = [n for p in doc.parts for n in p.walk()]
    assert len(nodes) >= 30 and nodes[0].title.startswith("提升农业综合生产能力")


def test_reprint_gives_its_title() -> None:
    """Its first line, 2026年中央一号文件, titles it (segment.yaml plan_title_end: 文件)."""
    _path(REPRINT)
    doc = parsed(REPRINT)
    titles = [doc.notice.title if doc.notice else None] + [p.title for p in doc.parts]
    assert any(t and "中央一号文件" in t for t in titles)


def test_scan_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        parse_path(_path(SCAN))
    assert str(caught.value) == SCAN_MESSAGE


@pytest.mark.parametrize("name", sorted(OFD))
def test_ofd_parses(name: str) -> None:
    from qigong_parse.read import decode

    decoded = decode(_path(name).read_bytes())
    doc = parsed(name)
    assert doc.source.format == "ofd" and decoded.format == "ofd"
    _, number, title = OFD[name]
    lines = [line for line in decoded.text.splitlines() if line.strip()]
    assert title in lines[:4]
    if number:
        assert number in lines[:3]


def test_ofd_han_gives_title_and_date() -> None:
    doc = parsed("13-bengbu-2023-han.ofd") if (BINARY / "13-bengbu-2023-han.ofd").is_file() else None
    if doc is None:
        pytest.skip("13-bengbu-2023-han.ofd absent")
    assert doc.notice is not None and doc.notice.title == OFD["13-bengbu-2023-han.ofd"][2]
    assert str(doc.notice.date) == "2023-07-12"


def test_ofd_pifu_gives_its_head() -> None:
    _path("12-luqiao-2011-pifu-sample.ofd")
    doc = parsed("12-luqiao-2011-pifu-sample.ofd")
    assert doc.notice is not None and doc.notice.doc_number == "路卫发〔2011〕76号"
