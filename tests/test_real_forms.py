"""Rule fixtures for the forms real documents take (issuing forms, head fields, outline layouts,
clause grammar, once-stated conventions). Each row is written from the genre's conventions
(../shared/gold/README.md), not copied from a corpus file, and each fails without the rule it names.
"""

from __future__ import annotations

import datetime as dt

import pytest

from qigong_parse.model.output import Document, Node
from qigong_parse.pipeline import parse_text


def nodes(doc: Document, part: str = "general") -> list[Node]:
    p = doc.part(part)
    assert p is not None, [q.id for q in doc.parts]
    return p.walk()


def resp(node: Node) -> tuple[list[str], list[str], list[str]] | None:
    r = node.responsibility
    return (r.lead, r.support, r.joint) if r else None


DIRECT = ("某某省人民政府关于加快推进\n数字经济发展的实施意见\n某政发〔2024〕3号\n\n"
          "各市、县（区）人民政府，省政府各部门：\n为加快数字经济发展，现提出如下意见。\n"
          "一、总体要求\n坚持创新驱动。\n二、重点任务\n（一）建设数字基础设施。新建基站1000个。\n"
          "（二）培育数字产业。\n某某省人民政府\n2024年3月5日\n（此件公开发布）\n")


def test_a_document_issued_directly_has_its_body_as_the_plan() -> None:
    doc = parse_text(DIRECT)
    n = doc.notice
    assert n is not None and n.form == "direct"
    assert (n.issuer, n.doc_number, n.date) == ("某某省人民政府", "某政发〔2024〕3号", dt.date(2024, 3, 5))
    assert n.title == "关于加快推进数字经济发展的实施意见"
    assert n.recipients == ["各市、县（区）人民政府", "省政府各部门"]
    assert [x.path for x in nodes(doc)] == [["一"], ["二"], ["二", "(一)"], ["二", "(二)"]]
    assert n.signature_span is not None
    assert DIRECT[n.signature_span[0]:n.signature_span[1]].startswith("某某省人民政府\n2024年3月5日")


def test_a_covering_notice_printing_its_plan_inline() -> None:
    text = ("某某市人民政府办公室关于印发某某市稳增长行动方案的通知\n各区人民政府，市直各单位：\n"
            "现将《某某市稳增长行动方案》印发给你们，请认真贯彻执行。\n某某市人民政府办公室\n2024年1月8日\n"
            "某某市稳增长行动方案\n一、主要目标\n全市地区生产总值增长6%。\n二、工作措施\n（一）扩大投资。\n")
    doc = parse_text(text)
    assert doc.notice is not None and doc.notice.form == "covering" and doc.notice.date == dt.date(2024, 1, 8)
    assert doc.parts[0].title == "某某市稳增长行动方案"
    assert [x.path for x in nodes(doc)] == [["一"], ["二"], ["二", "(一)"]]


def test_a_forwarding_notice_and_the_document_it_carries() -> None:
    text = ("某某县人民政府办公室转发县教育局关于加强校园安全工作意见的通知\n各乡镇人民政府：\n"
            "县教育局《关于加强校园安全工作的意见》已经县人民政府同意，现转发给你们。\n"
            "某某县人民政府办公室\n2023年9月1日\n关于加强校园安全工作的意见\n县人民政府：\n"
            "一、健全责任体系\n二、开展隐患排查\n")
    doc = parse_text(text)
    assert doc.notice is not None and doc.notice.form == "forwarding"
    assert [x.path for x in nodes(doc)] == [["一"], ["二"]]


def test_a_covering_notice_whose_body_is_the_numbered_measures() -> None:
    text = ("某某省人民政府办公厅关于印发支持企业复工复产十项措施的通知\n各市、县（区）人民政府：\n"
            "为支持企业复工复产，特制定以下措施。\n一、加大信贷支持。\n二、减免房租。\n三、稳定用工。\n"
            "2020年2月3日\n")
    doc = parse_text(text)
    assert doc.notice is not None and doc.notice.form == "direct"
    assert [x.title for x in nodes(doc)] == ["加大信贷支持", "减免房租", "稳定用工"]


def test_a_reply_with_a_short_recipient_and_a_red_header() -> None:
    text = "某某区卫生局文件\n某卫发〔2011〕7号\n关于同意某某同志辞职的批复\n区人民医院：\n你院请示收悉。同意。\n某某区卫生局\n2011年3月10日\n"
    n = parse_text(text).notice
    assert n is not None
    assert (n.title, n.doc_number, n.recipients, n.date) == (
        "关于同意某某同志辞职的批复", "某卫发〔2011〕7号", ["区人民医院"], dt.date(2011, 3, 10))


