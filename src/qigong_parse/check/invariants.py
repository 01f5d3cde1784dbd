"""The invariants every Document must keep, checkable from the Document alone (and from its text).

The guarantee ("nothing lost"): the leaf pieces — unassigned spans, the notice head and its 附件
list, and per part its head, its preamble and every node's own span — tile ``[0, source.chars)``
with no gap and no overlap; each part's leaves tile the part's span; parts follow reading order
without overlapping. Besides: every span lies inside what contains it (a title inside its node, a
target inside its node or preamble …), paths extend their parent's, part ids are unique and agree
with their kind, strings sliced from the text are as long as their spans.

`check_document` runs all of that in one linear pass (the pipeline calls it on every parse,
`qigong validate` on every file); `tiling_errors` adds the checks that need the decoded text.
"""

from __future__ import annotations

from typing import NamedTuple

from ..model.kinds import Span
from ..model.records import Document, Node, Part, Target
from ..text.normalize import normalize


class Problem(NamedTuple):
    """One thing wrong with a file: where (a YAML path, "" for the whole file) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


# A leaf piece: its span, and its label (or, for a node, its part's prefix and the node, the
# label made only when a problem names it: the whole document's labels cost more than its nodes).
_Leaf = tuple[Span, str, Node | None]


def _label(leaf: _Leaf) -> str:
    _, at, node = leaf
    return at if node is None else f"{at}:{'/'.join(node.path)}"


def leaf_spans(doc: Document) -> list[tuple[str, Span]]:
    """Every leaf piece of `doc` as (label, span): the pieces that must tile the text."""
    return [(_label(leaf), leaf[0]) for leaf in _leaves(doc)]


def _leaves(doc: Document, part_leaves: list[list[_Leaf]] | None = None) -> list[_Leaf]:
    """The document's leaves; `part_leaves`, when given, are its parts' (`_part_leaves`)."""
    out: list[_Leaf] = [(u.span, f"unassigned[{i}]", None) for i, u in enumerate(doc.unassigned)]
    if doc.notice is not None:
        out.append((doc.notice.span, "notice.span", None))
        if doc.notice.attachments_span is not None:
            out.append((doc.notice.attachments_span, "notice.attachments_span", None))
        if doc.notice.signature_span is not None:
            out.append((doc.notice.signature_span, "notice.signature_span", None))
    if part_leaves is None:
        part_leaves = [_part_leaves(f"parts[{i}]", part) for i, part in enumerate(doc.parts)]
    for leaves in part_leaves:
        out.extend(leaves)
    return out


def _part_leaves(at: str, part: Part) -> list[_Leaf]:
    out: list[_Leaf] = []
    if part.head_span is not None:
        out.append((part.head_span, f"{at}.head_span", None))
    if part.preamble_span is not None:
        out.append((part.preamble_span, f"{at}.preamble_span", None))
    out.extend((node.span, at, node) for node in part.walk())
    return out


def _tiled_to(pieces: list[_Leaf], start: int) -> int | None:
    """Where `pieces`, as they come, tile on to from `start` when each starts where the one before
    it ends and none ends before it starts (then they are in sorted order already, and `_tiling`
    would find no gap and no overlap); None otherwise."""
    pos = start
    for leaf in pieces:
        s, e = leaf[0]
        if s != pos or e < s:
            return None
        pos = e
    return pos


def _tiling(pieces: list[_Leaf], start: int, end: int, what: str, where: str) -> list[Problem]:
    """Problems when `pieces` do not cover ``[start, end)`` contiguously (one per gap or overlap)."""
    problems: list[Problem] = []
    pos = _tiled_to(pieces, start)
    if pos is None:
        pos = start
        for leaf in sorted(pieces, key=lambda p: (p[0][0], p[0][1])):
            s, e = leaf[0]
            if s > pos:
                problems.append(Problem(where, f"gap: text [{pos}, {s}) is covered by no piece of {what} "
                                               f"(the next is {_label(leaf)} {[s, e]})"))
            elif s < pos:
                problems.append(Problem(where, f"overlap: {_label(leaf)} {[s, e]} overlaps the piece before it "
                                               f"(which ends at {pos})"))
            pos = max(pos, e)
    if pos < end:
        problems.append(Problem(where, f"end: text [{pos}, {end}) at the end is covered by no piece of {what}"))
    elif pos > end:
        problems.append(Problem(where, f"end: pieces of {what} end at {pos}, past its end {end}"))
    return problems


def tiling_problems(doc: Document, part_leaves: list[list[_Leaf]] | None = None) -> list[Problem]:
    """The "nothing lost" guarantee from the Document alone: leaves tile [0, chars), parts tile theirs.

    `part_leaves`, when given, are each part's `_part_leaves`."""
    if part_leaves is None:
        part_leaves = [_part_leaves(f"parts[{i}]", part) for i, part in enumerate(doc.parts)]
    problems = _tiling(_leaves(doc, part_leaves), 0, doc.source.chars, "the document", "")
    last_end, last_id = 0, ""
    for i, part in enumerate(doc.parts):
        at = f"parts[{i}]"
        if part.span[0] < last_end:
            problems.append(Problem(f"{at}.span", f"overlap: {list(part.span)} overlaps part {last_id!r}, "
                                                  f"which ends at {last_end}"))
        last_end, last_id = max(last_end, part.span[1]), part.id
        problems.extend(_tiling(part_leaves[i], part.span[0], part.span[1], f"part {part.id!r}", f"{at}.span"))
    return problems


