"""What changed between two parsed notices (years or places): parts, targets, tasks, units.

Parts are matched by kind and title, targets by metric, tasks by title — never by position.
`diff_documents` is pure; `DiffReport` serializes to JSON/YAML and renders as rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from ..model.output import UNIT_ROLES, Bound, Change, Document, Node, Part, Target, UnitRole
from .similarity import (
    Scorer,
    match_pairs,
    metric_similarity,
    normalize_metric,
    normalize_title,
    places_of,
    rules,
    title_tokens,
)

Strength = Literal["soft", "plain", "hard"]
_RANK: dict[str, int] = {"soft": 0, "plain": 1, "hard": 2}
TargetField = Literal["value", "value_max", "unit", "bound", "change", "strength"]
TARGET_FIELDS: tuple[TargetField, ...] = ("value", "value_max", "unit", "bound", "change", "strength")


class Thresholds(BaseModel):
    """Minimum similarities for a match (0–1)."""

    part: float = Field(default=0.5, ge=0, le=1, description="annex titles")
    metric: float = Field(default=0.6, ge=0, le=1, description="target metrics")
    task: float = Field(default=0.6, ge=0, le=1, description="task titles")


class TargetSide(BaseModel):
    """One target as it stands in one of the two documents."""

    part: str
    path: list[str]
    metric: str
    quote: str
    change: Change
    value: float
    value_max: float | None = None
    unit: str
    bound: Bound
    strength: Strength = Field(description="soft (力争/争取), plain, hard (确保/必须)")
    evidence: str | None = Field(default=None, description="the commitment word outside the quote (力争 …)")


class FieldChange(BaseModel):
    """One field of a matched target that differs."""

    field: TargetField
    old: str | float | None
    new: str | float | None


class TargetDiff(BaseModel):
    """A pair of targets matched by metric, with what differs."""

    old: TargetSide
    new: TargetSide
    similarity: float
    changes: list[FieldChange] = Field(default_factory=list)
    commitment: Literal["hardened", "softened"] | None = None


class TaskSide(BaseModel):
    """One task (a node of the tasks section) as it stands in one document."""

    part: str
    path: list[str]
    title: str
    parent: str | None = Field(default=None, description="the parent node's title")
    lead: list[str] = Field(default_factory=list)
    support: list[str] = Field(default_factory=list)
    joint: list[str] = Field(default_factory=list)


class UnitChange(BaseModel):
    """Units added to or dropped from one role of a matched task."""

    role: UnitRole
    added: list[str] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list)


class TaskDiff(BaseModel):
    """A pair of tasks matched by title."""

    old: TaskSide
    new: TaskSide
    similarity: float
    moved: bool = Field(default=False, description="under a different parent")
    renumbered: bool = Field(default=False, description="same parent, different number")
    retitled: bool = False
    units: list[UnitChange] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything differs."""
        return self.moved or self.renumbered or self.retitled or bool(self.units)


class PartMatch(BaseModel):
    """Two parts matched: general plan to general plan, annex to annex by title."""

    old: str
    new: str
    old_title: str | None
    new_title: str | None
    similarity: float


class PartSide(BaseModel):
    """A part with no counterpart."""

    id: str
    title: str | None
    targets: int
    tasks: int


class DiffReport(BaseModel):
    """Everything `qigong diff` reports."""

    old_file: str
    new_file: str
    thresholds: Thresholds
    parts: list[PartMatch] = Field(default_factory=list)
    parts_added: list[PartSide] = Field(default_factory=list)
    parts_dropped: list[PartSide] = Field(default_factory=list)
    targets: list[TargetDiff] = Field(default_factory=list, description="matched, changed or not")
    targets_added: list[TargetSide] = Field(default_factory=list)
    targets_dropped: list[TargetSide] = Field(default_factory=list)
    tasks: list[TaskDiff] = Field(default_factory=list, description="matched, changed or not")
    tasks_added: list[TaskSide] = Field(default_factory=list)
    tasks_dropped: list[TaskSide] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def equal(self) -> bool:
        """No difference at all (the exit status is 0 only then)."""
        return not (self.parts_added or self.parts_dropped or self.targets_added or self.targets_dropped
                    or self.tasks_added or self.tasks_dropped
                    or any(t.changes for t in self.targets) or any(t.changed for t in self.tasks))

    def target(self, metric: str) -> TargetDiff | None:
        """The matched pair whose old or new metric is worded `metric`."""
        return next((t for t in self.targets if metric in (t.old.metric, t.new.metric)), None)


