"""The segmentation stage alone: notice heads, parts and chrome in layouts of the genre."""

from __future__ import annotations

import datetime as dt

import pytest

from qigong_parse.model.ir import Segmentation
from qigong_parse.model.plain import plain
from qigong_parse.parse.segment import segment
from qigong_parse.parse.state import ParseState

from .conftest import FULLWIDTH, SAMPLES, sample_text

# A county notice that circulates two annexes and no general plan; the 附件 list stands in the
# head; fullwidth punctuation and ideographic indentation as such sites publish it.
COUNTY = """新化县人民政府办公室关于印发《新化县2024年优化营商环境工作方案》等两个方案的通知
新政办发〔2024〕15号
各乡镇人民政府，县直各单位：
　　经县人民政府同意，现将《新化县2024年优化营商环境工作方案》等两个方案印发给你们，请认真贯彻执行。
附件：1．新化县2024年优化营商环境工作方案
　　　2．新化县2024年扩大有效投资实施方案
新化县人民政府办公室
2024年4月2日
（此件主动公开）
附件1：新化县2024年优化营商环境工作方案
一、主要目标
到2024年底，全县新增市场主体3000户以上。
二、重点任务
（一）提升政务服务效能
1．推进“一件事一次办”。实现50个事项一次办。（县政务服务中心牵头，县发改局、县司法局按职责分工负责）
三、保障措施
加强组织领导。
附件2
新化县2024年扩大有效投资实施方案
一、工作目标
全县固定资产投资增长8%。
二、重点任务
1．抓项目建设。实施重点项目100个。
"""


def seg(text: str) -> Segmentation:
    state = ParseState(text)
    s = segment(state)  # the stage reports into the state
    return Segmentation(notice=s.notice, parts=s.parts, unassigned=s.unassigned, warnings=state.warnings)


def test_sample_head_parts_and_chrome() -> None:
    text = sample_text()
    s = seg(text)
    assert s.notice is not None
    assert s.notice.issuer == "邵东市人民政府办公室"
    assert s.notice.title == "关于印发《邵东市实施“七大攻坚”总体方案》的通知"
    assert s.notice.doc_number == "邵东政办发〔2025〕2号"
    assert s.notice.date == dt.date(2025, 3, 6)
    assert s.notice.recipients[:3] == ["各乡镇人民政府", "街道办事处", "皇帝岭林场"]
    assert [a.index for a in s.notice.attachments] == [1, 2, 3, 4, 5, 6, 7]
    assert [p.id for p in s.parts] == ["general"] + [f"annex-{i}" for i in range(1, 8)]
    assert s.parts[0].title == "邵东市实施“七大攻坚”总体方案"
    assert s.parts[3].title == "邵东市科技创新赋能攻坚实施方案"
    assert s.unassigned[0].text.startswith("当前位置")
    assert "主办单位" in s.unassigned[-1].text
    assert not [w for w in s.warnings if w.code.startswith("attachment")]


def test_fullwidth_sample_segments_the_same() -> None:
    a, b = seg(sample_text()), seg(sample_text().translate(FULLWIDTH))
    assert [(p.id, p.span, p.title) for p in a.parts] == [(p.id, p.span, p.title) for p in b.parts]
    assert a.notice is not None and b.notice is not None
    assert {**plain(a.notice), "recipients": None} == {**plain(b.notice), "recipients": None}


def test_county_notice_with_list_in_head_and_annexes_only() -> None:
    s = seg(COUNTY)
    assert s.notice is not None
    assert s.notice.issuer == "新化县人民政府办公室"
    assert s.notice.doc_number == "新政办发〔2024〕15号"
    assert s.notice.date == dt.date(2024, 4, 2)
    assert s.notice.recipients == ["各乡镇人民政府", "县直各单位"]
    assert [(a.index, a.title) for a in s.notice.attachments] == [
        (1, "新化县2024年优化营商环境工作方案"), (2, "新化县2024年扩大有效投资实施方案")]
    assert s.notice.attachments_span is None  # the list is inside the head
    assert [(p.id, p.title) for p in s.parts] == [
        ("annex-1", "新化县2024年优化营商环境工作方案"), ("annex-2", "新化县2024年扩大有效投资实施方案")]
    assert s.unassigned == []
    assert s.warnings == []


