"""Task tables (任务分解表) become task nodes of their part, responsibility from the columns."""

from __future__ import annotations

from qigong_parse.pipeline import parse_text

TABLE_NOTICE = (
    "一、重点任务\n（一）任务分解\n"
    "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
    "1\t推进园区扩容提质\t县发改局\t县财政局、县自然资源局\t2025年12月\n"
    "2\t新建标准厂房10万平方米\t县工信局\t\t2025年9月\n"
    "3\t开展招商引资\t\t县商务局\t全年\n"
    "二、保障措施\n加强领导。\n"
)


def test_table_rows_become_task_nodes_under_their_heading() -> None:
    doc = parse_text(TABLE_NOTICE)
    nodes = doc.parts[0].walk()
    rows = [n for n in nodes if n.origin == "table"]
    assert [(n.path, n.marker, n.title, n.role) for n in rows] == [
        (["一", "(一)", "1"], "1", "推进园区扩容提质", "tasks"),
        (["一", "(一)", "2"], "2", "新建标准厂房10万平方米", "tasks"),
        (["一", "(一)", "3"], "3", "开展招商引资", "tasks"),
    ]
    assert [n.path for n in nodes if n.origin == "outline"] == [["一"], ["一", "(一)"], ["二"]]


def test_responsibility_from_columns_with_merged_cells_carried_down() -> None:
    rows = [n for n in parse_text(TABLE_NOTICE).parts[0].walk() if n.origin == "table"]
    resp = [(n.responsibility.lead, n.responsibility.support) for n in rows if n.responsibility]
    assert resp == [(["县发改局"], ["县财政局", "县自然资源局"]), (["县工信局"], []), (["县工信局"], ["县商务局"])]


def test_targets_stay_inside_their_cell() -> None:
    rows = [n for n in parse_text(TABLE_NOTICE).parts[0].walk() if n.origin == "table"]
    assert [(t.quote, t.value, t.unit) for t in rows[1].targets] == [("新建标准厂房10万平方米", 10, "万平方米")]


def test_fullwidth_table_text_gives_the_same_rows() -> None:
    fw = TABLE_NOTICE.replace("、", "、").replace("(", "（")
    a = [(n.path, n.title) for n in parse_text(TABLE_NOTICE).parts[0].walk()]
    b = [(n.path, n.title) for n in parse_text(fw).parts[0].walk()]
    assert a == b
