"""The extraction stage on whole notices: the sample against its gold, and a county's notice."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qigong_parse.model.output import Document
from qigong_parse.parse.extract import extract
from qigong_parse.pipeline import parse_text

DATA = Path(__file__).parent / "data"
RAW = Path(__file__).parent.parent / "data" / "raw" / "shaodong-2025-qidagongjian.txt"

COUNTY = """新邵县人民政府办公室关于印发《新邵县优化营商环境攻坚实施方案》的通知

新政办发〔2025〕3号

各乡镇人民政府,县直有关单位:

现将《新邵县优化营商环境攻坚实施方案》印发给你们,请认真贯彻落实。

新邵县人民政府办公室
2025年3月10日

新邵县优化营商环境攻坚实施方案

为持续优化营商环境,特制定本方案。

一、工作目标

政务服务“一网通办”率达到95%以上。

二、重点任务

（一）提升政务服务效能。推动更多事项网上办理。（县数据局牵头，县发改、县财政局等按职责分工负责）

（二）加强要素保障。以下括号内所列单位为牵头单位。强化用地保障。（县自然资源局）

（三）规范涉企执法。开展专项行动。（县司法局、县茶叶产业发展中心）

三、保障措施

（一）强化协同。各部门要加强协同配合。（县发改局、县财政局）