def test_damaged_doc_number_and_date_restored_from_context() -> None:
    s = seg((SAMPLES / "xinshao-2024-head.txt").read_text(encoding="utf-8"))
    assert s.notice is not None
    assert s.notice.doc_number == "新政办发〔2024〕2号"
    assert s.notice.date == dt.date(2024, 3, 18)
    assert {w.code for w in s.warnings} == {"damaged-doc-number", "damaged-date"}
    assert s.unassigned and "来源" in s.unassigned[0].text


def test_plan_with_no_notice_is_one_part() -> None:
    s = seg((SAMPLES / "suining-2024-head.txt").read_text(encoding="utf-8"))
    assert s.notice is None
    assert [(p.id, p.kind, p.title) for p in s.parts] == [("general", "general_plan", "绥宁县实施“八大行动”总体方案")]


@pytest.mark.parametrize("text", ["", "\n\n", "一段没有结构的文字。", "分享到:\n扫一扫在手机打开当前页"])
def test_degenerate_inputs_still_tile(text: str) -> None:
    s = seg(text)
    pieces = sorted([u.span for u in s.unassigned] + [p.span for p in s.parts]
                    + ([s.notice.span] if s.notice else []))
    pos = 0
    for start, end in pieces:
        assert start == pos
        pos = end
    assert pos == len(text)


def test_announced_but_missing_annex_is_warned() -> None:
    cut = COUNTY[: COUNTY.index("附件2\n")]
    s = seg(cut)
    assert [w.code for w in s.warnings] == ["attachment-missing"]


def test_notice_without_red_header_takes_its_title_from_the_page_heading() -> None:
    text = ("当前位置：首页 > 政务公开 > 政府文件\n"
            "醴陵市人民政府办公室关于印发《醴陵市2024年陶瓷产业提质发展工作方案》的通知\n"
            "发布时间：2024-05-10 来源：市政府办\n"
            "各镇人民政府、街道办事处，市直各单位：\n"
            "　　《醴陵市2024年陶瓷产业提质发展工作方案》已经市人民政府同意，现印发给你们。\n"
            "醴陵市人民政府办公室\n2024年5月8日\n"
            "醴陵市2024年陶瓷产业提质发展工作方案\n　　一、工作目标\n　　全市陶瓷产业产值增长8%以上。\n")
    s = seg(text)
    assert s.notice is not None
    assert (s.notice.issuer, s.notice.title, s.notice.date) == (
        "醴陵市人民政府办公室", "关于印发《醴陵市2024年陶瓷产业提质发展工作方案》的通知", dt.date(2024, 5, 8))
    assert [w.code for w in s.warnings] == ["title-from-page"]
    assert [(p.id, p.title) for p in s.parts] == [("general", "醴陵市2024年陶瓷产业提质发展工作方案")]


def test_normalize_of_a_long_text_is_the_table_translation() -> None:
    """The long-text path (replacements one after another) gives what str.translate gives."""
    from qigong_parse.text.normalize import _TABLE, normalize

    text = "".join(map(chr, sorted(_TABLE))) * 3 + "一、总体要求（一）目标：１．增长５％；——〜【】" * 40
    assert len(text) >= 512
    assert normalize(text) == text.translate(_TABLE)
    assert normalize(text[:100]) == text[:100].translate(_TABLE)