def check_document(doc: Document) -> list[Problem]:
    """Every invariant a schema-valid Document must keep that needs no source text (empty: none)."""
    checker = _Checker(doc.source.chars)
    problems = checker.document(doc)
    return problems + tiling_problems(doc, checker.part_leaves)


class _Checker:
    """Containment, reading order, paths, ids and lengths, in one walk over the document."""

    def __init__(self, chars: int) -> None:
        self.chars = chars
        self.problems: list[Problem] = []
        # each part's leaves (`_part_leaves`), gathered on the walk
        self.part_leaves: list[list[_Leaf]] = []
        self._leaves: list[_Leaf] = []
        self._at = ""

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def inside_text(self, where: str, span: Span | None) -> bool:
        if span is not None and span[1] > self.chars:
            self.add(where, f"span {list(span)} ends past the text ({self.chars} chars)")
            return False
        return True

    def within(self, where: str, span: Span | None, outer: Span, outer_name: str) -> None:
        if span is None or not self.inside_text(where, span):
            return
        if not (outer[0] <= span[0] and span[1] <= outer[1]):
            self.add(where, f"span {list(span)} is not inside {outer_name} {list(outer)}")

    def length(self, where: str, text: str, span: Span | None, exact: bool = True) -> None:
        if span is None:
            return
        covered = span[1] - span[0]
        if len(text) > covered or (exact and len(text) != covered):
            self.add(where, f"{len(text)} characters but its span {list(span)} covers {covered}")

    def document(self, doc: Document) -> list[Problem]:
        if doc.notice is not None:
            self.inside_text("notice.span", doc.notice.span)
            self.inside_text("notice.attachments_span", doc.notice.attachments_span)
            self.inside_text("notice.signature_span", doc.notice.signature_span)
        seen: dict[str, int] = {}
        for i, part in enumerate(doc.parts):
            if part.id in seen:
                self.add(f"parts[{i}].id", f"duplicate part id {part.id!r} (also parts[{seen[part.id]}])")
            seen.setdefault(part.id, i)
            self.part(f"parts[{i}]", part)
        for i, item in enumerate(doc.unassigned):
            if self.inside_text(f"unassigned[{i}].span", item.span):
                self.length(f"unassigned[{i}].text", item.text, item.span)
        for i, warning in enumerate(doc.warnings):
            self.inside_text(f"warnings[{i}].span", warning.span)
        return self.problems

    def part(self, at: str, part: Part) -> None:
        expected = "general" if part.kind == "general_plan" else f"annex-{part.annex_no}"
        if part.id != expected:
            self.add(f"{at}.id", f"{part.id!r} does not agree with kind {part.kind} "
                                 f"and annex_no {part.annex_no} (expected {expected!r})")
        if self.inside_text(f"{at}.span", part.span):
            self.within(f"{at}.head_span", part.head_span, part.span, "the part")
            self.within(f"{at}.preamble_span", part.preamble_span, part.span, "the part")
        self.length(f"{at}.preamble", part.preamble, part.preamble_span, exact=False)
        for j, target in enumerate(part.targets):
            self.target(f"{at}.targets[{j}]", target, part.preamble_span or part.span, "the preamble")
        if part.task_force is not None:
            self.within(f"{at}.task_force.span", part.task_force.span, part.span, "the part")
        leaves: list[_Leaf] = []
        if part.head_span is not None:
            leaves.append((part.head_span, f"{at}.head_span", None))
        if part.preamble_span is not None:
            leaves.append((part.preamble_span, f"{at}.preamble_span", None))
        self.part_leaves.append(leaves)
        self._leaves, self._at = leaves, at
        last_end = part.preamble_span[1] if part.preamble_span else part.span[0]
        for j, node in enumerate(part.nodes):
            last_end = self.node(f"{at}.nodes[{j}]", node, part, [], last_end)

    def node(self, at: str, node: Node, part: Part, parent_path: list[str], last_end: int) -> int:
        """Check `node` and its subtree; return the end of the last span seen, for reading order."""
        span = node.span
        self._leaves.append((span, self._at, node))
        if self._node_holds(node, part.span, parent_path, last_end):
            # what `_node_checks` checks, without building the paths it would name
            for k, target in enumerate(node.targets):
                if not self._target_holds(target, span):
                    self.target(f"{at}.targets[{k}]", target, span, "its node")
        else:
            self._node_checks(at, node, part, parent_path, last_end)
        if span[1] > last_end:
            last_end = span[1]
        for k, child in enumerate(node.children):
            last_end = self.node(f"{at}.children[{k}]", child, part, node.path, last_end)
        return last_end

    def _node_holds(self, node: Node, outer: Span, parent_path: list[str], last_end: int) -> bool:
        """True when `_node_checks` (its targets aside) would find nothing wrong with `node`."""
        chars = self.chars
        span, title_span, path = node.span, node.title_span, node.path
        start, end = span[0], span[1]
        if not (end <= chars and outer[0] <= start and end <= outer[1] and start >= last_end):
            return False
        if title_span is None or not (title_span[1] <= chars and start <= title_span[0] and title_span[1] <= end
                                      and len(node.title) == title_span[1] - title_span[0]):
            return False
        covered = end - start
        if len(node.marker) > covered or (node.origin == "outline" and len(node.marker + node.text) > covered):
            return False
        if len(path) != len(parent_path) + 1 or path[:-1] != parent_path:
            return False
        duty = node.responsibility
        if duty is not None and duty.span is not None:
            duty_span = duty.span
            return duty_span[1] <= chars and start <= duty_span[0] and duty_span[1] <= end
        return True

    def _target_holds(self, target: Target, outer: Span) -> bool:
        """True when `target` (the method) would find nothing wrong with `target`."""
        span = target.span
        return (span[1] <= self.chars and outer[0] <= span[0] and span[1] <= outer[1]
                and len(target.quote) == span[1] - span[0]
                and not (target.value_max is not None and target.value_max < target.value))

    def _node_checks(self, at: str, node: Node, part: Part, parent_path: list[str], last_end: int) -> None:
        """The checks of `node` itself, each problem named by its path."""
        self.within(f"{at}.span", node.span, part.span, "its part")
        self.within(f"{at}.title_span", node.title_span, node.span, "the node")
        self.length(f"{at}.title", node.title, node.title_span)
        self.length(f"{at}.marker", node.marker, node.span, exact=False)
        if node.origin == "outline":  # a table row's text joins its cells: not a slice
            self.length(f"{at}.text", node.marker + node.text, node.span, exact=False)
        if node.span[0] < last_end:
            self.add(f"{at}.span", f"span {list(node.span)} starts before the previous node "
                                   f"or the preamble ends ({last_end}): nodes must not overlap")
        depth = len(parent_path) + 1
        if len(node.path) != depth:
            self.add(f"{at}.path", f"{node.path} has {len(node.path)} tokens at tree depth {depth}")
        elif node.path[:-1] != parent_path:
            self.add(f"{at}.path", f"{node.path} does not extend its parent's path {parent_path}")
        if node.responsibility is not None:
            self.within(f"{at}.responsibility.span", node.responsibility.span, node.span, "its node")
        for k, target in enumerate(node.targets):
            self.target(f"{at}.targets[{k}]", target, node.span, "its node")

    def target(self, at: str, target: Target, outer: Span, outer_name: str) -> None:
        self.within(f"{at}.span", target.span, outer, outer_name)
        length = target.span[1] - target.span[0]
        if len(target.quote) != length:
            self.add(f"{at}.quote", f"quote has {len(target.quote)} characters "
                                    f"but its span {list(target.span)} covers {length}")
        if target.value_max is not None and target.value_max < target.value:
            self.add(f"{at}.value_max", f"{target.value_max} is below value {target.value}")


