"""Responsibility clauses: rows of real clauses from the sample notice and variants of the genre."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.model.output import Responsibility
from qigong_parse.parse.assemble import responsibility
from qigong_parse.parse.extract.responsibility import ClauseContext, find_responsibility
from qigong_parse.rules.units import UnitRegistry
from qigong_parse.text.normalize import normalize

SHAODONG = "邵东市人民政府办公室"
XINSHAO = "新邵县人民政府办公室"
LOUDI = "娄底市人民政府办公室"


@dataclass
class Row:
    text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    joint: list[str] = field(default_factory=list)
    issuer: str = SHAODONG
    none: bool = False


def run(text: str, issuer: str = SHAODONG, ctx: ClauseContext | None = None) -> Responsibility | None:
    ctx = ctx or ClauseContext(UnitRegistry.for_issuer(issuer))
    return responsibility(find_responsibility(text, normalize(text), 0, len(text), ctx))


SAMPLE = [
    # closing bracket lost; run-together names; truncations
    Row(
        "推动增收减负。有效减轻居民生活支出负担。(市人社牵头,市发改、市商务局、市财政国家金融监督管理总局邵东监管支局"
        "市住建局、市农业农村局、市民政、市医保局等按职责分工负责",
        lead=["市人社局"],
        support=[
            "市发改局",
            "市商务局",
            "市财政局",
            "国家金融监督管理总局邵东监管支局",
            "市住建局",
            "市农业农村局",
            "市民政局",
            "市医保局",
        ],
    ),
    Row(
        "丰富消费活动。创建廉桥省级中医药文化健康旅游示范区(市商务局牵头,市文旅广体局、市科工局等按职责分工负责)",
        lead=["市商务局"],
        support=["市文旅广体局", "市科工局"],
    ),
    # 牵头负责 and a clause cut short
    Row(
        "确保资金切实用于项目建设。(市发改、市财政局牵头负责,经开区管委会、城北片区管理办、城发集团、昭阳公司",
        lead=["市发改局", "市财政局"],
        support=["经开区管委会", "城北片区管理办", "城发集团", "昭阳公司"],
    ),
    # no 牵头: joint
    Row(
        "对违反财经纪律行为严肃追责问责。(市财政局、市审计局等按职能分工负责)", joint=["市财政局", "市审计局"]
    ),
    Row(
        "落实全国统一大市场建设指引。(市发改局、市市监局、市人民法院等按职责分工负责)",
        joint=["市发改局", "市市监局", "市人民法院"],
    ),
    # group names kept as written
    Row(
        "打造国家级产业集群1个。(市科工局、市发改局共同牵头,各产业链责任部门按职能分工负责)",
        lead=["市科工局", "市发改局"],
        support=["各产业链责任部门"],
    ),
    # no brackets, no comma
    Row(
        "提升本质安全水平。市应安委办牵头各负有监管职责行业部门按职能分工负责",
        lead=["市应安委办"],
        support=["各负有监管职责行业部门"],
    ),
    # both brackets lost; 等…部门 describes the list
    Row(
        "严防“小火亡人”。市应安委办牵头,市交通运输局、市公安局交警大队、市消防救援大队等负有监管职责行业部门按职能分工负责",
        lead=["市应安委办"],
        support=["市交通运输局", "市公安局交警大队", "市消防救援大队"],
    ),
    # 分别牵头, 、 lost between a name and a group
    Row(
        "推动企业强化安全管理。(市应安委办、市人社局分别牵头,国家金融监督管理总局邵东监管支局各负有监管职责行业部门按职能分工负责",
        lead=["市应安委办", "市人社局"],
        support=["国家金融监督管理总局邵东监管支局", "各负有监管职责行业部门"],
    ),
    # opening bracket lost
    Row(
        "提升新入市企业意愿。市住建局牵头,市政府办、市人民法院、市公安局等按职能分工负责)",
        lead=["市住建局"],
        support=["市政府办", "市人民法院", "市公安局"],
    ),
    # a damaged name: "、市发" lost
    Row(
        "杜绝假借破产名义逃废债务的现象。(市市监局牵头,市司法局改局等按职能分工负责",
        lead=["市市监局"],
        support=["市司法局", "市发改局"],
    ),
    # descriptors after 等 dropped
    Row(
        "实现一窗受理。(市数据局牵头,经开区管委会等相关单位等按职能分工负责)",
        lead=["市数据局"],
        support=["经开区管委会"],
    ),
    Row(
        "常态化帮扶指导重点行业。(市商务局、经开区管委会等专班成员单位按职责分工负责)",
        joint=["市商务局", "经开区管委会"],
    ),
    # two units run together; a lone bracket list with no convention stated is joint
    Row("提高农村寄递物流综合服务站覆盖率。(市交通运输邮政管理局", joint=["市交通运输局", "市邮政管理局"]),
    Row("新增蓄水能力。(市水利", joint=["市水利局"]),
    # no brackets at all: a trailing list of known units
    Row("开工建设农村主电网。国网邵东市供电公司", joint=["国网邵东市供电公司"]),
    Row("全力推动大学生留邵来邵创业教育局、市人社局、市商务局", joint=["市教育局", "市人社局", "市商务局"]),
    # fullwidth punctuation
    Row(
        "新增限额以上商贸企业45家以上。（市商务局牵头，市农业农村局、市交通运输局、邮政公司等按职责分工负责）",
        lead=["市商务局"],
        support=["市农业农村局", "市交通运输局", "邮政公司"],
    ),
    Row(
        "稳妥处置非法集资重大案件。（市政府办、国家金融监督管理总局邵东监管支局等按职能分工负责",
        joint=["市政府办", "国家金融监督管理总局邵东监管支局"],
    ),
    # other bracket shapes
    Row("完善配套制度。【市发改局牵头,市财政局配合】", lead=["市发改局"], support=["市财政局"]),
    Row("完善配套制度。〔市商务局牵头〕", lead=["市商务局"]),
    # label fields
    Row("补充配置电脑。牵头单位:市教育局", lead=["市教育局"]),
]

OTHER_PLACES = [
    Row(
        "建立项目库。\n牵头单位：县发改局\n配合单位：县财政局、县自然资源局",
        issuer=XINSHAO,
        lead=["县发改局"],
        support=["县财政局", "县自然资源局"],
    ),
    Row(
        "建立项目库。牵头单位:县发改局;责任单位:县财政局、县人社局",
        issuer=XINSHAO,
        lead=["县发改局"],
        support=["县财政局", "县人社局"],
    ),
    Row(
        "建立项目库。责任单位:县发改局(牵头)、县财政局",
        issuer=XINSHAO,
        lead=["县发改局"],
        support=["县财政局"],
    ),
    Row(
        "推进项目建设。(发改牵头,财政、自然资源等按职责分工负责)",
        issuer=XINSHAO,
        lead=["县发改局"],
        support=["县财政局", "县自然资源局"],
    ),
    Row(
        "推进项目建设。（县教育局牵头，县财政局、县人社局配合）",
        issuer=XINSHAO,
        lead=["县教育局"],
        support=["县财政局", "县人社局"],
    ),
    Row(
        "由县发改局牵头,县财政局、县自然资源局配合,建立重点项目库。",
        issuer=XINSHAO,
        lead=["县发改局"],
        support=["县财政局", "县自然资源局"],
    ),
    Row(
        "扩大有效投资。(国家发展改革委牵头,财政部、商务部按职责分工负责)",
        issuer="国务院办公厅",
        lead=["国家发展改革委"],
        support=["财政部", "商务部"],
    ),
    Row(
        "完善监管。(区市场监管局、区财政局按职责分工负责)",
        issuer="长沙市岳麓区人民政府办公室",
        joint=["区市场监管局", "区财政局"],  # a name written in full is kept as written
    ),
    # the prefecture's bureau named in a county notice keeps its level
    Row("对接上级政策。(市发改局牵头,县发改局配合)", issuer=XINSHAO, lead=["市发改局"], support=["县发改局"]),
    # the clause closes the item's first paragraph, not its last
    Row(
        "各部门要加强协同配合。（县发改局、县财政局）\n\n成立工作专班,由分管副县长担任召集人。",
        issuer=XINSHAO,
        joint=["县发改局", "县财政局"],
    ),
    # … also when the item's text ends with a line break (that break's paragraph end reads as the whole)
    Row(
        "各部门要加强协同配合。（县发改局、县财政局）\n成立工作专班,由分管副县长担任召集人。\n",
        issuer=XINSHAO,
        joint=["县发改局", "县财政局"],
    ),
    # an unknown county bureau is kept as written, never turned into a Shaodong name
    Row(
        "推进乡村振兴。(县乡村振兴局牵头,县农业农村局配合)",
        issuer=XINSHAO,
        lead=["县乡村振兴局"],
        support=["县农业农村局"],
    ),
    # a prefecture-level city: label lines on lines of their own under the item, a place name
    # before a development zone, 发展改革委 (a 委, not a 局)
    Row(
        "壮大先进制造业。力争新增规模以上工业企业120家。\n　　牵头单位：市工业和信息化局\n"
        "　　责任单位：各县市区人民政府、娄底经开区管委会\n",
        issuer=LOUDI,
        lead=["市工业和信息化局"],
        support=["各县市区人民政府", "娄底经开区管委会"],
    ),
    Row("壮大先进制造业。加快建设。\n牵头单位：市工信局；配合单位：市发改委、市财政局\n", issuer=LOUDI,
        lead=["市工信局"], support=["市发改委", "市财政局"]),
    Row("发展现代服务业。（市发展改革委牵头，市商务局、市文化旅游广电局配合）", issuer=LOUDI,
        lead=["市发展改革委"], support=["市商务局", "市文化旅游广电局"]),
    # 责任单位 beside 配合单位 leads; a group name or an unknown unit-shaped name with a duty phrase
    Row("推进园区建设。（责任单位：市发改委，配合单位：市财政局）", issuer=LOUDI,
        lead=["市发改委"], support=["市财政局"]),
    Row("加强监管。（各县市区人民政府、娄底经开区管委会负责落实）", issuer=LOUDI,
        joint=["各县市区人民政府", "娄底经开区管委会"]),
]

NOT_CLAUSES = [
    Row("力争创建一批五星级乡村旅游区(点)", none=True),
    Row("二甲以上公立综合医院设立心理健康咨询(治疗)门诊", none=True),
    Row("全面落实《湖南省实施“七大攻坚”总体方案(湘政办发〔2024〕2号)", none=True),
    Row("强化服务“四员”(政策宣传员、工作联络员、调查研究员、困难协调员)", none=True),
    Row("发挥“链长”牵头作用和“链主”企业主体作用", none=True),
    Row("由市长总牵头,常务副市长具体负责,分管副市长分线负责。", none=True),
    Row("坚持党委领导、政府负责", none=True),
    Row("完善标准体系(修)订", none=True),
    Row("智能制造生产线(车间)26个", none=True),
    Row("县域综合服务中心、县级物流配送中心、乡镇商贸中心", none=True),
]


@pytest.mark.parametrize("row", SAMPLE + OTHER_PLACES + NOT_CLAUSES, ids=lambda r: r.text[-24:])
def test_clause(row: Row) -> None:
    resp = run(row.text, row.issuer)
    if row.none:
        assert resp is None
        return
    assert resp is not None
    assert (resp.lead, resp.support, resp.joint) == (row.lead, row.support, row.joint)
    assert resp.span is not None
    assert row.text[resp.span[0] : resp.span[1]].strip("。 ") == resp.raw


def test_raw_is_the_clause_as_written() -> None:
    resp = run("丰富消费活动。示范区（市商务局牵头，市科工局等按职责分工负责）")
    assert resp is not None
    assert resp.raw == "市商务局牵头，市科工局等按职责分工负责"


def test_once_stated_convention_makes_bare_lists_lead() -> None:
    # the convention is stated inside item (1); it holds for the later items of its section
    from qigong_parse.pipeline import parse_text

    text = ("邵东市民生补短提质攻坚实施方案\n一、攻坚任务\n"
            "（1）更新义务教育学校设备。补充配置电脑。牵头单位:市教育局,以下括号内所列单位为牵头单位)\n"
            "（2）开展家庭教育指导服务和实践活动。(市妇联\n"
            "（3）心理健康咨询(治疗)门诊。(市卫健局、市教育局)\n"
            "（4）开工建设农村主电网。国网邵东市供电公司\n"
            "（5）推进整改销号。(邵阳市生态环境局邵东分局、市属各责任部门等按职能分工负责\n")
    nodes = parse_text(text).parts[0].walk()[1:]
    expected = [(["市教育局"], [], []), (["市妇联"], [], []), (["市卫健局", "市教育局"], [], []),
                (["国网邵东市供电公司"], [], []),
                ([], [], ["邵阳市生态环境局邵东分局", "市属各责任部门"])]  # 按职能分工负责 stays joint
    got = [(n.responsibility.lead, n.responsibility.support, n.responsibility.joint) if n.responsibility else None
           for n in nodes]
    assert got == expected


def test_without_convention_bare_lists_are_joint() -> None:
    resp = run("心理健康咨询(治疗)门诊。(市卫健局、市教育局)")
    assert resp is not None
    assert (resp.lead, resp.joint) == ([], ["市卫健局", "市教育局"])


def test_unknown_units_are_warned() -> None:
    ctx = ClauseContext(UnitRegistry.for_issuer(XINSHAO))
    resp = run("推进茶产业发展。(县茶叶产业发展中心牵头,县农业农村局配合)", ctx=ctx)
    assert resp is not None
    assert [w.code for w in ctx.warnings] == ["unknown-unit"]
    assert "县茶叶产业发展中心" in ctx.warnings[0].message


def test_no_shaodong_name_leaks_into_a_county_notice() -> None:
    resp = run("推进科技创新。(科工、发改牵头,财政等按职责分工负责)", XINSHAO)
    shaodong = (
        UnitRegistry.for_issuer(SHAODONG).canonical_names - UnitRegistry.for_issuer(XINSHAO).canonical_names
    )
    names = set(resp.lead + resp.support + resp.joint) if resp else set()
    assert not names & shaodong
    assert "县发改局" in names or resp is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_never_raises_and_spans_stay_inside(text: str) -> None:
    resp = run(text)
    if resp is not None:
        assert resp.span is not None
        assert 0 <= resp.span[0] <= resp.span[1] <= len(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "市发改局",
                "市财政局",
                "市科工局",
                "国家金融监督管理总局邵东监管支局",
                "市住建局",
                "邵阳市生态环境局邵东分局",
                "市教育局",
            ]
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["(", "（", "[", ""]),
    st.sampled_from(["牵头", ""]),
    st.sampled_from(["等按职责分工负责", "按职能分工负责", "配合"]),
)
def test_registry_lists_give_canonical_units(units: list[str], opening: str, lead: str, duty: str) -> None:
    registry = UnitRegistry.for_issuer(SHAODONG)
    clause = (
        f"{units[0]}{lead}," + "、".join(units[1:]) + duty
        if lead and len(units) > 1
        else "、".join(units) + duty
    )
    resp = run("推进项目建设。" + opening + clause + (")" if opening else ""))
    assert resp is not None
    found = resp.lead + resp.support + resp.joint
    assert set(found) <= registry.canonical_names
    assert set(found) == set(units)


def test_duty_sentence_needs_are_in_every_match() -> None:
    """A duty-sentence pattern is searched only where one of its `needs` words stands: every match
    over the sample and the held-out notices holds one (else the test before the search would lose it)."""
    from pathlib import Path

    import yaml

    import qigong_parse
    from qigong_parse.text.normalize import normalize as norm

    table = yaml.safe_load((Path(qigong_parse.__file__).parent / "rules" / "clauses.yaml").read_text(encoding="utf-8"))
    data = Path(__file__).parent / "data"
    from qigong_parse.read import decode

    texts = [norm(decode(p.read_bytes()).text) for p in sorted((data / "heldout").glob("*.txt"))]
    texts.append(norm((Path(__file__).parent.parent / "data" / "raw" / "shaodong-2025-qidagongjian.txt")
                      .read_text(encoding="utf-8")))
    import regex

    matched = 0
    for record in table["duty_sentences"]:
        pattern = regex.compile(record["pattern"])
        for text in texts:
            for m in pattern.finditer(text):
                matched += 1
                assert any(w in m.group() for w in record["needs"]), (record["pattern"], m.group())
    assert matched >= 5  # the patterns do match these notices (the 会同 forms): the check is not empty


_FORM_WORDS = ["县发改局", "市财政局", "、", ",", "牵头", "为牵头单位", "负责", "指导", "配合", "参与", "协助", "按职责分工",
               "落实", "推进", "共同", "分别", "联合", "各乡镇", "具体", "实施", " ", "牵", "头", "指", "导", "负", "责"]


_UNITS = st.lists(st.sampled_from(["县发改局", "市财政局", "各乡镇", "、", "牵", "指", "负"]), min_size=1, max_size=3).map("".join)
_MARKS = st.lists(st.sampled_from(_FORM_WORDS[4:]), max_size=3).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_FORM_WORDS), min_size=1, max_size=10).map("".join),
                 st.tuples(_UNITS, _MARKS, st.sampled_from(["", ","]), _UNITS, _MARKS).map("".join)))
def test_clause_form_needs_are_in_every_match(field_text: str) -> None:
    """A clause form is tried only on a field that holds one of its `needs` words: every field a
    form matches holds one (else the test before the match would lose it)."""
    from qigong_parse.parse.extract.clauses import grammar

    g = grammar()
    assert any(g.form_needs)
    for form, needs in zip(g.forms, g.form_needs, strict=True):
        if needs and form.pattern.fullmatch(field_text):
            assert any(w in field_text for w in needs), (form.name, field_text)


def test_clause_form_needs_hold_on_real_clauses() -> None:
    """Likewise over every bracket of the sample and the held-out notices, read as fields."""
    from pathlib import Path

    from qigong_parse.parse.extract.clauses import bracket_spans, grammar
    from qigong_parse.read import decode
    from qigong_parse.text.normalize import normalize as norm

    data = Path(__file__).parent / "data"
    texts = [norm(decode(p.read_bytes()).text) for p in sorted((data / "heldout").glob("*.txt"))]
    texts.append(norm((Path(__file__).parent.parent / "data" / "raw" / "shaodong-2025-qidagongjian.txt")
                      .read_text(encoding="utf-8")))
    g = grammar()
    matched = 0
    for text in texts:
        for a, b in bracket_spans(text, 0, len(text)):
            for field_text in text[a:b].split(";"):
                for form, needs in zip(g.forms, g.form_needs, strict=True):
                    if needs and form.pattern.fullmatch(field_text.strip(" ,。")):
                        matched += 1
                        assert any(w in field_text for w in needs), (form.name, field_text)
    assert matched > 50  # the forms do match these notices: the check is not empty


def test_not_unit_verdicts_are_kept_for_registry_forms_only() -> None:
    """The verdicts of the not-units test kept between lists are the search's own, and only for
    written forms of a registry (no document text is kept)."""
    from pathlib import Path

    from qigong_parse.parse.extract.clauses import _form_names, grammar
    from qigong_parse.pipeline import parse_text

    sample = Path(__file__).parent.parent / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
    g = grammar()
    registry = UnitRegistry.for_issuer("邵东市人民政府")
    g.form_is_not_unit.clear()  # what other tests' documents left: this one's registry only
    _form_names(registry).clear()  # (the forms named before are not tested again)
    parse_text(sample.read_text(encoding="utf-8"))
    assert g.form_is_not_unit
    for piece, verdict in g.form_is_not_unit.items():
        assert registry.is_written_form(piece)
        assert verdict == (g.not_units.search(piece) is not None)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["牵头单位", "配合单位", "责任单位", "县发改局", "、", ",", " ", ":", ";", "。"]),
                max_size=8).map("".join))
def test_label_fields_need_a_colon(region: str) -> None:
    """`_labels` looks for label fields only in a text with a colon: every label match holds one."""
    from qigong_parse.parse.extract.responsibility import _shapes

    labels = _shapes().labels
    assert labels.pattern.endswith(r"\s*[:]\s*")
    assert all(":" in m.group() for m in labels.finditer(region))


_CONVENTION_WORDS = ["注:", "注", "\n", "责任单位", "单位", "部门", "排", "列", "在", "第一位", "首位", "第一", "首个", "的",
                     "为牵头", "为", "牵头", "单位", ",", "下同", "以下", "各项", "括号", "内", "所列", "均", "任务", "均需",
                     "县发改局", "负责", "落实", "不再", "列出", "不再列举", "一一"]


def _slots(*slots: list[str]) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from(s) for s in slots)).map("".join)


_STATEMENTS = st.one_of(
    _slots(["", "注:", "\n注:", "\n注"], ["", "责任单位", "单位", "部门"], ["排", "列"], ["", "在", "于"],
           ["第一位", "首位", "第一个", "最前", "第一"], ["", "的"], ["", "单位", "部门", "者"],
           ["为牵头单位", "为牵头部门", "为单位", "牵头单位"], ["", ",下同", "下同"]),
    _slots(["第一", "首个", "首位"], ["", "责任"], ["单位", "部门"], ["为牵头单位", "为牵头部门", "为单位"], ["", ",下同"]),
    _slots(["", "以下", "以下各项"], ["括号", "括弧"], ["", "内"], ["", "所列", "注明"], ["", "的"], ["单位", "部门"],
           ["", "均"], ["为牵头单位", "为牵头部门", "为单位"]),
    _slots(["以下"], ["", "各项"], ["", "任务"], ["均需", "均由"], ["县发改局", "县财政局、县发改局"], ["", "负责"],
           ["落实", "配合"], ["", ","], ["不再列出", "不再列举", "不再注明", "不再一一列出", "不列出"]),
    st.lists(st.sampled_from(_CONVENTION_WORDS), min_size=1, max_size=12).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(_STATEMENTS)
def test_convention_needs_are_in_every_match(text: str) -> None:
    """A convention is looked for only in a part holding one of its `needs` words: every statement
    a convention's pattern finds holds one (else the test before the scan would lose it)."""
    from qigong_parse.parse.extract.clauses import grammar

    conventions = grammar().conventions
    assert all(c.needs for c in conventions)
    for conv in conventions:
        for m in conv.pattern.finditer(text):
            assert any(w in m.group() for w in conv.needs), (conv.name, m.group())


