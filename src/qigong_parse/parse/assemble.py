"""Assemble: the document's records built once, from the outline tree and the facts found.

Nothing before this stage builds a Node, Part or Document; nothing after it changes one.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from ..model.ir import Duty, NodeTree, PartFacts, PartTree
from ..model.records import (
    Coverage,
    Document,
    DocumentCoverage,
    Node,
    Notice,
    ParseWarning,
    Part,
    Responsibility,
    Source,
    Target,
    Unassigned,
)

Piece = tuple[PartTree, PartFacts, Coverage]


def responsibility(duty: Duty | None) -> Responsibility | None:
    """The output model of a settled duty."""
    if duty is None:
        return None
    return Responsibility(lead=list(duty.lead), support=list(duty.support), joint=list(duty.joint),
                               raw=duty.raw, span=duty.span)


def assemble(source: Source, notice: Notice | None, pieces: list[Piece], coverage: DocumentCoverage,
             unassigned: list[Unassigned], warnings: list[ParseWarning],
             page_starts: Sequence[int] = ()) -> Document:
    """The Document: every model constructed once, bottom up (`made`: the check stage checks it).

    `pieces` (each part's tree, facts and coverage block, in order) is emptied as the parts are
    built: a part's tree is freed once its models exist, so the whole tree never lives beside the
    whole output.
    """
    pieces.reverse()
    built: list[Part] = []
    shared: dict[str, str] = {}  # one object per marker and path token ("一、", "(一)", "1" …)
    while pieces:
        built.append(_part(*pieces.pop(), page_starts, shared))
    return Document(source=source, notice=notice, parts=built, unassigned=unassigned, warnings=warnings,
                         coverage=coverage)


def _part(part: PartTree, facts: PartFacts, coverage: Coverage, page_starts: Sequence[int],
          shared: dict[str, str]) -> Part:
    found = zip(facts.duties, facts.targets, strict=True)
    return Part(id=part.id, kind=part.kind, annex_no=part.annex_no, title=part.title, span=part.span,
                     head_span=part.head_span, preamble=part.preamble, preamble_span=part.preamble_span,
                     targets=list(facts.preamble_targets),
                     nodes=[_node(n, found, page_starts, shared) for n in part.nodes],
                     task_force=facts.task_force, coverage=coverage)


def _node(node: NodeTree, found: Iterator[tuple[Duty | None, tuple[Target, ...]]],
          page_starts: Sequence[int], shared: dict[str, str]) -> Node:
    # `found` runs in reading order (the node, then its descendants): take this node's facts first.
    duty, targets = next(found)
    page = max(1, bisect.bisect_right(page_starts, node.span[0])) if page_starts else None
    return Node(path=[shared.setdefault(p, p) for p in node.path],
                     marker=shared.setdefault(node.marker, node.marker),
                     damaged=node.damaged, role=node.role, title=node.title, text=node.text, span=node.span,
                     title_span=node.title_span, origin=node.origin, responsibility=responsibility(duty),
                     targets=list(targets), children=[_node(c, found, page_starts, shared) for c in node.children],
                     page=page)
