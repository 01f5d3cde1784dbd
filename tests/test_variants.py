"""End to end on notices written other ways (tests/data/variants): other levels, other layouts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qigong_parse.model.output import Document
from qigong_parse.pipeline import parse_path

VARIANTS = Path(__file__).resolve().parent / "data" / "variants"


@pytest.fixture(scope="module")
def hengyang() -> Document:
    return parse_path(VARIANTS / "hengyang-style-2024.txt")


@pytest.fixture(scope="module")
def yuhua() -> Document:
    return parse_path(VARIANTS / "yuhua-district-style-2025.txt")


def _resp(doc: Document, part: str, path: list[str]) -> tuple[list[str], list[str], list[str]] | None:
    p = doc.part(part)
    assert p is not None
    node = next(n for n in p.walk() if n.path == path)
    r = node.responsibility
    return (r.lead, r.support, r.joint) if r else None


def _text(doc: Document) -> str:
    return (VARIANTS / Path(doc.source.file).name).read_text(encoding="utf-8")


def test_hengyang_head_with_broken_title_and_chinese_date(hengyang: Document) -> None:
    n = hengyang.notice
    assert n is not None
    assert (n.issuer, n.doc_number, n.date) == ("衡阳市人民政府办公室", "衡政办发〔2024〕6号", dt.date(2024, 3, 15))
    assert n.title == "关于印发《衡阳市2024年县域经济高质量发展工作方案》的通知"
    assert [p.title for p in hengyang.parts] == ["衡阳市2024年县域经济高质量发展工作方案"]
    # the red header (issuer in large type + 文件) opens the notice head; it is not chrome
    assert hengyang.notice is not None
    head = hengyang.notice.span
    assert _text(hengyang)[head[0]:head[1]].lstrip().startswith("衡阳市人民政府办公室文件")
    assert hengyang.unassigned[-1].text.startswith("抄送")  # the colophon is not plan text


def test_hengyang_divisions_above_sections(hengyang: Document) -> None:
    nodes = hengyang.parts[0].walk()
    assert [(n.path, n.role) for n in nodes if len(n.path) == 1] == [
        (["第一部分"], "other"), (["第二部分"], "goals"), (["第三部分"], "tasks"), (["第四部分"], "mechanism")]
    assert ["第三部分", "二", "(一)"] in [n.path for n in nodes]
    assert not hengyang.warnings


def test_hengyang_clauses_and_targets(hengyang: Document) -> None:
    # names written in full are kept as written
    assert _resp(hengyang, "general", ["第三部分", "一", "(一)"]) == ([], [], ["市工业和信息化局", "各县市区人民政府"])
    assert _resp(hengyang, "general", ["第三部分", "一", "(二)"]) == (
        ["市发展改革委"], ["市商务局", "市自然资源和规划局"], [])
    goals = next(n for n in hengyang.parts[0].nodes if n.role == "goals")
    assert [(t.value, t.unit, t.bound, t.aspirational) for t in goals.targets] == [
        (6.5, "%", "~", False), (8, "%", ">=", False), (500, "家", ">=", True)]
    tf = hengyang.parts[0].task_force
    assert tf is not None and tf.office == "市发展改革委"


def test_yuhua_annexes_only_list_in_head(yuhua: Document) -> None:
    n = yuhua.notice
    assert n is not None and n.issuer == "长沙市雨花区人民政府办公室"
    assert [(a.index, a.title) for a in n.attachments] == [
        (1, "雨花区2025年优化营商环境攻坚行动方案"), (2, "雨花区2025年扩大有效投资攻坚行动方案")]
    assert [p.id for p in yuhua.parts] == ["annex-1", "annex-2"]
    assert not [w for w in yuhua.warnings if w.code.startswith("attachment")]


def test_yuhua_label_lines_and_district_units(yuhua: Document) -> None:
    assert _resp(yuhua, "annex-1", ["二", "(一)", "1"]) == (["区政务服务中心"], ["区发改局", "区司法局"], [])
    assert _resp(yuhua, "annex-1", ["二", "(一)", "2"]) == (["区工信局"], [], [])
    assert _resp(yuhua, "annex-1", ["二", "(二)", "1"]) == (["区司法局"], ["区直各行政执法部门"], [])
    names = {u for p in yuhua.parts for node in p.walk() if node.responsibility
             for u in node.responsibility.lead + node.responsibility.support + node.responsibility.joint}
    assert all(not u.startswith("市") for u in names)  # no city-level (or Shaodong) name leaks in


def test_yuhua_task_force(yuhua: Document) -> None:
    tf = yuhua.parts[0].task_force
    assert tf is not None
    assert (tf.name, tf.convener, tf.deputies, tf.office) == (
        "区优化营商环境攻坚工作专班", "区政府分管副区长", ["区发改局"], "区发改局")
    assert tf.members == ["区财政局", "区司法局", "区市场监管局"]


def test_yuhua_task_table_rows(yuhua: Document) -> None:
    rows = [n for n in yuhua.parts[1].walk() if n.origin == "table"]
    assert [(n.path, n.role) for n in rows] == [(["二", "1"], "tasks"), (["二", "2"], "tasks"), (["二", "3"], "tasks")]
    assert _resp(yuhua, "annex-2", ["二", "1"]) == (["区发改局"], ["区住建局", "区自然资源局"], [])
    assert [(t.value, t.unit) for t in rows[0].targets] == [(50, "个")]


def test_html_page_with_long_navigation_keeps_the_whole_document() -> None:
    # A CMS page whose menus render as dozens of lines before the article body: the reader marks
    # them as outside, and segmentation sets them all aside however many there are.
    from qigong_parse.pipeline import parse_bytes

    from .conftest import sample_text
    from .corpus import html_page

    nav = "".join(f'<li><a href="/c{i}">栏目{i}</a></li>' for i in range(60)).encode()
    page = html_page(sample_text(), "utf-8").replace(b"<body>", b'<body><ul class="nav">' + nav + b"</ul>", 1)
    doc = parse_bytes(page, file="page.html")
    assert doc.source.format == "html"
    assert [p.id for p in doc.parts] == ["general"] + [f"annex-{i}" for i in range(1, 8)]
    assert sum(len(p.walk()) for p in doc.parts) == 232
    assert doc.notice is not None and doc.notice.doc_number == "邵东政办发〔2025〕2号"
    assert "栏目59" in doc.unassigned[0].text


def test_a_group_closing_label_line_belongs_to_the_group() -> None:
    from qigong_parse.pipeline import parse_text

    text = ("一、重点任务\n（一）夯实粮食生产\n稳定粮食面积。\n责任单位：县农业农村局（牵头）、县财政局\n"
            "（二）推动特色产业提质\n1．做强茶叶产业。新建茶园2000亩。\n2．发展林下经济。\n"
            "责任单位：县农业农村局（牵头）、县林业局（牵头）、县市场监督管理局\n")
    nodes = {tuple(n.path): n for n in parse_text(text).parts[0].walk()}
    group = nodes[("一", "(二)")].responsibility
    assert group is not None and (group.lead, group.support) == (["县农业农村局", "县林业局"], ["县市场监督管理局"])
    assert nodes[("一", "(二)", "2")].responsibility is None


def test_notice_title_without_guanyu() -> None:
    """X印发《…》的通知 on one line: the issuer is read, and the title keeps it (no 关于 sets it apart)."""
    from qigong_parse.pipeline import parse_text

    text = ("汝城县人民政府办公室印发《汝城县2025年农业产业高质量发展总体方案》的通知\n汝政办发〔2025〕3号\n"
            "各乡镇人民政府，县直机关各单位：\n　　现印发给你们。\n汝城县人民政府办公室\n2025年1月20日\n"
            "汝城县2025年农业产业高质量发展总体方案\n一、主要目标\n粮食产能提高50公斤以上。\n")
    doc = parse_text(text)
    assert doc.notice is not None
    assert (doc.notice.issuer, doc.notice.title) == (
        "汝城县人民政府办公室", "汝城县人民政府办公室印发《汝城县2025年农业产业高质量发展总体方案》的通知")
    goals = doc.parts[0].nodes[0]
    assert [(t.value, t.unit, t.change, t.bound) for t in goals.targets] == [(50, "公斤", "increase", ">=")]
