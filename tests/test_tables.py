"""Task tables in TAB text: headers from the genre's column names, rows, merged cells carried down."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qigong_parse.parse.task_tables import TaskTable, classify_header, find_task_tables
from qigong_parse.read import decode
from qigong_parse.text.normalize import normalize


def tables(text: str) -> list[TaskTable]:
    return find_task_tables(text, normalize(text), 0, len(text))


def rows(text: str) -> list[tuple[str, str, str | None, str | None, str | None, str | None]]:
    return [(r.number, r.task, r.lead, r.support, r.joint, r.deadline) for t in tables(text) for r in t.rows]


# (header cell, kind)
HEADERS = [
    ("序号", "number"), ("序  号", "number"), ("重点任务", "task"), ("工作任务", "task"),
    ("任务内容", "content"), ("具体措施", "content"), ("牵头单位", "lead"), ("牵头部门", "lead"),
    ("责任单位（牵头）", "lead"), ("配合单位", "support"), ("配合部门", "support"),
    ("责任单位", "responsible"),
    ("完成时限", "deadline"), ("时间节点", "deadline"), ("完成时间", "deadline"),
    ("市商务局", None), ("扩大有效投资，新建改造农贸市场10个", None),
]


@pytest.mark.parametrize(("cell", "kind"), HEADERS)
def test_header_cells(cell: str, kind: str | None) -> None:
    found = classify_header(normalize(cell))
    assert (found[0] if found else None) == kind


# (table text, expected (number, task, lead, support, joint, deadline) rows)
TABLES = [
    (  # the plain shape
        "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "1\t新建改造农贸市场10个\t市商务局\t市财政局、市市场监管局\t2025年12月底\n"
        "2\t提质改造乡镇敬老院\t市民政局\t市财政局\t2025年9月底\n",
        [("1", "新建改造农贸市场10个", "市商务局", "市财政局、市市场监管局", None, "2025年12月底"),
         ("2", "提质改造乡镇敬老院", "市民政局", "市财政局", None, "2025年9月底")],
    ),
    (  # merged lead and deadline cells leave empty cells: the value above carries down
        "序号\t工作任务\t牵头单位\t配合单位\t时间节点\n"
        "1\t农村危房改造\t市住建局\t市财政局\t6月底前\n"
        "2\t提质改造农村公路\t\t\t\n"
        "3\t康复救助残疾儿童\t市残联\t\t\n",
        [("1", "农村危房改造", "市住建局", "市财政局", None, "6月底前"),
         ("2", "提质改造农村公路", "市住建局", "市财政局", None, "6月底前"),
         ("3", "康复救助残疾儿童", "市残联", None, None, "6月底前")],  # a new lead starts its own block
    ),
    (  # 责任单位 alone names units, none of them the lead: joint; 具体措施 is the task when no task column
        "具体措施\t责任单位\t完成时间\n"
        "新建新能源汽车公共充电桩\t市发改局\t2025年底\n",
        [("", "新建新能源汽车公共充电桩", None, None, "市发改局", "2025年底")],
    ),
    (  # flattened one cell per line (a page's innerText): a row's first cell alone, each further cell
        # on its own line after a TAB; a group heading right under the header; 指导部门 names units
        "序号\n\t改革举措\n\t主 要 内 容\n\t指导部门\n\n一、知识产权保护方面（共2项）\n\n"
        "1\n\t专利保险机制\n\t开发专利保险险种\n\t国家知识产权局、中国银保监会\n\n"
        "2\n\t技术调查官制度\n\t建立技术调查官制度\n\t最高人民法院\n",
        [("1", "专利保险机制", None, None, "国家知识产权局、中国银保监会", None),
         ("2", "技术调查官制度", None, None, "最高人民法院", None)],
    ),
    (  # a two-line header splits 责任单位 into 牵头单位 | 配合单位; a group row heads the rows after it
        "序号\t重点任务\t责任单位\t\t完成时限\n"
        "\t\t牵头单位\t配合单位\t\n"
        "一、扩大内需\t\t\t\t\n"
        "1\t办好中医药产业博览会\t市商务局\t市卫健局\t10月底\n",
        [("1", "办好中医药产业博览会", "市商务局", "市卫健局", None, "10月底")],
    ),
    (  # fullwidth and padded header cells, CRLF lines, a line of prose ends the table
        "序　号\t重点任务\t牵头单位（部门）\r\n"
        "1\t高频服务事项接入“湘易办”100项以上\t市数据局\r\n以上任务年底前完成。\r\n",
        [("1", "高频服务事项接入“湘易办”100项以上", "市数据局", None, None, None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TABLES)
def test_task_tables(text: str, expected: list[tuple[str, str, str | None, str | None, str | None, str | None]]) -> None:
    assert rows(text) == expected


def test_group_and_carried_fields_are_reported() -> None:
    text = TABLES[4][0] + "2\t扩大有效投资\t\t\t\n"
    (table,) = tables(text)
    assert table.columns == ["number", "task", "lead", "support", "deadline"]
    assert [r.group for r in table.rows] == ["一、扩大内需", "一、扩大内需"]
    assert table.rows[1].carried == ("lead", "support", "deadline")
    assert text[slice(*table.rows[1].lead_span)] == "市商务局"  # the span of the merged cell itself
    assert text[slice(*table.header_span)].startswith("序号") and table.header_span[1] < table.rows[0].span[0]


# Text that is not a task table: TAB lines without a header of the genre, prose naming columns.
NOT_TABLES = [
    "一、攻坚目标\n——持续增强内需发展动力。\n",
    "姓名\t职务\n张三\t副市长\n",
    "牵头单位\t市商务局\n",  # a key/value pair, no task column
    "由市发改局牵头,重点任务、具体措施和完成时限由各单位报送。\n",
]


@pytest.mark.parametrize("text", NOT_TABLES)
def test_not_task_tables(text: str) -> None:
    assert tables(text) == []


def test_only_the_given_range_is_searched() -> None:
    text = "前言\n" + TABLES[0][0] + "后记\n"
    start = text.index("序号")
    assert tables(text) and find_task_tables(text, normalize(text), 0, start) == []
    assert len(find_task_tables(text, normalize(text), start, len(text))[0].rows) == 2


def test_table_from_an_html_page() -> None:
    page = ("<html><body><div class='TRS_Editor'><p>附件</p><table>"
            "<tr><td>序号</td><td>重点任务</td><td>牵头单位</td><td>配合单位</td></tr>"
            "<tr><td>1</td><td><p>新建改造</p><p>农贸市场</p></td>"
            "<td rowspan='2'>市商务局</td><td>市财政局</td></tr>"
            "<tr><td>2</td><td>办好博览会</td><td>市卫健局</td></tr>"
            "</table></div></body></html>")
    text = decode(page.encode("gb18030")).text
    assert rows(text) == [("1", "新建改造 农贸市场", "市商务局", "市财政局", None, None),
                          ("2", "办好博览会", "市商务局", "市卫健局", None, None)]


def test_table_from_a_docx_with_merged_cells() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("重点任务清单")
    data = [["序号", "重点任务", "牵头单位", "完成时限"], ["1", "农村危房改造", "市住建局", "年底前"],
            ["2", "提质改造农村公路", "", ""]]
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate(data):
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))
    table.cell(1, 3).merge(table.cell(2, 3))
    out = io.BytesIO()
    document.save(out)
    assert rows(decode(out.getvalue()).text) == [("1", "农村危房改造", "市住建局", None, None, "年底前"),
                                                ("2", "提质改造农村公路", "市住建局", None, None, "年底前")]


cell_text = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)


@given(st.lists(st.tuples(cell_text, cell_text, cell_text), min_size=1, max_size=8))
def test_every_field_is_sliced_from_the_text(body: list[tuple[str, str, str]]) -> None:
    text = "序号\t重点任务\t牵头单位\n" + "".join(f"{n}\t{task}\t{lead}\n" for n, task, lead in body)
    for table in tables(text):
        assert text[slice(*table.span)].startswith("序号")
        for row in table.rows:
            assert text[slice(*row.task_span)] == row.task and row.task == row.task.strip() and row.task
            if row.lead is not None:
                assert row.lead_span is not None and text[slice(*row.lead_span)] == row.lead


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\t")))
def test_text_without_tabs_has_no_tables(text: str) -> None:
    assert tables(text) == []
