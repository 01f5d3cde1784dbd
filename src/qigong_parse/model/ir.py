"""The document tree between the stages: named tuples (immutable), never part of the YAML.

The outline stage builds a `PartTree` of `NodeTree`s; the extract stage reads it and returns
`PartFacts` (responsibility and targets per node, in reading order) without rebuilding the tree;
coverage reads both; `parse.assemble` builds the pydantic output models from them once, at the
end. The output's leaves found by one stage alone (Target, TaskForce, Notice, ParseWarning) are
output models built once where they are found.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from .output import Coverage, DocumentCoverage, Origin, ParseWarning, PartKind, Role, Target, TaskForce

Span = tuple[int, int]

# Named tuples rather than frozen dataclasses: as immutable and as small (no per-instance dict),
# and a class costs ~0.7 M instructions to create against ~3.7 M (start-up runs every one).


class Duty(NamedTuple):
    """A responsibility as the extract stage settles it (or a task table's cells as written)."""

    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    joint: tuple[str, ...] = ()
    raw: str = ""
    span: Span | None = None

    def units(self) -> Iterator[str]:
        """Every unit named, lead first."""
        yield from self.lead
        yield from self.support
        yield from self.joint


class NodeTree(NamedTuple):
    """One heading of the outline and its own text; `cells` are a task-table row's unit columns."""

    path: tuple[str, ...]
    marker: str
    title: str
    text: str
    span: Span
    title_span: Span
    damaged: bool = False
    role: Role = "other"
    origin: Origin = "outline"
    cells: Duty | None = None
    children: tuple[NodeTree, ...] = ()

    def walk(self) -> Iterator[NodeTree]:
        """This node and its descendants, in reading order."""
        if not self.children:
            return iter((self,))
        out = [self]
        _walk_into(self.children, out)
        return iter(out)

    @property
    def own_region(self) -> Span:
        """Title and own text: where the node's clauses and targets are looked for."""
        return self.title_span[0], self.span[1]


class PartTree(NamedTuple):
    """A part (general plan or annex) with its outline."""

    id: str
    kind: PartKind
    span: Span
    annex_no: int | None = None
    title: str | None = None
    head_span: Span | None = None
    preamble: str = ""
    preamble_span: Span | None = None
    nodes: tuple[NodeTree, ...] = ()

    def walk(self) -> Iterator[NodeTree]:
        """All nodes of the part, in reading order."""
        out: list[NodeTree] = []
        _walk_into(self.nodes, out)
        return iter(out)


def _walk_into(nodes: tuple[NodeTree, ...], out: list[NodeTree]) -> None:
    # A list filled in one recursion over the nodes that have children: a recursive generator
    # resumes every frame above a node for each node it yields.
    for node in nodes:
        out.append(node)
        if node.children:
            _walk_into(node.children, out)


class OutlineResult(NamedTuple):
    """What `build_outline` returns for one part."""

    part: PartTree
    warnings: list[ParseWarning]


class PartFacts(NamedTuple):
    """What the extract stage found in one part; `duties`, `targets` and `brackets` (each node's
    `bracket_spans` over its own region, for coverage: () for a table row) follow `PartTree.walk()`."""

    duties: tuple[Duty | None, ...]
    targets: tuple[tuple[Target, ...], ...]
    preamble_targets: tuple[Target, ...] = ()
    task_force: TaskForce | None = None
    brackets: tuple[tuple[Span, ...], ...] = ()


class Extraction(NamedTuple):
    """What the extract stage returns: facts per part and the warnings it raised, in order."""

    parts: tuple[PartFacts, ...]
    warnings: tuple[ParseWarning, ...] = ()


class CoverageFacts(NamedTuple):
    """What coverage found: a block per part, the document's block and its warnings."""

    parts: tuple[Coverage, ...]
    document: DocumentCoverage
    warnings: tuple[ParseWarning, ...] = ()