# --- extraction of comparable items ---------------------------------------------------------


def strength(target: Target) -> Strength:
    """The commitment's strength: 确保 is hard, 力争 soft, otherwise plain."""
    if target.commitment == "hard":
        return "hard"
    if target.aspirational or target.commitment == "soft":
        return "soft"
    return "plain"


def part_targets(part: Part) -> list[tuple[list[str], Target]]:
    """The part's targets with the path of the node holding each ([] = preamble)."""
    out: list[tuple[list[str], Target]] = [([], t) for t in part.targets]
    for node in part.walk():
        out.extend((node.path, t) for t in node.targets)
    return out


def is_task(node: Node) -> bool:
    """A task: an item below the tasks section's heading, or any node naming responsible units."""
    return (node.role == "tasks" and len(node.path) > 1) or node.responsibility is not None


def part_tasks(part: Part) -> list[TaskSide]:
    """The part's tasks in reading order."""
    out: list[TaskSide] = []

    def visit(node: Node, parent: Node | None) -> None:
        if is_task(node):
            r = node.responsibility
            out.append(TaskSide(part=part.id, path=node.path, title=node.title,
                                parent=parent.title if parent else None,
                                lead=r.lead if r else [], support=r.support if r else [],
                                joint=r.joint if r else []))
        for child in node.children:
            visit(child, node)

    for node in part.nodes:
        visit(node, None)
    return out


def _target_side(part: Part, path: list[str], t: Target) -> TargetSide:
    return TargetSide(part=part.id, path=path, metric=t.metric, quote=t.quote, change=t.change,
                      value=t.value, value_max=t.value_max, unit=t.unit, bound=t.bound,
                      strength=strength(t), evidence=t.commitment_word)


# --- matching -------------------------------------------------------------------------------


def match_parts(old: Document, new: Document, threshold: float) -> list[tuple[Part, Part, float]]:
    """General plan to general plan; annexes to annexes by title similarity."""
    op, np_ = places_of(old), places_of(new)
    out: list[tuple[Part, Part, float]] = []
    for kind in ("general_plan", "annex"):
        olds = [p for p in old.parts if p.kind == kind]
        news = [p for p in new.parts if p.kind == kind]
        otitles = [normalize_title(p.title, op) for p in olds]
        ntitles = [normalize_title(p.title, np_) for p in news]
        scorer = Scorer(otitles + ntitles, title_tokens)
        scores = {(i, j): scorer.score(otitles[i], ntitles[j]) for i in range(len(olds))
                  for j in range(len(news))}
        if kind == "general_plan" and len(olds) == 1 and len(news) == 1:
            # one general plan per notice: they match whatever the campaign is called this year
            out.append((olds[0], news[0], round(scores[0, 0], 3)))
            continue
        for i, j, s in match_parts_pairs(len(olds), len(news), scores, threshold):
            out.append((olds[i], news[j], round(s, 3)))
    return out


def match_parts_pairs(n_old: int, n_new: int, scores: dict[tuple[int, int], float],
                      threshold: float) -> list[tuple[int, int, float]]:
    """Greedy one-to-one matching of parts, preferring equal annex numbers on ties."""
    return match_pairs(n_old, n_new, lambda i, j: scores[i, j], threshold,
                       tiebreak=lambda i, j: -abs(i - j))


def _unit_key(unit: str, places: Sequence[str]) -> str:
    """Compare units across places: 县发改局 ≡ 市发改局, 国家税务总局邵东市税务局 ≡ …新邵县税务局."""
    for place in places:
        unit = unit.replace(place, "")
    levels = rules().place_levels
    if len(unit) > 2 and unit[0] in levels:
        unit = unit[1:]
    return unit


