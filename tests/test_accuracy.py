"""Accuracy on the bundled sample against our copy of the gold, and on its variants.

Thresholds are the acceptance criteria of the pipeline and extraction issues; the variants
(fullwidth punctuation, GB18030 bytes) must score the same as the original within 0.005.
"""

from __future__ import annotations

import pytest

from qigong_parse.check.score import score
from qigong_parse.pipeline import parse_bytes, parse_text

from .conftest import FULLWIDTH, GOLD, SAMPLE, sample_text

THRESHOLDS = {
    "nodes_f1": 0.97,
    "titles": 0.95,
    "notice": 0.90,
    "resp_exact": 0.93,
    "units_f1": 0.97,
    "targets_f1": 0.90,
    "target_fields": 0.90,
}


@pytest.fixture(scope="module")
def seed_scores(sample_doc):  # type: ignore[no-untyped-def]
    return score(sample_doc, GOLD / "seed")


@pytest.mark.parametrize("metric", sorted(THRESHOLDS))
def test_sample_meets_threshold(seed_scores, metric: str) -> None:  # type: ignore[no-untyped-def]
    got = seed_scores.scores()[metric]
    related = [m for m in seed_scores.misses if _related(metric, m)][:15]
    assert got >= THRESHOLDS[metric], f"{metric}={got:.3f} < {THRESHOLDS[metric]}; e.g.\n" + "\n".join(related)


def _related(metric: str, miss: str) -> bool:
    if metric.startswith("target"):
        return "target" in miss
    if metric in ("resp_exact", "units_f1"):
        return "responsibility" in miss
    if metric == "notice":
        return miss.startswith("notice")
    return "node" in miss or "title" in miss


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda: parse_text(sample_text().translate(FULLWIDTH), file="fw.txt"), id="fullwidth"),
        pytest.param(lambda: parse_bytes(sample_text().encode("gb18030"), file="gb.txt"), id="gb18030"),
        pytest.param(lambda: parse_bytes(sample_text().encode("utf-16"), file="u16.txt"), id="utf-16"),
        pytest.param(lambda: parse_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes(), file="bom.txt"), id="utf-8-bom"),
    ],
)
def test_variants_score_like_the_original(seed_scores, variant) -> None:  # type: ignore[no-untyped-def]
    base = seed_scores.scores()
    got = score(variant(), GOLD / "seed").scores()
    for metric, value in base.items():
        assert abs(got[metric] - value) <= 0.005, f"{metric}: {got[metric]:.3f} vs original {value:.3f}"


def test_xinshao_head_notice_and_outline() -> None:
    doc = parse_bytes((GOLD.parent / "samples" / "xinshao-2024-head.txt").read_bytes(), file="xinshao.txt")
    s = score(doc, GOLD / "samples" / "xinshao-2024-head").scores()
    assert s["notice"] == 1.0
    assert s["nodes_f1"] == 1.0


def test_suining_head_has_no_notice_and_one_part() -> None:
    doc = parse_bytes((GOLD.parent / "samples" / "suining-2024-head.txt").read_bytes(), file="suining.txt")
    assert doc.notice is None
    assert [p.id for p in doc.parts] == ["general"]
    assert doc.parts[0].title == "绥宁县实施“八大行动”总体方案"
    assert score(doc, GOLD / "samples" / "suining-2024-head").scores()["nodes_f1"] == 1.0
