"""The "nothing lost" guarantee: the leaf pieces of a parsed Document tile its text exactly.

Leaf pieces are the unassigned spans, the notice head and its 附件 list, and per part its head,
its preamble and every node's own span. Sorted by start they must be contiguous from 0 to
len(text); titles, markers and target quotes must be the text at their spans. The checker
lives in the package (`qigong_parse.check.invariants`): the pipeline, `validate` and the fuzzer use it.
"""

from __future__ import annotations

import random
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qigong_parse.check.invariants import leaf_spans, tiling_errors
from qigong_parse.model.output import Document
from qigong_parse.pipeline import parse_bytes, parse_path, parse_text

from .conftest import FULLWIDTH, SAMPLE, SAMPLES, load_script, sample_text


def fuzz_module() -> ModuleType:
    return load_script("fuzz")


def assert_tiles(doc: Document, text: str) -> None:
    """Fail with the first few tiling errors of `doc` against `text`."""
    errors = tiling_errors(doc, text)
    assert not errors, "pieces do not tile the text:\n" + "\n".join(errors)


def parse_and_check(text: str) -> Document:
    """parse_text, round-trip through the model, and check the tiling."""
    doc = parse_text(text)
    Document.model_validate(doc.model_dump())
    assert_tiles(doc, text)
    return doc


# --- Real texts ----------------------------------------------------------------------------------


def test_sample_tiles() -> None:
    text = sample_text()
    doc = parse_and_check(text)
    pieces = leaf_spans(doc)
    assert len(doc.parts) >= 8
    assert len(pieces) > 200  # the check is not vacuous: the sample has hundreds of leaves


def test_sample_fullwidth_tiles() -> None:
    text = sample_text().translate(FULLWIDTH)
    assert text != sample_text()
    doc = parse_and_check(text)
    assert len(doc.parts) >= 8


def test_sample_through_read_tiles() -> None:
    doc = parse_path(SAMPLE)
    assert_tiles(doc, sample_text())


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_2024_heads_tile(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    doc = parse_bytes(data, file=name)
    assert_tiles(doc, data.decode("utf-8-sig"))
    assert doc.parts


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028", "\n\n\n"])
def test_sample_other_line_breaks_tile(newline: str) -> None:
    parse_and_check(sample_text().replace("\n", newline))


# --- The checker can fail --------------------------------------------------------------------------


def test_checker_reports_a_gap() -> None:
    text = sample_text()
    doc = parse_text(text)
    part = doc.parts[-1]
    node = part.nodes[0]
    broken = node.model_copy(update={"span": (node.span[0] + 1, node.span[1])})
    doc.parts[-1] = part.model_copy(update={"nodes": [broken, *part.nodes[1:]]})
    errors = tiling_errors(doc, text)
    assert errors and errors[0].startswith("gap")


def test_checker_reports_a_wrong_title_and_a_short_text() -> None:
    text = sample_text()
    doc = parse_text(text)
    part = doc.parts[0]
    node = part.nodes[0]
    doc.parts[0] = part.model_copy(update={"nodes": [node.model_copy(update={"title": "X"}),
                                                     *part.nodes[1:]]})
    errors = tiling_errors(doc, text + "尾")
    assert any(e.startswith("title") for e in errors)
    assert any(e.startswith("end") for e in errors)


# --- Generated texts from the sample's lines ----------------------------------------------------------

_LINES = sample_text().splitlines(keepends=True)
_ODD = st.characters(codec="utf-8")  # any code point a decoder can produce
_GENRE = st.sampled_from([*"一二三四五六七八九十、（）()《》“”：:；;，,。.123４５①②③⑩附件第章条 \u3000\t\n\r",
                          "附件1", "附件：", "（一）", "1.", "(1)", "一、", "第一条", "\n附件2\n"])


@st.composite
def _piece(draw: st.DrawFn) -> str:
    line = draw(st.sampled_from(_LINES))
    kind = draw(st.integers(0, 5))
    if kind == 0:  # cut the line anywhere (its break may go)
        a = draw(st.integers(0, len(line)))
        b = draw(st.integers(a, len(line)))
        return line[a:b]
    if kind == 1:  # random Unicode inserted
        pos = draw(st.integers(0, len(line)))
        return line[:pos] + draw(st.text(_ODD, min_size=1, max_size=4)) + line[pos:]
    if kind == 2:  # genre characters inserted (markers, brackets, digits)
        pos = draw(st.integers(0, len(line)))
        return line[:pos] + "".join(draw(st.lists(_GENRE, min_size=1, max_size=4))) + line[pos:]
    return line


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece(), min_size=5, max_size=120))
def test_generated_from_sample_lines_tile(pieces: list[str]) -> None:
    parse_and_check("".join(pieces))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0.02, 1.0), st.integers(0, 2**32 - 1), st.booleans())
def test_sample_line_subsets_tile(share: float, seed: int, keep_order: bool) -> None:
    rnd = random.Random(seed)  # a drawn seed keeps the example small and reproducible
    chosen = [line for line in _LINES if rnd.random() < share]
    if not keep_order:
        rnd.shuffle(chosen)
    parse_and_check("".join(chosen))


@settings(max_examples=150, deadline=None)
@given(st.lists(_GENRE, max_size=200))
def test_genre_soup_tiles(tokens: list[str]) -> None:
    parse_and_check("".join(tokens))


def test_a_title_after_a_marker_that_opens_with_question_marks_tiles() -> None:
    """A lossy copy's '??' runs are indentation only at a line start: a title that opens with one
    after its marker is the normalized view's slice, not the slice normalized alone (fuzz case)."""
    text = "某某县实施方案\n一、任务\n1.??污染防治攻坚,确保完成２025年度目标。\n2.??打好移动源治理攻坚战。\n"
    doc = parse_text(text)
    assert [n.title for p in doc.parts for n in p.walk()][1].startswith("??")
    assert tiling_errors(doc, text) == []