def _diff_part_targets(po: Part, pn: Part, op: Sequence[str], np_: Sequence[str], threshold: float,
                       report: DiffReport) -> None:
    olds, news = part_targets(po), part_targets(pn)
    om = [normalize_metric(t.metric, op) for _, t in olds]
    nm = [normalize_metric(t.metric, np_) for _, t in news]
    scorer = Scorer(om + nm)

    def score(i: int, j: int) -> float:
        return metric_similarity(om[i], nm[j], scorer)

    def tiebreak(i: int, j: int) -> float:
        (pa, a), (pb, b) = olds[i], news[j]
        same = (a.unit == b.unit, a.change == b.change, pa == pb, a.value == b.value)
        return sum(w * flag for w, flag in zip((1.0, 0.5, 0.25, 0.1), same, strict=True))

    pairs = match_pairs(len(olds), len(news), score, threshold, tiebreak, scorer.candidates(om, nm))
    for i, j, s in pairs:
        a, b = _target_side(po, *olds[i]), _target_side(pn, *news[j])
        changes = [FieldChange(field=f, old=getattr(a, f), new=getattr(b, f))
                   for f in TARGET_FIELDS if getattr(a, f) != getattr(b, f)]
        commitment: Literal["hardened", "softened"] | None = None
        if _RANK[b.strength] > _RANK[a.strength]:
            commitment = "hardened"
        elif _RANK[b.strength] < _RANK[a.strength]:
            commitment = "softened"
        report.targets.append(TargetDiff(old=a, new=b, similarity=round(s, 3), changes=changes,
                                         commitment=commitment))
    matched_o, matched_n = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    report.targets_dropped += [_target_side(po, *olds[i]) for i in range(len(olds)) if i not in matched_o]
    report.targets_added += [_target_side(pn, *news[j]) for j in range(len(news)) if j not in matched_n]


def _unit_changes(a: TaskSide, b: TaskSide, op: Sequence[str], np_: Sequence[str]) -> list[UnitChange]:
    out: list[UnitChange] = []
    for role in UNIT_ROLES:
        ka = {_unit_key(u, op): u for u in getattr(a, role)}
        kb = {_unit_key(u, np_): u for u in getattr(b, role)}
        added = [kb[k] for k in kb if k not in ka]
        dropped = [ka[k] for k in ka if k not in kb]
        if added or dropped:
            out.append(UnitChange(role=role, added=added, dropped=dropped))
    return out


def _diff_part_tasks(po: Part, pn: Part, op: Sequence[str], np_: Sequence[str], threshold: float,
                     report: DiffReport) -> None:
    olds, news = part_tasks(po), part_tasks(pn)
    ot = [normalize_title(t.title, op) for t in olds]
    nt = [normalize_title(t.title, np_) for t in news]
    scorer = Scorer(ot + nt, title_tokens)

    def score(i: int, j: int) -> float:
        return scorer.score(ot[i], nt[j])

    def tiebreak(i: int, j: int) -> float:
        return float(olds[i].path == news[j].path)

    pairs = match_pairs(len(olds), len(news), score, threshold, tiebreak, scorer.candidates(ot, nt))
    for i, j, s in pairs:
        a, b = olds[i], news[j]
        pa = normalize_title(a.parent, op) if a.parent else ""
        pb = normalize_title(b.parent, np_) if b.parent else ""
        moved = len(a.path) != len(b.path) or (pa != pb and Scorer([pa, pb], title_tokens).score(pa, pb) < threshold)
        report.tasks.append(TaskDiff(old=a, new=b, similarity=round(s, 3), moved=moved,
                                     renumbered=not moved and a.path != b.path,
                                     retitled=a.title != b.title, units=_unit_changes(a, b, op, np_)))
    matched_o, matched_n = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    report.tasks_dropped += [olds[i] for i in range(len(olds)) if i not in matched_o]
    report.tasks_added += [news[j] for j in range(len(news)) if j not in matched_n]


def diff_documents(old: Document, new: Document, thresholds: Thresholds | None = None) -> DiffReport:
    """Compare two parsed notices; nothing is matched by position."""
    th = thresholds or Thresholds()
    report = DiffReport(old_file=old.source.file, new_file=new.source.file, thresholds=th)
    matches = match_parts(old, new, th.part)
    report.parts = [PartMatch(old=a.id, new=b.id, old_title=a.title, new_title=b.title, similarity=s)
                    for a, b, s in matches]
    used_old = {a.id for a, _, _ in matches}
    used_new = {b.id for _, b, _ in matches}

    def side(p: Part) -> PartSide:
        return PartSide(id=p.id, title=p.title, targets=len(part_targets(p)), tasks=len(part_tasks(p)))

    report.parts_dropped = [side(p) for p in old.parts if p.id not in used_old]
    report.parts_added = [side(p) for p in new.parts if p.id not in used_new]
    op, np_ = places_of(old), places_of(new)
    for a, b, _ in matches:
        _diff_part_targets(a, b, op, np_, th.metric, report)
        _diff_part_tasks(a, b, op, np_, th.task, report)
    return report


