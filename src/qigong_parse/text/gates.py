"""What a table pattern cannot match without, read from the pattern itself: a cheap test that lets
a caller skip a search that would find nothing.

* `needed_words`: words of which every match holds one (``(?:共同|分别)?牵头(?:负责)?|为牵头单位``
  needs 牵头): where the text holds none, the pattern finds nothing there;
* `end_chars`: for a pattern anchored at the end (``…(?:负责|配合)$``), the characters a text it
  finds a match in ends with (the match's possible last characters, and the line break ``$`` may
  stand before): where the text ends with another, the pattern finds nothing.

Both are derived from the pattern's parse tree (stdlib `re`'s parser, on the source
`text/stdre.stdlib_source` gives: the syntax both modules read alike) and are None whenever the
tree holds anything they do not reason about (flags, back references, sets given by category or
by negation, wide ranges): then there is no gate and the caller searches as before. The gates are
checked against the patterns' own matches in tests/test_gates.py.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any

from .stdre import stdlib_source

_p: Any
_c: Any
try:  # Python 3.11+: the parser behind re.compile (private modules, so read defensively)
    _p = importlib.import_module("re._parser")
    _c = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - a Python without them: no gates, every search made
    _p = _c = None

_REPEATS: tuple[Any, ...] = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) if _c is not None else ()
_WIDEST_RANGE = 64  # a character range wider than this ([一-龥]) is "any character" for a gate


class _Unknown(Exception):
    """The tree holds something the gates do not reason about."""


def _tree(pattern: str) -> Any:
    source = stdlib_source(pattern)
    if source is None or _p is None:
        raise _Unknown
    try:
        tree = _p.parse(source)
    except (re.error, RecursionError) as exc:
        raise _Unknown from exc
    if tree.state.flags & ~(re.UNICODE.value):  # (?i), (?m), (?s), (?x) … change what a character matches
        raise _Unknown
    return tree


# --- needed words ------------------------------------------------------------------------------


@functools.cache
def needed_words(pattern: str) -> tuple[str, ...] | None:
    """Words of which every match of `pattern` holds one, or None (no such set found)."""
    try:
        words = _needs(list(_tree(pattern)))
    except _Unknown:
        return None
    return tuple(sorted(words)) if words else None


def _needs(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The words one of which a match of the sequence holds, or None; the best of the candidates:
    each run of literal characters, each item that cannot match empty."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        if op is None or _nullable(op, av):
            continue
        found = _item_needs(op, av)
        if found:
            candidates.append(found)
    if not candidates:
        return None
    # fewest words first, then the longest shortest word: the cheapest and most selective test
    return min(candidates, key=lambda ws: (len(ws), -min(map(len, ws))))


def _item_needs(op: Any, av: Any) -> frozenset[str] | None:
    inner = _inner(op, av)
    if inner is not None:
        return None if op in _REPEATS and av[0] < 1 else _needs(inner)
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _needs(list(branch))
            if found is None:
                return None  # a branch that needs nothing: the alternation needs nothing
            union |= found
        # a word holding another is implied by it: the shorter alone
        return frozenset(w for w in union if not any(o != w and o in w for o in union))
    if op is _c.IN:
        chars = _class_chars(av)
        return frozenset(chars) if chars is not None and len(chars) <= 4 else None
    return None


def _inner(op: Any, av: Any) -> list[tuple[Any, Any]] | None:
    """The sequence inside a group, an atomic group or a repeat; None for any other item."""
    if op is _c.SUBPATTERN:
        if av[1] or av[2]:  # a group with flags of its own, (?i:…)
            raise _Unknown
        return list(av[3])
    if op is _c.ATOMIC_GROUP:
        return list(av)
    if op in _REPEATS:
        return list(av[2])
    return None


def _nullable(op: Any, av: Any) -> bool:
    """Whether the item can match the empty string (zero-width items can)."""
    if op in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY):
        return False
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return True
    inner = _inner(op, av)
    if inner is not None:
        return (op in _REPEATS and av[0] == 0) or all(_nullable(o, a) for o, a in inner)
    if op is _c.BRANCH:
        return any(all(_nullable(o, a) for o, a in branch) for branch in av[1])
    raise _Unknown  # back references, conditionals …


def _class_chars(av: Any) -> set[str] | None:
    """The characters a set [...] matches, or None (negated, by category, a wide range)."""
    chars: set[str] = set()
    for op, arg in av:
        if op is _c.LITERAL:
            chars.add(chr(arg))
        elif op is _c.RANGE and arg[1] - arg[0] < _WIDEST_RANGE:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:  # NEGATE, CATEGORY, a wide RANGE
            return None
    return chars


# --- end characters ----------------------------------------------------------------------------


@functools.cache
def end_chars(pattern: str) -> frozenset[str] | None:
    """For a pattern every branch of which ends with ``$``, the characters a text it finds
    a match in ends with: the match's possible last characters and the line break ``$`` may stand
    before. None for any other pattern, or where a match may be empty or end with any character."""
    try:
        items = list(_tree(pattern))
        if not _anchored(items):
            return None
        last, nullable = _ends(items)
    except _Unknown:
        return None
    if last is None or nullable:
        return None
    return frozenset(last | {"\n"})


_AT_END = ("AT_END",)  # $ (\\Z is not read alike by the two modules: no stdlib source)


def _anchored(items: list[tuple[Any, Any]]) -> bool:
    """Whether every match of the sequence ends at ``$``: its last item is one, or a group or an
    alternation each branch of which is."""
    if not items:
        return False
    op, av = items[-1]
    if op is _c.AT:
        return str(av) in _AT_END
    if op is _c.SUBPATTERN:
        inner = _inner(op, av)
        return inner is not None and _anchored(inner)
    if op is _c.BRANCH:
        return all(_anchored(list(b)) for b in av[1])
    return False


def _ends(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(the characters a match of the sequence can end with — None: any —, whether it can be empty)."""
    out: set[str] = set()
    for op, av in reversed(items):
        last, nullable = _item_ends(op, av)
        if last is None:
            return None, False
        out |= last
        if not nullable:
            return out, False
    return out, True


def _item_ends(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        return _class_chars(av), False
    if op in (_c.NOT_LITERAL, _c.ANY):
        return None, False
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True  # zero-width: the character before ends the match
    inner = _inner(op, av)
    if inner is not None:
        if op in _REPEATS and av[1] == 0:
            return set(), True
        last, nullable = _ends(inner)
        return last, nullable or (op in _REPEATS and av[0] == 0)
    if op is _c.BRANCH:
        union: set[str] = set()
        empty = False
        for branch in av[1]:
            last, nullable = _ends(list(branch))
            if last is None:
                return None, False
            union |= last
            empty = empty or nullable
        return union, empty
    raise _Unknown
