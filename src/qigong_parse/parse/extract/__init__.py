"""Extraction stage: fill responsibility, targets and task forces into a segmented, outlined Document."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from ...model.ir import Duty, Extraction, NodeTree, PartFacts, PartTree, Span
from ...model.records import Notice, ParseWarning, Target, TaskForce
from ...rules import load_table
from ...rules.units import UnitRegistry
from ...text.normalize import normalize
from ..state import ParseState
from .clauses import BracketMarks, bracket_marks, bracket_spans, in_force, stated_conventions
from .responsibility import ClauseContext, find_responsibility
from .taskforce import find_task_force

# (text, norm, start, end, the document's year or None)
TargetFinder = Callable[[str, str, int, int, "int | None"], list[Target]]


class _PartDraft:
    """The facts of one part while they are found: duties and targets per node in reading order."""

    __slots__ = ("brackets", "duties", "nodes", "part", "preamble_targets", "targets", "task_force")

    def __init__(self, part: PartTree) -> None:
        self.part = part
        self.nodes = list(part.walk())
        self.duties: list[Duty | None] = [None] * len(self.nodes)
        self.targets: list[tuple[Target, ...]] = [()] * len(self.nodes)
        self.brackets: list[tuple[Span, ...]] = [()] * len(self.nodes)
        self.preamble_targets: tuple[Target, ...] = ()
        self.task_force: TaskForce | None = None

    def freeze(self) -> PartFacts:
        return PartFacts(duties=tuple(self.duties), targets=tuple(self.targets), brackets=tuple(self.brackets),
                         preamble_targets=self.preamble_targets, task_force=self.task_force)


def extract(state: ParseState, parts: Sequence[PartTree], notice: Notice | None) -> Extraction:
    """Responsibility, targets and task forces of every part (the tree itself is left as it is)."""
    text, norm = state.text, state.norm
    place = notice.issuer if notice and notice.issuer else None
    if place is None and parts:
        place = parts[0].title
    registry = UnitRegistry.for_issuer(place)
    find_targets = _target_finder()
    # a sentence opening with a year before the document's own reports the past (its figures are facts)
    year = notice.date.year if notice is not None and notice.date is not None else None
    warnings: list[ParseWarning] = []
    with registry.remembering():
        drafts = [_extract_part(_PartDraft(part), text, norm, registry, find_targets, warnings, year)
                  for part in parts]
    _complete_truncations(drafts, registry, warnings)
    for draft in drafts:
        _lift_part(draft, text)
    return Extraction(parts=tuple(d.freeze() for d in drafts), warnings=tuple(warnings))


def _complete_truncations(drafts: list[_PartDraft], registry: UnitRegistry, warnings: list[ParseWarning]) -> None:
    """Complete a truncated unit (市文旅) to the one full name of the same document that begins
    with it (市文旅广体局), as a careful reader does; the registry cannot know every place's names."""
    # Every unit named is in `named`, so one ends with a unit suffix exactly when it is in `full`:
    # each distinct name is tested once (a test against the ~30 suffixes costs ~20 set lookups).
    named: set[str] = set()
    for d in drafts:  # the units of every duty, role by role (`Duty.units`, with no generator per duty)
        for duty in d.duties:
            if duty is not None:
                named.update(duty.lead)
                named.update(duty.support)
                named.update(duty.joint)
    full = {u for u in named if u.endswith(registry.suffixes)}
    if not full:
        return
    completion: dict[str, str] = {}  # a truncated unit → the one full name that begins with it
    for unit in named - full:
        if registry.is_group(unit) or len(unit) < 2:
            continue
        found = [f for f in full if f.startswith(unit)]
        if len(found) == 1:
            completion[unit] = found[0]

    def complete(unit: str, node: NodeTree, part: PartTree) -> str:
        got = completion.get(unit)
        if got is None:
            return unit
        warnings.append(ParseWarning(code="repaired-unit", part=part.id, path=list(node.path),
                                          message=f"truncated unit {unit!r} read as {got}, named so elsewhere"))
        return got

    def rewritten(duty: Duty | None) -> bool:
        """Whether `fix` makes another duty of it: a unit completes or a role names one twice (the
        rebuilt roles are deduplicated); else the duty it would build is equal to this one."""
        if duty is None or (full.issuperset(duty.lead) and full.issuperset(duty.support)
                            and full.issuperset(duty.joint)):  # every unit full (`Duty.units`, role by role)
            return False
        roles = (duty.lead, duty.support, duty.joint)
        return any(not completion.keys().isdisjoint(r) or len(set(r)) < len(r) for r in roles)

    def fix(d: _PartDraft, node: NodeTree, index: dict[int, int]) -> None:
        for child in node.children:  # children first: their repairs are reported first
            fix(d, child, index)
        i = index[id(node)]
        duty = d.duties[i]
        if duty is None or not rewritten(duty):
            return
        lead, support, joint = (tuple(dict.fromkeys(complete(u, node, d.part) for u in names))
                                for names in (duty.lead, duty.support, duty.joint))
        d.duties[i] = Duty(lead, support, joint, raw=duty.raw, span=duty.span)

    for d in drafts:
        if not any(rewritten(duty) for duty in d.duties):
            continue  # nothing to rewrite in this part: its tree is not walked
        index = {id(n): i for i, n in enumerate(d.nodes)}
        for top in d.part.nodes:
            fix(d, top, index)


