"""Check a qigong YAML file: the schema, then invariants the YAML alone can verify.

Invariants: every span ends inside the text (`source.chars`); a node lies inside its part, its title
inside the node, its targets and responsibility clause inside the node; nodes follow reading order
without overlapping; a node's path has one token per tree level and extends its parent's; part ids
are unique and agree with their kind; a target's quote is as long as its span.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import QigongError
from ..io.yaml_out import format_loc, load_yaml
from ..model.output import (
    SCHEMA_VERSION,
    Document,
    Node,
    Notice,
    ParseWarning,
    Part,
    Source,
    Span,
    Target,
    Unassigned,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (a YAML path, "" for the whole file) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def validate_file(path: str | Path) -> list[Problem]:
    """All problems found in the YAML file at `path`; empty when it is a valid qigong output."""
    try:
        data = load_yaml(Path(path))
    except QigongError as exc:
        # load_yaml prefixes the file name; the caller prints it already.
        return [Problem("", exc.message.removeprefix(f"{path}: "))]
    return validate_data(data)


def validate_data(data: Any) -> list[Problem]:
    """All problems found in loaded YAML data."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        return [Problem("", "not a qigong document: the top level is not a mapping")]
    try:
        doc = Document.model_validate(data)
    except ValidationError as exc:
        field_errors = [e for e in exc.errors() if e["loc"]]
        if field_errors:
            return [Problem(format_loc(e["loc"]), e["msg"]) for e in field_errors]
        # Only the document-level span check failed: the invariants below say where, precisely.
        doc = Document.model_construct(
            schema_version=data.get("schema_version", SCHEMA_VERSION),
            source=Source.model_validate(data["source"]),
            notice=Notice.model_validate(data["notice"]) if data.get("notice") is not None else None,
            parts=[Part.model_validate(p) for p in data.get("parts") or []],
            unassigned=[Unassigned.model_validate(u) for u in data.get("unassigned") or []],
            warnings=[ParseWarning.model_validate(w) for w in data.get("warnings") or []],
        )
    return check_invariants(doc)


def check_invariants(doc: Document) -> list[Problem]:
    """Problems with a schema-valid document that the schema alone does not catch."""
    return _Checker(doc.source.chars).document(doc)


class _Checker:
    def __init__(self, chars: int) -> None:
        self.chars = chars
        self.problems: list[Problem] = []

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

    def document(self, doc: Document) -> list[Problem]:
        if doc.notice is not None:
            self.inside_text("notice.span", doc.notice.span)
            self.inside_text("notice.attachments_span", doc.notice.attachments_span)
        seen: dict[str, int] = {}
        for i, part in enumerate(doc.parts):
            if part.id in seen:
                self.add(f"parts[{i}].id", f"duplicate part id {part.id!r} (also parts[{seen[part.id]}])")
            seen.setdefault(part.id, i)
            self.part(f"parts[{i}]", part)
        for i, item in enumerate(doc.unassigned):
            self.inside_text(f"unassigned[{i}].span", item.span)
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
        for j, target in enumerate(part.targets):
            self.target(f"{at}.targets[{j}]", target, part.preamble_span or part.span, "the preamble")
        if part.task_force is not None:
            self.within(f"{at}.task_force.span", part.task_force.span, part.span, "the part")
        last_end = part.preamble_span[1] if part.preamble_span else part.span[0]
        for j, node in enumerate(part.nodes):
            last_end = self.node(f"{at}.nodes[{j}]", node, part, [], last_end)

    def node(self, at: str, node: Node, part: Part, parent_path: list[str], last_end: int) -> int:
        """Check `node` and its subtree; return the end of the last span seen, for reading order."""
        self.within(f"{at}.span", node.span, part.span, "its part")
        self.within(f"{at}.title_span", node.title_span, node.span, "the node")
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
        last_end = max(last_end, node.span[1])
        for k, child in enumerate(node.children):
            last_end = self.node(f"{at}.children[{k}]", child, part, node.path, last_end)
        return last_end

    def target(self, at: str, target: Target, outer: Span, outer_name: str) -> None:
        self.within(f"{at}.span", target.span, outer, outer_name)
        length = target.span[1] - target.span[0]
        if len(target.quote) != length:
            self.add(f"{at}.quote", f"quote has {len(target.quote)} characters "
                                    f"but its span {list(target.span)} covers {length}")
        if target.value_max is not None and target.value_max < target.value:
            self.add(f"{at}.value_max", f"{target.value_max} is below value {target.value}")
