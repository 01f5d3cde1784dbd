"""Benchmark: PDF and OFD reading scale linearly with the page count.

Draws the sample (tests/corpus/pdf.py, reportlab + STSong-Light) repeated to 10 and 100 pages,
then times reading alone (bytes → text) and the whole parse, and prints per-page medians and the
100-page / 10-page ratio per page (1.0 = linear). Times are the CPU time of this process (pdfium
runs in it), steadier than wall time on a shared machine. Needs the dev install (reportlab).

    python scripts/bench_pdf.py            # 5 runs each
    python scripts/bench_pdf.py --runs 3
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus import sample_text  # noqa: E402
from tests.corpus.pdf import lay_out, ofd_bytes, pdf_bytes  # noqa: E402

from qigong_parse.pipeline import parse_bytes  # noqa: E402
from qigong_parse.read import decode  # noqa: E402


def _pages(n: int) -> list:  # type: ignore[type-arg]
    raw = sample_text().splitlines()
    start = next(i for i, line in enumerate(raw) if line.startswith("分享到")) + 1
    stop = next(i for i, line in enumerate(raw) if line.startswith("扫一扫"))
    body = raw[start:stop]
    items = lay_out(body * (n // 30 + 1))
    return [it for it in items if it.page < n]


def _median(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up: imports, first-call costs
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"# {platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
          f"{args.runs} runs, median")
    for kind, build in (("pdf", pdf_bytes), ("ofd", ofd_bytes)):
        per_page: dict[tuple[str, int], float] = {}
        for n in (10, 100):
            data = build(_pages(n))
            for stage, fn in (("read", lambda d=data: decode(d)), ("parse", lambda d=data: parse_bytes(d))):
                t = _median(fn, args.runs)
                per_page[(stage, n)] = t / n
                print(f"{kind} {n:3d} pages {len(data) / 1024:7.0f} KiB  {stage:5s} {t * 1000:8.1f} ms  "
                      f"{t / n * 1000:6.2f} ms/page")
        for stage in ("read", "parse"):
            print(f"{kind} {stage}: 100-page / 10-page time per page = "
                  f"{per_page[(stage, 100)] / per_page[(stage, 10)]:.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