_BRACKET_OR_BREAK = regex.compile(r"[\(\[〔<\)\]〕>\n]")  # the pattern bracket_spans scanned by


def _bracket_spans_by_pattern(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """bracket_spans as it was: the brackets and breaks found by the pattern's scan (the oracle)."""
    from qigong_parse.parse.extract.clauses import grammar

    g = grammar()
    closers = set(g.openers.values())
    out: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for m in _BRACKET_OR_BREAK.finditer(norm, start, end):
        ch = m.group()
        if ch == "\n":
            stack.clear()
        elif ch in g.openers:
            stack.append((ch, m.start()))
        elif ch in closers and stack and g.openers[stack[-1][0]] == ch:
            _, at = stack.pop()
            if not stack:
                out.append((at + 1, m.start()))
    return out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="([〔<)]〕>\n【】（）县局a ,", max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_bracket_spans_found_by_find_as_by_the_pattern(norm: str, start: int, end: int) -> None:
    from qigong_parse.parse.extract.clauses import bracket_spans

    start, end = min(start, len(norm)), min(max(start, end), len(norm))
    assert bracket_spans(norm, start, end) == _bracket_spans_by_pattern(norm, start, end)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="([〔<)]〕>\n【】（）县局a ,", max_size=40), st.integers(0, 40), st.integers(0, 40),
       st.integers(0, 40), st.integers(0, 40))
