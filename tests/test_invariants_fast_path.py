"""The invariant check's fast path (a node whose checks all hold builds no path; each part's leaves
gathered on the same walk) reports exactly what the full checks report, on damaged documents."""

from __future__ import annotations

import random

import pytest

from qigong_parse.check import invariants
from qigong_parse.model.output import Document

from .conftest import sample_text


def _full_checks(doc: Document) -> list[invariants.Problem]:
    """check_document with every node checked the long way and the leaves gathered by a second walk."""
    checker = invariants._Checker(doc.source.chars)
    checker._node_holds = lambda *args: False  # type: ignore[method-assign]
    return checker.document(doc) + invariants.tiling_problems(doc)


def _damage(doc: Document, rng: random.Random) -> None:
    nodes = [n for part in doc.parts for n in part.walk()]
    for _ in range(rng.randint(1, 4)):
        node = rng.choice(nodes)
        what = rng.randrange(9)
        shift = rng.choice((-3, -1, 1, 2, 40))
        if what == 0:
            node.span = (node.span[0] + shift, node.span[1])
        elif what == 1:
            node.span = (node.span[0], node.span[1] + shift)
        elif what == 2 and node.title_span is not None:
            node.title_span = (node.title_span[0], node.title_span[1] + shift)
        elif what == 3:
            node.title = node.title + "x" if shift > 0 else node.title[:-1]
        elif what == 4:
            node.marker = node.marker * 30
        elif what == 5:
            node.path = [*node.path, "1"] if shift > 0 else node.path[:-1] or ["9"]
        elif what == 6 and node.responsibility is not None and node.responsibility.span is not None:
            s = node.responsibility.span
            node.responsibility.span = (s[0], s[1] + shift)
        elif what == 7 and node.targets:
            t = rng.choice(node.targets)
            t.span = (t.span[0], t.span[1] + shift)
        elif what == 8:
            node.text = node.text + "x" * abs(shift)


@pytest.fixture(scope="module")
def parsed() -> Document:
    from qigong_parse.pipeline import parse_text

    return parse_text(sample_text())


def test_the_fast_path_reports_what_the_full_checks_report(parsed: Document) -> None:
    assert invariants.check_document(parsed) == _full_checks(parsed) == []
    rng = random.Random(20261202)
    found = 0
    for _ in range(150):
        doc = parsed.model_copy(deep=True)
        _damage(doc, rng)
        problems = invariants.check_document(doc)
        assert problems == _full_checks(doc)
        found += bool(problems)
    assert found > 100  # the damage is seen: the comparison is not between two empty lists