def test_joint_issuers_of_a_red_header_one_a_line() -> None:
    text = ("某某市商务局\n某某市财政局\n文件\n某商字〔2025〕5号\n关于印发《某某市补贴细则》的通知\n"
            "各区商务主管部门：\n现将细则印发给你们。\n某某市补贴细则\n一、补贴范围\n二、补贴标准\n")
    n = parse_text(text).notice
    assert n is not None and n.issuer == "某某市商务局、某某市财政局"


def test_recipients_keep_fixed_groups_whole() -> None:
    text = ("某某区人民政府关于做好防汛工作的通知\n各街道、华泾镇，区政府各委、办、局，各乡、镇人民政府：\n"
            "一、压实责任\n二、排查隐患\n某某区人民政府\n2024年5月1日\n")
    n = parse_text(text).notice
    assert n is not None and n.recipients == ["各街道", "华泾镇", "区政府各委、办、局", "各乡、镇人民政府"]


def test_front_matter_of_a_repository_is_set_aside_and_fills_a_missing_doc_number() -> None:
    text = ("---\n标题: 某某区民政局关于印发《养老机构安全整治方案》的通知\n文号: 某民〔2023〕42号\n---\n\n"
            "> 本文由脚本提取，仅供检索。\n\n# 某某区民政局关于印发《养老机构安全整治方案》的通知\n\n"
            "全区各养老服务机构：\n\n现将方案印发给你们。\n\n某某区民政局\n\n2023年9月4日\n\n"
            "养老机构安全整治方案\n\n一、总体要求\n\n二、整治内容\n")
    doc = parse_text(text)
    assert doc.notice is not None
    assert doc.notice.doc_number == "某民〔2023〕42号" and doc.notice.issuer == "某某区民政局"
    assert "head-from-front-matter" in {w.code for w in doc.warnings}
    assert doc.unassigned[0].reason.startswith("front matter") or doc.unassigned[1].reason.startswith("front matter")
    assert [x.path for x in nodes(doc)] == [["一"], ["二"]]


def test_a_doc_number_from_the_page_metadata() -> None:
    text = ("当前位置：首页\n索引号: 0145/2020-01 \t文 号: 某府厅发〔2020〕4号\n成文日期: 2020-02-05\n\n"
            "某某省人民政府办公厅关于推进改革的实施意见\n各市人民政府：\n一、总体要求\n二、主要任务\n")
    doc = parse_text(text)
    assert doc.notice is not None and doc.notice.doc_number == "某府厅发〔2020〕4号"
    assert "head-from-page" in {w.code for w in doc.warnings}


def test_decimal_numbering_and_a_table_of_contents() -> None:
    text = ("某某粮食应急预案\n目　　录\n1　总则\n　　1.1　编制目的\n2　组织机构\n\n"
            "1　总则\n1.1　编制目的\n为了应对突发事件。\n1.2　等级划分\n1.2.1　国家级：两个以上省出现应急状态。\n"
            "1.2.2　省级：一个省出现应急状态。\n2　组织机构\n2.1　指挥部\n（1）掌握市场形势。\n")
    got = [x.path for x in nodes(parse_text(text))]
    assert got == [["1"], ["1", "1"], ["1", "2"], ["1", "2", "1"], ["1", "2", "2"], ["2"], ["2", "1"],
                   ["2", "1", "(1)"]]


def test_a_lone_decimal_figure_line_is_no_heading() -> None:
    text = "某某方案\n一、目标\n1.5万亩高标准农田全部建成。\n二、措施\n"
    assert [x.path for x in nodes(parse_text(text))] == [["一"], ["二"]]


def test_sections_headed_by_bare_lines() -> None:
    text = ("某某整治工作方案\n\n总体要求\n\n全面排查风险。\n\n重点整治内容\n\n1.对未落实责任的，责令改正。\n\n"
            "2.对违规用气的，依法处罚。\n\n工作要求\n\n(一)提高站位。\n\n(二)压实责任。\n")
    got = [(x.path, x.marker, x.title) for x in nodes(parse_text(text))]
    assert got[:3] == [(["一"], "", "总体要求"), (["二"], "", "重点整治内容"), (["二", "1"], "1.", "对未落实责任的,责令改正")]
    assert got[-1][0] == ["三", "(二)"]


