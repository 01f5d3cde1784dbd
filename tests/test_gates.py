"""The gates read from a pattern's parse tree (text/gates.py) only save work: a text they turn away
is one the pattern finds nothing in."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.parse.extract import responsibility as R
from qigong_parse.read import decode
from qigong_parse.rules import load_table
from qigong_parse.rules.units import UnitRegistry
from qigong_parse.text.gates import end_chars, needed_words
from qigong_parse.text.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("pattern", "words"), [
    ("(?:共同|分别|联合|负责|总)?牵头(?:负责|抓总|落实|推进)?|为牵头(?:单位|部门)", ("牵头",)),  # 为牵头 holds 牵头
    ("a?b", ("b",)),
    ("(?:x|y)zz+", ("z",)),  # one word beats a choice of two
    ("(?:x|y)[ab]", ("x", "y")),  # a small set: its characters
    ("由(?P<lead>[^,]{2,6}?)牵头", ("牵头",)),
    (r"\((?:牵头|牵头单位)\)", ("(牵头",)),
    ("(?:ab|c)+d?", ("ab", "c")),
    (r"\d+", None),  # a category: no words
    ("[^x]+", None),  # a negated set
    ("a*", None),  # may match empty
    ("(?i)abc", None),  # flags change what a character matches
    ("(?i:ab)c", None),  # a group with flags of its own: not reasoned about
    (r"(a)\1", None),  # a back reference: not reasoned about
    ("ab|c*", None),  # a branch that needs nothing
    (r"\p{Han}+", None),  # regex-only syntax
])
def test_needed_words(pattern: str, words: tuple[str, ...] | None) -> None:
    assert needed_words(pattern) == words


@pytest.mark.parametrize(("pattern", "chars"), [
    ("(?:负责|配合)$", "责合"),
    ("(?:等(?:[^,;、]{0,10}?(?:单位|部门))?)?(?:负责|落实)$", "责实"),
    ("a(?:b|c)?$", "abc"),
    ("x(?=y)$", "x"),  # zero-width: the character before ends the match
    (r"x\Z", None),  # \Z: not read alike by the two modules (text/stdre.py)
    ("(?:a$|b$)", "ab"),
    ("负责", None),  # not anchored at the end
    ("(?:a|b$)", None),  # one branch is not
    ("a?$", None),  # may match empty
    ("[^x]$", None),  # any character
    ("(?m)a$", None),  # flags: $ before every line break
    ("[一-龥]$", None),  # a wide range: any character, for a gate
])
def test_end_chars(pattern: str, chars: str | None) -> None:
    assert end_chars(pattern) == (None if chars is None else frozenset(chars) | {"\n"})


# --- the gates hold on every table pattern and the sample texts ---------------------------------


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _table_patterns() -> list[str]:
    out: set[str] = set()
    for name in ("clauses.yaml", "conventions.yaml", "segment.yaml", "targets.yaml", "taskforce.yaml",
                 "titles.yaml", "markers.yaml", "units/general.yaml"):
        for s in _strings(load_table(name)):
            try:
                regex.compile(s)
            except regex.error:
                continue
            out.add(s)
    return sorted(out)


def _texts() -> list[str]:
    files = sorted((ROOT / "data" / "raw").glob("*.txt")) + sorted((ROOT / "tests" / "data" / "heldout").glob("*.txt"))
    return [normalize(decode(p.read_bytes()).text) for p in files]


def test_needed_words_hold_on_every_table_pattern() -> None:
    """Every match of every table pattern with needed words, over the sample and held-out notices,
    holds one of them (the analysis is checked against the patterns' own matches, not trusted)."""
    texts = _texts()
    gated = matched = 0
    for pattern in _table_patterns():
        words = needed_words(pattern)
        if words is None:
            continue
        gated += 1
        compiled = regex.compile(pattern)
        for text in texts:
            for m in compiled.finditer(text):
                if m.group():
                    matched += 1
                    assert any(w in m.group() for w in words), (pattern, m.group(), words)
    assert gated > 30 and matched > 1000  # the check is not empty


def _gated_patterns() -> dict[str, str]:
    """The patterns `responsibility` searches behind a gate, by name."""
    t = load_table("clauses.yaml")
    return {"lead_marker": t["lead_marker"], "sentence": t["sentence"], "lead_flag": t["lead_flag"],
            "duty_end": f"(?:等(?:[^,;、]{{0,10}}?(?:单位|部门))?)?(?:{t['duty_marker']})$"}


def test_the_gated_patterns_have_gates() -> None:
    shapes = R._shapes()
    assert shapes.lead_marker_needs == needed_words(_gated_patterns()["lead_marker"]) == ("牵头",)
    assert shapes.sentence_needs == ("牵头",) and shapes.lead_flag_needs == ("(牵头",)
    assert shapes.duty_end_chars is not None and {"责", "合", "实"} <= shapes.duty_end_chars


def test_end_chars_hold_on_the_texts_ends() -> None:
    """Every stretch of the texts that ends with a duty phrase ends with one of the duty end's
    characters: each line's end, each bracket's content and each sentence tail."""
    pattern = _gated_patterns()["duty_end"]
    chars = end_chars(pattern)
    assert chars is not None
    compiled = regex.compile(pattern)
    matched = 0
    for text in _texts():
        for piece in regex.split(r"[。;()\n]", text):
            for tail in (piece, piece + "\n", piece.rstrip()):
                if compiled.search(tail):
                    matched += 1
                    assert tail[-1] in chars, tail[-20:]
    assert matched > 100


_WORDS = ["县发改局", "市财政局", "、", ",", "牵头", "为牵头单位", "负责", "配合", "按职责分工", "落实", "等", "有关单位",
          "由", "(", ")", "(牵头)", "牵", "头", "推进", "职责", "\n", "推进项目建设", "共同", "实施", "协助"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=10).map("".join))