def test_normalize_of_long_texts_in_any_order_is_the_table_translation() -> None:
    """The long-text path replaces each changing character throughout when its scan first meets
    it: whatever order the characters come in, one of them last, the result is the translation."""
    import random

    from qigong_parse.text.normalize import _LONE_CR, _LOSSY_INDENT, _TABLE, normalize

    rng = random.Random(7)
    alphabet = [chr(code) for code in _TABLE] + list("一二三,.\n\r?? ab")
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(512, 1500))) + rng.choice(alphabet)
        expected = _LONE_CR.sub("\n", text.translate(_TABLE))
        expected = _LOSSY_INDENT.sub(lambda m: " " * len(m.group()), expected)
        assert normalize(text) == expected


# 08-shanghai-2024-baiyulan: the 附件： label on a line of its own, one item a line after it, the
# second titled with no plan word (技术要求), and fullwidth brackets in an annex's own title.
BARE_LIST = """上海市某局关于下发《某市三年行动计划（2024-2026年）》的通知
各区管理局：
现将计划印发给你们，请做好贯彻实施。
附件：
1.某市三年行动计划（2024-2026年）
2.某树栽植和养护技术要求
上海市某局
2024年7月4日
附件1
某市三年行动计划（2024-2026年）
一、总体要求
加强推广。
附件2
某树栽植和养护技术要求
一、栽植
选好场地。
"""


def test_a_bare_attachment_label_announces_the_numbered_lines_after_it() -> None:
    s = seg(BARE_LIST)
    assert s.notice is not None
    assert [(a.index, a.title) for a in s.notice.attachments] == [
        (1, "某市三年行动计划(2024-2026年)"), (2, "某树栽植和养护技术要求")]
    # the list is read normalized, the annex's title as written: the two agree
    assert not [w for w in s.warnings if w.code.startswith("attachment-")]


def test_a_bare_attachment_label_with_no_list_after_it_is_not_the_list() -> None:
    # the list is looked for on: a 附件： line further down announces it
    text = BARE_LIST.replace("1.某市三年行动计划（2024-2026年）\n2.某树栽植和养护技术要求\n",
                             "请按附件要求报送。\n附件：1.某市三年行动计划（2024-2026年）\n")
    s = seg(text)
    assert s.notice is not None
    assert [a.index for a in s.notice.attachments] == [1]


def test_a_doc_number_below_a_page_column_and_a_joint_red_header_is_read() -> None:
    # 028-chongqing-2025: the page's column labels and links, five issuers one a line, a title over
    # two lines: the 文号 stands on the body's 21st line
    column = "某市经济和信息化委员会\n行政规范性文件\n下载文字版\n下载图片版\n政策解读\n部门解读\n媒体视角\n一图读懂\n解读发布\n" \
             "《某市支持产业发展政策措施》政策解读\n一图读懂《某市支持产业发展政策措施》\n《某市支持产业发展政策措施》政策问答\n"
    issuers = "某市经济和信息化委员会\n某市财政局\n某市商务委员会\n某市科学技术局\n某市交通运输委员会\n"
    head = ("关于印发《某市支持新能源商用车\n产业发展政策措施》的通知\n某经信规范〔2025〕13号\n各有关单位：\n"
            "现将《某市支持新能源商用车产业发展政策措施》印发给你们，请认真贯彻执行。\n")
    text = column + issuers + head + issuers + "2025年12月30日\n某市支持新能源商用车产业发展政策措施\n一、研发激励\n给予奖励。\n"
    s = seg(text)
    assert s.notice is not None
    assert s.notice.doc_number == "某经信规范〔2025〕13号"