def test_a_table_flattened_one_cell_per_line() -> None:
    text = ("某某推广清单\n序号\n\t改革举措\n\t主要内容\n\t指导部门\n\n一、知识产权方面（共1项）\n\n"
            "1\n\t专利保险机制\n\t开发专利保险\n\t国家知识产权局、中国银保监会\n\n"
            "附表\n省（市）\n\t人数\n\n四川\n\t90\n")
    got = nodes(parse_text(text))
    assert [x.path for x in got] == [["一"], ["一", "1"]]  # 四川 ⏎ ⇥90 is a table row, not a heading
    assert resp(got[1]) == ([], [], ["国家知识产权局", "中国银保监会"])


def test_a_title_runs_to_the_first_full_stop_not_to_a_colon() -> None:
    text = "某某通知\n一、推广举措\n（一）知识产权保护方面2项：专利保险；技术调查官。\n"
    assert nodes(parse_text(text))[1].title == "知识产权保护方面2项:专利保险;技术调查官"


CLAUSES = [
    pytest.param("（一）推进改革。甲。（省发展改革委、省商务厅按职责分工负责）乙。（省商务厅、省体育局负责）",
                 ([], [], ["省发展改革委", "省商务厅", "省体育局"]), id="several clauses: union in order"),
    pytest.param("（一）开放试点。（负责部门：人力资源社会保障部、商务部；适用范围：所有自贸试验区）",
                 ([], [], ["人力资源社会保障部", "商务部"]), id="labelled clause with a scope field"),
    pytest.param("（一）育人。（责任单位：省教育厅，各市、县〔区〕政府，赣江新区管委会）",
                 ([], [], ["省教育厅", "各市、县〔区〕政府", "赣江新区管委会"]), id="labels with commas and tortoise brackets"),
    pytest.param("（一）担保。（责任单位：省金融监管局、省财政厅和各市、县〔区〕人民政府）",
                 ([], [], ["省金融监管局", "省财政厅", "各市、县〔区〕人民政府"]), id="和 between whole names"),
    pytest.param("（一）文旅。（省文化和旅游厅、省工业和信息化厅负责）",
                 ([], [], ["省文化和旅游厅", "省工业和信息化厅"]), id="和 inside a name stays"),
    pytest.param("（一）融资。（人行某某中心支行、省财政厅按职责分工牵头，省商务厅等省直有关部门配合）",
                 (["人行某某中心支行", "省财政厅"], ["省商务厅"], []), id="按职责分工牵头 and a trailing group"),
    pytest.param("（一）教育。（省教育厅指导，各设区市参与）", (["省教育厅"], ["各设区市"], []), id="A指导，B参与"),
    pytest.param("（一）协调。（责任单位：市发改委，配合单位：市财政局）", (["市发改委"], ["市财政局"], []),
                 id="责任单位 beside 配合单位 leads"),
    pytest.param("（一）宣传。（以下简称“三合一”负责制）", None, id="an aside is no clause"),
    pytest.param("（一）改革。机构要完善治理结构，聘请市场化专业团队负责机构管理，提高运作水平。"
                 "（责任单位：省金融监管局、省财政厅和各市、县〔区〕人民政府）",
                 ([], [], ["省金融监管局", "省财政厅", "各市、县〔区〕人民政府"]),
                 id="sentence words ending like a name are no unit"),
    pytest.param("（一）服务。（各有关部门和单位，各省级人民政府按职责分工负责）",
                 ([], [], ["各有关部门和单位", "各省级人民政府"]), id="和 before a bare class word stays (有关部门和单位)"),
]


def test_a_unit_name_that_lost_characters_from_its_middle_is_repaired_and_said_so() -> None:
    doc = parse_text("邵东市科技创新实施方案\n一、任务\n（一）建平台。（市科工局、智能造研究院按职责分工负责）\n")
    assert resp(nodes(doc)[1]) == ([], [], ["市科工局", "智能制造研究院"])
    assert [(w.code, w.message) for w in doc.warnings] == [
        ("repaired-unit", "damaged unit name '智能造研究院' read as 智能制造研究院 (制 lost from its middle)")]


@pytest.mark.parametrize(("item", "expected"), CLAUSES)
def test_clause_grammar(item: str, expected: tuple[list[str], list[str], list[str]] | None) -> None:
    doc = parse_text("某某省实施意见\n一、任务\n" + item + "\n")
    assert resp(nodes(doc)[1]) == expected


