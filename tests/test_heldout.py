"""Accuracy on notices written by the team from the genre's conventions (tests/data/heldout).

Each document's floors sit just below its current scores (tests/data/thresholds.yaml, raised by
scripts/thresholds.py --update, never lowered), so that a rule whose removal costs any document
any point turns this red.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qigong_parse.check.score import score
from qigong_parse.pipeline import parse_path

DATA = Path(__file__).resolve().parent / "data"
HELDOUT = DATA / "heldout"
NOTICES = sorted(p.name for p in HELDOUT.iterdir() if p.suffix in (".txt", ".html"))
FLOORS = yaml.safe_load((DATA / "thresholds.yaml").read_text(encoding="utf-8"))


def test_there_are_notices_to_score() -> None:
    assert len(NOTICES) >= 12
    assert all(f"heldout/{Path(n).stem}" in FLOORS for n in NOTICES)


@pytest.mark.parametrize("name", NOTICES)
def test_notice_meets_its_floors(name: str) -> None:
    counts = score(parse_path(HELDOUT / name), HELDOUT / "gold" / Path(name).stem)
    got = counts.scores()
    floors = FLOORS[f"heldout/{Path(name).stem}"]
    low = {m: round(got[m], 3) for m, floor in floors.items() if got[m] < floor}
    assert not low, f"{name}: {low} below {floors}\n" + "\n".join(counts.misses[:12])
