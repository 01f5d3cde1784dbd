"""Normalization: a same-length view of the decoded text for matching.

Every character maps to exactly one character, so an offset into the normalized text is the
same offset into the decoded text; output strings are always sliced from the decoded text.
Fullwidth ASCII forms become ASCII (，→, （→( ：→: ；→; ．→. ０→0 Ａ→A), ideographic and
no-break spaces become a plain space, and a few look-alike dashes and brackets are unified.
"""

from __future__ import annotations

import re

_TABLE: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_TABLE.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",  # no-break space
        0x2002: " ",
        0x2003: " ",
        0x2009: " ",
        0x200B: " ",  # zero-width space: keep the length, lose the invisibility
        0xFEFF: " ",  # BOM left in the middle of a text
        0x3001: "、",  # kept: the enumeration comma is its own mark
        0x2014: "—",
        0x2015: "—",  # horizontal bar, used for ——
        0x2013: "-",
        0x2212: "-",
        0xFE63: "-",
        0x301C: "~",  # wave dash 〜
        0xFF5E: "~",
        0x3014: "〔",  # tortoise-shell brackets stay: doc numbers use them
        0x3010: "[",  # 【
        0x3011: "]",  # 】
        0x00B7: "·",
        0x2022: "·",
        # every line end the genre's files use becomes LF (a lone CR too, below), so that one
        # line index serves every stage (text/lines.py)
        0x2028: "\n",
        0x2029: "\n",
        0x0085: "\n",
        0x000B: "\n",
        0x000C: "\n",
    }
)
# `re.compile`, not `run_cache.compiled_re`: `qigong validate` imports this module, and the first
# use of the store imports `regex` (~9 ms) to find its file.
_LONE_CR = re.compile("\r(?!\n)")
_LOSSY_INDENT = re.compile(r"(?m)^\?{2,}(?=\S)")


# The characters that change, each to a character the table leaves as it is: so replacing them one
# after another, in any order, gives what one translate gives (checked at import).
_REPLACE = dict((chr(code), to) for code, to in _TABLE.items() if chr(code) != to)
assert all(_TABLE.get(ord(to), to) == to for to in _REPLACE.values())
_CHANGES = re.compile("[" + "".join(re.escape(char) for char in _REPLACE) + "]")


def normalize(text: str) -> str:
    """Return the same-length normalized view of `text`."""
    if len(text) < 512:
        norm = text.translate(_TABLE)
    else:
        # str.translate looks up every character in the dict (~50 ns each). One regex scan finds
        # the characters that change, each replaced throughout when first met: what is before the
        # scan's position holds none of them, and a replacement adds none.
        norm = text
        pos = 0
        while (m := _CHANGES.search(norm, pos)) is not None:
            char = m.group()
            norm = norm.replace(char, _REPLACE[char])
            pos = m.end()
    if "\r" in norm:
        norm = _LONE_CR.sub("\n", norm)
    if "??" in norm:  # '?' runs at a line start: indentation a narrow code page lost (same length)
        norm = _LOSSY_INDENT.sub(lambda m: " " * len(m.group()), norm)
    return norm
