"""Score the parser on every real document that has gold in tests/data/corpus_gold (pooled, micro).

usage: python scripts/score_corpus.py [--corpus DIR] [-v]
DIR is the real-document corpus (default ../shared/corpus beside the repository); each gold folder
is named after a corpus file's stem. Prints one line per document and the pooled figures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qigong_parse.check.score import Counts, score
from qigong_parse.pipeline import parse_path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "corpus_gold"
METRICS = ("nodes_f1", "titles", "resp_exact", "units_f1", "targets_f1", "target_fields", "notice")


# the formats a gold folder's document is read from, preferred first: the text a repository
# stored, its saved page, the file as published (PDF, DOCX) when the corpus has only that
SOURCE_RANK = {".txt": 0, ".md": 0, ".html": 1, ".pdf": 2, ".docx": 3}


def source_of(corpus: Path, name: str) -> Path | None:
    """The corpus file a gold folder is named after."""
    found = [p for p in corpus.rglob(f"{name}.*") if p.suffix in SOURCE_RANK]
    return min(found, key=lambda p: (SOURCE_RANK[p.suffix], str(p)), default=None)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each document's first misses")
    a = ap.parse_args(argv)
    if not a.corpus.is_dir():
        print(f"no corpus at {a.corpus}", file=sys.stderr)
        return 2
    total = Counts()
    for gold in sorted(p for p in GOLD.iterdir() if p.is_dir()):
        src = source_of(a.corpus, gold.name)
        if src is None:
            print(f"{gold.name}: no source in {a.corpus}")
            continue
        counts = score(parse_path(src), gold)
        total = total + counts
        s = counts.scores()
        print(f"{gold.name[:44]:44} " + " ".join(f"{m}={s[m]:.3f}" for m in METRICS))
        if a.verbose:
            for miss in counts.misses[:8]:
                print("    " + miss[:180])
    s = total.scores()
    print("pooled: " + " ".join(f"{m}={s[m]:.3f}" for m in METRICS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
