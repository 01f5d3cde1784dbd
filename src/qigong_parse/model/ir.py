"""The document tree between the stages: named tuples (immutable), never part of the YAML.

The outline stage builds a `PartTree` of `NodeTree`s; the extract stage reads it and returns
`PartFacts` (responsibility and targets per node, in reading order) without rebuilding the tree;
coverage reads both; `parse.assemble` builds the document's records (`model.records`) from them
once, at the end. The output's leaves found by one stage alone (Target, TaskForce, Notice,
ParseWarning) are records built once where they are found. Also here: what the reader
(`DecodedText`) and segmentation (`PartSlice`, `Segmentation`) return.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from .kinds import Format, Origin, PartKind, Role
from .records import Coverage, DocumentCoverage, Notice, ParseWarning, Target, TaskForce, Unassigned

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


# What the reader and segmentation return.


@dataclass(frozen=True, kw_only=True, slots=True)
class DecodedText:
    """What `read.decode` returns: the text every offset refers to, and how it was obtained."""

    text: str
    encoding: str
    format: Format = "text"
    outside: list[tuple[int, int]] = field(default_factory=list)  # spans known to be site chrome
    # (start, end, reason) of outside spans with a reason of their own ("page number", "page header")
    labelled: list[tuple[int, int, str]] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)  # offset where each page's text starts (PDF, OFD)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (warning code, message) from reading


class PartSlice(NamedTuple):
    """Where segmentation found a part: its head (附件N line and title) and its body (a named
    tuple: a class is five times cheaper to create than a frozen dataclass, see model/ir.py)."""

    id: str
    kind: PartKind
    span: tuple[int, int]
    body_start: int
    annex_no: int | None = None
    title: str | None = None
    head_span: tuple[int, int] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Segmentation:
    """What `segment` returns: the notice head, the parts, the text outside the document."""

    notice: Notice | None = None
    parts: list[PartSlice] = field(default_factory=list)
    unassigned: list[Unassigned] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
