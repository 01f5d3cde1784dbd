"""`qigong diff`: parts, targets and tasks matched across years and places, on the real samples."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from qigong_parse.cli import app
from qigong_parse.io.yaml_out import write_yaml
from qigong_parse.model.output import Document
from qigong_parse.research.diff import DiffReport, Thresholds, _unit_key, diff_documents
from qigong_parse.research.similarity import Scorer, metric_similarity, normalize_metric, normalize_title

from .research_fixtures import RAW_2025, head_2024, seed_2025


@pytest.fixture(scope="module")
def seed() -> Document:
    return seed_2025()


@pytest.fixture(scope="module")
def reports(seed: Document) -> dict[str, DiffReport]:
    return {name: diff_documents(head_2024(name), seed)
            for name in ("xinshao-2024-head", "suining-2024-head")}


# (2024 head, metric, old value, new value, fields that changed) — 2024 head → 2025 general plan
RECURRING = [
    ("xinshao-2024-head", "规模工业增加值", 7, 7, {"bound"}),
    ("xinshao-2024-head", "全社会研发经费投入", 12, 10, {"value"}),
    ("xinshao-2024-head", "技术合同成交额", 20, 8, {"value", "strength"}),
    ("xinshao-2024-head", "第一产业增加值", 4, 3.8, {"value"}),
    ("suining-2024-head", "规模工业增加值", 7, 7, {"bound"}),
    ("suining-2024-head", "全社会研发经费投入", 12, 10, {"value"}),
    ("suining-2024-head", "技术合同成交额", 20, 8, {"value"}),
    ("suining-2024-head", "社会消费品零售总额", 8, 6.5, {"value", "bound"}),
    ("suining-2024-head", "固定资产投资", 7, 7, set()),
    ("suining-2024-head", "第一产业增加值", 3.6, 3.8, {"value"}),
]


@pytest.mark.parametrize(("head", "metric", "old", "new", "fields"), RECURRING)
def test_recurring_metrics_match_with_their_value_changes(
    reports: dict[str, DiffReport], head: str, metric: str, old: float, new: float, fields: set[str]
) -> None:
    pair = reports[head].target(metric)
    assert pair is not None, f"{metric} not matched"
    assert (pair.old.part, pair.new.part) == ("general", "general")
    assert (pair.old.value, pair.new.value) == (old, new)
    assert {c.field for c in pair.changes} == fields
    assert metric in pair.old.quote and metric in pair.new.quote


def test_general_plans_match_although_the_campaign_is_renamed(reports: dict[str, DiffReport]) -> None:
    for report in reports.values():
        assert [(p.old, p.new) for p in report.parts] == [("general", "general")]
        assert [p.id for p in report.parts_added] == [f"annex-{i}" for i in range(1, 8)]
        assert not report.equal


# (2024 head, metric): present in 2024, absent from the 2025 general plan — reported dropped
DROPPED = [
    ("xinshao-2024-head", "制造业增加值占地区生产总值的比重"),
    ("xinshao-2024-head", "服务业增加值"),
    ("xinshao-2024-head", "数字经济"),
    ("suining-2024-head", "外资"),
    ("suining-2024-head", "有进出口实绩企业"),
]


@pytest.mark.parametrize(("head", "metric"), DROPPED)
def test_metrics_gone_in_2025_are_dropped_not_forced_into_a_match(
    reports: dict[str, DiffReport], head: str, metric: str
) -> None:
    assert metric in [t.metric for t in reports[head].targets_dropped]
    assert reports[head].target(metric) is None


def test_aspirational_2024_target_now_plain_is_hardened(reports: dict[str, DiffReport]) -> None:
    pair = reports["xinshao-2024-head"].target("技术合同成交额")
    assert pair is not None
    assert (pair.old.strength, pair.new.strength, pair.commitment) == ("soft", "plain", "hardened")


# (metric a, metric b, same statistic?) — real wordings from the three notices
METRIC_PAIRS = [
    ("规模工业增加值", "规模以上工业增加值", True),
    ("实现社会消费品零售总额", "社会消费品零售总额", True),
    ("全县产业总体规模", "全市产业总体规模", True),
    ("高新技术企业", "申报高新技术企业", True),
    ("进出口", "进出口总额", True),
    ("园区规模工业全市占比", "园区规模工业占比", True),
    ("制造业增加值占地区生产总值的比重", "高新技术产业增加值占地区生产总值比重", False),
    ("第一产业增加值", "规模工业增加值", False),
    ("服务业增加值", "服务业营业收入", False),
    ("数字经济", "数字经济核心产业增加值", False),
    ("规模工业增加值", "园区规模工业占比", False),
    ("常住人口城镇化率", "民生支出占比", False),
    ("常住人口城镇化率", "城镇化率", True),
    ("线上“一网通办”率", "“一网通办”率", True),
    ("国考断面水质优良比例", "年度国考断面水质优良比例", True),
    ("国家级产业集群", "省级产业集群", False),
    ("营收亿元企业", "营收10亿元企业", False),
    ("新开工投资过亿元产业项目", "新竣工投资过亿元产业项目", False),
    ("进出口", "出口", False),
    ("进口", "出口", False),
]


def _corpus(seed: Document) -> list[str]:
    docs = [seed, head_2024("xinshao-2024-head"), head_2024("suining-2024-head")]
    return [normalize_metric(t.metric) for d in docs for p in d.parts for n in p.walk() for t in n.targets]


@pytest.mark.parametrize(("a", "b", "same"), METRIC_PAIRS)
def test_metric_similarity_against_default_threshold(seed: Document, a: str, b: str, same: bool) -> None:
    scorer = Scorer(_corpus(seed))
    score = metric_similarity(normalize_metric(a), normalize_metric(b), scorer)
    assert (score >= Thresholds().metric) is same, score


# (title, place names, normalized)
TITLES = [
    ("邵东市内需扩量提效攻坚实施方案", ("邵东市", "邵东"), "内需扩量提效"),
    ("新邵县实施“八大行动”总体方案", ("新邵县", "新邵"), "八大"),
    ("实施科技创新赋能攻坚", (), "科技创新赋能"),
]


@pytest.mark.parametrize(("title", "places", "expected"), TITLES)
def test_titles_lose_place_and_genre_words(title: str, places: tuple[str, ...], expected: str) -> None:
    assert normalize_title(title, places) == expected


@pytest.mark.parametrize(("a", "b"), [("县发改局", "市发改局"), ("县市监局", "市市监局"),
                                      ("发改局", "发改局")])
def test_units_of_the_same_office_compare_equal_across_levels(a: str, b: str) -> None:
    assert _unit_key(a, ()) == _unit_key(b, ())


def test_a_notice_against_itself_is_equal(seed: Document) -> None:
    report = diff_documents(seed, seed)
    assert report.equal
    assert len(report.targets) == sum(1 for p in seed.parts for n in p.walk() for _ in n.targets)
    assert not (report.targets_added or report.targets_dropped or report.tasks_added or report.tasks_dropped)


def test_annexes_match_by_title_not_position(seed: Document) -> None:
    shuffled = seed.model_copy(deep=True)
    shuffled.parts = [shuffled.parts[0], *reversed(shuffled.parts[1:])]
    for i, part in enumerate(shuffled.parts[1:], start=1):
        part.id, part.annex_no = f"annex-{i}", i
    report = diff_documents(seed, shuffled)
    pairs = {(p.old, p.new) for p in report.parts}
    assert {("annex-1", "annex-7"), ("annex-7", "annex-1"), ("annex-4", "annex-4")} <= pairs
    assert report.equal


def _edit_target(seed: Document, **changes: object) -> Document:
    doc = seed.model_copy(deep=True)
    target = doc.parts[0].nodes[0].targets[0]  # 社会消费品零售总额增长6.5%以上
    for key, value in changes.items():
        setattr(target, key, value)
    return doc


# (edit of the 2025 社会消费品零售总额 target, changed fields, commitment)
TARGET_EDITS: list[tuple[dict[str, object], set[str], str | None]] = [
    ({"value": 7.0}, {"value"}, None),
    ({"bound": "~"}, {"bound"}, None),
    ({"unit": "亿元"}, {"unit"}, None),
    ({"value_max": 8.0}, {"value_max"}, None),
    ({"aspirational": True}, {"strength"}, "softened"),
    ({"commitment": "hard"}, {"strength"}, "hardened"),
]


@pytest.mark.parametrize(("edit", "fields", "commitment"), TARGET_EDITS)
def test_target_changes(seed: Document, edit: dict[str, object], fields: set[str],
                        commitment: str | None) -> None:
    report = diff_documents(seed, _edit_target(seed, **edit))
    pair = report.target("社会消费品零售总额")
    assert pair is not None
    assert {c.field for c in pair.changes} == fields
    assert pair.commitment == commitment
    assert not report.equal


def _annex1(doc: Document) -> Document:
    return doc.model_copy(deep=True)


def _drop_task(doc: Document) -> None:
    part = doc.part("annex-1")
    assert part is not None
    del part.nodes[1].children[0].children[0]  # 二(一)1 推动增收减负


def _renumber_task(doc: Document) -> None:
    part = doc.part("annex-1")
    assert part is not None
    part.nodes[1].children[0].children[0].path[-1] = "9"


def _move_task(doc: Document) -> None:
    part = doc.part("annex-1")
    assert part is not None
    node = part.nodes[1].children[0].children.pop(2)  # 二(一)3 创新消费场景 → under 二(二)
    node.path = ["二", "(二)", "6"]
    part.nodes[1].children[1].children.append(node)


def _change_lead(doc: Document) -> None:
    part = doc.part("annex-1")
    assert part is not None
    resp = part.nodes[1].children[0].children[0].responsibility
    assert resp is not None
    resp.lead = ["市商务局"]


# (edit of annex 1, title of the affected task, what the report must say)
TASK_EDITS: list[tuple[Callable[[Document], None], str, Callable[[DiffReport, str], bool]]] = [
    (_drop_task, "推动增收减负", lambda r, t: [k.title for k in r.tasks_dropped] == [t]),
    (_renumber_task, "推动增收减负",
     lambda r, t: [(d.new.title, d.renumbered, d.moved) for d in r.tasks if d.changed] == [(t, True, False)]),
    (_move_task, "创新消费场景",
     lambda r, t: [(d.new.title, d.moved) for d in r.tasks if d.changed] == [(t, True)]),
    (_change_lead, "推动增收减负",
     lambda r, t: [(d.new.title, [(u.role, u.added, u.dropped) for u in d.units])
                   for d in r.tasks if d.changed] == [(t, [("lead", ["市商务局"], ["市人社局"])])]),
]


@pytest.mark.parametrize(("edit", "title", "check"), TASK_EDITS)
def test_task_changes(seed: Document, edit: Callable[[Document], None], title: str,
                      check: Callable[[DiffReport, str], bool]) -> None:
    new = seed.model_copy(deep=True)
    edit(new)
    report = diff_documents(seed, new)
    assert check(report, title)
    assert not report.equal


# --- the command ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def yaml_files(tmp_path_factory: pytest.TempPathFactory, seed: Document) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("diff")
    files = {"seed": root / "shaodong-2025.yaml", "suining": root / "suining-2024.yaml"}
    write_yaml(seed, files["seed"])
    write_yaml(head_2024("suining-2024-head"), files["suining"])
    return files


# (arguments after OLD NEW, exit status)
CLI_CASES = [
    (("seed", "seed", "--to", "json"), 0),
    (("suining", "seed", "--to", "json"), 1),
    (("suining", "seed", "--to", "yaml"), 1),
    (("suining", "seed", "--to", "markdown"), 1),
    (("suining", "missing", "--to", "json"), 2),
    (("suining", "seed", "--to", "xml"), 2),
]


@pytest.mark.parametrize(("args", "status"), CLI_CASES)
def test_exit_status_like_diff(yaml_files: dict[str, Path], tmp_path: Path, args: tuple[str, ...],
                               status: int) -> None:
    paths = [str(yaml_files.get(a, tmp_path / "missing.yaml")) for a in args[:2]]
    result = CliRunner().invoke(app, ["diff", *paths, *args[2:]])
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    if status == 2:
        return
    fmt = args[3]
    if fmt == "markdown":
        assert ("社会消费品零售总额" in result.stdout) is (status == 1)
        return
    data = json.loads(result.stdout) if fmt == "json" else yaml.safe_load(result.stdout)
    assert data["equal"] is (status == 0)
    assert data["parts"][0]["old"] == "general"


def test_thresholds_are_options(yaml_files: dict[str, Path]) -> None:
    strict = CliRunner().invoke(app, ["diff", str(yaml_files["suining"]), str(yaml_files["seed"]),
                                      "--to", "json", "--metric-threshold", "1.0"])
    loose = CliRunner().invoke(app, ["diff", str(yaml_files["suining"]), str(yaml_files["seed"]),
                                     "--to", "json", "--metric-threshold", "0.3"])
    n_strict = len(json.loads(strict.stdout)["targets"])
    n_loose = len(json.loads(loose.stdout)["targets"])
    assert n_strict < n_loose


def test_notice_text_is_parsed_on_the_fly(yaml_files: dict[str, Path]) -> None:
    result = CliRunner().invoke(app, ["diff", str(RAW_2025), str(RAW_2025), "--to", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["parts"]) == 8 and data["equal"]


# --- end to end: the notices as the pipeline parses them ---------------------------------------


@pytest.fixture(scope="module")
def parsed_reports() -> dict[str, DiffReport]:
    from qigong_parse.pipeline import parse_path

    from .research_fixtures import SAMPLES

    new = parse_path(RAW_2025)
    return {name: diff_documents(parse_path(SAMPLES / f"{name}.txt"), new)
            for name in ("xinshao-2024-head", "suining-2024-head")}


@pytest.mark.parametrize(("head", "metric", "old", "new", "fields"), RECURRING)
def test_recurring_metrics_on_parsed_notices(
    parsed_reports: dict[str, DiffReport], head: str, metric: str, old: float, new: float, fields: set[str]
) -> None:
    pair = parsed_reports[head].target(metric)
    assert pair is not None, f"{metric} not matched"
    assert (pair.old.part, pair.new.part, pair.old.value, pair.new.value) == ("general", "general", old, new)
    assert {c.field for c in pair.changes if c.field != "strength"} == fields - {"strength"}


def test_title_tokens_hold_jieba_words_and_bigrams() -> None:
    from qigong_parse.research.similarity import title_tokens

    toks = title_tokens("推动增收减负")
    assert {"w:推动", "w:增收", "w:减负"} <= set(toks)
    assert {"推动", "动增", "增收"} <= set(toks)


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("推动增收减负", "推动居民增收减负", True),
        ("大力推进两重建设", "扎实推进两重建设", True),
        ("推动增收减负", "优化消费环境", False),
    ],
)
def test_title_similarity_is_word_level(a: str, b: str, similar: bool) -> None:
    from qigong_parse.research.similarity import Scorer, title_tokens

    scorer = Scorer([a, b, "创新消费场景", "丰富消费活动", "搭建消费平台"], title_tokens)
    assert (scorer.score(a, b) >= 0.6) is similar


def test_titles_are_cut_by_rjieba_as_by_jieba(seed: Document) -> None:
    """rjieba (loads in ~0.1 s) is the word segmenter, and it cuts every title and metric of the
    test notices as jieba's default dictionary does (jieba takes ~1 s to build it)."""
    import jieba
    import rjieba

    from qigong_parse.research import similarity

    similarity._word_segmenter.cache_clear()
    assert similarity._word_segmenter()("推动增收减负") == ["推动", "增收", "减负"]
    assert not jieba.dt.initialized  # jieba's default dictionary was never loaded
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(jieba.get_dict_file())
    phrases = {p.title or "" for p in seed.parts} | {n.title for p in seed.parts for n in p.walk()}
    phrases |= {t.metric for p in seed.parts for n in p.walk() for t in n.targets}
    assert len(phrases) > 100
    for phrase in sorted(phrases):
        assert rjieba.cut(phrase, hmm=False) == tokenizer.lcut(phrase, HMM=False), phrase


def test_a_softened_target_shows_the_word_that_softened_it() -> None:
    from qigong_parse.pipeline import parse_text
    from qigong_parse.research.diff import Thresholds, diff_documents, render_markdown

    old = parse_text("某某县方案\n一、目标\n地区生产总值增长6%。\n")
    new = parse_text("某某县方案\n一、目标\n力争到2025年，地区生产总值增长6%。\n")
    report = diff_documents(old, new, Thresholds())
    (pair,) = report.targets
    assert pair.commitment == "softened" and pair.new.evidence == "力争"
    assert "[soft: 力争]" in render_markdown(report)