def test_bracket_spans_by_a_parts_marks_as_by_a_scan(norm: str, start: int, end: int, m_start: int, m_end: int) -> None:
    """The spans of a node found among the marks of its part (bisection) are the spans its own scan
    finds; marks over a range that does not hold the node's are not used."""
    from qigong_parse.parse.extract.clauses import bracket_marks, bracket_spans

    start, end = min(start, len(norm)), min(max(start, end), len(norm))
    m_start, m_end = min(m_start, len(norm)), min(max(m_start, m_end), len(norm))
    marks = bracket_marks(norm, m_start, m_end)
    assert marks[2] == sorted(i for i in range(m_start, m_end) if norm[i] in "([〔<)]〕>\n")
    assert bracket_spans(norm, start, end, marks) == _bracket_spans_by_pattern(norm, start, end)
    whole = bracket_marks(norm, 0, len(norm))
    assert bracket_spans(norm, start, end, whole) == _bracket_spans_by_pattern(norm, start, end)


def test_bracket_characters_are_the_patterns() -> None:
    from pathlib import Path

    from qigong_parse.parse.extract.clauses import _BRACKET_OR_BREAK_CHARS

    sample = (Path(__file__).parent.parent / "data" / "raw" / "shaodong-2025-qidagongjian.txt").read_text("utf-8")
    universe = set(normalize(sample)) | set(_BRACKET_OR_BREAK_CHARS) | set("【】（）〈〉《》{}\r\t")
    assert {c for c in universe if _BRACKET_OR_BREAK.fullmatch(c)} == set(_BRACKET_OR_BREAK_CHARS)


