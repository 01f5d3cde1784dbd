"""Per-document accuracy floors: the team's notices (tests/data/heldout) and the real corpus documents
with gold (tests/data/corpus_gold, sources in ../shared/corpus).

usage: python scripts/thresholds.py [--corpus DIR] [--update]
Prints each document's scores against its floors in tests/data/thresholds.yaml. With --update the
floors rise to just below the current scores; a floor never falls (a drop is printed and left for
a person to judge, with the reason written beside the entry).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import yaml
from score_corpus import source_of  # (this folder: the same choice of a gold's source)

from qigong_parse.check.score import score
from qigong_parse.pipeline import parse_path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "tests" / "data" / "thresholds.yaml"
HELDOUT = ROOT / "tests" / "data" / "heldout"
CORPUS_GOLD = ROOT / "tests" / "data" / "corpus_gold"
METRICS = ("nodes_f1", "titles", "resp_exact", "units_f1", "targets_f1", "target_fields", "notice")


def documents(corpus: Path) -> dict[str, tuple[Path, Path]]:
    """name → (source, gold dir) for every scored document present."""
    out: dict[str, tuple[Path, Path]] = {}
    for src in sorted(HELDOUT.iterdir()):
        if src.suffix in (".txt", ".html"):
            out[f"heldout/{src.stem}"] = (src, HELDOUT / "gold" / src.stem)
    if corpus.is_dir():
        for gold in sorted(p for p in CORPUS_GOLD.iterdir() if p.is_dir()):
            src = source_of(corpus, gold.name)
            if src is not None:
                out[f"corpus/{gold.name}"] = (src, gold)
    return out


def floor_of(value: float) -> float:
    """Just below a score: its value to three decimals, less 0.001 (1.000 → 0.999)."""
    return max(0.0, math.floor(value * 1000) / 1000 - 0.001)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args(argv)
    floors = yaml.safe_load(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    floors = floors or {}
    drops = 0
    for name, (src, gold) in documents(a.corpus).items():
        got = score(parse_path(src), gold).scores()
        old = floors.get(name, {})
        new = {}
        for m in METRICS:
            want = floor_of(got[m])
            if m in old and want < old[m]:
                drops += 1
                print(f"DROP {name} {m}: {got[m]:.3f} < floor {old[m]}")
                new[m] = old[m]
            else:
                new[m] = max(want, old.get(m, 0.0))
        floors[name] = new
        print(f"{name[:52]:52} " + " ".join(f"{m}={got[m]:.3f}" for m in METRICS))
    if a.update:
        head = "# Per-document accuracy floors (scripts/thresholds.py --update raises them; they never fall).\n"
        FLOORS.write_text(head
                          + yaml.safe_dump(floors, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return 1 if drops else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
