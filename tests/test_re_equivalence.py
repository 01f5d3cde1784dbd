"""Every pattern the package compiles with stdlib `re` matches as it would under `regex`.

Rule patterns are `regex` syntax; text/patterns.py compiles one with `re` (faster) where that matches
the same, rewriting the classes the engines read differently: `re`'s \\s also takes U+001C..U+001F,
`regex`'s \\d follows a newer Unicode, and \\w (so \\b) differs both ways. So every `re` pattern of a
parse is checked here: it compiles under `regex` too, and each class escape in it (alone, or the set
that holds it) takes the same code points under both engines. A pattern written for `re` on purpose,
with `re`'s meaning, is listed in STDLIB_MEANING.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import regex

from qigong_parse.text.patterns import DIGIT_EXTRA, compile_pattern, for_re

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt",
          *sorted(p for p in (ROOT / "tests" / "data" / "heldout").iterdir() if p.suffix in (".txt", ".html"))]

# Patterns written for `re` (never compiled with `regex`), meaning what `re` means: module, name.
STDLIB_MEANING = [
    ("qigong_parse.text.normalize", "_LOSSY_INDENT"), ("qigong_parse.read", "_LOSSY_INDENT"),
    ("qigong_parse.read.sniff", "_HTML_HEAD_UTF16"), ("qigong_parse.read.html", "_HIDDEN"),
    ("qigong_parse.read.pdf", "_PAGE_NUMBER"), ("qigong_parse.read.pdf", "_MARKER"), ("qigong_parse.read.ofd", "_NUMBER"),
    ("qigong_parse.parse.task_tables", "_HEADER_NOISE"), ("qigong_parse.parse.task_tables", "_PLAIN_NUMBER"),
    ("qigong_parse.io.yaml_out", "_TEMP_NAME"), ("qigong_parse.check.score", "_PUNCT"),
    ("qigong_parse.dataset.store", "_PART"),
]


def _stdlib_meaning() -> set[str]:
    return {getattr(importlib.import_module(module), name).pattern for module, name in STDLIB_MEANING}


# In a fresh interpreter: import every module, parse the inputs, and print the (pattern, flags) of
# every str pattern compiled by `re` on behalf of the package.
_COLLECT = r"""
import json, pkgutil, re, sys
seen = {}
compile_ = re._compile
def spy(pattern, flags):
    if isinstance(pattern, str):
        f = sys._getframe(1)
        while f is not None and f.f_code.co_filename.endswith(("re/__init__.py", "functools.py")):
            f = f.f_back
        if f is not None and "qigong_parse" in f.f_code.co_filename:
            seen[(pattern, int(flags))] = None
    return compile_(pattern, flags)
re._compile = spy
import qigong_parse
for info in pkgutil.walk_packages(qigong_parse.__path__, "qigong_parse."):
    try:
        __import__(info.name)
    except ImportError:
        pass
from qigong_parse.errors import QigongError
from qigong_parse.pipeline import parse_path
for path in sys.argv[1:]:
    try:
        parse_path(path)
    except QigongError:
        pass
print(json.dumps(list(seen)))
"""

# a set fenced by text/patterns.py (one holding \s), an escape, a set
_PIECE = re.compile(r"\(\?:\(\?!\[\\x1c-\\x1f\]\)\[(?:[^\]\\]|\\.)*\]\)|\(\?:\[\^(?:[^\]\\]|\\.)*\]\|\[\\x1c-\\x1f\]\)"
                    r"|\\.|\[\^?\]?(?:[^\]\\]|\\.)*\]", re.S)
_CLASS = re.compile(r"\\[sSdDwWbB]")


@cache
def _every_code_point() -> str:
    return "".join(map(chr, range(0x110000)))


def class_pieces(pattern: str) -> set[str]:
    """The class escapes of `pattern` as pieces to compare alone: a set holding one (with the fence
    text/patterns.py puts around a set holding \\s), else the escape (\\b, \\B: as \\w)."""
    pieces = set()
    for m in _PIECE.finditer(pattern):
        piece = m[0]
        if piece[0] != "\\" and _CLASS.search(piece):
            pieces.add(piece)
        elif _CLASS.fullmatch(piece):
            pieces.add(r"\w" if piece[1] in "bB" else piece)
    return pieces


@cache
def engines_agree(piece: str, flags: int = 0) -> bool:
    """Whether `re` and `regex` take the same code points for `piece` (one character wide)."""
    chars = _every_code_point()
    return re.compile(piece, flags).sub("", chars) == regex.compile(piece, flags).sub("", chars)


@cache
def _collected() -> list[tuple[str, int]]:
    proc = subprocess.run([sys.executable, "-c", _COLLECT, *map(str, INPUTS)], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return [(p, f) for p, f in json.loads(proc.stdout)]


def test_the_rewritten_classes_take_what_regex_takes() -> None:
    for pattern in (r"\s", r"\S", r"\d", r"\D", r"[a\s]", r"[^a\s]", r"[a\S]", r"[^a\S]", r"[a\d]", r"[^a\d]",
                    r"[\s\d]", r"[•·\s]", r"[^,;。\s]", r"[、,;/\s，；]"):
        rewritten = compile_pattern(pattern)
        assert isinstance(rewritten, re.Pattern), pattern
        chars = _every_code_point()
        assert rewritten.sub("", chars) == regex.compile(pattern).sub("", chars), pattern


def test_digit_extra_is_what_regex_adds() -> None:
    chars = _every_code_point()
    extra = set(regex.findall(r"\d", chars)) - set(re.findall(r"\d", chars))
    assert extra == {chr(c) for a, b in DIGIT_EXTRA for c in range(a, b + 1)}


@pytest.mark.parametrize("pattern", [r"\w+", r"\bx", r"[\D]", r"\p{Han}", r"(?i)a", r"[a[:alpha:]]", r"[\s0-9]",
                                     r"(?P<n>a)|(?P<n>b)", r"(?<=ab|c)x", r"a{1, 3}", r"(?#[)\s"])
def test_what_re_cannot_match_alike_stays_on_regex(pattern: str) -> None:
    assert for_re(pattern) is None or not isinstance(compile_pattern(pattern), re.Pattern)


def test_the_check_catches_a_class_that_differs() -> None:
    assert class_pieces(r"^\s*\d+[、.]\s(?=[\w，])") == {r"\s", r"\d", r"[\w，]"}
    assert class_pieces(r"\\s\bx") == {r"\w"}
    assert not engines_agree(r"\s")
    assert not engines_agree(r"\d")
    assert not engines_agree(r"[\w，]")
    assert engines_agree(for_re(r"\s") or "")


def test_every_re_pattern_of_a_parse_matches_as_under_regex() -> None:
    collected = _collected()
    assert len(collected) > 100  # the rule tables are among them
    differ = []
    stdlib = _stdlib_meaning()
    for pattern, flags in collected:
        if pattern in stdlib:
            continue
        regex.compile(pattern, flags)
        differ += [(pattern, piece) for piece in sorted(class_pieces(pattern)) if not engines_agree(piece, flags)]
    assert not differ, "classes `re` reads otherwise than `regex` (compile with text.patterns.compile_pattern):\n" + \
        "\n".join(f"  {piece!r} in {pattern!r}" for pattern, piece in differ)