def _target_finder() -> TargetFinder | None:
    try:
        from .targets import find_targets
    except ImportError:  # the targets module is optional until it lands
        return None
    return find_targets


def _extract_part(draft: _PartDraft, text: str, norm: str, registry: UnitRegistry,
                  find_targets: TargetFinder | None, warnings: list[ParseWarning], year: int | None = None
                  ) -> _PartDraft:
    part = draft.part
    sections = [(top.span[0], max(n.span[1] for n in top.walk())) for top in part.nodes]
    ctx = ClauseContext(registry, stated=stated_conventions(norm, *part.span, sections, registry), part=part.id)
    marks = bracket_marks(norm, *part.span)  # once for the part: each node's brackets by bisection
    for i, node in enumerate(draft.nodes):
        draft.duties[i], draft.targets[i], draft.brackets[i] = _extract_node(node, text, norm, ctx, find_targets,
                                                                             marks, year)
    warnings.extend(ctx.warnings)
    if find_targets is not None and part.preamble_span is not None:
        draft.preamble_targets = tuple(find_targets(text, norm, *part.preamble_span, year))
    mechanism = next((n for n in part.nodes if n.role == "mechanism"), None)
    if mechanism is not None:
        end = max(n.span[1] for n in mechanism.walk())
        task_force = draft.task_force = find_task_force(text, norm, mechanism.span[0], end, registry)
        members = task_force.members if task_force is not None else []
        span = task_force.span if task_force is not None else None
        for member in members:
            if member not in registry.canonical_names and not registry.is_group(member):
                message = f"task-force member not in the registry, kept as written: {member}"
                warnings.append(ParseWarning(code="unknown-unit", part=part.id, path=list(mechanism.path),
                                                  message=message, span=span))
    return draft


def _extract_node(node: NodeTree, text: str, norm: str, ctx: ClauseContext, find_targets: TargetFinder | None,
                  marks: BracketMarks | None = None, year: int | None = None
                  ) -> tuple[Duty | None, tuple[Target, ...], tuple[Span, ...]]:
    """The node's duty and targets, and its bracket spans (coverage reads them again)."""
    start, end = node.own_region
    ctx.path = list(node.path)
    brackets: list[Span] = []
    if node.origin == "table":
        duty = _table_duty(node, ctx)
    elif end > start:
        brackets = bracket_spans(norm, start, end, marks)
        duty = find_responsibility(text, norm, start, end, ctx, brackets)
    else:
        duty = None
    targets = find_targets(text, norm, start, end, year) if find_targets is not None and end > start else []
    return duty, tuple(_without_repeated_lines(targets, text)) if targets else (), tuple(brackets)


