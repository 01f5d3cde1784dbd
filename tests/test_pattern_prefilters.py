"""The clause-start lookaheads of the duty-sentence and task-force tables only save work.

A pattern such as ``(?:^|[。;,])(?=[^,;。:由]*?负责)\\s*(?P<joint>…){2,60}?…负责`` states first, at each
clause start, a word its match cannot do without before the clause's next separator; the lazy unit
list after it is then tried only in the clauses that hold the word (a duty-sentence search over an
article: ~3x faster). Without its lookahead the pattern must find the very same matches.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.read import decode
from qigong_parse.rules import load_table
from qigong_parse.text.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent
_CLAUSE_START = regex.compile(r"\(\?:(?:由\|)?\^\|\[[^\]]+\]\)")


def _without_prefilter(pattern: str) -> str | None:
    """`pattern` without the lookahead right after its clause-start group, or None when it has none."""
    start = _CLAUSE_START.match(pattern)
    if start is None or not pattern.startswith("(?=", start.end()):
        return None
    depth, in_class, i = 0, False, start.end()
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return pattern[:start.end()] + pattern[i + 1:]
        i += 1
    raise AssertionError(f"unbalanced lookahead in {pattern!r}")


def _prefiltered() -> list[str]:
    clauses = load_table("clauses.yaml")
    taskforce = load_table("taskforce.yaml")
    sources = [d["pattern"] for d in clauses["duty_sentences"]] + list(taskforce["members"])
    return [p for p in sources if _without_prefilter(p) is not None]


def _texts() -> list[str]:
    files = sorted((ROOT / "data" / "raw").glob("*.txt")) + sorted((ROOT / "tests" / "data" / "heldout").glob("*.txt"))
    return [normalize(decode(p.read_bytes()).text) for p in files]


def _same(a: regex.Pattern[str], b: regex.Pattern[str], s: str) -> None:
    assert [(m.span(), m.groupdict()) for m in a.finditer(s)] == [(m.span(), m.groupdict()) for m in b.finditer(s)]
    for i in range(0, len(s), max(1, len(s) // 40)):  # searches from other starts (a node's region)
        x, y = a.search(s, i), b.search(s, i)
        assert (x and (x.span(), x.groupdict())) == (y and (y.span(), y.groupdict()))


def test_the_lookaheads_are_there() -> None:
    # the duty sentence A（要）会同B and the members 为成员单位, 为成员 (the searches that read a long
    # stretch lazily at every clause start)
    assert len(_prefiltered()) >= 3


@pytest.mark.parametrize("pattern", _prefiltered(), ids=lambda p: p[:24])
def test_a_lookahead_changes_no_match_on_the_sample_texts(pattern: str) -> None:
    fast, plain = regex.compile(pattern), regex.compile(_without_prefilter(pattern) or "")
    for s in _texts():
        _same(fast, plain, s)


_WORDS = ["市发改局", "县财政局", "各乡镇", "有关部门", "牵头", "负责", "负责人", "配合", "会同", "由", "应当", "在", "后",
          "按职责分工", "分别", "共同", "要", "加强", "建立", "成员单位", "成员", "组员", "为", "作为", "任", "主要负责人", "等", "单位",
          "、", ",", ";", "。", ":", "\n", " "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=16).map("".join))
def test_a_lookahead_changes_no_match_on_any_text(s: str) -> None:
    for pattern in _prefiltered():
        _same(regex.compile(pattern), regex.compile(_without_prefilter(pattern) or ""), s)