def test_first_listed_leads_stated_inside_the_first_clause_holds_from_there_on() -> None:
    text = ("某某省实施意见\n一、任务\n（一）甲。（省财政厅、省商务厅负责）\n"
            "（二）乙。（省发展改革委、省商务厅按职责分工负责，列第一的为牵头单位，下同）\n"
            "（三）丙。（海关总署负责）\n（四）丁。（省商务厅、省体育局负责）\n")
    got = [resp(x) for x in nodes(parse_text(text))[1:]]
    assert got == [([], [], ["省财政厅", "省商务厅"]),  # before the statement: joint
                   (["省发展改革委"], ["省商务厅"], []),  # the stating clause itself
                   (["海关总署"], [], []),  # a lone unit under the rule leads
                   (["省商务厅"], ["省体育局"], [])]


def test_a_note_under_a_table_holds_for_the_whole_part() -> None:
    text = ("某某工作要点\n序号\t工作任务\t责任单位\n1\t优化审批\t市审批局、市数据局\n"
            "2\t数据共享\t市数据局、市审批局\n注：责任单位排在第一位的为牵头单位。\n")
    got = [resp(x) for x in nodes(parse_text(text))]
    assert got == [(["市审批局"], ["市数据局"], []), (["市数据局"], ["市审批局"], [])]


def test_a_scope_note_makes_its_units_support_every_later_clause() -> None:
    text = ("某某县实施方案\n一、任务\n以下各项任务均需各乡镇人民政府落实，不再列出。\n"
            "（一）修路。（县交通运输局负责）\n（二）治水。（县水利局牵头，县财政局配合）\n")
    got = [resp(x) for x in nodes(parse_text(text))[1:]]
    assert got == [([], ["各乡镇人民政府"], ["县交通运输局"]), (["县水利局"], ["县财政局", "各乡镇人民政府"], [])]


def test_coverage_reports_what_was_not_understood() -> None:
    text = ("某某县实施方案\n一、任务\n（一）修路。（县交通运输局负责）新建公路20公里。\n"
            "（二）治水。（县水利局提出意见供参考并负责）\n  三是加强宣传。\n"
            "（五）整治。\n")
    doc = parse_text(text)
    cov = doc.coverage
    assert cov is not None and doc.parts[0].coverage is not None
    assert cov.chars_in_parts + cov.chars_in_head + cov.chars_unassigned == len(text)
    assert cov.unattributed_clauses == 1  # the second bracket holds 负责 but reads as no clause
    assert text[slice(*cov.unattributed_clause_spans[0])].startswith("（县水利局提出")
    clean = parse_text("某某方案\n一、任务\n（一）修路。（县交通运输局负责）\n").coverage
    assert clean is not None and (clean.heading_lines, clean.unattributed_clauses) == (0, 0)


def test_coverage_counts_heading_lines_left_in_text_and_figures_without_target() -> None:
    text = "某某方案\n一、任务\n1. 修路\n2. 治水\n5年内完成\n（一）甲\n一、再来\n"
    cov = parse_text(text).coverage
    assert cov is not None and cov.heading_lines >= 1


def test_a_document_with_headings_but_no_outline_is_warned() -> None:
    text = "某某通知\n各单位：\n" + "说明。" * 10 + "\n一、甲。\n一、乙。\n一、丙。\n"
    codes = {w.code for w in parse_text(text).warnings}
    assert "no-outline" in codes or any(p.nodes for p in parse_text(text).parts)


def test_most_of_a_long_text_in_the_head_is_warned() -> None:
    body = "现将有关事项通知如下，请认真贯彻执行。" * 150
    text = "某某市人民政府关于印发某某方案的通知\n某政发〔2024〕1号\n各区人民政府：\n" + body + "\n某某市人民政府\n2024年1月1日\n"
    doc = parse_text(text)
    assert doc.coverage is not None and doc.coverage.chars_in_head > len(text) / 2
    assert "head-heavy" in {w.code for w in doc.warnings}


def test_a_decimal_marker_goes_only_under_the_heading_its_prefix_names() -> None:
    text = "某某规划\n1 总则\n1.1 目的明确\n1.2 范围明确\n2 任务\n2.1 甲项工作\n1.3 乙项工作\n"
    got = [x.path for x in nodes(parse_text(text))]
    assert got == [["1"], ["1", "1"], ["1", "2"], ["2"], ["2", "1"]]  # 1.3 under 2 is text


def test_a_scope_field_after_a_comma_names_no_unit() -> None:
    doc = parse_text("某某省实施意见\n一、任务\n（一）开放试点。（责任单位：省商务厅、省财政厅，适用范围：各设区市人民政府）\n")
    assert resp(nodes(doc)[1]) == ([], [], ["省商务厅", "省财政厅"])


