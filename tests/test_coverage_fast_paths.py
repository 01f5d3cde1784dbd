"""Coverage's shortcuts report what its general paths report: a region the heading-start search
skips holds no heading-like line, on the sample, the held-out files and random texts."""

from __future__ import annotations

import random
import sys

import pytest
import regex

from qigong_parse.parse import coverage
from qigong_parse.rules.markers import marker_prefix

from .conftest import sample_text


def test_the_shortcut_is_in_force() -> None:
    # the shortcut was written for this prefix; were the table changed, the shortcut turns itself off
    assert marker_prefix("heading_like") == coverage._KNOWN_HEADING
    assert coverage._later_heading_start() is not None


def test_the_stdlib_class_holds_every_start_the_prefix_can_have() -> None:
    # `regex` and `re` may differ in their Unicode versions: the class must hold every code point
    # `regex` takes for a heading's first character
    first = regex.compile(r"[一二三四五六七八九十百(\d]")
    later = coverage._later_heading_start()
    assert later is not None
    missed = [cp for cp in range(sys.maxunicode + 1)
              if first.match(chr(cp)) and not later.match("\n" + chr(cp))]
    assert missed == []


def _check(norm: str, own_start: int, end: int) -> None:
    heading = coverage._patterns()[0]
    found = coverage._heading_lines(norm, own_start, end, heading)
    if not coverage._may_hold_heading(norm, own_start, end, coverage._later_heading_start()):
        assert found == [], (norm[own_start:end], found)


def test_on_the_sample_every_region() -> None:
    norm = sample_text()
    rng = random.Random(7)
    for _ in range(3000):
        a = rng.randrange(len(norm))
        _check(norm, a, min(len(norm), a + rng.randint(0, 400)))


_PIECES = ["\n", " ", "\t", "\r", "\u3000", "一、", "(一)", "( 二 )", "1.", "2、", "12,", "(3)", "１.", "٣.",
           "𑽑.", "推进", "工作", "x", "。", "十百", "1.5", "\n  ", " (", "\v", "\f"]


def test_on_random_texts() -> None:
    rng = random.Random(11)
    hits = 0
    for _ in range(20000):
        norm = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12)))
        a = rng.randint(0, len(norm))
        b = rng.randint(a, len(norm))
        _check(norm, a, b)
        hits += bool(coverage._heading_lines(norm, a, b, coverage._patterns()[0]))
    assert hits > 50  # the texts do hold heading-like lines


def test_the_check_catches_a_wrong_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    # a search that never finds anything must be caught by the checks above
    import re

    monkeypatch.setattr(coverage, "_later_heading_start", lambda: re.compile("(?!)"))
    try:
        _check("x\n一、推进工作", 0, 9)
    except AssertionError:
        return
    raise AssertionError("a wrong shortcut went unnoticed")