def tiling_errors(doc: Document, text: str, limit: int = 10) -> list[str]:
    """What breaks the guarantee for `doc` parsed from `text`, as lines (empty list: nothing).

    `tiling_problems`, plus what needs the text: source.chars is its length; markers, target
    quotes and unassigned texts are the text at their spans; titles that text or its normalized
    view (`Node.title` is documented as punctuation-normalized). `check_document` has the rest.
    """
    errors = [str(p) for p in tiling_problems(doc)]
    # the view the parser sliced titles from: a slice normalized alone can differ (a '??' run
    # that starts the slice but not its line is indentation only at a line start)
    norm = normalize(text)
    if doc.source.chars != len(text):
        errors.append(f"end: source.chars is {doc.source.chars}, the text has {len(text)} chars")
    for u in doc.unassigned:
        if u.text != text[u.span[0]:u.span[1]]:
            errors.append(f"unassigned: text at {list(u.span)} is not the text at its span")
    for part in doc.parts:
        for node in part.walk():
            where = f"{part.id}:{'/'.join(node.path)}"
            ts, te = node.title_span
            if node.title not in (text[ts:te], norm[ts:te]):
                errors.append(f"title: {where}: {node.title[:30]!r} != text[title_span] {text[ts:te][:30]!r}")
            s = node.span[0]
            if node.marker != text[s:s + len(node.marker)]:
                errors.append(f"marker: {where}: {node.marker!r} is not at the start of its span")
            for target in node.targets:
                if target.quote != text[target.span[0]:target.span[1]]:
                    errors.append(f"quote: {where}: {target.quote[:30]!r} is not text[span]")
        for target in part.targets:
            if target.quote != text[target.span[0]:target.span[1]]:
                errors.append(f"quote: {part.id} preamble: {target.quote[:30]!r} is not text[span]")
    return errors[:limit]
