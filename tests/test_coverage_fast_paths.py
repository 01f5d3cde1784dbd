"""Coverage's shortcuts give what the code they replaced gave."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.parse import coverage
from qigong_parse.text.lines import content_lines


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\r\n\f\u3000a一", max_size=20), st.integers(0, 22), st.integers(0, 22))
def test_lines_after_are_the_later_content_lines(norm: str, start: int, end: int) -> None:
    end = min(end, len(norm))
    want = [(c, t) for c, t in content_lines(norm, start, end) if c > start]
    assert coverage._lines_after(norm, start, end) == want


def test_a_one_line_text_is_not_split(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(coverage, "content_lines", lambda *a: (_ for _ in ()).throw(AssertionError("split")))
    norm = "一、目标。正文。\n \n"
    assert coverage._lines_after(norm, 3, len(norm)) == []
