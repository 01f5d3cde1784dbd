"""The standing group a part sets up in its 推进机制 / 组织实施 section (工作专班, 领导小组 …).

The genre writes it as one paragraph of comma-separated clauses: "成立X工作专班,由P担任召集人,
Q任常务副召集人,A、B主要负责人任副召集人,成员单位包括C、D等,专班办公室设在E". Each field
has its clause shapes in ``data/taskforce.yaml``; the clauses may come in any order and
some may be missing.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import regex

from ...model.records import TaskForce
from ...rules import TableError, load_table
from ...rules.units import UnitRegistry
from ...run_cache import compiled
from ...text.stdre import Match, Pattern, stdlib_or_regex

_TRIM = " \t\r\n\u3000。.;,、"



# The fields' patterns as stdlib `re` where they mean the same there (text/stdre.py): their lazy
# values are read about twice as fast. A post's shapes are a tuple, searched by `_leftmost`.
class _Fields(NamedTuple):
    name: Pattern
    convener: tuple[Pattern, ...]
    executive_deputy: tuple[Pattern, ...]
    deputies: tuple[Pattern, ...]
    members: tuple[Pattern, ...]
    office: Pattern
    holder_tail: Pattern
    label_lines: Pattern


@functools.cache
def _fields() -> _Fields:
    try:
        t = load_table("taskforce.yaml")
        return _Fields(
            name=stdlib_or_regex(t["name"]),
            convener=tuple(stdlib_or_regex(p) for p in t["convener"]),
            executive_deputy=tuple(stdlib_or_regex(p) for p in t["executive_deputy"]),
            deputies=tuple(stdlib_or_regex(p) for p in t["deputies"]),
            members=tuple(stdlib_or_regex(p) for p in t["members"]),
            office=stdlib_or_regex(t["office"]),
            holder_tail=stdlib_or_regex(t["holder_tail"]),
            label_lines=stdlib_or_regex(t["label_lines"]),
        )
    except (KeyError, TypeError, regex.error) as exc:
        raise TableError(f"cannot load the task-force table: {exc}") from exc


def find_task_force(text: str, norm: str, start: int, end: int, registry: UnitRegistry) -> TaskForce | None:
    """The task force set up in `text[start:end]` (a mechanism section), or None."""
    f = _fields()
    # a heading "建立工作专班" names no group; the sentence "成立…工作专班" below it does
    found = list(f.name.finditer(norm, start, end))
    m = next((x for x in found if len(x.group("v")) > 4), found[0] if found else None)
    if m is None:
        m = _leftmost(f.convener, norm, start, end)
        if m is None:
            return None
    para_start, para_end = _paragraph(norm, start, end, m, f)
    para = norm[para_start:para_end]

    def sliced(g: Match | None) -> str | None:
        if g is None:
            return None
        s, e = g.span("v")
        return text[para_start + s : para_start + e].strip(_TRIM)

    name_m = next((x for x in f.name.finditer(para) if len(x.group("v")) > 4), None) or f.name.search(para)
    conv_m = _leftmost(f.convener, para)
    if not (name_m or conv_m):
        return None
    mem_m = next((g for g in (p.search(para) for p in f.members) if g), None)
    office = sliced(f.office.search(para))
    return TaskForce(
        name=sliced(name_m),
        convener=(f.holder_tail.sub("", sliced(conv_m) or "") or None),
        executive_deputy=sliced(_leftmost(f.executive_deputy, para)),
        deputies=_deputies(sliced(_leftmost(f.deputies, para)), registry, f),
        members=_members(text, norm, para_start + mem_m.start("v"), para_start + mem_m.end("v"), registry)
        if mem_m else [],
        office=(registry.canonical(office) or _single(registry, office) or office) if office is not None else None,
        raw=text[para_start:para_end].strip(),
        span=(para_start, para_end),
    )


def _leftmost(shapes: tuple[Pattern, ...], s: str, pos: int = 0, endpos: int | None = None) -> Match | None:
    """The match of `shapes` that starts first in s[pos:endpos], the earlier shape where two start
    at one place: what one alternation of them finds."""
    end = len(s) if endpos is None else endpos
    best: Match | None = None
    for shape in shapes:
        m = shape.search(s, pos, end)
        if m is not None and (best is None or m.start() < best.start()):
            best = m
    return best


def _paragraph(norm: str, start: int, end: int, m: Match, f: _Fields) -> tuple[int, int]:
    """The paragraph holding the group: from its sentence start to the end of its line, and on over
    the label lines that follow it (召集人:…, 成员单位:…)."""
    para_start = max(norm.rfind("\n", start, m.start()) + 1, start)
    nl = norm.find("\n", m.end(), end)
    para_end = nl if nl != -1 else end
    while para_end < end:
        nxt = norm.find("\n", para_end + 1, end)
        line_end = nxt if nxt != -1 else end
        if not f.label_lines.match(norm[para_end + 1:line_end].lstrip()):
            break
        para_end = line_end
    return para_start, para_end


def _deputies(written: str | None, registry: UnitRegistry, f: _Fields) -> list[str]:
    """副召集人 as units where the registry reads them, else as written."""
    deputies: list[str] = []
    for piece in compiled(r"[、,]").split(f.holder_tail.sub("", written)) if written else ():
        piece = piece.strip(_TRIM)
        if not piece:
            continue
        units, unknown = registry.resolve(piece)
        deputies.extend(units if units and not unknown else [piece])
    return list(dict.fromkeys(deputies))


def _members(text: str, norm: str, at: int, stop: int, registry: UnitRegistry) -> list[str]:
    """Member units, canonical where known, in order, each once."""
    members: list[str] = []
    for p in registry.split(norm[at:stop]):
        name = p.canonical or text[at + p.start : at + p.end]
        if p.kind != "junk" and name not in members:
            members.append(name)
    return members


def _single(registry: UnitRegistry, written: str) -> str | None:
    units, unknown = registry.resolve(written)
    return units[0] if len(units) == 1 and not unknown else None
