"""The outline's shortcuts give what the code they replaced gave."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.parse import outline
from qigong_parse.text.lines import content_lines


def _iter_lines_by_character(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """`_iter_lines` as it was: blanks stepped over one character at a time."""
    out = []
    pos = start
    while pos < end:
        nl = norm.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        content_end = line_end
        while content_end > pos and norm[content_end - 1] in " \t\r":
            content_end -= 1
        content_start = pos
        while content_start < content_end and norm[content_start] in " \t":
            content_start += 1
        if content_start < content_end:
            out.append((content_start, content_end))
        pos = line_end + 1
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" \t\r\n\u3000\x0ba一", max_size=30), st.integers(0, 32), st.integers(0, 32))
def test_iter_lines_is_the_scan_per_character(norm: str, start: int, end: int) -> None:
    end = min(end, len(norm))
    assert outline._iter_lines(norm, start, end) == _iter_lines_by_character(norm, start, end)


def _contents_lists_in_full(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """`_contents_lists` without its shortcuts (no search first, every line tried)."""
    out: list[tuple[int, int]] = []
    lines = content_lines(norm, start, end)
    for k, (cstart, content) in enumerate(lines):
        if not outline._CONTENTS.fullmatch(content) or k + 1 >= len(lines):
            continue
        first = regex.sub(r"\s+", "", lines[k + 1][1])
        again = next((m for m in lines[k + 2:] if regex.sub(r"\s+", "", m[1]) == first), None)
        if again is not None:
            out.append((norm.rfind("\n", start, cstart) + 1 or start, norm.rfind("\n", start, again[0]) + 1 or start))
    return out


_PIECES = ["目录", "目 录", "目\u2003录", " 目录 ", "目", "录", "一、总则", "二、任务", "\n", "\n", " ", "x目录", "目录x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join), st.integers(0, 6), st.integers(0, 200))
def test_contents_lists_are_the_full_scan(norm: str, start: int, end: int) -> None:
    end = min(end, len(norm))
    start = min(start, end)
    assert outline._contents_lists(norm, start, end) == _contents_lists_in_full(norm, start, end)


def test_contents_list_is_found() -> None:
    norm = "目 录\n一、总则\n二、任务\n一、总则\n正文\n二、任务\n"
    assert outline._contents_lists(norm, 0, len(norm)) == [(0, norm.index("一、总则\n正文"))]