@pytest.mark.parametrize("text", [
    "县财政局负责专项资金的预算管理和绩效评价。",
    "县审计局应当对专项资金的使用情况进行审计。",
    "县工信局是专项资金的项目主管部门。",
    "本办法由县工信局、县财政局负责解释。",
    "项目由各镇（街道）负责初审，县工信局复核。",
    "由县发改局负责统筹调度，加强督查。",
])
def test_a_sentence_that_only_names_a_unit_doing_something_is_not_recorded(text: str) -> None:
    """gold/README records only the explicit sentence forms (由A牵头，B配合; A（要）会同B…), in a plan's
    items as in a 办法's articles (the blind golds of 29-guofa-2018-41, 44, 07, 16, 48 read so)."""
    assert run(text, XINSHAO) is None


@pytest.mark.parametrize(("text", "lead", "support"), [
    # a sector's department as the subject, the action after B one of the genre's verbs (处理)
    ("对撤销登记的机构，业务主管部门要会同有关单位处理好善后工作。", ["业务主管部门"], ["有关单位"]),
    ("国务院教育行政部门会同有关部门制定标准。", ["国务院教育行政部门"], ["有关部门"]),
    # a task given by 请 (a State Council office's notice), B followed by a preposition (按照, 根据)
    ("请人力资源社会保障部会同有关部门按照有关文件精神，抓好落实。", ["人力资源社会保障部"], ["有关部门"]),
    ("财政部会同有关部门根据实际情况调整标准。", ["财政部"], ["有关部门"]),
])
def test_a_sectors_department_leads_a_huitong_sentence(text: str, lead: list[str], support: list[str]) -> None:
    resp = run(text, "国务院办公厅")
    assert resp is not None
    assert (resp.lead, resp.support) == (lead, support)


