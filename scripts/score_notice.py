"""Parse a notice and score it against a gold directory (tests/data/gold format).

usage: python scripts/score_notice.py [NOTICE] [GOLD_DIR]
Defaults: the bundled sample and its gold copy. Prints the figures and the first misses.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qigong_parse.check.score import score  # noqa: E402
from qigong_parse.pipeline import parse_path  # noqa: E402


def main(argv: list[str]) -> int:
    notice = Path(argv[0]) if argv else ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
    gold = Path(argv[1]) if len(argv) > 1 else ROOT / "tests" / "data" / "gold" / "seed"
    counts = score(parse_path(notice), gold)
    print("overall: " + " ".join(f"{k}={v:.3f}" for k, v in counts.scores().items()))
    for miss in counts.misses[:20]:
        print("  " + miss[:200])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
