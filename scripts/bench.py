"""Benchmark: cold CLI vs the import floor, warm throughput, scaling, hostile sizes, batch, checks.

Prints medians and ratios (never lone times) with the machine, Python and date:

    python scripts/bench.py                    # everything (a few minutes on 2 cores)
    python scripts/bench.py --only cold warm   # some sections
    python scripts/bench.py --quick            # fewer runs, smaller hostile sizes

Sizes run in a fresh subprocess each (`--worker`), so peak RSS (ru_maxrss) belongs to one input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
BIN = Path(sys.executable).parent
QIGONG = BIN / "qigong"
FLOOR_IMPORTS = "import typer, pydantic, yaml, regex, rich"

if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


# --- Hostile inputs (also used by tests/test_hostile.py) ---------------------------------------


def big_notice(n_bytes: int) -> str:
    """The sample concatenated with itself until it is at least `n_bytes` of UTF-8."""
    text = sample_text()
    reps = -(-n_bytes // len(text.encode("utf-8")))
    return text * reps


def one_line(n_bytes: int) -> str:
    """A single line of about `n_bytes` of UTF-8: the sample's text with its line breaks removed."""
    flat = sample_text().replace("\r", "").replace("\n", "")
    per_char = len(flat.encode("utf-8")) / len(flat)
    n_chars = int(n_bytes / per_char)
    return (flat * (n_chars // len(flat) + 1))[:n_chars]


def numbered_lines(n: int, per_section: int = 999) -> str:
    """`n` short numbered lines `1.推进…` under 一、 sections of `per_section` (≤ 999) items each."""
    from qigong_parse.parse.outline import int_to_cn

    out: list[str] = []
    for i in range(n):
        if i % per_section == 0:
            out.append(f"{int_to_cn(i // per_section + 1)}、第{i // per_section + 1}部分\n")
        out.append(f"{i % per_section + 1}.推进第{i + 1}项工作\n")
    return "".join(out)


_NEST_STYLES = ("{cn}、", "（{cn}）", "{n}.", "（{n}）", "{circled}", "第{cn}条", "{n}、", "({n})")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def nested(depth: int, blocks: int = 1) -> str:
    """`blocks` runs of markers nested `depth` deep, cycling the genre's marker styles.

    Block b opens with number b + 1 at the top level and number 1 below it, so each run fits
    the numbering; past the eighth level the styles repeat, as in a badly nested source.
    """
    from qigong_parse.parse.outline import int_to_cn

    out: list[str] = []
    for b in range(blocks):
        for k in range(depth):
            num = b % 99 + 1 if k == 0 else 1
            style = _NEST_STYLES[k % len(_NEST_STYLES)]
            marker = style.format(cn=int_to_cn(num), n=num, circled=_CIRCLED[(num - 1) % 10])
            out.append(f"{'  ' * min(k, 20)}{marker}第{k + 1}层标题。内容\n")
    return "".join(out)


_LONG_ITEM = "推进第{j}项工作，加强组织领导，落实各项措施，确保取得实效，进一步提升服务水平和质量效益"


def long_items(sections: int, subsections: int = 20) -> str:
    """一、 sections × (一) subsections × two long, comma-laden items: titles that ran into their body.

    Groups of two siblings make the run-in title repair fall back to the whole (depth, style)
    cohort, 40 items per section.
    """
    from qigong_parse.parse.outline import int_to_cn

    out: list[str] = []
    for i in range(1, sections + 1):
        out.append(f"{int_to_cn(i)}、第{i}部分\n")
        for k in range(1, subsections + 1):
            out.append(f"（{int_to_cn(k)}）第{k}方面\n")
            out.extend(f"{j}.{_LONG_ITEM.format(j=j)}\n" for j in (1, 2))
    return "".join(out)


def paren_run(depth: int) -> str:
    """One line of `depth` nested (1) markers and `depth` nested brackets: a backtracking bait."""
    return "（1）" * depth + "(" * depth + "一" + ")" * depth + "内容\n"


HOSTILE: dict[str, tuple[Callable[[int], str], int, int, str]] = {
    # name: (generator, small size, large size, what the size counts)
    "notice": (big_notice, 2_000_000, 20_000_000, "bytes"),
    "one_line": (one_line, 500_000, 5_000_000, "bytes"),
    "numbered": (numbered_lines, 10_000, 100_000, "lines"),
    "nested": (lambda blocks: nested(50, blocks), 40, 400, "50-deep blocks"),
    "long_items": (long_items, 10, 99, "sections"),
}


def scaled(k: int) -> str:
    """One long plan: the sample's head once, its general plan and annexes repeated `k` times."""
    text = sample_text()
    start = text.find("\n附件1") if k > 1 else -1
    if start < 0:
        return text * k
    return text[:start] + text[start:] * k


# --- Worker: one input, one fresh process ------------------------------------------------------


def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def worker(kind: str, size: int, runs: int) -> dict[str, float]:
    """Build input `kind` of `size`, parse it `runs` times; time and peak RSS."""
    from qigong_parse.pipeline import parse_text

    parse_text("一、热身\n")  # load the tables outside the timing
    text = scaled(size) if kind == "scaled" else HOSTILE[kind][0](size)
    base = _maxrss_kib()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        doc = parse_text(text)
        times.append(time.perf_counter() - started)
    peak = _maxrss_kib()
    nodes, parts = sum(len(p.walk()) for p in doc.parts), len(doc.parts)
    del doc
    tracemalloc.start()  # a separate, slower run: Python allocations of one parse
    parse_text(text)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"chars": len(text), "bytes": len(text.encode("utf-8")), "seconds": statistics.median(times),
            "base_mib": base / 1024, "peak_mib": peak / 1024, "traced_mib": traced / 2**20,
            "nodes": nodes, "parts": parts}


def run_worker(kind: str, size: int, runs: int = 1) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--worker", kind, str(size), str(runs)],
                         capture_output=True, text=True, check=False, timeout=1800)
    if out.returncode:
        raise RuntimeError(f"worker {kind} {size} failed:\n{out.stderr[-2000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- Sections --------------------------------------------------------------------------------------


def _fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def section_cold(runs: int) -> None:
    print(f"\n## cold CLI (whole process, median of {runs}, interleaved with the import floor)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "x.yaml"
        cli = [str(QIGONG), "parse", str(SAMPLE.relative_to(ROOT)), "-o", str(out), "--force"]
        floor = [sys.executable, "-c", FLOOR_IMPORTS]
        _timed(floor)
        subprocess.run(cli, check=True, cwd=ROOT, capture_output=True)  # warm the page cache
        f_times, c_times = [], []
        for _ in range(runs):
            f_times.append(_timed(floor))
            started = time.perf_counter()
            subprocess.run(cli, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            c_times.append(time.perf_counter() - started)
    f_med, c_med = statistics.median(f_times), statistics.median(c_times)
    print(f"  floor  python -c '{FLOOR_IMPORTS}'   median {_fmt_s(f_med)}  (min {_fmt_s(min(f_times))})")
    print(f"  qigong parse <sample> -o x.yaml --force     median {_fmt_s(c_med)}  (min {_fmt_s(min(c_times))})")
    print(f"  ratio cli/floor: {c_med / f_med:.2f}x (median), {min(c_times) / min(f_times):.2f}x (min)  "
          f"[target <= 2.0x, goal 1.5x]")
    phases: dict[str, list[float]] = {}
    for _ in range(max(3, runs // 2)):
        proc = subprocess.run([sys.executable, "-c", _PHASES, str(SAMPLE)], capture_output=True, text=True,
                              check=True, cwd=ROOT)
        for key, value in json.loads(proc.stdout).items():
            phases.setdefault(key, []).append(value)
    print("  where a cold run goes (in-process, fresh process each, medians): "
          + ", ".join(f"{k} {_fmt_s(statistics.median(v))}" for k, v in phases.items()))


_PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
import typer, pydantic, yaml, regex, rich
t1 = time.perf_counter()
import qigong_parse.cli
t2 = time.perf_counter()
from qigong_parse.pipeline import parse_text
from qigong_parse.io.yaml_out import dump_yaml
import qigong_parse.parse.extract, qigong_parse.parse.outline, qigong_parse.parse.segment, qigong_parse.read
t3 = time.perf_counter()
parse_text("一、总体要求\n（一）目标\n1.市发改局牵头,确保增长5%。\n")
t4 = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
doc = parse_text(text)
t5 = time.perf_counter()
dump_yaml(doc)
t6 = time.perf_counter()
print(json.dumps({"floor imports": t1 - t0, "cli import": t2 - t1, "pipeline imports": t3 - t2,
                  "tables+regex (first tiny parse)": t4 - t3, "parse sample": t5 - t4, "dump_yaml": t6 - t5}))
"""


def section_warm(runs: int) -> None:
    import yaml

    from qigong_parse.pipeline import parse_text

    print(f"\n## warm library throughput on the sample (median of {runs})")
    text = sample_text()
    parse_text(text)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        doc = parse_text(text)
        times.append(time.perf_counter() - started)
    med = statistics.median(times)
    print(f"  parse_text (text -> validated Document): median {_fmt_s(med)}, "
          f"{len(text) / med / 1e6:.2f} M chars/s  [target >= 1 M chars/s]")
    try:
        from qigong_parse.io.yaml_out import dump_yaml
    except ImportError:  # pragma: no cover - the writer is another module's
        dump_yaml = None
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    writers: list[tuple[str, Callable[[], str]]] = []
    if dump_yaml is not None:
        writers.append(("write.dump_yaml (project emitter)", lambda: dump_yaml(doc)))
    writers.append((f"yaml.dump(model_dump(json), {dumper.__name__})",
                    lambda: yaml.dump(doc.model_dump(mode="json"), Dumper=dumper, allow_unicode=True,
                                      sort_keys=False)))
    for label, write in writers:
        write()
        w_times = []
        for _ in range(runs):
            started = time.perf_counter()
            out = write()
            w_times.append(time.perf_counter() - started)
        w_med = statistics.median(w_times)
        print(f"  {label}: median {_fmt_s(w_med)}, {len(text) / w_med / 1e6:.2f} M input chars/s, "
              f"{len(out) / w_med / 1e6:.2f} M YAML chars/s")


def section_scaling() -> None:
    print("\n## scaling: one long plan (head once, plan + annexes repeated k times), fresh process each")
    rows = []
    for k, runs in ((1, 5), (10, 3), (100, 1)):
        r = run_worker("scaled", k, runs)
        rows.append((k, r))
        print(f"  {k:>4}x  {r['chars']:>10,.0f} chars  {_fmt_s(r['seconds']):>8}  "
              f"{r['chars'] / r['seconds'] / 1e6:5.2f} M chars/s  {_memory(r)}  "
              f"{r['parts']:.0f} parts, {r['nodes']:.0f} nodes")
    t1, t100 = rows[0][1]["seconds"], rows[-1][1]["seconds"]
    print(f"  time(100x)/time(1x) = {t100 / t1:.0f}  (size ratio "
          f"{rows[-1][1]['chars'] / rows[0][1]['chars']:.0f}) [target <= 100]")


def _memory(r: dict[str, float]) -> str:
    return (f"peak RSS {r['peak_mib']:4.0f} MiB, traced {r['traced_mib']:5.1f} MiB = "
            f"{r['traced_mib'] * 2**20 / r['bytes']:4.1f}x input")


def section_hostile(quick: bool) -> None:
    print("\n## hostile sizes: two sizes each, fresh process each; growth = time ratio / size ratio "
          "(1.0 = linear)")
    for name, (_, small, large, unit) in HOSTILE.items():
        if quick:
            small, large = small // 10, large // 10
        try:
            a, b = run_worker(name, small), run_worker(name, large)
        except RuntimeError as exc:
            print(f"  {name:<9} FAILED: {str(exc).strip().splitlines()[-1]}")
            continue
        for size, r in ((small, a), (large, b)):
            print(f"  {name:<9} {size:>11,} {unit:<15} {r['chars']:>11,.0f} chars  {_fmt_s(r['seconds']):>8}  "
                  f"{_memory(r)}  {r['nodes']:.0f} nodes")
        growth = (b["seconds"] / a["seconds"]) / (b["chars"] / a["chars"])
        print(f"  {name:<9} growth {growth:.2f}  (time x{b['seconds'] / a['seconds']:.1f} for size "
              f"x{b['chars'] / a['chars']:.1f})")
    from qigong_parse import read

    print(f"  read stage default limit: read.DEFAULT_MAX_BYTES = {read.DEFAULT_MAX_BYTES:,} bytes "
          f"({read.DEFAULT_MAX_BYTES / 2**20:.0f} MiB), raised with --max-bytes")


def section_batch(count: int) -> None:
    print(f"\n## batch: {count} variants of the sample, qigong parse DIR -o OUT")
    text = sample_text()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "raw"
        src.mkdir()
        for i in range(count):
            variant = text.replace("2025", str(2025 + i % 7), 1).replace("，", ",", i % 3) + f"\n(变体 {i})\n"
            (src / f"notice-{i:03d}.txt").write_text(variant, encoding="utf-8")
        help_out = subprocess.run([str(QIGONG), "parse", "--help"], capture_output=True, text=True, check=False)
        if "--jobs" not in help_out.stdout:
            print("  the batch CLI (--jobs) is not there yet: timing a Python loop instead")
            from qigong_parse.io.yaml_out import write_yaml
            from qigong_parse.pipeline import parse_path

            started = time.perf_counter()
            for path in sorted(src.iterdir()):
                write_yaml(parse_path(path), Path(tmp) / "out" / (path.stem + ".yaml"), force=True)
            took = time.perf_counter() - started
            print(f"  loop: {_fmt_s(took)}, {count / took:.1f} notices/s")
            return
        results: dict[int, list[float]] = {}
        for jobs in (1, 2, 1, 2):  # interleaved, best of two each
            out = Path(tmp) / f"out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            took = _timed([str(QIGONG), "parse", str(src), "-o", str(out), "--jobs", str(jobs), "--quiet"])
            written = len(list(out.glob("*.yaml")))
            if written != count:
                print(f"  --jobs {jobs}: only {written} of {count} files written")
            results.setdefault(jobs, []).append(took)
        for jobs, times in results.items():
            best = min(times)
            print(f"  --jobs {jobs}: {_fmt_s(best)} (best of {len(times)}), {count / best:.1f} notices/s, "
                  f"{best / count * 1000:.0f} ms per notice")
        print(f"  speed-up --jobs 2 vs 1: {min(results[1]) / min(results[2]):.2f}x  (machine has "
              f"{os.cpu_count()} CPUs)")


def section_checks() -> None:
    print("\n## what gets loaded")
    code = (
        "import sys, yaml\n"
        "import qigong_parse.cli\n"
        "after_import = sorted(m for m in ('jieba', 'qigong_parse.rules', 'qigong_parse.pipeline',"
        " 'qigong_parse.parse.outline', 'qigong_parse.parse.segment', 'qigong_parse.parse.extract',"
        " 'selectolax', 'docx',"
        " 'openpyxl') if m in sys.modules)\n"
        "from qigong_parse import rules as d\n"
        "tables_at_import = getattr(getattr(d, 'load_table', None), 'cache_info', lambda: None)()\n"
        "from qigong_parse.pipeline import parse_path\n"
        "parse_path(sys.argv[1])\n"
        "jieba = sys.modules.get('jieba')\n"
        "jieba_init = bool(jieba and getattr(getattr(jieba, 'dt', None), 'initialized', False))\n"
        "import qigong_parse.io.yaml_out as w\n"
        "src = open(w.__file__, encoding='utf-8').read()\n"
        "print(after_import, tables_at_import, 'jieba' in sys.modules, jieba_init,"
        " getattr(yaml, '__with_libyaml__', False), 'CSafeDumper' in src or 'CDumper' in src, sep='|')\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], capture_output=True, text=True,
                         check=False, cwd=ROOT)
    if out.returncode:
        print(f"  check failed: {out.stderr.strip().splitlines()[-1]}")
        return
    mods, tables, jieba_loaded, jieba_init, libyaml, c_dumper = out.stdout.strip().split("|")
    print(f"  modules loaded by `import qigong_parse.cli`: {mods}")
    print(f"  data tables loaded at import (load_table cache): {tables}")
    print(f"  after a parse: jieba imported: {jieba_loaded}, jieba default dictionary loaded: {jieba_init}")
    print(f"  libyaml available: {libyaml}; write.py uses a C dumper: {c_dumper}")


def header() -> None:
    import pydantic
    import regex
    import yaml

    print(f"# qigong-parse bench  {dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"  machine: {platform.machine()}, nproc {os.cpu_count()}, load avg "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; Python {platform.python_version()}; "
          f"pydantic {pydantic.VERSION}, PyYAML {yaml.__version__}, regex {regex.__version__}")
    print(f"  command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"  sample: {SAMPLE.relative_to(ROOT)} ({len(sample_text()):,} chars, "
          f"{SAMPLE.stat().st_size:,} bytes)")


SECTIONS = ("cold", "warm", "scaling", "hostile", "batch", "checks")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    ap.add_argument("--quick", action="store_true", help="fewer runs, hostile sizes / 10")
    ap.add_argument("--runs", type=int, default=None, help="runs for the cold and warm medians")
    ap.add_argument("--batch", type=int, default=200, help="notices in the batch section")
    ap.add_argument("--worker", nargs=3, metavar=("KIND", "SIZE", "RUNS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        kind, size, runs = args.worker
        print(json.dumps(worker(kind, int(size), int(runs))))
        return 0
    runs = args.runs or (5 if args.quick else 9)
    header()
    started = time.perf_counter()
    if "cold" in args.only:
        section_cold(max(runs, 7) if not args.quick else runs)
    if "warm" in args.only:
        section_warm(runs)
    if "scaling" in args.only:
        section_scaling()
    if "hostile" in args.only:
        section_hostile(args.quick)
    if "batch" in args.only:
        section_batch(args.batch if not args.quick else 40)
    if "checks" in args.only:
        section_checks()
    print(f"\nbench: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