@pytest.mark.parametrize("text", ["全面履行政府职能", "严格执行政府职能"])
def test_a_word_ending_with_the_verb_xing_is_no_banks_name(text: str) -> None:
    """行 ends a bank's name (人行南昌中心支行), and the verbs 履行, 执行 …: 全面履行政府职能 (a chapter title)
    names no unit doing 职能."""
    assert run(text, "国务院办公厅") is None


@pytest.mark.parametrize(("text", "lead", "support"), [
    # a group naming bodies (各市…部门, 各区人民政府) leads a 会同 sentence as written, in both forms
    ("各市商务主管部门负责组织实施家电以旧换新工作，会同有关部门做好补贴资金审核、兑付。",
     ["各市商务主管部门"], ["有关部门"]),
    ("由各区人民政府会同有关部门制定实施细则。", ["各区人民政府"], ["有关部门"]),
    # 负责X，并会同B…: the 并 joining the second duty
    ("市商务局负责组织实施补贴政策工作，并会同有关部门做好补贴资金审核。", ["市商务局"], ["有关部门"]),
    # an article headed by its unit, its text opening with the duty (第十一条 市商务局 / 负责…，会同B…)
    ("市商务局\n负责组织实施补贴政策工作，会同有关部门做好补贴资金审核。", ["市商务局"], ["有关部门"]),
])
def test_the_subject_of_a_huitong_sentence(text: str, lead: list[str], support: list[str]) -> None:
    resp = run(text, "济南市商务局")
    assert resp is not None
    assert (resp.lead, resp.support) == (lead, support)


@pytest.mark.parametrize("text", ["各工作专班召集人会同有关部门做好对接。"])
def test_a_group_of_people_leads_no_huitong_sentence(text: str) -> None:
    """各工作专班召集人 names people, not bodies: no unit leads."""
    resp = run(text, "济南市商务局")
    assert resp is None or not resp.lead


@pytest.mark.parametrize(("text", "lead", "support"), [
    # an adverb before 会同 (已, 将, 正 …): the same explicit form, in any tense
    ("市发改局已会同市财政局制定实施细则。", ["市发改局"], ["市财政局"]),
    # B followed by 继续 and the action
    ("市商务局将会同有关部门继续探索绩效评估办法。", ["市商务局"], ["有关部门"]),
])
def test_a_huitong_sentence_in_any_tense(text: str, lead: list[str], support: list[str]) -> None:
    resp = run(text, "济南市商务局")
    assert resp is not None
    assert (resp.lead, resp.support) == (lead, support)


def test_a_huitong_sentence_after_a_comma_does_not_start_with_it() -> None:
    resp = run("对撤销登记的机构加强统筹，业务主管部门要会同有关单位处理好善后工作。", "国务院办公厅")
    assert resp is not None and resp.raw == "业务主管部门要会同有关单位"