# --- rendering ------------------------------------------------------------------------------


class DiffRow(BaseModel):
    """One line of the human-readable report."""

    kind: str
    what: str
    old: str = ""
    new: str = ""


def _fmt_value(t: TargetSide) -> str:
    before, after = {">=": ("", "以上"), "<=": ("", "以下"), "~": ("", "左右"), ">": ("超过", ""),
                     "=": ("", "")}[t.bound]
    value = f"{t.value:g}" + (f"–{t.value_max:g}" if t.value_max is not None else "")
    why = f": {t.evidence}" if t.evidence else ""  # the 力争/确保 outside the quote: why it is soft/hard
    return f"{before}{value}{t.unit}{after}" + (f" [{t.strength}{why}]" if t.strength != "plain" else "")


def _where(part: str, path: Sequence[str]) -> str:
    return f"{part} {'/'.join(path) or '(preamble)'}"


def report_rows(report: DiffReport, *, all_matches: bool = False) -> list[DiffRow]:
    """The report as rows: kind, what, old side, new side (with source quotes)."""
    rows: list[DiffRow] = []
    for p in report.parts_dropped:
        rows.append(DiffRow(kind="part dropped", what=p.id, old=f"{p.title} ({p.targets} targets)"))
    for p in report.parts_added:
        rows.append(DiffRow(kind="part added", what=p.id, new=f"{p.title} ({p.targets} targets)"))
    for t in report.targets:
        if not t.changes and not all_matches:
            continue
        kind = "target changed" if t.changes else "target same"
        fields = ", ".join(c.field for c in t.changes if c.field != "strength")
        if t.commitment:
            fields = ", ".join(x for x in (fields, t.commitment) if x)
        what = t.new.metric if t.old.metric == t.new.metric else f"{t.old.metric} → {t.new.metric}"
        rows.append(DiffRow(kind=kind, what=f"{what}: {fields}" if fields else what,
                            old=f"{_fmt_value(t.old)} 「{t.old.quote}」",
                            new=f"{_fmt_value(t.new)} 「{t.new.quote}」"))
    for side in report.targets_dropped:
        rows.append(DiffRow(kind="target dropped", what=f"{side.metric} ({_where(side.part, side.path)})",
                            old=f"{_fmt_value(side)} 「{side.quote}」"))
    for side in report.targets_added:
        rows.append(DiffRow(kind="target added", what=f"{side.metric} ({_where(side.part, side.path)})",
                            new=f"{_fmt_value(side)} 「{side.quote}」"))
    for d in report.tasks:
        if not d.changed and not all_matches:
            continue
        flags = [f for f in ("moved", "renumbered", "retitled") if getattr(d, f)]
        for u in d.units:
            flags.append(u.role + "".join(f" +{x}" for x in u.added) + "".join(f" -{x}" for x in u.dropped))
        rows.append(DiffRow(kind="task changed" if d.changed else "task same",
                            what=f"{d.new.title}: {'; '.join(flags)}" if flags else d.new.title,
                            old=f"{_where(d.old.part, d.old.path)} {d.old.title}",
                            new=f"{_where(d.new.part, d.new.path)} {d.new.title}"))
    for k in report.tasks_dropped:
        rows.append(DiffRow(kind="task dropped", what=k.title, old=_where(k.part, k.path)))
    for k in report.tasks_added:
        rows.append(DiffRow(kind="task added", what=k.title, new=_where(k.part, k.path)))
    return rows


def render_markdown(report: DiffReport, *, all_matches: bool = False) -> str:
    """The report as a Markdown table, preceded by the part matches."""
    lines = [f"# {report.old_file} → {report.new_file}", ""]
    for p in report.parts:
        lines.append(f"- {p.old} {p.old_title} ↔ {p.new} {p.new_title} (similarity {p.similarity:.2f})")
    rows = report_rows(report, all_matches=all_matches)
    if rows:
        lines += ["", "| kind | what | old | new |", "|---|---|---|---|"]
    for r in rows:
        cells = [c.replace("|", "\\|") for c in (r.kind, r.what, r.old, r.new)]
        lines.append("| " + " | ".join(cells) + " |")
    if report.equal:
        lines += ["", "No differences."]
    return "\n".join(lines) + "\n"
