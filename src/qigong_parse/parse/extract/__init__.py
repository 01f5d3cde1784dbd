"""Extraction stage: fill responsibility, targets and task forces into a segmented, outlined Document."""

from __future__ import annotations

from collections.abc import Callable

from ...model.output import Document, Node, ParseWarning, Part, Responsibility, Target
from ...rules.units import UnitRegistry
from ...text.normalize import normalize
from .clauses import in_force, stated_conventions
from .responsibility import ClauseContext, find_responsibility
from .taskforce import find_task_force

TargetFinder = Callable[[str, str, int, int], list[Target]]


def extract(doc: Document, text: str, norm: str) -> Document:
    """Return a copy of `doc` with responsibility, targets and task_force filled in."""
    place = doc.notice.issuer if doc.notice and doc.notice.issuer else None
    if place is None and doc.parts:
        place = doc.parts[0].title
    registry = UnitRegistry.for_issuer(place)
    find_targets = _target_finder()
    warnings = list(doc.warnings)
    parts = [_extract_part(part, text, norm, registry, find_targets, warnings) for part in doc.parts]
    parts = _complete_truncations(parts, registry, warnings)
    parts = [p.model_copy(update={"nodes": _lift_group_clauses(p.nodes, text)}) for p in parts]
    return doc.model_copy(update={"parts": parts, "warnings": warnings})


def _complete_truncations(parts: list[Part], registry: UnitRegistry, warnings: list[ParseWarning]) -> list[Part]:
    """Complete a truncated unit (市文旅) to the one full name of the same document that begins
    with it (市文旅广体局), as a careful reader does; the registry cannot know every place's names."""
    full = {u for p in parts for n in p.walk() if n.responsibility
            for u in (*n.responsibility.lead, *n.responsibility.support, *n.responsibility.joint)
            if u.endswith(registry.suffixes)}

    def complete(unit: str, node: Node, part: Part) -> str:
        if unit.endswith(registry.suffixes) or registry.is_group(unit) or len(unit) < 2:
            return unit
        found = [f for f in full if f.startswith(unit)]
        if len(found) != 1:
            return unit
        warnings.append(ParseWarning(code="repaired-unit", part=part.id, path=list(node.path),
                                     message=f"truncated unit {unit!r} read as {found[0]}, named so elsewhere"))
        return found[0]

    def fix(node: Node, part: Part) -> Node:
        children = [fix(c, part) for c in node.children]
        r = node.responsibility
        if r is not None and any(not u.endswith(registry.suffixes) for u in (*r.lead, *r.support, *r.joint)):
            r = r.model_copy(update={role: list(dict.fromkeys(complete(u, node, part) for u in getattr(r, role)))
                                     for role in ("lead", "support", "joint")})
        return node.model_copy(update={"responsibility": r, "children": children})

    if not full:
        return parts
    return [p.model_copy(update={"nodes": [fix(n, p) for n in p.nodes]}) for p in parts]


def _target_finder() -> TargetFinder | None:
    try:
        from .targets import find_targets
    except ImportError:  # the targets module is optional until it lands
        return None
    return find_targets


def _extract_part(part: Part, text: str, norm: str, registry: UnitRegistry,
                  find_targets: TargetFinder | None, warnings: list[ParseWarning]) -> Part:
    nodes: list[Node] = []
    sections = [(top.span[0], max(n.span[1] for n in top.walk())) for top in part.nodes]
    ctx = ClauseContext(registry, stated=stated_conventions(norm, *part.span, sections, registry))
    for top in part.nodes:
        nodes.append(_extract_node(top, part.id, text, norm, ctx, find_targets))
    warnings.extend(ctx.warnings)
    update: dict[str, object] = {"nodes": nodes}
    if find_targets is not None and part.preamble_span is not None:
        update["targets"] = find_targets(text, norm, *part.preamble_span)
    mechanism = next((n for n in part.nodes if n.role == "mechanism"), None)
    if mechanism is not None:
        end = max(n.span[1] for n in mechanism.walk())
        task_force = find_task_force(text, norm, mechanism.span[0], end, registry)
        update["task_force"] = task_force
        members = task_force.members if task_force is not None else []
        span = task_force.span if task_force is not None else None
        for member in members:
            if member not in registry.canonical_names and not registry.is_group(member):
                message = f"task-force member not in the registry, kept as written: {member}"
                warnings.append(ParseWarning(code="unknown-unit", part=part.id, path=list(mechanism.path),
                                             message=message, span=span))
    return part.model_copy(update=update)


def _extract_node(node: Node, part_id: str, text: str, norm: str, ctx: ClauseContext,
                  find_targets: TargetFinder | None) -> Node:
    start, end = node.title_span[0], node.span[1]
    before = len(ctx.warnings)
    if node.origin == "table":
        resp = _table_responsibility(node, ctx)
    else:
        resp = find_responsibility(text, norm, start, end, ctx) if end > start else None
    for i in range(before, len(ctx.warnings)):
        ctx.warnings[i] = ctx.warnings[i].model_copy(update={"part": part_id, "path": list(node.path)})
    targets = find_targets(text, norm, start, end) if find_targets is not None and end > start else []
    targets = _without_repeated_lines(targets, text)
    children = [_extract_node(c, part_id, text, norm, ctx, find_targets) for c in node.children]
    return node.model_copy(update={"responsibility": resp, "targets": targets, "children": children})


def _table_responsibility(node: Node, ctx: ClauseContext) -> Responsibility | None:
    """Canonicalize the lead/support cells a task-table row carries from its columns."""
    written = node.responsibility
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
                    message = f"unit not in the registry, kept as written: {name}"
                    ctx.warnings.append(ParseWarning(code="unknown-unit", message=message, span=written.span))
    if in_force(ctx.stated, node.span[0], "first_listed_leads") and joint and not lead:
        lead, support, joint = joint[:1], joint[1:], []
    return written.model_copy(update={"lead": lead, "support": [u for u in support if u not in lead],
                                      "joint": joint})


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


_LABELS = ("责任单位", "牵头单位", "配合单位")


def _is_label_line(node: Node, text: str) -> bool:
    r = node.responsibility
    if r is None or r.span is None or not r.raw.startswith(_LABELS):
        return False
    line_start = text.rfind("\n", 0, r.span[0]) + 1
    return not text[line_start:r.span[0]].strip()


def _lift_group_clauses(nodes: list[Node], text: str) -> list[Node]:
    """A 责任单位: line closing a group of sub-items belongs to the group, where its sibling groups
    carry such lines themselves and no other sub-item has a clause (the line follows the last
    sub-item's paragraph only because the group ends there)."""
    out = [n.model_copy(update={"children": _lift_group_clauses(n.children, text)}) for n in nodes]
    groups_with_lines = sum(_is_label_line(n, text) for n in out)
    for i, n in enumerate(out):
        if n.responsibility is not None or not n.children or not groups_with_lines:
            continue
        *others, last = n.children
        if not _is_label_line(last, text) or last.children or any(
                c.responsibility for o in others for c in o.walk()):
            continue
        out[i] = n.model_copy(update={
            "responsibility": last.responsibility,
            "children": [*others, last.model_copy(update={"responsibility": None})],
        })
    return out
