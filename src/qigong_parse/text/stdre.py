"""A `regex` pattern as a stdlib `re` pattern, where the two mean the same.

For a pattern of plain alternations, classes, groups and lookarounds, stdlib `re` matches about
twice as fast as `regex` (a match call of the large figure pattern: ~0.7 against ~1.4 µs). The
two read the same syntax the same way (`regex` VERSION0 is re-compatible) except for the escapes
that name Unicode sets, which each module takes from its own Unicode database:

* ``\\s`` is Unicode White_Space in `regex`, but `str.isspace` in `re` (which adds U+001C…U+001F):
  it is written out as `regex`'s set;
* ``\\d``, ``\\w``, ``\\b``, ``\\p{…}`` and the like differ between the two modules' Unicode versions
  (`regex` 2026 knows digits that Python 3.11's database does not): a pattern using one is kept
  in `regex`, as is any `regex`-only syntax (``(?>``, ``(?|``, ``(?V1)``, possessive
  quantifiers, nested sets, ``\\K`` …).

`stdlib_pattern` returns None for every pattern it does not translate, so the caller keeps the
`regex` one; the translation is checked against `regex` in tests/test_stdre.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeAlias

from ..run_cache import compiled, compiled_re

if TYPE_CHECKING:
    import regex

# What `stdlib_or_regex` gives: code reads the two alike (search, match, fullmatch, finditer,
# groupdict, start and end by group name).
Pattern: TypeAlias = "regex.Pattern[str] | re.Pattern[str]"
Match: TypeAlias = "regex.Match[str] | re.Match[str]"

# `regex`'s \s: the code points of Unicode White_Space (what `regex.match(r"\s", c)` accepts).
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
               + "\u2028\u2029\u202f\u205f\u3000")
_CLASS_BODY = re.escape(WHITE_SPACE)

# Escapes both modules read alike: a punctuation character escaped stands for itself (`regex.escape`
# escapes these), and \t \n \r \f \v.
_PLAIN_ESCAPES = frozenset("tnrfv") | frozenset(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum())
_GROUP_OPENERS = (":", "=", "!", "<=", "<!", "P<")


def stdlib_source(pattern: str) -> str | None:
    """The stdlib `re` source that matches what `regex.compile(pattern)` matches, or None."""
    out: list[str] = []
    in_class = False
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                return None
            e = pattern[i + 1]
            if e == "s":
                out.append(_CLASS_BODY if in_class else f"[{_CLASS_BODY}]")
            elif e in _PLAIN_ESCAPES:
                out.append(pattern[i:i + 2])
            else:
                return None  # \d \w \b \p \S \1 \u… and the rest: each module has its own
            i += 2
            continue
        if in_class:
            if c == "[":
                return None  # a nested set (`regex` VERSION1) or a POSIX class
            if c == "]":  # a ] first in the set was turned down where the set opened
                in_class = False
        elif c == "[":
            in_class = True
            if pattern.startswith(("[]", "[^]", "[:", "[^:"), i):
                return None  # a literal ] first, or a POSIX-like class: not worth telling apart
        elif c == "(" and pattern.startswith("(?", i):
            if not pattern.startswith(_GROUP_OPENERS, i + 2):
                return None  # flags, atomic, branch reset, recursion, conditionals …
        elif c in "+*?}" and i + 1 < n and pattern[i + 1] == "+":
            return None  # possessive
        out.append(c)
        i += 1
    return None if in_class else "".join(out)


def stdlib_pattern(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """`re.compile` of `stdlib_source(pattern)` (through the run cache, which keeps its program for
    the next command-line run), or None where the pattern stays in `regex` (any flags included:
    their meanings differ)."""
    if flags:
        return None
    source = stdlib_source(pattern)
    if source is None:
        return None
    try:
        return compiled_re(source)
    except re.error:
        return None


def stdlib_or_regex(pattern: str) -> Pattern:
    """A table pattern as stdlib `re` where it means the same there, else as `regex`."""
    return stdlib_pattern(pattern) or compiled(pattern)
