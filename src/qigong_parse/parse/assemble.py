"""Assemble: the output models built once, validated, from the outline tree and the facts found.

Nothing before this stage builds a Node, Part or Document; nothing after it changes one.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from ..model.ir import CoverageFacts, Duty, Extraction, NodeTree, PartFacts, PartTree
from ..model.output import Document, Node, Notice, ParseWarning, Part, Responsibility, Source, Unassigned


def responsibility(duty: Duty | None) -> Responsibility | None:
    """The output model of a settled duty."""
    if duty is None:
        return None
    return Responsibility(lead=list(duty.lead), support=list(duty.support), joint=list(duty.joint),
                          raw=duty.raw, span=duty.span)


def assemble(source: Source, notice: Notice | None, parts: Sequence[PartTree], facts: Extraction,
             coverage: CoverageFacts, unassigned: list[Unassigned], warnings: list[ParseWarning],
             page_starts: Sequence[int] = ()) -> Document:
    """The Document: every model constructed (and so validated) once, bottom up."""
    built = [_part(p, f, c, page_starts) for p, f, c in zip(parts, facts.parts, coverage.parts, strict=True)]
    return Document(source=source, notice=notice, parts=built, unassigned=unassigned, warnings=warnings,
                    coverage=coverage.document)


def _part(part: PartTree, facts: PartFacts, coverage: object, page_starts: Sequence[int]) -> Part:
    found = zip(facts.duties, facts.targets, strict=True)
    return Part(id=part.id, kind=part.kind, annex_no=part.annex_no, title=part.title, span=part.span,
                head_span=part.head_span, preamble=part.preamble, preamble_span=part.preamble_span,
                targets=list(facts.preamble_targets), nodes=[_node(n, found, page_starts) for n in part.nodes],
                task_force=facts.task_force, coverage=coverage)


def _node(node: NodeTree, found: Iterator[tuple[Duty | None, tuple[object, ...]]],
          page_starts: Sequence[int]) -> Node:
    # `found` runs in reading order (the node, then its descendants): take this node's facts first.
    duty, targets = next(found)
    page = max(1, bisect.bisect_right(page_starts, node.span[0])) if page_starts else None
    return Node(path=list(node.path), marker=node.marker, damaged=node.damaged, role=node.role, title=node.title,
                text=node.text, span=node.span, title_span=node.title_span, origin=node.origin,
                responsibility=responsibility(duty), targets=list(targets),
                children=[_node(c, found, page_starts) for c in node.children], page=page)
