"""Compile a pattern with stdlib `re` where it matches exactly as under `regex`, else with `regex`.

Rule patterns are written in `regex` syntax (rules/schema.py checks them with it), but most need
nothing of it, and `re` compiles them about twice as fast. Where the engines differ on a class that
`re` can spell, the pattern is rewritten: `regex`'s \\s (Unicode White_Space) lacks U+001C..U+001F,
which `re`'s \\s has, and `regex`'s \\d follows a newer Unicode than this Python's. Anything else that
could differ goes to `regex` unchanged: \\w, \\b, \\p{..} and other escapes, case folding and every
flag but MULTILINE and DOTALL, a `[` inside a set (a POSIX class in `regex`), odd `{` forms, and
whatever `re` rejects or warns about (duplicate group names, variable-width lookbehind, `--` in a set).
tests/test_re_equivalence.py proves the rewritten classes equal on every code point.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import TypeAlias

import regex

Pattern: TypeAlias = "re.Pattern[str] | regex.Pattern[str]"
Match: TypeAlias = "re.Match[str] | regex.Match[str]"

# `regex`'s \d beyond `re`'s: the digits of a newer Unicode than this Python's (the test checks them)
DIGIT_EXTRA = ((0x10D40, 0x10D49), (0x116D0, 0x116E3), (0x11BF0, 0x11BF9), (0x11DE0, 0x11DE9), (0x11F50, 0x11F59),
               (0x16130, 0x16139), (0x16D70, 0x16D79), (0x1CCF0, 0x1CCF9), (0x1E4F0, 0x1E4F9), (0x1E5F1, 0x1E5FA))
_EXTRA = "".join(f"{chr(a)}-{chr(b)}" for a, b in DIGIT_EXTRA)  # raw characters: cheaper to parse than \U escapes
_SEPS = "\\x1c-\\x1f"  # in `re`'s \s, not in `regex`'s
# a class escape outside a set, and inside one (\s in a set is kept and the set fenced off: see for_re)
_OUTSIDE = {"s": f"[^\\S{_SEPS}]", "S": f"[\\S{_SEPS}]", "d": f"[\\d{_EXTRA}]", "D": f"[^\\d{_EXTRA}]"}
_INSIDE = {"s": "\\s", "S": f"\\S{_SEPS}", "d": f"\\d{_EXTRA}"}  # \D in a set has no `re` spelling
_SAME_ESCAPES = frozenset("ntrfvaxuUAZ")  # letter escapes that mean the same in both engines
_TOKEN = re.compile(r"\\(.)|\[\^?|\]|\(\?([a-zA-Z#-]*)|\{", re.S)
_COUNT = re.compile(r"\{(?:[0-9]+(?:,[0-9]*)?|,[0-9]+)\}")
_MAY_HOLD_SEPS = re.compile(r"-|\\[xuUNS]|[\x1c-\x1f]")  # set items that may overlap U+001C..U+001F
_FLAGS = re.MULTILINE | re.DOTALL


def _escape(letter: str, in_set: bool, before: str, after: str) -> str | None:
    """What `\\letter` becomes for `re`; None when only `regex` gives its meaning."""
    if not letter.isascii() or not letter.isalnum() or letter in _SAME_ESCAPES:
        return "\\" + letter
    table = _INSIDE if in_set else _OUTSIDE
    if letter not in table or (in_set and "-" in (before, after)):  # a class as a range end: leave to regex
        return None
    return table[letter]


def _fenced(items: str, negated: bool) -> str:
    """A set holding \\s (`items` between the brackets) as `re` must write it: `re`'s \\s has U+001C..U+001F."""
    if negated:  # regex's [^…\s] also takes U+001C..U+001F
        return f"(?:[^{items}]|[{_SEPS}])"
    return f"(?:(?![{_SEPS}])[{items}])"


def for_re(pattern: str) -> str | None:
    """`pattern` rewritten to match under `re` exactly as it does under `regex`; None when it cannot be."""
    out: list[str] = []
    last = 0
    opened = -1  # while in a set: len(out) when it opened
    items_at = 0  # where the open set's items start in `pattern`
    negated = has_space = False
    for m in _TOKEN.finditer(pattern):
        token, (start, end) = m[0], m.span()
        if token[0] == "\\":
            new = _escape(m[1], opened >= 0, pattern[start - 1:start], pattern[end:end + 1])
            if new is None:
                return None
            has_space = has_space or (opened >= 0 and m[1] == "s")
            if new != token:
                out += (pattern[last:start], new)
                last = end
        elif token[0] == "[":
            if opened >= 0 or pattern.startswith("]", end):  # a nested or POSIX set; a leading literal ]
                return None
            out.append(pattern[last:start])
            last, opened, negated, has_space, items_at = end, len(out), token == "[^", False, end
        elif opened < 0:
            if token[0] == "(" and m[2] and m[2] != "P" and not set(m[2]) <= set("ms-"):
                return None  # a flag other than m and s, a comment, a regex-only group form
            if token == "{" and _COUNT.match(pattern, start) is None:  # not {m}, {m,}, {m,n} or {,n}
                return None
        elif token == "]":
            if has_space and _MAY_HOLD_SEPS.search(pattern, items_at, start):
                return None
            items = "".join((*out[opened:], pattern[last:start]))
            del out[opened:]
            out.append(_fenced(items, negated) if has_space else f"[{'^' if negated else ''}{items}]")
            last, opened = end, -1
    return "".join(out) + pattern[last:] if out else pattern


@cache
def compile_pattern(pattern: str, flags: int = 0) -> Pattern:
    """`pattern` (in `regex` syntax) compiled by `re` when that matches the same, else by `regex`."""
    rewritten = None if flags & ~_FLAGS else for_re(pattern)
    if rewritten is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                return re.compile(rewritten, flags)
        except (re.error, Warning):
            pass
    return regex.compile(pattern, flags)
