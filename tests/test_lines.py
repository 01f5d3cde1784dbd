"""The line index: `content_lines` gives what `split_lines` gives for the non-blank lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.parse.outline import _contents_lists
from qigong_parse.text.lines import _content_lines_searched, content_lines, split_lines


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\r\n\f\v目a", max_size=40), st.integers(0, 45), st.integers(0, 45) | st.none())
def test_content_lines_are_the_non_blank_lines_of_split_lines(norm: str, start: int, end: int | None) -> None:
    end = None if end is None else min(end, len(norm))  # callers pass offsets inside the text
    want = [(ln.cstart, ln.content) for ln in split_lines(norm, start, end) if ln.content]
    assert content_lines(norm, start, end) == want


def test_a_table_of_contents_runs_from_its_line_to_the_line_its_first_entry_stands_again() -> None:
    norm = "目录\n  一、总体要求\n二、重点任务\n  一、总体要求\n正文"
    assert _contents_lists(norm, 0, len(norm)) == [(0, 19)]  # 19: the line's start, its indent included
    assert _contents_lists("x\n" + norm, 2, len(norm) + 2) == [(2, 21)]


def _general(norm: str) -> list[object]:
    # an end given: the search-and-slice path, never the whole-text split
    return list(split_lines(norm, 0, len(norm)))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\r\n\f\v目a\u3000\x85", max_size=40))
def test_the_whole_text_split_is_the_general_path(norm: str) -> None:
    assert split_lines(norm) == _general(norm)


def test_the_whole_text_split_on_the_sample_and_its_corners() -> None:
    from qigong_parse.text.normalize import normalize

    from .conftest import sample_text

    for norm in (normalize(sample_text()), sample_text(), "", "\n", "\r", "a\r", "\r\n", " a \r\n\n  b\r",
                 "x\n\r\n \t\n y", "\r\r\n", "  \n"):
        assert split_lines(norm) == _general(norm), repr(norm)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\r\n\f\v目a\u3000", max_size=40), st.integers(0, 45), st.integers(0, 45) | st.none())
def test_content_lines_split_is_the_searched_path(norm: str, start: int, end: int | None) -> None:
    stop_at = len(norm) if end is None else min(end, len(norm))
    assert content_lines(norm, start, None if end is None else stop_at) == _content_lines_searched(norm, start, stop_at)


def test_content_lines_split_on_the_sample() -> None:
    import random

    from qigong_parse.text.normalize import normalize

    from .conftest import sample_text

    norm = normalize(sample_text())
    rng = random.Random(5)
    for _ in range(500):
        a = rng.randrange(len(norm))
        b = min(len(norm), a + rng.randint(0, 3000))
        assert content_lines(norm, a, b) == _content_lines_searched(norm, a, b)