成立县优化营商环境攻坚工作专班，由县政府分管副县长担任召集人，县发改局、县数据局主要负责人任副召集人，成员单位包括县财政局、县人社局、县茶叶产业发展中心等，专班办公室设在县发改局。
"""


@pytest.fixture(scope="module")
def sample() -> Document:
    return parse_text(RAW.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def county() -> Document:
    return parse_text(COUNTY)


def _resp_sets(node: object) -> tuple[frozenset[str], ...]:
    r = getattr(node, "responsibility", None)
    return tuple(frozenset(getattr(r, k) if r else ()) for k in ("lead", "support", "joint"))


def test_sample_responsibility_matches_gold(sample: Document) -> None:
    total = exact = 0
    for gfile in sorted((DATA / "gold" / "seed").glob("*.yaml")):
        gold = yaml.safe_load(gfile.read_text(encoding="utf-8"))
        part = sample.part(gold["part"])
        if part is None:
            continue
        nodes = {tuple(n.path): n for n in part.walk()}
        for g in gold.get("nodes") or []:
            gsets = tuple(frozenset(g.get(k) or ()) for k in ("lead", "support", "joint"))
            if not any(gsets):
                continue
            total += 1
            exact += _resp_sets(nodes.get(tuple(g["path"]))) == gsets
    assert total > 100
    assert exact / total >= 0.93


@pytest.mark.parametrize(
    ("part", "path", "lead", "support", "joint"),
    [
        (
            "annex-1",
            ["二", "(一)", "1"],
            ["市人社局"],
            [
                "市发改局",
                "市商务局",
                "市财政局",
                "国家金融监督管理总局邵东监管支局",
                "市住建局",
                "市农业农村局",
                "市民政局",
                "市医保局",
            ],
            [],
        ),
        ("annex-6", ["二", "(一)", "2"], ["市应安委办"], ["各负有监管职责行业部门"], []),
        ("annex-7", ["二", "(一)", "10", "(22)"], ["国网邵东市供电公司"], [], []),
        ("annex-7", ["二", "(四)", "1"], [], [], ["邵阳市生态环境局邵东分局", "市属各责任部门"]),
        ("annex-7", ["二", "(五)", "1"], ["市卫健局", "市教育局"], [], []),
        ("general", ["三", "(一)"], None, None, None),
    ],
)
def test_sample_nodes(
    sample: Document,
    part: str,
    path: list[str],
    lead: list[str] | None,
    support: list[str] | None,
    joint: list[str] | None,
) -> None:
    p = sample.part(part)
    assert p is not None
    node = next(n for n in p.walk() if n.path == path)
    if lead is None:
        assert node.responsibility is None
        return
    assert node.responsibility is not None
    assert (node.responsibility.lead, node.responsibility.support, node.responsibility.joint) == (
        lead,
        support,
        joint,
    )


def test_sample_task_forces(sample: Document) -> None:
    forces = {p.id: p.task_force for p in sample.parts}
    for n in range(1, 8):
        tf = forces[f"annex-{n}"]
        assert tf is not None
        assert tf.name and tf.name.endswith("工作专班")
        assert tf.convener == "市政府分管副市长"
        assert tf.executive_deputy == "市政府分管副主任"
        assert tf.deputies and tf.members and tf.office
    annex1 = forces["annex-1"]
    assert annex1 is not None
    assert annex1.office == "市发改局"
    assert annex1.deputies == ["市发改局", "市商务局"]
    assert "城北片区管理办" in annex1.members and "邮政公司" in annex1.members


def test_county_notice_gets_county_names(county: Document) -> None:
    part = county.parts[0]
    nodes = {tuple(n.path): n for n in part.walk()}
    assert _resp_sets(nodes[("二", "(一)")]) == (
        frozenset({"县数据局"}),
        frozenset({"县发改局", "县财政局"}),
        frozenset(),
    )
    # the convention stated in (二) holds to the end of 二 …
    assert _resp_sets(nodes[("二", "(三)")])[0] == {"县司法局", "县茶叶产业发展中心"}
    # … and not in the next top-level section
    assert _resp_sets(nodes[("三", "(一)")])[2] == {"县发改局", "县财政局"}
    tf = part.task_force
    assert tf is not None
    assert (tf.office, tf.deputies) == ("县发改局", ["县发改局", "县数据局"])
    names = {
        u for n in part.walk() if n.responsibility for u in n.responsibility.lead + n.responsibility.support
    }
    assert not any(u.startswith("市") for u in names)


def test_unknown_units_are_warned_with_part_and_path(county: Document) -> None:
    unknown = [w for w in county.warnings if w.code == "unknown-unit"]
    assert [(w.part, w.path) for w in unknown] == [("general", ["二", "(三)"]), ("general", ["三"])]
    assert all("县茶叶产业发展中心" in w.message for w in unknown)


def test_extract_leaves_the_tree_as_it_is() -> None:
    """Extraction returns facts beside the outline tree (frozen); it never rebuilds the tree."""
    from qigong_parse.parse.outline import build_outline
    from qigong_parse.parse.segment import segment
    from qigong_parse.parse.state import ParseState

    state = ParseState(COUNTY)
    parts = [build_outline(state, sl).part for sl in segment(state).parts]
    before = [list(p.walk()) for p in parts]
    out = extract(state, parts, None)
    assert [list(p.walk()) for p in parts] == before
    assert out.parts[0].task_force is not None
    assert [len(f.duties) for f in out.parts] == [len(nodes) for nodes in before]



def _truncations_as_before(drafts: list, registry: object, warnings: list) -> None:  # type: ignore[type-arg]
    """The completion of truncated units as first written: every node visited, each unit tested."""
    from qigong_parse.model.ir import Duty
    from qigong_parse.model.records import ParseWarning

    full = {u for d in drafts for duty in d.duties if duty is not None for u in duty.units()
            if u.endswith(registry.suffixes)}  # type: ignore[attr-defined]
    if not full:
        return

    def complete(unit: str, node: object, part: object) -> str:
        if unit.endswith(registry.suffixes) or registry.is_group(unit) or len(unit) < 2:  # type: ignore[attr-defined]
            return unit
        found = [f for f in full if f.startswith(unit)]
        if len(found) != 1:
            return unit
        warnings.append(ParseWarning(code="repaired-unit", part=part.id, path=list(node.path),  # type: ignore[attr-defined]
                                     message=f"truncated unit {unit!r} read as {found[0]}, named so elsewhere"))
        return found[0]

    def fix(d: object, node: object, index: dict[int, int]) -> None:
        for child in node.children:  # type: ignore[attr-defined]
            fix(d, child, index)
        i = index[id(node)]
        duty = d.duties[i]  # type: ignore[attr-defined]
        if duty is None or all(u.endswith(registry.suffixes) for u in duty.units()):  # type: ignore[attr-defined]
            return
        lead, support, joint = (tuple(dict.fromkeys(complete(u, node, d.part) for u in names))  # type: ignore[attr-defined]
                                for names in (duty.lead, duty.support, duty.joint))
        d.duties[i] = Duty(lead, support, joint, raw=duty.raw, span=duty.span)  # type: ignore[attr-defined]

    for d in drafts:
        index = {id(n): i for i, n in enumerate(d.nodes)}
        for top in d.part.nodes:
            fix(d, top, index)


@pytest.mark.parametrize("seed", range(40))
def test_truncated_units_are_completed_as_when_every_node_was_visited(seed: int) -> None:
    # Parts whose duties need no rewrite are no longer walked; a duty that names a truncation or a
    # unit twice in a role (with a unit lacking a suffix) is still rebuilt, warnings in the same order.
    import random

    from qigong_parse.model.ir import Duty, NodeTree, PartTree
    from qigong_parse.parse.extract import _complete_truncations, _PartDraft
    from qigong_parse.rules.units import UnitRegistry

    registry = UnitRegistry.for_issuer("邵东市人民政府办公室")
    names = ["市文旅广体局", "市文旅", "市发改局", "市发改", "市科协", "各产业链责任部门", "市", "市教育局",
             "市教", "市政府办", "市商务局", "市商务", "X"]
    rng = random.Random(seed)

    def node(path: tuple[str, ...], depth: int) -> NodeTree:
        kids = tuple(node((*path, str(k)), depth + 1) for k in range(rng.randrange(3))) if depth < 2 else ()
        return NodeTree(path=path, marker="", title="", text="", span=(0, 0), title_span=(0, 0), children=kids)

    def drafts() -> list[_PartDraft]:
        out = []
        for p in range(3):
            part = PartTree(id=f"p{p}", kind="main", span=(0, 0),
                            nodes=tuple(node((str(t),), 0) for t in range(rng.randrange(1, 3))))
            draft = _PartDraft(part)
            for i in range(len(draft.nodes)):
                if rng.random() < 0.7:
                    draft.duties[i] = Duty(*(tuple(rng.choice(names) for _ in range(rng.randrange(3)))
                                             for _ in range(3)), raw="r", span=(i, i + 1))
            out.append(draft)
        return out

    state = rng.getstate()
    new, old = drafts(), (rng.setstate(state), drafts())[1]
    new_warnings: list = []  # type: ignore[type-arg]
    old_warnings: list = []  # type: ignore[type-arg]
    _complete_truncations(new, registry, new_warnings)
    _truncations_as_before(old, registry, old_warnings)
    assert [d.duties for d in new] == [d.duties for d in old]
    assert new_warnings == old_warnings


def test_truncations_read_the_roles_with_no_generator_per_duty(monkeypatch: pytest.MonkeyPatch) -> None:
    # the units of every duty are read role by role (set.update, issuperset), not through
    # Duty.units (a generator per duty, twice); the completion is as before
    from qigong_parse.model.ir import Duty, NodeTree, PartTree
    from qigong_parse.parse.extract import _complete_truncations, _PartDraft
    from qigong_parse.rules.units import UnitRegistry

    registry = UnitRegistry.for_issuer("邵东市人民政府办公室")
    nodes = tuple(NodeTree(path=(str(k),), marker="", title="", text="", span=(0, 0), title_span=(0, 0))
                  for k in range(3))
    draft = _PartDraft(PartTree(id="p", kind="main", span=(0, 0), nodes=nodes))
    draft.duties = [Duty(("市发改局",), ("市文旅",)), Duty(joint=("市文旅广体局",)), None]

    def fail(self: Duty) -> None:
        raise AssertionError("Duty.units called")

    monkeypatch.setattr(Duty, "units", fail)
    warnings: list = []  # type: ignore[type-arg]
    _complete_truncations([draft], registry, warnings)
    assert draft.duties[0] == Duty(("市发改局",), ("市文旅广体局",))
    assert [w.message for w in warnings] == ["truncated unit '市文旅' read as 市文旅广体局, named so elsewhere"]


@pytest.mark.parametrize("seed", range(200))
def test_group_clauses_lifted_only_in_parts_with_a_label_line_as_in_every_part(seed: int) -> None:
    # a part none of whose duties is a label line is not walked: the duties are those the walk of
    # every part gives
    import random

    from qigong_parse.model.ir import Duty, NodeTree, PartTree
    from qigong_parse.parse.extract import _lift_group_clauses, _lift_part, _PartDraft

    rng = random.Random(seed)
    text = "责任单位:县发改局\n(一)推进\n牵头单位:县财政局\n"

    def node(path: tuple[str, ...], depth: int) -> NodeTree:
        kids = tuple(node((*path, str(k)), depth + 1) for k in range(rng.randrange(4))) if depth < 2 else ()
        return NodeTree(path=path, marker="", title="", text="", span=(0, 0), title_span=(0, 0), children=kids)

    raws = [("责任单位:县发改局", (0, 9)), ("牵头单位:县财政局", (15, 24)), ("县发改局", (5, 9)), ("推进", (11, 13))]
    part = PartTree(id="p", kind="main", span=(0, 0), nodes=tuple(node((str(t),), 0) for t in range(rng.randrange(1, 4))))
    duties: list[Duty | None] = []
    for _ in part.walk():
        raw, span = rng.choice(raws)
        duties.append(Duty(joint=("县发改局",), raw=raw, span=span) if rng.random() < 0.4 else None)
    fast, walked = _PartDraft(part), _PartDraft(part)
    fast.duties, walked.duties = list(duties), list(duties)
    _lift_part(fast, text)
    _lift_group_clauses(walked, part.nodes, {id(n): i for i, n in enumerate(walked.nodes)}, text)
    assert fast.duties == walked.duties


def test_a_part_with_no_label_line_is_not_walked_for_lifts(monkeypatch: pytest.MonkeyPatch) -> None:
    import qigong_parse.parse.extract as extract_stage

    def fail(*args: object) -> None:
        raise AssertionError("walked for lifts with no label line")

    monkeypatch.setattr(extract_stage, "_lift_group_clauses", fail)
    doc = parse_text("一、重点任务\n(一)夯实粮食生产。(县农业农村局牵头,县财政局配合)\n(二)推动产业。\n")
    assert doc.parts[0].walk()[1].responsibility is not None