def test_gates_turn_away_only_texts_the_patterns_find_nothing_in(text: str) -> None:
    for name, pattern in _gated_patterns().items():
        m = regex.search(pattern, text)
        if m is None:
            continue
        words = needed_words(pattern)
        if words is not None:
            assert any(w in text for w in words), (name, text)
        chars = end_chars(pattern)
        if chars is not None:
            assert text[-1] in chars, (name, text)


# --- the gates are taken -------------------------------------------------------------------------


class _Recording:
    """A pattern that records the texts it is asked to search."""

    def __init__(self, pattern: Any, calls: list[str]) -> None:
        self._pattern, self._calls = pattern, calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)

    def search(self, text: str, *args: Any) -> Any:
        self._calls.append(text)
        return self._pattern.search(text, *args)

    def finditer(self, text: str, *args: Any) -> Any:
        self._calls.append(text)
        return self._pattern.finditer(text, *args)


def test_the_gates_are_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prose with no 牵头 and no duty phrase at its end is not searched for either, and a list with
    no "(牵头" for a flag, nor a region with no 牵头 for a sentence; text with them is."""
    calls: dict[str, list[str]] = {n: [] for n in ("lead_marker", "duty_end", "sentence", "lead_flag")}
    shapes = copy.copy(R._shapes())
    for name, seen in calls.items():
        object.__setattr__(shapes, name, _Recording(getattr(shapes, name), seen))
    monkeypatch.setattr(R, "_shapes", lambda: shapes)
    ctx = R.ClauseContext(UnitRegistry.for_issuer("邵东市人民政府办公室"))
    prose = "加快推进项目建设,持续优化营商环境"
    assert R._clause_at(prose, 0, len(prose), ctx, bracketed=False) is None
    assert R._sentence(prose, ctx) is None
    assert R._units("县发改局、县财政局", 0, ctx, strict=True)
    assert calls == {n: [] for n in calls}
    clause = "县发改局牵头,县财政局配合"
    assert R._clause_at(clause, 0, len(clause), ctx, bracketed=True) is not None
    R._sentence("由" + clause, ctx)
    R._units("县发改局(牵头)、县财政局", 0, ctx, strict=True)
    assert all(calls.values()), calls