def test_an_annex_number_written_twice_gets_the_next_free_one() -> None:
    doc = parse_text("某某通知\n附件7\n某某甲方案\n一、任务\n附件7\n某某乙方案\n一、任务\n")
    assert [p.id for p in doc.parts if p.kind == "annex"] == ["annex-7", "annex-8"]
    assert "duplicate-annex" in {w.code for w in doc.warnings}


def test_a_title_never_runs_past_a_heading_run_onto_its_line() -> None:
    # (3)3.… : the 3. found inline after the bracket ends the title of (3)
    doc = parse_text("某某方案\n一、任务\n（1）甲项。（2）乙项\n（3）3.丙项工作\n")
    for p in doc.parts:
        for n in p.walk():
            assert n.span[0] <= n.title_span[0] <= n.title_span[1] <= n.span[1], (n.path, n.span, n.title_span)


def test_the_word_that_softens_a_target_is_pointed_at_when_outside_its_quote() -> None:
    text = "某某方案\n一、目标\n力争到2025年，地区生产总值增长6%，固定资产投资力争增长8%以上。\n"
    targets = nodes(parse_text(text))[0].targets
    first, second = targets
    assert first.commitment == "soft" and first.commitment_span is not None
    assert text[slice(*first.commitment_span)] == "力争"
    assert second.commitment == "soft" and second.commitment_span is None  # 力争 is inside its quote


def test_clause_separators_must_be_one_character_class() -> None:
    """The list splitter scans separators one character at a time: the table must say so."""
    from qigong_parse.parse.extract.clauses import _one_character_class
    from qigong_parse.rules import TableError

    assert _one_character_class("[、,;/]") == "[、,;/]"
    with pytest.raises(TableError, match="one character class"):
        _one_character_class("\\s*、\\s*")


def test_a_unit_that_is_to_act_together_with_another_leads_it() -> None:
    """A（要）会同B…: lead A, support B (the gold conventions' sentence form), with 要 between them too."""
    doc = parse_text("国务院关于某某的意见\n一、任务\n（一）清单。各部门要建立清单。市场监管总局要会同发展改革委制定联合抽查事项清单。\n")
    assert resp(nodes(doc)[1]) == (["市场监管总局"], ["发展改革委"], [])


@pytest.mark.parametrize(("item", "expected"), [
    pytest.param("（一）清单。市场监管总局要会同有关部门制定联合抽查事项清单。", (["市场监管总局"], ["有关部门"], []),
                 id="会同有关部门: the group kept as written, as support"),
    pytest.param("（一）机制。商务部会同财政部建立工作协调机制，定期调度进展。", (["商务部"], ["财政部"], []),
                 id="会同B建立: the support list ends at the action verb"),
    pytest.param("（一）方案。确需动用储备的，由发展改革委会同财政部提出动用方案。", (["发展改革委"], ["财政部"], []),
                 id="由A会同B提出"),
    pytest.param("（一）督查。司法部要加强指导协调，会同有关部门共同推进各项工作。", (["司法部"], ["有关部门"], []),
                 id="A要…，会同B: the subject stated once before a clause of its own"),
    pytest.param("（一）评估。财政部要做好资金保障，商务部负责市场监测，会同有关部门开展评估。", (["商务部"], ["有关部门"], []),
                 id="A要…，B负责…，会同C: the subject of 会同 is the nearer one"),
    pytest.param("（一）细则。由商务部及财政部会同有关部门制定实施细则。", (["商务部", "财政部"], ["有关部门"], []),
                 id="由A及B会同C: the list cut on the and-word between two names"),
    pytest.param("（一）机制。财政部要会同有关方面建立尽职免责机制。（责任单位：财政部、商务部）",
                 (["财政部"], ["有关方面"], ["财政部", "商务部"]),
                 id="a 会同 sentence beside a clause: the union of both"),
    pytest.param("（一）市场监测\n商务部会同财政部负责建立市场监测制度。", (["商务部"], ["财政部"], []),
                 id="a sentence opening a paragraph after the item's title line"),
])
def test_the_sentence_form_a_together_with_b(item: str, expected: tuple[list[str], list[str], list[str]]) -> None:
    """A（要）会同B… / 由A会同B…: lead A, support B (gold/README's sentence form), in the shapes real
    State Council and city documents write it."""
    doc = parse_text(f"国务院关于某某的意见\n一、任务\n{item}\n")
    assert resp(nodes(doc)[1]) == expected
