"""Hostile sizes and shapes parse without error and tile (timing is the benchmark's job, not asserted).

The inputs come from scripts/bench.py, which times the same generators at ten to a hundred times
these sizes to show linear growth.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from qigong_parse import read
from qigong_parse.errors import InputError
from qigong_parse.model.output import Document
from qigong_parse.pipeline import parse_path

from .conftest import SAMPLE, load_script, sample_text
from .test_tiling import parse_and_check


def bench() -> ModuleType:
    return load_script("bench")


def _nodes(doc: Document) -> int:
    return sum(len(p.walk()) for p in doc.parts)


def test_one_megabyte_notice() -> None:
    text = bench().big_notice(1_000_000)
    assert len(text.encode("utf-8")) >= 1_000_000
    doc = parse_and_check(text)
    reps = text.count(sample_text()[:200])
    assert sum(p.kind == "annex" for p in doc.parts) == 7 * reps  # every repeated annex is found again
    assert _nodes(doc) >= 200 * reps


def test_single_200_kb_line() -> None:
    text = bench().one_line(200_000)
    assert "\n" not in text and len(text.encode("utf-8")) > 190_000
    parse_and_check(text)


@pytest.mark.parametrize("per_section", [999, 100])
def test_5000_numbered_lines(per_section: int) -> None:
    text = bench().numbered_lines(5000, per_section)
    doc = parse_and_check(text)
    assert _nodes(doc) == 5000 + -(-5000 // per_section)  # every item and every 一、 section is a heading


def test_a_thousand_articles() -> None:
    doc = parse_and_check("".join(f"第{i}条 内容\n" for i in range(1, 1002)))
    assert _nodes(doc) >= 999


@pytest.mark.parametrize("blocks", [1, 5])
def test_markers_nested_50_deep(blocks: int) -> None:
    doc = parse_and_check(bench().nested(50, blocks))
    depth = max(len(n.path) for p in doc.parts for n in p.walk())
    assert depth >= 5  # 一、 > (一) > 1. > (1) > ① at least
    assert len(doc.parts[0].nodes) == blocks


def test_long_item_cohorts() -> None:
    doc = parse_and_check(bench().long_items(12))
    assert _nodes(doc) == 12 * (1 + 20 * 3)


@pytest.mark.parametrize("depth", [50, 500])
def test_paren_run_on_one_line(depth: int) -> None:
    parse_and_check(bench().paren_run(depth))


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,  # one long number
        "（" * 50_000 + "一",  # lone brackets
        "(" * 50_000 + "\n" + ")" * 50_000,
        "附件" * 20_000,
        "、" * 100_000,
        "一、" * 50_000,
        "\n" * 100_000,
        " \u3000\t" * 30_000 + "一、总体要求",
        "".join(f"附件{i}\n关于实施第{i}项工作的方案\n" for i in range(1, 400)),
        "由" + "市发改局、" * 5_000 + "牵头负责。",
        ("（市发改局、市财政局牵头，各乡镇配合）" * 2_000) + "\n",
        "".join(f"{i}.{'提高' * 20}{i}%\n" for i in range(1, 3000)),
    ],
    ids=["digits", "open-brackets", "bracket-lines", "annex-words", "dun-commas", "cn-markers",
         "blank-lines", "indentation", "400-annexes", "long-lead-list", "clause-run", "percent-lines"],
)
def test_pathological_shapes(text: str) -> None:
    parse_and_check(text)


def test_default_read_limit_admits_a_20_mb_notice() -> None:
    assert read.DEFAULT_MAX_BYTES >= 20 * 1024 * 1024


def test_max_bytes_rejects_a_larger_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(sample_text() * 3, encoding="utf-8")
    with pytest.raises(InputError, match="max-bytes"):
        parse_path(path, max_bytes=SAMPLE.stat().st_size)
    assert parse_path(path, max_bytes=path.stat().st_size).source.chars == 3 * len(sample_text())
