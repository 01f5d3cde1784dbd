"""The outline stage alone, on real snippets of the sample and on layouts of the genre."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.model.ir import NodeTree, PartSlice
from qigong_parse.parse.outline import build_outline, cn_to_int, int_to_cn
from qigong_parse.parse.state import ParseState


def outline(text: str) -> list[NodeTree]:
    sl = PartSlice(id="general", kind="general_plan", span=(0, len(text)), body_start=0)
    return list(build_outline(ParseState(text), sl).part.walk())


def shape(text: str) -> list[tuple[str, str, str, bool]]:
    return [("/".join(n.path), n.marker, n.title, n.damaged) for n in outline(text)]


# (source lines, expected [(path, marker, title, damaged)]) — real snippets of the sample and variants.
CASES = [
    pytest.param(
        "一、攻坚目标\n充分发挥消费的基础作用。\n二、攻坚任务\n    (提振消费促内需\n1.推动增收减负。突出就业优先导向。\n"
        "2.完善工作机制实施提振消费专项行动,建立“1+1+N+N”工作机制,打造一批特色消费街区,组织开展系列促消费活动,"
        "推动消费品以旧换新。\n3.创新消费场景。开展专项行动。\n"
        "4.丰富消费活动。以商品房为重点。\n    (二)提高投资效益扩内需\n1.大力推进“两重”建设。围绕重点任务。\n三、推进机制\n成立工作专班。",
        [("一", "一、", "攻坚目标", False), ("二", "二、", "攻坚任务", False),
         ("二/(一)", "(", "提振消费促内需", True), ("二/(一)/1", "1.", "推动增收减负", False),
         ("二/(一)/2", "2.", "完善工作机制", True), ("二/(一)/3", "3.", "创新消费场景", False),
         ("二/(一)/4", "4.", "丰富消费活动", False), ("二/(二)", "(二)", "提高投资效益扩内需", False),
         ("二/(二)/1", "1.", "大力推进“两重”建设", False), ("三", "三、", "推进机制", False)],
        id="lost-number-and-run-in-title",
    ),
    pytest.param(
        "(一)办好省定十大重点民生实事\n1.促进教育高质量发展\n1更新义务教育学校设备。补充配置电脑。\n"
        "2实施家庭教育指导服务“向阳花”行动。开展服务。\n2.促进高质量充分就业\n3统筹推进城乡就业。完成目标。\n"
        "4)推动创业带动就业。开展培训。\n3.提升居民健康水平\n5提升城乡居民基本公共卫生服务水平。提升经费。",
        [("(一)", "(一)", "办好省定十大重点民生实事", False), ("(一)/1", "1.", "促进教育高质量发展", False),
         ("(一)/1/(1)", "1", "更新义务教育学校设备", True),
         ("(一)/1/(2)", "2", "实施家庭教育指导服务“向阳花”行动", True),
         ("(一)/2", "2.", "促进高质量充分就业", False), ("(一)/2/(3)", "3", "统筹推进城乡就业", True),
         ("(一)/2/(4)", "4)", "推动创业带动就业", True),
         ("(一)/3", "3.", "提升居民健康水平", False),
         ("(一)/3/(5)", "5", "提升城乡居民基本公共卫生服务水平", True)],
        id="lost-brackets-running-numbering",
    ),
    pytest.param(
        "（一）文化创新赋能行动\n1．推动“非遗”项目数字化保护利用。围绕花鼓戏。\n2、推动本土旅游特色发展。开展活动。\n"
        "3．推动“轻工产品”数字化创意设计。推进文化赋能。",
        [("(一)", "（一）", "文化创新赋能行动", False), ("(一)/1", "1．", "推动“非遗”项目数字化保护利用", False),
         ("(一)/2", "2、", "推动本土旅游特色发展", False), ("(一)/3", "3．", "推动“轻工产品”数字化创意设计", False)],
        id="fullwidth-and-stray-separator",
    ),
    pytest.param(
        "一、主要目标\n2025年,全市经济总量稳步提升。\n10余个企业入选名单。\n5G基站新建200个。\n一是加强领导。\n"
        "(此件主动公开)\n二、重点任务\n(一)加快发展\n①培育主体。鼓励发展。\n②壮大产业。加快发展。",
        [("一", "一、", "主要目标", False), ("二", "二、", "重点任务", False),
         ("二/(一)", "(一)", "加快发展", False), ("二/(一)/①", "①", "培育主体", False),
         ("二/(一)/②", "②", "壮大产业", False)],
        id="numbers-that-are-not-headings",
    ),
    pytest.param(
        "第一章 总则\n第一条 为规范管理,制定本办法。\n第二条 本办法适用于全县。\n第二章 职责\n第三条 县发改局负责统筹。",
        [("第一章", "第一章", "总则", False), ("第一章/第一条", "第一条", "为规范管理,制定本办法", False),
         ("第一章/第二条", "第二条", "本办法适用于全县", False), ("第二章", "第二章", "职责", False),
         ("第二章/第三条", "第三条", "县发改局负责统筹", False)],
        id="chapters-and-articles",
    ),
    pytest.param(
        "一、工作目标\n到2025年底完成改造。\n二、重点任务\n(一)推进改造\n(二)加强监管\n(四)强化保障",
        [("一", "一、", "工作目标", False), ("二", "二、", "重点任务", False), ("二/(一)", "(一)", "推进改造", False),
         ("二/(二)", "(二)", "加强监管", False), ("二/(四)", "(四)", "强化保障", False)],
        id="skipped-number-kept",
    ),
    pytest.param(
        "一、攻坚目标\n正文。\n二攻坚任务\n(一)加快发展\n1.推动。正文\n三、推进机制\n一是加强领导\n二是强化考核\n成立专班。",
        [("一", "一、", "攻坚目标", False), ("二", "二", "攻坚任务", True), ("二/(一)", "(一)", "加快发展", False),
         ("二/(一)/1", "1.", "推动", False), ("三", "三、", "推进机制", False)],
        id="lost-dun-after-section-number-but-not-yi-shi",
    ),
    pytest.param(
        "一 、攻坚目标\n正文。\n（ 一 ）加快发展\n( 1 )事项。正文",
        [("一", "一 、", "攻坚目标", False), ("一/(一)", "（ 一 ）", "加快发展", False),
         ("一/(一)/(1)", "( 1 )", "事项", False)],
        id="spaces-inside-markers",
    ),
    pytest.param(  # 08-shanghai-2024-baiyulan: phase items that open with their year
        "一、计划安排\n（一）制定方案阶段\n1.2024年8月底前，各区完成梳理。\n2.2024年9月底前，制定方案。\n"
        "（二）实施阶段\n1.5倍以上的投入保障实施。",
        [("一", "一、", "计划安排", False), ("一/(一)", "（一）", "制定方案阶段", False),
         ("一/(一)/1", "1.", "2024年8月底前,各区完成梳理", False),
         ("一/(一)/2", "2.", "2024年9月底前,制定方案", False), ("一/(二)", "（二）", "实施阶段", False)],
        id="an-item-opening-with-a-year-but-not-a-decimal",
    ),
    pytest.param(  # 07-guobanfa-2019-2 四、: a heading of two phrases on a line of its own is not cut
        "一、加强组织领导\n正文。\n二、强化资金保障\n正文。\n三、政策衔接，三医联动\n正文。\n四、严格督查考核\n正文。",
        [("一", "一、", "加强组织领导", False), ("二", "二、", "强化资金保障", False),
         ("三", "三、", "政策衔接,三医联动", False), ("四", "四、", "严格督查考核", False)],
        id="a-short-heading-line-with-a-comma-is-whole",
    ),
    pytest.param(
        # among short headings, an item that is one sentence of clauses up to its 。: the sentence is
        # its title (nothing ran in: a lost 。 leaves no comma behind the heading)
        "一、加强组织领导\n正文。\n二、强化资金保障\n正文。\n三、严格督查考核\n正文。\n"
        "四、对未经批准擅自设立的各类机构，责令其限期整改到位；逾期仍不整改的，由主管部门依法予以撤销并向社会公告。",
        [("一", "一、", "加强组织领导", False), ("二", "二、", "强化资金保障", False),
         ("三", "三、", "严格督查考核", False), ("四", "四、",
          "对未经批准擅自设立的各类机构,责令其限期整改到位;逾期仍不整改的,由主管部门依法予以撤销并向社会公告", False)],
        id="a-sentence-item-among-short-headings-keeps-its-sentence",
    ),
    pytest.param(
        # the items of a list run together on one line, ; between them: each its own node, the ;
        # no part of a title
        "一、保留条件\n(1)有专职工作人员；(2)有独立、固定的办公住所；(3)有稳定的经费来源。",
        [("一", "一、", "保留条件", False), ("一/(1)", "(1)", "有专职工作人员", False),
         ("一/(2)", "(2)", "有独立、固定的办公住所", False), ("一/(3)", "(3)", "有稳定的经费来源", False)],
        id="list-items-run-together-after-semicolons",
    ),
    pytest.param(
        # a short heading line closed by a note in brackets: the note adds nothing to its length
        "一、加强组织领导\n正文。\n二、强化资金保障\n正文。\n三、严格督查考核\n正文。\n"
        "四、电脑派位实施（此点仅与教育部门举办的幼儿园相关）\n正文。",
        [("一", "一、", "加强组织领导", False), ("二", "二、", "强化资金保障", False),
         ("三", "三、", "严格督查考核", False), ("四", "四、", "电脑派位实施(此点仅与教育部门举办的幼儿园相关)", False)],
        id="a-heading-line-closed-by-a-bracketed-note-is-whole",
    ),
    pytest.param(
        # a long heading alone on its line among short ones: a heading noun near its end (项目, 服务)
        # leaves a word of two (激励, 模式), no body that ran in: the line is the title
        "一、车型研发激励\n正文。\n二、智能网联新能源商用车核心零部件新建及技改项目激励\n正文。\n三、智能驾驶系统平台激励\n"
        "正文。\n四、融资租赁激励\n正文。",
        [("一", "一、", "车型研发激励", False), ("二", "二、", "智能网联新能源商用车核心零部件新建及技改项目激励", False),
         ("三", "三、", "智能驾驶系统平台激励", False), ("四", "四、", "融资租赁激励", False)],
        id="a-long-heading-line-keeps-its-last-word",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_outline_shapes(source: str, expected: list[tuple[str, str, str, bool]]) -> None:
    assert shape(source) == expected


@pytest.mark.parametrize(
    ("source", "roles"),
    [
        ("一、攻坚目标\nx\n二、攻坚任务\n(一)甲\n三、推进机制\ny", ["goals", "tasks", "tasks", "mechanism"]),
        ("一、指导思想\nx\n二、主要目标\ny\n三、重点任务\nz\n四、保障措施\nw", ["other", "goals", "tasks", "mechanism"]),
        ("一、攻坚\nx\n二、攻坚任务\ny\n三、推进机制\nz", ["goals", "tasks", "mechanism"]),  # truncated title
        ("一、加快产业发展\nx\n二、组织实施\ny", ["tasks", "mechanism"]),
    ],
)
def test_roles_from_top_level_titles(source: str, roles: list[str]) -> None:
    assert [n.role for n in outline(source)] == roles


def test_truncated_section_title_is_flagged() -> None:
    nodes = outline("一、攻坚\nx\n二、攻坚任务\ny\n三、推进机制\nz")
    assert nodes[0].damaged and nodes[0].title == "攻坚"


def test_sentence_items_keep_their_full_first_sentence() -> None:
    # Items that are sentences (no short heading) keep everything up to the first 。
    source = ("(二)保障重点群体就业\n1.统筹抓好高校毕业生、农民工等重点群体就业帮扶,确保零就业家庭动态清零。(市人社局)\n"
              "2.强化产业、就业帮扶,促进脱贫人口持续增收。(市农业农村局)\n3.持续推动巩固拓展脱贫成果,守牢底线。(市农业农村局)")
    titles = [n.title for n in outline(source)][1:]
    assert titles[0] == "统筹抓好高校毕业生、农民工等重点群体就业帮扶,确保零就业家庭动态清零"
    assert not any(n.damaged for n in outline(source))


def test_title_keeps_exact_span_and_normalized_punctuation() -> None:
    source = "（一）推进产业发展“百十亿”工程，加快建设\n正文。"
    node = outline(source)[0]
    assert source[node.title_span[0]:node.title_span[1]] == "推进产业发展“百十亿”工程，加快建设"
    assert node.title == "推进产业发展“百十亿”工程,加快建设"


@pytest.mark.parametrize(("cn", "n"), [("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23),
                                       ("九十九", 99), ("一百", 100), ("一百一十", 110), ("一千零一", 1001), ("一千", 1000), ("7", 7), ("⑳", 20)])
def test_chinese_numerals(cn: str, n: int) -> None:
    assert cn_to_int(cn) == n


@given(st.integers(min_value=1, max_value=9999))
def test_numeral_round_trip(n: int) -> None:
    assert cn_to_int(int_to_cn(n)) == n


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["一、目标", "(一)任务", "1.事项。正文", "(1)细项", "①小项", "2025年完成",
                                 "(提振消费", "3实施", "16)加强", "正文段落。", "", "  ", "第一条 规定"]),
                max_size=25))
def test_node_spans_follow_each_other_without_gaps(lines: list[str]) -> None:
    text = "\n".join(lines)
    nodes = sorted(outline(text), key=lambda n: n.span[0])
    for a, b in itertools.pairwise(nodes):
        assert a.span[1] == b.span[0]
    if nodes:
        assert nodes[-1].span[1] == len(text)
        assert all(text.startswith(n.marker, n.span[0]) for n in nodes)


# Each marker style property of rules/markers.yaml pinned by a layout that reads otherwise without it.
STYLE_PROPERTY_CASES = [
    pytest.param("二、加快建设\n内容一。\n三、强化保障\n内容二。", [], id="cn_dun-may-not-skip"),
    pytest.param("第二部分 总体要求\n内容。\n第三部分 主要任务\n内容。", [], id="division-may-not-skip"),
    pytest.param("第二章 总则\n内容。\n第三章 附则\n内容。", [], id="chapter-may-not-skip"),
    pytest.param("一、总体要求\n内容。二、主要任务\n内容。", [("一", "总体要求"), ("二", "主要任务")],
                 id="cn_dun-inline"),
    pytest.param("一、任务\n(一)甲项\n内容。(二)乙项\n内容。",
                 [("一", "任务"), ("一/(一)", "甲项"), ("一/(二)", "乙项")], id="cn_paren-inline"),
    pytest.param("一、任务\n(1)甲项\n内容。(2)乙项\n内容。",
                 [("一", "任务"), ("一/(1)", "甲项"), ("一/(2)", "乙项")], id="arabic_paren-inline"),
    pytest.param("一、任务\n(1)甲项\n内容。\n(乙项\n内容。\n(3)丙项\n内容。",
                 [("一", "任务"), ("一/(1)", "甲项"), ("一/(2)", "乙项"), ("一/(3)", "丙项")],
                 id="arabic_paren-bracketed-hints-a-lost-number"),
    pytest.param("第1部分 总体要求\n内容。\n第2部分 主要任务\n内容。",
                 [("第一部分", "总体要求"), ("第二部分", "主要任务")], id="division-chinese-path"),
    pytest.param("第一章 总则\n第1节 范围\n内容。\n第2节 术语\n内容。",
                 [("第一章", "总则"), ("第一章/第一节", "范围"), ("第一章/第二节", "术语")],
                 id="section-chinese-path"),
]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("一、任务\n(一)建设产业园区:\n内容。\n(二)优化发展生态:\n内容。",
                 [("一", "任务"), ("一/(一)", "建设产业园区"), ("一/(二)", "优化发展生态")], id="at the line end"),
    pytest.param("一、任务\n(一)主要目标:到2026年,全市进出口额突破60亿元\n(二)重点任务\n内容。\n(三)保障措施\n内容。\n"
                 "(四)工作要求\n内容。",
                 [("一", "任务"), ("一/(一)", "主要目标"), ("一/(二)", "重点任务"), ("一/(三)", "保障措施"),
                  ("一/(四)", "工作要求")], id="where a run-in title is cut"),
    pytest.param("一、任务\n(一)招引头部平台企业:积极对接亚马逊、阿里巴巴国际站等平台,力争每年引进平台企业2家以上\n"
                 "(二)培育本土骨干企业\n内容。\n(三)推动产业带出海\n内容。\n(四)建设产业园区\n内容。",
                 [("一", "任务"), ("一/(一)", "招引头部平台企业"), ("一/(二)", "培育本土骨干企业"),
                  ("一/(三)", "推动产业带出海"), ("一/(四)", "建设产业园区")],
                 id="a run-in title is cut at its lead-in colon, not at a heading noun before it"),
])
def test_a_lead_in_colon_is_not_part_of_the_title(text: str, expected: list[tuple[str, str]]) -> None:
    assert [("/".join(n.path), n.title) for n in outline(text)] == expected


@pytest.mark.parametrize(("text", "expected"), STYLE_PROPERTY_CASES)
def test_marker_style_properties(text: str, expected: list[tuple[str, str]]) -> None:
    assert [("/".join(n.path), n.title) for n in outline(text)] == expected


_MARKER_CHARS = "第一二三四五六七八九十百千零〇两()（）0123456789①⑳、.,章节条部分篇 \t产业局"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MARKER_CHARS, max_size=8), st.integers(min_value=0, max_value=3))
def test_the_line_cue_names_the_first_marker_shape_that_matches(line: str, cut: int) -> None:
    """`_match_line` tries the marker shapes from the one the combined cue names: that must be the
    first shape whose own pattern matches there (none when the cue does not match)."""
    from qigong_parse.parse.outline import grammar

    g = grammar()
    assert g.line_cue is not None
    text = "x" + line
    end = max(1, len(text) - cut)  # the line may end before the text does
    shapes = [s.pattern for s in (*g.styles, *g.damaged)]
    first = next((i for i, p in enumerate(shapes) if p.match(text, 1, end)), None)
    cue = g.line_cue.match(text, 1, end)
    assert (None if cue is None else cue.lastindex - 1) == first


def test_the_semicolon_between_run_together_items_is_in_no_text() -> None:
    nodes = outline("一、保留条件\n(1)有专职工作人员；(2)有独立、固定的办公住所；(3)有稳定的经费来源。")
    assert [n.text for n in nodes[1:]] == ["", "", ""]
