"""Task forces (工作专班, 领导小组) read from mechanism paragraphs: the sample's and other wordings."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.model.output import TaskForce
from qigong_parse.parse.extract import taskforce
from qigong_parse.parse.extract.taskforce import find_task_force
from qigong_parse.rules.units import UnitRegistry
from qigong_parse.text.normalize import normalize

SHAODONG = "邵东市人民政府办公室"
XINSHAO = "新邵县人民政府办公室"


@dataclass
class Row:
    text: str
    name: str | None
    convener: str | None = None
    executive_deputy: str | None = None
    deputies: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    office: str | None = None
    issuer: str = SHAODONG


def run(text: str, issuer: str) -> TaskForce | None:
    return find_task_force(text, normalize(text), 0, len(text), UnitRegistry.for_issuer(issuer))


ROWS = [
    # annex 1: truncations, run-together members, no final 。
    Row(
        "成立内需扩量提效攻坚工作专班,由市政府分管副市长担任召集人,市政府分管副主任任常务副召集人,市发改、市商务局"
        "主要负责人任副召集人,成员单位包括经开区管委会、城北管理办、市发改、市文旅广体局卫健局市市监局医保局、"
        "机关事务服务中心国家金融监督管理总局邵东监管支局数据局邮政公司等,专班办公室设在发改,负责日常协调和调度工作",
        name="内需扩量提效攻坚工作专班",
        convener="市政府分管副市长",
        executive_deputy="市政府分管副主任",
        deputies=["市发改局", "市商务局"],
        members=[
            "经开区管委会",
            "城北片区管理办",
            "市发改局",
            "市文旅广体局",
            "市卫健局",
            "市市监局",
            "市医保局",
            "市机关事务服务中心",
            "国家金融监督管理总局邵东监管支局",
            "市数据局",
            "邮政公司",
        ],
        office="市发改局",
    ),
    # annex 7: 为副召集人, members listed before 为成员单位
    Row(
        "成立邵东市民生补短提质攻坚工作专班,由市政府分管副市长担任召集人,市政府分管副主任任常务副召集人,市人社局、"
        "邵阳市生态环境局邵东分局、市农业农村局主要负责人为副召集人,市发改局、市教育局、市邮政管理局等为成员单位,"
        "工作专班办公室设在市人社局,负责日常协调和调度工作。",
        name="邵东市民生补短提质攻坚工作专班",
        convener="市政府分管副市长",
        executive_deputy="市政府分管副主任",
        deputies=["市人社局", "邵阳市生态环境局邵东分局", "市农业农村局"],
        members=["市发改局", "市教育局", "市邮政管理局"],
        office="市人社局",
    ),
    # fullwidth punctuation, a county's leading group with 组长 / 副组长
    Row(
        "成立县优化营商环境工作领导小组，由县长任组长，常务副县长任常务副组长，县发改局、县数据局主要负责人任副组长，"
        "成员单位为县财政局、县市场监管局、县人社局，领导小组办公室设在县发改局，办公室主任由县发改局局长兼任。",
        name="县优化营商环境工作领导小组",
        convener="县长",
        executive_deputy="常务副县长",
        deputies=["县发改局", "县数据局"],
        members=["县财政局", "县市场监管局", "县人社局"],
        office="县发改局",
        issuer=XINSHAO,
    ),
    # a general plan's coordination group: posts held by people are kept as written
    Row(
        "成立市实施“七大攻坚”综合协调组,由市政府办公室主任任组长,市政府办分管副主任、督查专员任副组长。",
        name="市实施“七大攻坚”综合协调组",
        convener="市政府办公室主任",
        deputies=["市政府办分管副主任", "督查专员"],
    ),
    # members named by their heads: "A、B主要负责人为成员"
    Row(
        "成立常德市设备更新工作领导小组，由市人民政府市长任组长，市人民政府分管副市长任副组长，"
        "市发展改革委、市财政局、市市场监管局主要负责人为成员。领导小组办公室设在市发展改革委。",
        name="常德市设备更新工作领导小组",
        convener="市人民政府市长",
        deputies=["市人民政府分管副市长"],
        members=["市发展改革委", "市财政局", "市市场监管局"],
        office="市发展改革委",
        issuer="常德市人民政府办公室",
    ),
    # label lines under the sentence that sets the group up
    Row(
        "成立汝城县农业产业高质量发展工作专班，负责统筹推进。\n召集人：县人民政府分管副县长\n"
        "副召集人：县人民政府办公室分管副主任、县农业农村局局长\n成员单位：县发展和改革局、县财政局、县林业局\n"
        "专班办公室设在县农业农村局，负责日常工作。",
        name="汝城县农业产业高质量发展工作专班",
        convener="县人民政府分管副县长",
        deputies=["县人民政府办公室分管副主任", "县农业农村局局长"],
        members=["县发展和改革局", "县财政局", "县林业局"],
        office="县农业农村局",
        issuer="汝城县人民政府办公室",
    ),
    # the convener named inside the group's name phrase (成立由…任组长的…领导小组)
    Row(
        "成立由市长任组长的工作领导小组，领导小组办公室设在市发展改革委。",
        name="工作领导小组",
        convener="市长",
        office="市发展改革委",
        issuer="娄底市人民政府办公室",
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name or "")
def test_task_force(row: Row) -> None:
    tf = run(row.text, row.issuer)
    assert tf is not None
    got = (tf.name, tf.convener, tf.executive_deputy, tf.deputies, tf.members, tf.office)
    assert got == (row.name, row.convener, row.executive_deputy, row.deputies, row.members, row.office)
    assert tf.span is not None
    assert row.text[tf.span[0] : tf.span[1]].strip() == tf.raw


@pytest.mark.parametrize(
    "text",
    [
        "各部门要加强协同配合,形成工作合力,推动目标任务如期实现。",
        "由各工作专班召集人具体负责调度,相关情况及时报市政府。",
        "",
    ],
)
def test_no_task_force(text: str) -> None:
    assert run(text, SHAODONG) is None


def test_search_stays_inside_the_range() -> None:
    text = "成立甲工作专班,由分管副市长担任召集人。\n注重宣传引导。"
    start = text.index("注重")
    assert find_task_force(text, normalize(text), start, len(text), UnitRegistry.for_issuer(SHAODONG)) is None


# --- a post's shapes: a tuple searched by `_leftmost`, as one alternation of them -----------------

_POST_WORDS = ["由", "市政府分管副市长", "市发改局", "担任", "任", "为", "兼任", "常务副", "副", "召集人", "组长", "总指挥",
               "主要负责人", "、", ",", ";", "。", ":", "\n", " ", "成立", "工作专班"]


def _as_alternation(shapes: list[str]) -> regex.Pattern[str]:
    return regex.compile("|".join(shapes))  # `regex` takes a group name more than once


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_POST_WORDS), max_size=16).map("".join), st.integers(0, 8))
def test_a_post_is_found_as_by_one_alternation_of_its_shapes(s: str, pos: int) -> None:
    from qigong_parse.rules import load_table

    table = load_table("taskforce.yaml")
    fields = taskforce._fields()
    for post in ("convener", "executive_deputy", "deputies"):
        one = _as_alternation(table[post]).search(s, min(pos, len(s)))
        got = taskforce._leftmost(getattr(fields, post), s, min(pos, len(s)))
        assert (one and (one.span(), one.group("v"))) == (got and (got.span(), got.group("v"))), post


def test_a_post_keeps_the_earlier_shape_where_two_start_alike() -> None:
    a, b = regex.compile("(?P<v>ab)"), regex.compile("(?P<v>a)")
    found = taskforce._leftmost((b, a), "xab")
    assert found is not None and found.group("v") == "a"
    found = taskforce._leftmost((a, b), "xab")
    assert found is not None and found.group("v") == "ab"
