"""Documents built from the hand-made gold files, for the research commands' tests.

The gold holds no spans, roles or task forces: spans are found by searching the real text
(in reading order), roles come from the top-level heading's wording, and `raw` clauses are
the unit lists joined. Ambiguous gold targets are left out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from qigong_parse.model.output import (
    Attachment,
    Document,
    Node,
    Notice,
    Part,
    Responsibility,
    Source,
    Target,
    TaskForce,
)

TESTS = Path(__file__).parent
GOLD = TESTS / "data" / "gold"
SAMPLES = TESTS / "data" / "samples"
RAW_2025 = TESTS.parent / "data" / "raw" / "shaodong-2025-qidagongjian.txt"

_ROLES = [("目标", "goals"), ("任务", "tasks"), ("重点", "tasks"), ("机制", "mechanism"),
          ("实施", "mechanism"), ("保障", "mechanism")]

# 附件1's 推进机制 paragraph (raw line 139), as a reader records it.
ANNEX_1_TASK_FORCE = TaskForce(
    name="内需扩量提效攻坚工作专班",
    convener="市政府分管副市长",
    executive_deputy="市政府分管副主任",
    deputies=["市发改局", "市商务局"],
    members=["经开区管委会", "城北片区管理办", "市发改局", "市商务局", "市科工局", "市财政局"],
    office="市发改局",
    raw="成立内需扩量提效攻坚工作专班,由市政府分管副市长担任召集人",
)


class _Locator:
    """Finds strings in the text in reading order; (0, 0) when a string is not there."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cursor = 0

    def span(self, s: str, advance: bool = True) -> tuple[int, int]:
        at = self.text.find(s, self.cursor) if s else -1
        if at < 0:
            at = self.text.find(s) if s else -1
        if at < 0:
            return (0, 0)
        if advance:
            self.cursor = at + len(s)
        return (at, at + len(s))


def _role(title: str) -> str:
    return next((role for word, role in _ROLES if word in title), "other")


def _target(row: dict[str, Any], loc: _Locator) -> Target:
    fields = {k: v for k, v in row.items() if k not in ("path", "ambiguous")}
    return Target(span=loc.span(row["quote"], advance=False), **fields)


def _part(gold: dict[str, Any], loc: _Locator) -> Part:
    part_id = gold["part"]
    start = loc.span(gold["title"])[0]
    by_path: dict[tuple[str, ...], Node] = {}
    roots: list[Node] = []
    for row in gold.get("nodes", []):
        path = tuple(row["path"])
        units = {k: row.get(k, []) for k in ("lead", "support", "joint")}
        resp = (Responsibility(raw="、".join(u for us in units.values() for u in us), **units)
                if any(units.values()) else None)
        span = loc.span(row["title"])
        role = _role(row["title"]) if len(path) == 1 else by_path[path[:1]].role
        node = Node(path=list(path), marker=row["marker"], damaged=row.get("damaged", False),
                    role=role, title=row["title"], span=span, title_span=span, responsibility=resp)
        by_path[path] = node
        (by_path[path[:-1]].children if len(path) > 1 else roots).append(node)
    preamble_targets: list[Target] = []
    for row in gold.get("targets", []):
        if row.get("ambiguous"):
            continue
        target = _target(row, loc)
        if row["path"]:
            by_path[tuple(row["path"])].targets.append(target)
        else:
            preamble_targets.append(target)
    annex = re.fullmatch(r"annex-(\d+)", part_id)
    return Part(id=part_id, kind="annex" if annex else "general_plan",
                annex_no=int(annex.group(1)) if annex else None, title=gold["title"],
                span=(start, max(loc.cursor, start)), targets=preamble_targets, nodes=roots)


def gold_document(gold_dir: Path, text_path: Path) -> Document:
    """A `Document` holding the gold of `gold_dir`, with spans into the text of `text_path`."""
    text = text_path.read_text("utf-8")
    loc = _Locator(text)
    notice = None
    notice_file = gold_dir / "notice.yaml"
    if notice_file.exists():
        n = yaml.safe_load(notice_file.read_text("utf-8"))
        notice = Notice(issuer=n.get("issuer"), title=n.get("title"), doc_number=n.get("doc_number"),
                        date=n.get("date"), recipients=n.get("recipients", []),
                        attachments=[Attachment(**a) for a in n.get("attachments", [])],
                        span=(0, 0))
    files = sorted(gold_dir.glob("*.yaml"), key=lambda p: (p.stem != "general", len(p.stem), p.stem))
    parts = [_part(yaml.safe_load(f.read_text("utf-8")), loc) for f in files if f.stem != "notice"]
    source = Source(file=text_path.name, sha256="0" * 64, encoding="utf-8", chars=len(text))
    return Document(source=source, notice=notice, parts=parts)


def seed_2025(with_task_force: bool = True) -> Document:
    """The 2025 Shaodong notice (general plan and seven annexes) from its gold."""
    doc = gold_document(GOLD / "seed", RAW_2025)
    if with_task_force:
        annex = doc.part("annex-1")
        assert annex is not None
        annex.task_force = ANNEX_1_TASK_FORCE
    return doc


def head_2024(name: str) -> Document:
    """One of the 2024 heads (xinshao-2024-head, suining-2024-head) from its gold."""
    return gold_document(GOLD / "samples" / name, SAMPLES / f"{name}.txt")