def _table_duty(node: NodeTree, ctx: ClauseContext) -> Duty | None:
    """Canonicalize the lead/support cells a task-table row carries from its columns."""
    written = node.cells
    if written is None:
        return None
    lead: list[str] = []
    support: list[str] = []
    joint: list[str] = []
    for cells, out in ((written.lead, lead), (written.support, support), (written.joint, joint)):
        for cell in cells:
            for piece in ctx.registry.split(normalize(cell)):  # in the order written
                name = piece.canonical or cell[piece.start:piece.end]
                if name not in out:
                    out.append(name)
                if piece.kind in ("shaped", "junk"):
                    ctx.warn("unknown-unit", f"unit not in the registry, kept as written: {name}", written.span)
    if in_force(ctx.stated, node.span[0], "first_listed_leads") and joint and not lead:
        lead, support, joint = joint[:1], joint[1:], []
    return Duty(lead=tuple(lead), support=tuple(u for u in support if u not in lead), joint=tuple(joint),
                raw=written.raw, span=written.span)


def _without_repeated_lines(targets: list[Target], text: str) -> list[Target]:
    """Drop the targets of a paragraph pasted twice (the same line again): one commitment, not two.

    Each line is hashed once (not copied per target): 20,000 figures on one line cost one hash."""
    seen: set[tuple[object, ...]] = set()
    out: list[Target] = []
    line = (0, -1, 0)  # the current line: start, end, hash of its stripped text
    for t in targets:
        if not line[0] <= t.span[0] < line[1]:  # targets come in order: find each line once
            start = text.rfind("\n", 0, t.span[0]) + 1
            end = text.find("\n", t.span[1])
            end = end if end >= 0 else len(text)
            line = (start, end, hash(text[start:end].strip()))
        key = (t.quote, t.metric, str(t.value), t.unit, line[2])  # paired figures share a quote
        if key in seen:
            continue
        seen.add(key)
        out.append(t)
    return out


@functools.cache
def _label_line_words() -> tuple[str, ...]:
    return tuple(load_table("clauses.yaml")["label_line_words"])


def _is_label_line(duty: Duty | None, text: str) -> bool:
    if duty is None or duty.span is None or not duty.raw.startswith(_label_line_words()):
        return False
    line_start = text.rfind("\n", 0, duty.span[0]) + 1
    return not text[line_start:duty.span[0]].strip()


def _lift_part(draft: _PartDraft, text: str) -> None:
    """`_lift_group_clauses` over a part, which has something to lift only when one of its duties is
    a label line: a lift moves such a duty and makes none (no walk of the tree, no index, else)."""
    if any(_is_label_line(duty, text) for duty in draft.duties):
        _lift_group_clauses(draft, draft.part.nodes, {id(n): i for i, n in enumerate(draft.nodes)}, text)


def _lift_group_clauses(draft: _PartDraft, nodes: Sequence[NodeTree], index: dict[int, int], text: str) -> None:
    """A 责任单位: line closing a group of sub-items belongs to the group, where its sibling groups
    carry such lines themselves and no other sub-item has a clause (the line follows the last
    sub-item's paragraph only because the group ends there)."""
    duties = draft.duties
    for n in nodes:
        if n.children:
            _lift_group_clauses(draft, n.children, index, text)
    if not any(_is_label_line(duties[index[id(n)]], text) for n in nodes):
        return  # no group here carries such a line
    for n in nodes:
        if duties[index[id(n)]] is not None or not n.children:
            continue
        *others, last = n.children
        at = index[id(last)]
        if not _is_label_line(duties[at], text) or last.children or any(
                duties[index[id(c)]] for o in others for c in o.walk()):
            continue
        duties[index[id(n)]], duties[at] = duties[at], None