# A site's article page (the shape of provincial government sites): breadcrumbs, a metadata table,
# the article's heading outside the body container, a body that prints no head of its own.
ARTICLE_PAGE = """<html><head><title>某省人民政府 规划计划</title></head><body>
<div class="nav">当前位置：首页 &gt; 政府信息公开 &gt; 规划计划</div>
<table><tr><td>索 引 号: 0145/2021-001</td><td>发文机关: 省某某管理局</td><td>文 号: 某管办发〔2021〕5号</td></tr>
<tr><td>主题分类: 农业</td><td>组配分类: 规划计划</td><td>成文日期: 2021-03-15</td></tr></table>
<p class="title">2021年全省某某管理工作要点</p>
<div id="zoom"><p>2021年是“十四五”开局之年，全省某某管理工作的总体要求是：稳中求进。</p>
<p>一、强化安全责任</p><p>1.压实责任。严格考核。</p><p>2.加强监测。完善预警。</p>
<p>二、深化改革</p><p>3.推进改革。落实任务。</p><p>4.优化服务。提升效能。</p><p>5.完善制度。规范管理。</p>
<p>三、加强保障</p><p>6.加强领导。明确分工。</p><p>7.强化督查。确保实效。</p><p>8.营造氛围。加强宣传。</p></div>
<div class="foot">扫一扫在手机打开当前页</div></body></html>
"""


def test_a_page_heading_and_metadata_give_the_head_of_a_body_with_none() -> None:
    """The body prints no title, issuer, 文号 or date: the page's heading of the article is its title,
    the metadata table its issuer, 文号 and date, each said in a warning."""
    from qigong_parse.pipeline import parse_bytes

    doc = parse_bytes(ARTICLE_PAGE.encode(), file="page.html", fmt="html")
    assert doc.notice is not None
    assert (doc.notice.form, doc.notice.title, doc.notice.issuer, doc.notice.doc_number, str(doc.notice.date)) == (
        "direct", "2021年全省某某管理工作要点", "省某某管理局", "某管办发〔2021〕5号", "2021-03-15")
    assert [p.title for p in doc.parts] == ["2021年全省某某管理工作要点"]
    assert [w.code for w in doc.warnings].count("head-from-page") == 2
    assert [n.path for n in doc.parts[0].nodes] == [["一"], ["二"], ["三"]]
    # the blank line after the page's chrome is no repository front matter
    assert [u.reason for u in doc.unassigned] == ["before the document (page chrome)",
                                                  "after the document (page chrome, colophon)"]


TWO_INLINE = """某市人民政府办公室关于印发甲事项管理办法和乙事项管理办法的通知
某政办发〔2024〕3号

各县市区人民政府，市直各单位：
现将《甲事项管理办法》《乙事项管理办法》印发给你们，请认真贯彻执行。
某市人民政府办公室
2024年3月1日

甲事项管理办法

一、总体要求
（一）适用范围。本办法适用于全市。
二、管理职责
（一）明确分工。各部门按职责负责。

乙事项管理办法

为规范乙事项管理，制定本办法。
一、职责分工
（一）统筹协调。市直各单位加强协作。
二、监督检查
（一）定期检查。每年开展检查。
"""


def test_documents_circulated_one_after_another_are_parts_of_their_own() -> None:
    """A notice circulating two documents printed inline, with no 附件 label: the second opens with its
    title after a blank line and its outline starts again at 一、."""
    s = seg(TWO_INLINE)
    assert [(p.id, p.title) for p in s.parts] == [("general", "甲事项管理办法"), ("annex-1", "乙事项管理办法")]
    # a plan title line inside one document that no new outline follows is no document of its own
    one = TWO_INLINE.replace("一、职责分工", "三、职责分工").replace("二、监督检查", "四、监督检查")
    assert [p.id for p in seg(one).parts] == ["general"]


def test_a_document_named_a_wenjian_titles_its_part() -> None:
    """中央一号文件 names a document as 方案 or 意见 do: a reprint opening with that line is titled by it."""
    s = seg("2026年中央一号文件\n党的十八大以来第14个中央一号文件由新华社受权发布。\n一、提升农业综合生产能力\n"
            "（一）稳定发展粮油生产。粮食产量稳定在1.4万亿斤左右。\n")
    assert [(p.id, p.title) for p in s.parts] == [("general", "2026年中央一号文件")]


