"""The shortcuts of the clause readers pinned to the general code they skip: each oracle here is the
code as it was before the shortcut, and the readers must give what it gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.parse.extract import clauses
from qigong_parse.parse.extract.clauses import Grammar, grammar
from qigong_parse.rules.units import UnitRegistry

_LIST_WORDS = ["县发改局", "市财政局", "县文化和旅游局", "省文化和旅游厅", "各乡镇", "各市", "县", "(", ")", "〔", "〕", "、",
               ",", ";", "/", "和", "及", "以及", "与", " ", "\t", "\u3000", "等", "等有关部门", "有关部门", "单位",
               "人民政府", "提出意见", "局", "a"]
_LISTS = st.lists(st.sampled_from(_LIST_WORDS), max_size=12).map("".join)


def _split_outside_as_it_was(s: str, start: int, end: int, g: Grammar) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    depth, cur = 0, start
    for m in g.split_marks.finditer(s, start, end):
        ch, i = m.group(), m.start()
        if ch in "([〔<":
            depth += 1
        elif ch in ")]〕>":
            depth -= 1 if depth else 0
        elif not depth:
            out.append((cur, i))
            cur = i + 1
    out.append((cur, end))
    return [clauses._trim(s, a, b) for a, b in out if s[a:b].strip()]


def _split_units_as_it_was(written: str, registry: UnitRegistry, source: str | None = None, at: int = 0
                           ) -> tuple[list[str], list[str]]:
    g = grammar()
    stripped = written.rstrip(" ,;。、")
    m = g.trailing_group.search(stripped)
    end = m.start() if m and m.start() > 0 else len(stripped)
    spans: list[tuple[int, int]] = []
    for a, b in _split_outside_as_it_was(written, 0, end, g):
        spans.extend(clauses._split_and(written, a, b, g))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and written[slice(*merged[-1])].removeprefix("各") in g.levels and written.startswith(g.levels, a):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    units: list[str] = []
    unread: list[str] = []
    for a, b in merged:
        names = clauses._unit_names(written, a, b, registry, g, source, at)
        if names is None:
            unread.append(written[a:b])
        else:
            units += [n for n in names if n not in units]
    return units, unread


@settings(max_examples=500, deadline=None)
@given(_LISTS, st.integers(0, 60))
def test_list_pieces_as_split_outside_then_on_and_words(written: str, end: int) -> None:
    """A list with no and-word keeps its pieces (no _split_and per piece); the pieces that start and
    end with no blank are kept untrimmed: as the general split and trim give."""
    g = grammar()
    end = min(end, len(written))
    expected = [cut for a, b in _split_outside_as_it_was(written, 0, end, g) for cut in clauses._split_and(written, a, b, g)]
    assert clauses._list_pieces(written, end, g) == expected


@settings(max_examples=500, deadline=None)
@given(_LISTS)
def test_split_units_as_it_was(written: str) -> None:
    registry = UnitRegistry.for_issuer("邵东市人民政府办公室")
    source = written.replace("(", "(").replace(")", ")")  # as written: sliced from the source
    assert clauses.split_units(written, registry, source, 0) == _split_units_as_it_was(written, registry, source, 0)
    assert clauses.split_units(written, registry) == _split_units_as_it_was(written, registry)
