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
from typing import Final, NamedTuple

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


# What the reader and segmentation return. DecodedText and Segmentation are plain classes, not
# frozen dataclasses (~4 M instructions each to create at start-up): keyword-only, read-only by
# `Final` (mypy); no __eq__/__repr__/__hash__: nothing compares, prints or hashes them.


class DecodedText:
    """What `read.decode` returns: the text every offset refers to, and how it was obtained."""

    __slots__ = ("encoding", "format", "labelled", "notes", "outside", "page_starts", "text")
    text: Final[str]
    encoding: Final[str]
    format: Final[Format]
    outside: Final[list[tuple[int, int]]]  # spans known to be site chrome
    # (start, end, reason) of outside spans with a reason of their own ("page number", "page header")
    labelled: Final[list[tuple[int, int, str]]]
    page_starts: Final[list[int]]  # offset where each page's text starts (PDF, OFD)
    notes: Final[list[tuple[str, str]]]  # (warning code, message) from reading

    def __init__(self, *, text: str, encoding: str, format: Format = "text",
                 outside: list[tuple[int, int]] | None = None, labelled: list[tuple[int, int, str]] | None = None,
                 page_starts: list[int] | None = None, notes: list[tuple[str, str]] | None = None) -> None:
        self.text = text
        self.encoding = encoding
        self.format = format
        self.outside = [] if outside is None else outside
        self.labelled = [] if labelled is None else labelled
        self.page_starts = [] if page_starts is None else page_starts
        self.notes = [] if notes is None else notes


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


class Segmentation:
    """What `segment` returns: the notice head, the parts, the text outside the document."""

    __slots__ = ("notice", "parts", "unassigned", "warnings")
    notice: Final[Notice | None]
    parts: Final[list[PartSlice]]
    unassigned: Final[list[Unassigned]]
    warnings: Final[list[ParseWarning]]

    def __init__(self, *, notice: Notice | None = None, parts: list[PartSlice] | None = None,
                 unassigned: list[Unassigned] | None = None, warnings: list[ParseWarning] | None = None) -> None:
        self.notice = notice
        self.parts = [] if parts is None else parts
        self.unassigned = [] if unassigned is None else unassigned
        self.warnings = [] if warnings is None else warnings