def test_a_notice_whose_signature_date_is_lost_is_dated_by_its_imprint() -> None:
    """The signature page printed as an image (a PDF whose text layer lacks it): the imprint closing
    the 公文 (…办公室 2025年1月20日印发) gives the date, and the warning says so."""
    s = seg("关于印发《某省2025年家电以旧换新实施方案》的通知\n某商字〔2025〕1号\n各市商务主管部门：\n"
            "现将《某省2025年家电以旧换新实施方案》印发给你们，请认真抓好落实。\n"
            "某省2025年家电以旧换新实施方案\n一、总体要求\n坚持稳中求进。\n二、重点任务\n（一）扩大补贴范围。\n"
            "某省商务厅办公室 2025年1月20日印发\n")
    assert s.notice is not None and s.notice.date == dt.date(2025, 1, 20)
    assert any(w.code == "no-date" and "印发" in w.message for w in s.warnings)


def test_a_document_issued_directly_is_dated_by_its_imprint_when_unsigned() -> None:
    s = seg("某省人民政府关于促进消费的意见\n各市人民政府：\n为促进消费，提出如下意见。\n一、总体要求\n坚持稳中求进。\n"
            "二、重点任务\n（一）扩大补贴范围。\n某省人民政府办公厅 2025年3月2日印发\n")
    assert s.notice is not None and s.notice.form == "direct" and s.notice.date == dt.date(2025, 3, 2)
    assert any(w.code == "no-date" and "印发" in w.message for w in s.warnings)


@pytest.mark.parametrize(("head", "title"), [
    # the issuer stands apart only before 关于 (the output contract's form) ...
    ("国务院关于促进综合保税区高水平开放高质量发展的若干意见\n国发〔2019〕3号\n各省、自治区、直辖市人民政府：\n",
     "关于促进综合保税区高水平开放高质量发展的若干意见"),
    # ... any other title keeps its printed words whole
    ("国务院办公厅对全国政协十届四次会议\n第4626号提案的答复\n国办函〔2006〕82号\n王超斌委员：\n",
     "国务院办公厅对全国政协十届四次会议第4626号提案的答复"),
    ("汝城县人民政府办公室印发《汝城县2025年农业产业高质量发展总体方案》的通知\n汝政办发〔2025〕3号\n各乡镇人民政府：\n",
     "汝城县人民政府办公室印发《汝城县2025年农业产业高质量发展总体方案》的通知"),
])
def test_a_title_keeps_its_issuer_unless_it_stands_before_guanyu(head: str, title: str) -> None:
    s = seg(head + "现将有关事项答复如下。\n一、总体要求\n坚持稳中求进。\n")
    assert s.notice is not None and s.notice.title == title


REPLY_WITH_NUMBERED_LIST = (
    "国务院关于某口岸范围的批复\n国函〔2006〕132号\n广东省人民政府：\n你省来文收悉。现批复如下：\n"
    "一、口岸区范围包括查验区。\n二、土地使用期限至2047年6月30日止。\n"
    "附件1.某口岸查验区界址点坐标\n    2.某大桥部分桥面界址点坐标\n国务院\n二〇〇六年十二月三十日\n"
    "附件1.\n某口岸查验区界址点坐标方案\n一、坐标说明\n坐标采用深圳独立坐标系。\n"
)


def test_an_attachment_list_run_into_fujian_with_no_colon_is_read() -> None:
    """附件1.… then 2.… (no colon after 附件): the list, and the signature after it dates the reply."""
    s = seg(REPLY_WITH_NUMBERED_LIST)
    assert s.notice is not None
    assert [(a.index, a.title) for a in s.notice.attachments] == [(1, "某口岸查验区界址点坐标"),
                                                                 (2, "某大桥部分桥面界址点坐标")]
    assert s.notice.date == dt.date(2006, 12, 30)


def test_an_annex_headed_fujian_with_a_dot_is_an_annex() -> None:
    """附件1. alone on its line (the dot of a numbered heading after the number) heads annex 1."""
    s = seg(REPLY_WITH_NUMBERED_LIST)
    assert [(p.id, p.title) for p in s.parts if p.kind == "annex"] == [("annex-1", "某口岸查验区界址点坐标方案")]
