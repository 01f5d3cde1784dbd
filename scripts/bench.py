"""Benchmark: the rows of issue 12 as ratios measured within one run, written to docs/performance.md.

    python scripts/bench.py                    # `make bench`: every row (~3 min on 2 cores), writes the doc
    python scripts/bench.py --only cold warm   # some sections (prints only)
    python scripts/bench.py --only hostile     # hostile sizes (not in the default run)
    python scripts/bench.py --quick            # fewer runs, smaller sizes (prints only)

Every comparison is made inside the same run on the same machine, interleaved: cold commands
round-robin (CPU = user+sys of each child, from wait4), warm parses in fresh processes that
alternate between this tree, the baseline commit 061769a and 7ac2344 (unpacked from git), each kind several
times; the report gives medians and minimums and their ratios, never a lone time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
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
from typing import Any

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


# --- Workers: one fresh process each -----------------------------------------------------------

BASELINE = "061769a"  # an earlier reference, kept for continuity with past runs
ARCH_BASE = "7ac2344"  # issue 12's warm target (>= 3x faster) and issue 11's (cold, warm no worse)


def _use_src(src: str | None) -> None:
    """Import qigong_parse from `src` (another revision's tree) instead of this one."""
    if src:
        sys.path.insert(0, src)
        import qigong_parse

        assert qigong_parse.__file__ and qigong_parse.__file__.startswith(src), qigong_parse.__file__


def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _cpu() -> float:
    return time.process_time()


def worker_warm(src: str | None, runs: int) -> dict[str, object]:
    """CPU times of `parse_text(sample)` and of one compiled-regex pass over the outline markers,
    interleaved run by run."""
    _use_src(src)
    from qigong_parse.pipeline import parse_text

    text = sample_text()
    scan = _marker_scan()
    parse_text(text)
    parse_t, scan_t = [], []
    for _ in range(runs):
        started = _cpu()
        parse_text(text)
        parse_t.append(_cpu() - started)
        started = _cpu()
        sum(1 for _ in scan.finditer(text))
        scan_t.append(_cpu() - started)
    return {"parse": parse_t, "scan": scan_t, "chars": len(text)}


def _package_as(src: str, name: str) -> Any:
    """The package qigong_parse of the tree `src`, imported under the name `name` (beside this
    tree's own: its imports and its data are relative to its package)."""
    import importlib.util

    init = Path(src) / "qigong_parse" / "__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def worker_paired(src: str, runs: int) -> dict[str, list[float]]:
    """CPU times of `parse_text(sample)` by this tree and by the tree `src`, both in this process,
    alternating parse by parse (the order swapped every pair): what the machine does to one, it
    does to the other."""
    import importlib

    from qigong_parse.pipeline import parse_text as now

    _package_as(src, "qigong_parse_ref")
    reference = importlib.import_module("qigong_parse_ref.pipeline")
    assert reference.__file__ and reference.__file__.startswith(src), reference.__file__
    ref = reference.parse_text
    text = sample_text()
    for parse in (now, ref, now, ref):
        parse(text)
    times: dict[str, list[float]] = {"now": [], "ref": []}
    for i in range(runs):
        for key in ("now", "ref") if i % 2 == 0 else ("ref", "now"):
            parse = now if key == "now" else ref
            started = _cpu()
            parse(text)
            times[key].append(_cpu() - started)
    return times


def worker_steps(src: str | None) -> dict[str, int]:
    """The Python-level steps of one warm `parse_text(sample)`: bytecode instructions executed and
    Python function calls, every module's (sys.settrace with opcode events; C code is not seen).
    Deterministic; between two trees their ratio is closer to the CPU ratio than the machine
    instructions' (docs/performance.md, "The seventh round"), though no cost model."""
    _use_src(src)
    from qigong_parse.pipeline import parse_text

    text = sample_text()
    for _ in range(2):
        parse_text(text)
    counts = {"opcodes": 0, "calls": 0}

    def step(frame: Any, event: str, arg: Any) -> Any:
        if event == "opcode":
            counts["opcodes"] += 1
        return step

    def call(frame: Any, event: str, arg: Any) -> Any:
        if event != "call":
            return None
        counts["calls"] += 1
        frame.f_trace_opcodes = True
        return step

    sys.settrace(call)
    try:
        parse_text(text)
    finally:
        sys.settrace(None)
    return counts


def _marker_scan() -> Any:
    """The reference: one compiled pattern of every outline marker style at a line start."""
    import regex
    import yaml

    # this tree's marker table, read as a file: the worker may have imported an older revision's package
    table = ROOT / "src" / "qigong_parse" / "rules" / "markers.yaml"
    styles = yaml.safe_load(table.read_text(encoding="utf-8"))["styles"]
    return regex.compile(r"^[ \t\u3000]*(?:" + "|".join(f"(?:{st['pattern']})" for st in styles) + ")",
                         regex.MULTILINE)


def worker_scale(src: str | None, k: int, runs: int, traced: bool) -> dict[str, float]:
    """CPU time of `k` parses of the sample and of one parse of k x the sample (one long plan),
    alternating `runs` times (the same work, so the same exposure to a busy machine), and the
    tracemalloc peak of the k x parse."""
    _use_src(src)
    from qigong_parse.pipeline import parse_text

    one, big = scaled(1), scaled(k)
    parse_text(one)
    t1, tks = [], []
    for _ in range(runs):
        started = _cpu()
        for _ in range(k):
            parse_text(one)
        t1.append((_cpu() - started) / k)
        # the big parse with the freeing of its own result (as each 1x parse above frees its own),
        # never with the freeing of the run before's (the old code timed that too)
        started = _cpu()
        doc = parse_text(big)
        parsed = _cpu() - started
        nodes = sum(len(p.walk()) for p in doc.parts)
        started = _cpu()
        del doc
        tks.append(parsed + _cpu() - started)
    tk = statistics.median(tks)
    out = {"t1": statistics.median(t1), "tk": tk, "c1": len(one), "ck": len(big), "nodes": nodes,
           "rss_mib": _maxrss_kib() / 1024}
    if traced:
        tracemalloc.start()
        parse_text(big)
        out["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return out


def worker_write(src: str | None, folder: str, count: int) -> dict[str, float]:
    """CPU per document of a warm parse plus its write (write_yaml, as a single file is written)."""
    _use_src(src)
    from qigong_parse.io.yaml_out import write_yaml
    from qigong_parse.pipeline import parse_text

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))][:count]
    out = Path(tempfile.mkdtemp(prefix="qigong-bench-"))
    parse_text(texts[0])
    started = _cpu()
    for i, text in enumerate(texts):
        write_yaml(parse_text(text), out / f"{i}.yaml", force=True)
    took = _cpu() - started
    shutil.rmtree(out, ignore_errors=True)
    return {"per_doc": took / len(texts)}


def worker(kind: str, size: int, runs: int) -> dict[str, float]:
    """Hostile input `kind` of `size`, parsed `runs` times: time, peak RSS, traced peak."""
    from qigong_parse.pipeline import parse_text

    parse_text("一、热身\n")  # load the tables outside the timing
    text = HOSTILE[kind][0](size)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        doc = parse_text(text)
        times.append(time.perf_counter() - started)
    peak = _maxrss_kib()
    nodes = sum(len(p.walk()) for p in doc.parts)
    del doc
    tracemalloc.start()
    parse_text(text)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"chars": len(text), "bytes": len(text.encode("utf-8")), "seconds": statistics.median(times),
            "peak_mib": peak / 1024, "traced_mib": traced / 2**20, "nodes": nodes}


def _run_worker(*args: object) -> Any:
    out = subprocess.run([sys.executable, __file__, "--worker", *map(str, args)], capture_output=True, text=True,
                         check=False, timeout=1800, cwd=ROOT)
    if out.returncode:
        raise RuntimeError(f"worker {args} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Timing whole processes ------------------------------------------------------------------------


# A command the bench runs with something added to its environment: the command line without its
# store of compiled patterns (run_cache.py), as on its first run on a machine.
NO_STORE = {"QIGONG_NO_CACHE": "1"}
_ENVS: dict[str, dict[str, str]] = {}


def _with_env(cmd: list[str], env: dict[str, str]) -> list[str]:
    """`cmd`, run by `_child` with `env` added to the environment."""
    _ENVS[" ".join(cmd)] = env
    return cmd


def _child(cmd: list[str]) -> tuple[float, float, int]:
    """Run `cmd`: (wall seconds, CPU seconds user+sys of the child, exit status)."""
    started = time.perf_counter()
    extra = _ENVS.get(" ".join(cmd))
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=None if extra is None else {**os.environ, **extra})
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, proc.returncode


def _interleaved(cmds: dict[str, list[str]], reps: int) -> dict[str, dict[str, list[float]]]:
    """Each command `reps` times, round-robin (the order rotates each round): wall and CPU times."""
    out: dict[str, dict[str, list[float]]] = {k: {"wall": [], "cpu": []} for k in cmds}
    names = list(cmds)
    for k in names:  # warm the page cache and the byte-code
        status = _child(cmds[k])[2]
        if status not in (0, 1):  # 1: `diff` found differences; anything else times an error message
            raise SystemExit(f"bench: {k} exits with status {status}: {' '.join(cmds[k])}")
    for r in range(reps):
        for k in names[r % len(names):] + names[:r % len(names)]:
            wall, cpu, _ = _child(cmds[k])
            out[k]["wall"].append(wall)
            out[k]["cpu"].append(cpu)
    return out


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _ms1(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.01 else f"{seconds * 1000:.1f} ms"


# --- The report --------------------------------------------------------------------------------------


class Report:
    """Lines printed as they come, and the rows of the summary table."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.rows: list[tuple[str, str, str, str, str]] = []

    def say(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def row(self, measure: str, ours: str, reference: str, ratio: str, target: str) -> None:
        self.rows.append((measure, ours, reference, ratio, target))


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def compile_tree() -> None:
    """Byte-compile src/ (as `make compile` does): where PYTHONDONTWRITEBYTECODE is set, a cold
    command would otherwise compile every module it imports, each run, and time the compiler."""
    import compileall

    compileall.compile_dir(ROOT / "src", quiet=2)


def _old_cli(tree: str, *args: str) -> list[str]:
    """A cold command of an older revision's CLI (its `main(argv)`), run from its unpacked tree."""
    code = f"import sys; sys.path.insert(0, {tree!r}); from qigong_parse.cli import main; main({list(args)!r})"
    return [sys.executable, "-c", code]


def section_cold(rep: Report, reps: int, tmp: Path, arch: str | None = None) -> None:
    rep.say(f"\n## cold commands: whole processes, {reps} rounds interleaved; CPU = user+sys of the child")
    compile_tree()
    out = tmp / "x.yaml"
    subprocess.run([str(QIGONG), "parse", str(SAMPLE), "-o", str(out), "--force"], check=True, capture_output=True)
    other = ROOT / "tests" / "data" / "heldout" / "yueyang-2025-yingshanghuanjing.txt"
    small = tmp / "small.yaml"
    subprocess.run([str(QIGONG), "parse", str(other), "-o", str(small), "--force"], check=True, capture_output=True)
    empty = [sys.executable, str(ROOT / "scripts" / "empty_typer_app.py")]
    cmds = {
        "import floor": [sys.executable, "-c", FLOOR_IMPORTS],
        "empty typer app: parse": [*empty, "parse", str(SAMPLE), "-o", str(tmp / "e.yaml"), "--force"],
        "qigong parse": [str(QIGONG), "parse", str(SAMPLE), "-o", str(out), "--force"],
        "qigong parse, no store": _with_env([str(QIGONG), "parse", str(SAMPLE), "-o", str(tmp / "n.yaml"), "--force"],
                                            NO_STORE),
        "empty typer app: validate": [*empty, "validate", str(out)],
        "qigong validate": [str(QIGONG), "validate", str(out)],
        "qigong diff": [str(QIGONG), "diff", str(small), str(out), "--to", "json"],
    }
    if arch is not None:
        import compileall

        compileall.compile_dir(arch, quiet=2)
        cmds[f"qigong parse at {ARCH_BASE}"] = _old_cli(arch, "parse", str(SAMPLE), "-o", str(tmp / "o.yaml"),
                                                         "--force")
    t = _interleaved(cmds, reps)
    for k, v in t.items():
        rep.say(f"  {k:<27} CPU median {_ms(_med(v['cpu'])):>7} (min {_ms(min(v['cpu'])):>7})   "
                f"wall median {_ms(_med(v['wall'])):>7} (min {_ms(min(v['wall'])):>7})")

    def ratio(a: str, b: str, target: str, measure: str) -> None:
        med = _med(t[a]["cpu"]) / _med(t[b]["cpu"])
        low = min(t[a]["cpu"]) / min(t[b]["cpu"])
        rep.say(f"  {a} / {b}: {med:.2f}x (medians), {low:.2f}x (mins)  [target {target}]")
        rep.row(measure, _ms(_med(t[a]["cpu"])), _ms(_med(t[b]["cpu"])), f"{med:.2f}× (min {low:.2f}×)", target)

    ratio("qigong parse", "import floor", "-", f"cold `qigong parse` vs `python -c \"{FLOOR_IMPORTS}\"`")
    ratio("qigong parse", "empty typer app: parse", "<= 1.5x",
          "cold `qigong parse` vs an empty typer app with the same `parse` signature")
    ratio("qigong parse, no store", "empty typer app: parse", "-",
          "cold `qigong parse` without its store of compiled patterns (a first run) vs the empty typer app")
    ratio("qigong validate", "empty typer app: validate", "<= 1.5x", "cold `qigong validate` vs the empty typer app")
    if arch is not None:
        old = t[f"qigong parse at {ARCH_BASE}"]["cpu"]
        med = _med(old) / _med(t["qigong parse"]["cpu"])
        low = min(old) / min(t["qigong parse"]["cpu"])
        rep.say(f"  qigong parse at {ARCH_BASE} / now: {med:.2f}x (medians), {low:.2f}x (mins)  "
                "[target >= 1 (issue 11)]")
        rep.row(f"cold `qigong parse`, {ARCH_BASE} / now", _ms(_med(t["qigong parse"]["cpu"])),
                f"{_ms(_med(old))} at {ARCH_BASE}", f"{med:.2f}× faster (min {low:.2f}×)", ">= 1× (issue 11)")
    d = t["qigong diff"]
    rep.row("`qigong diff` of two small YAML files (cold)", f"{_ms(_med(d['wall']))} wall, {_ms(_med(d['cpu']))} CPU",
            "1 s", f"{_med(d['wall']):.2f}", "< 1 s")


def _baseline_tree(tmp: Path, rev: str = BASELINE) -> str | None:
    """`src` of a commit, unpacked from git (None outside a git checkout or when `rev` is unknown)."""
    import tarfile

    archive = tmp / f"{rev}.tar"
    got = subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), rev, "src"], cwd=ROOT,
                         capture_output=True, check=False)
    if got.returncode:
        return None
    with tarfile.open(archive) as tar:
        tar.extractall(tmp / f"tree-{rev}", filter="data")
    return str(tmp / f"tree-{rev}" / "src")


def section_warm(rep: Report, runs: int, pairs: int, refs: dict[str, str]) -> None:
    """`refs`: other trees by revision (issue 12's baseline, and issue 11's reference commit)."""
    rep.say(f"\n## warm parse_text of the sample: CPU, {pairs} fresh processes per tree (alternating), "
            f"{runs} runs each")
    got: dict[str, dict[str, list[float]]] = {t: {"parse": [], "scan": []} for t in ("now", *refs)}
    for _ in range(pairs):
        for tree, src in (*refs.items(), ("now", "")):
            r = _run_worker("warm", src or "-", runs)
            got[tree]["parse"] += r["parse"]
            got[tree]["scan"] += r["scan"]
            chars = r["chars"]
    now = got["now"]
    p_med, p_min, s_med = _med(now["parse"]), min(now["parse"]), _med(now["scan"])
    rep.say(f"  parse_text now: median {_ms1(p_med)} (min {_ms1(p_min)}), {chars / p_med / 1e6:.2f} M chars/s")
    rep.say(f"  one compiled-regex pass over the outline markers: median {_ms1(s_med)} "
            f"(min {_ms1(min(now['scan']))}); parse / pass = {p_med / s_med:.0f}x")
    rep.row("warm `parse_text` of the sample", f"{_ms1(p_med)} ({chars / p_med / 1e6:.2f} M chars/s)",
            f"one compiled-regex pass over the outline markers: {_ms1(s_med)}", f"{p_med / s_med:.0f}×", "-")
    for rev in refs:
        b_med, b_min = _med(got[rev]["parse"]), min(got[rev]["parse"])
        target = ">= 3× (issue 12)" if rev == ARCH_BASE else "-"
        rep.say(f"  parse_text at {rev}: median {_ms1(b_med)} (min {_ms1(b_min)}); speed-up "
                f"{b_med / p_med:.2f}x (medians), {b_min / p_min:.2f}x (mins)  [target {target}]")
        rep.row(f"warm `parse_text`, {rev} / now", _ms1(p_med), f"{_ms1(b_med)} at {rev}",
                f"{b_med / p_med:.2f}× faster (min {b_min / p_min:.2f}×)", target)
    section_paired(rep, 3 * runs, refs)


def section_paired(rep: Report, runs: int, refs: dict[str, str]) -> None:
    """Each reference tree's package imported beside this one's in one process, the two parsing the
    sample in turn: the median of each pair's CPU-time ratio, which a change in the machine's speed
    moves less than the ratio of separate processes' medians (both parses of a pair see it)."""
    rep.say(f"\n## warm parse_text, paired: each reference tree imported beside this one in one process, "
            f"{runs} pairs (order swapped every pair)")
    for rev, src in refs.items():
        r = _run_worker("paired", src, runs)
        ratios = [b / a for a, b in zip(r["now"], r["ref"], strict=True)]
        paired = statistics.median(ratios)
        target = ">= 3× (issue 12)" if rev == ARCH_BASE else "-"
        rep.say(f"  {rev} / now: median of the paired ratios {paired:.2f}x (quartiles "
                f"{statistics.quantiles(ratios, n=4)[0]:.2f}-{statistics.quantiles(ratios, n=4)[2]:.2f}); "
                f"medians {_ms1(_med(r['ref']))} / {_ms1(_med(r['now']))}  [target {target}]")
        rep.row(f"warm `parse_text`, {rev} / now, paired in one process", _ms1(_med(r["now"])),
                f"{_ms1(_med(r['ref']))} at {rev}", f"{paired:.2f}× faster (median of {runs} paired ratios)", target)


def _instructions(cmd: list[str], extra: dict[str, str] | None = None) -> int:
    """Instructions a whole process executes (valgrind's cachegrind, no cache simulation)."""
    return _cachegrind(cmd, extra)["instructions"]


_COUNTS = {"instructions": r"I\s+refs:\s+([0-9,]+)", "i1_misses": r"I1\s+misses:\s+([0-9,]+)",
           "d1_misses": r"D1\s+misses:\s+([0-9,]+)", "mispredicts": r"Mispredicts:\s+([0-9,]+)"}


def _cachegrind(cmd: list[str], extra: dict[str, str] | None = None, *, sims: bool = False) -> dict[str, int]:
    """What a whole process executes (valgrind's cachegrind): its instructions and, with `sims`, the
    first-level cache misses and branch mispredictions of cachegrind's model of this machine."""
    flags = ["--cache-sim=yes", "--branch-sim=yes"] if sims else ["--cache-sim=no"]
    got = subprocess.run(["valgrind", "--tool=cachegrind", *flags, "--cachegrind-out-file=/dev/null", *cmd],
                         capture_output=True, text=True, check=False,
                         env={**os.environ, "PYTHONHASHSEED": "0", **(extra or {})})
    out: dict[str, int] = {}
    for name, pattern in _COUNTS.items():
        found = re.search(pattern, got.stderr)
        if found is not None:
            out[name] = int(found.group(1).replace(",", ""))
    if got.returncode or "instructions" not in out or (sims and len(out) < len(_COUNTS)):
        raise RuntimeError(f"valgrind failed on {cmd}: {got.stderr[-300:]}")
    return out


def section_steps(rep: Report, refs: dict[str, str]) -> None:
    """Python-level steps of a warm parse: deterministic, and closer to its CPU time than instructions."""
    rep.say("\n## Python-level steps of a warm parse_text (sys.settrace opcode events; deterministic)")
    steps = {tree: _run_worker("steps", src) for tree, src in (("now", "-"), *refs.items())}
    for rev in refs:
        target = "-"  # a measure of where the CPU time goes, not one of the issue's targets
        ops, calls = (steps[rev][k] / steps["now"][k] for k in ("opcodes", "calls"))
        rep.say(f"  Python bytecodes executed now {steps['now']['opcodes']:,} ({steps['now']['calls']:,} calls), "
                f"at {rev} {steps[rev]['opcodes']:,} ({steps[rev]['calls']:,} calls): {ops:.2f}x fewer "
                f"({calls:.2f}x fewer calls)")
        rep.row(f"warm `parse_text`, Python bytecodes executed, {rev} / now", f"{steps['now']['opcodes'] / 1e6:.2f} M",
                f"{steps[rev]['opcodes'] / 1e6:.2f} M at {rev}", f"{ops:.2f}× fewer ({calls:.2f}× fewer calls)",
                target)


def section_instructions(rep: Report, tmp: Path, refs: dict[str, str]) -> None:
    """Instruction counts: deterministic where CPU times on a shared machine swing by 10-20 %."""
    section_steps(rep, refs)
    if shutil.which("valgrind") is None:
        rep.say("\n## instructions: valgrind is not installed, section skipped")
        return
    rep.say("\n## instructions executed (valgrind cachegrind, PYTHONHASHSEED=0): deterministic to ~0.1 %")
    counts: dict[str, dict[str, float]] = {}
    for tree, src in (("now", "-"), *refs.items()):
        one, four = (_cachegrind([sys.executable, __file__, "--worker", "count", src, str(n)], sims=True)
                     for n in (1, 4))
        # a warm parse: the process's own start and first parse cancel out
        counts[tree] = {k: (four[k] - one[k]) / 3 for k in _COUNTS}
        c = counts[tree]
        rep.say(f"  warm parse_text {'at ' + tree if tree != 'now' else 'now':<14} {c['instructions'] / 1e6:8.1f} M "
                f"instructions; first-level cache misses {(c['i1_misses'] + c['d1_misses']) / 1e6:.2f} M, "
                f"branch mispredictions {c['mispredicts'] / 1e6:.2f} M (cachegrind's model)")
    warm = {tree: c["instructions"] for tree, c in counts.items()}
    for rev in refs:
        target = ">= 3× (issue 12)" if rev == ARCH_BASE else "-"
        rep.say(f"  {rev} / now: {warm[rev] / warm['now']:.2f}x  [target {target}]")
        rep.row(f"warm `parse_text`, instructions, {rev} / now", f"{warm['now'] / 1e6:.0f} M",
                f"{warm[rev] / 1e6:.0f} M at {rev}", f"{warm[rev] / warm['now']:.2f}× fewer", target)
        # what the CPU time follows more closely than the instructions: the interpreter's misses
        now_c, rev_c = counts["now"], counts[rev]
        misses = [c["i1_misses"] + c["d1_misses"] for c in (now_c, rev_c)]
        rep.row(f"warm `parse_text`, cache misses and branch mispredictions, {rev} / now",
                f"{misses[0] / 1e6:.1f} M + {now_c['mispredicts'] / 1e6:.1f} M",
                f"{misses[1] / 1e6:.1f} M + {rev_c['mispredicts'] / 1e6:.1f} M at {rev}",
                f"{misses[1] / misses[0]:.2f}× / {rev_c['mispredicts'] / now_c['mispredicts']:.2f}× fewer", "-")
    # linearity in instructions: what a 100x parse executes per character against a warm 1x parse
    # (the CPU figure of the scale section swings with the machine's caches and load)
    base, big = (_instructions([sys.executable, __file__, "--worker", "count", "-", str(n), "100"]) for n in (0, 1))
    chars = len(scaled(100))
    lin = ((big - base) / chars) / (warm["now"] / len(sample_text()))
    rep.say(f"  100x the sample {(big - base) / 1e6:,.0f} M for {chars:,} chars; per char against a warm 1x parse: "
            f"{lin:.3f}  [target <= 1.02]")
    rep.row("warm, 100× the sample, instructions per char", f"{(big - base) / 1e6:,.0f} M",
            f"100 × 1× per char ({warm['now'] / 1e6:.0f} M per 42 k chars)", f"{lin:.3f} per char", "<= 1.02")
    out = tmp / "i.yaml"
    subprocess.run([str(QIGONG), "parse", str(SAMPLE), "-o", str(out), "--force"], check=True, capture_output=True)
    empty = [sys.executable, str(ROOT / "scripts" / "empty_typer_app.py")]
    pairs = {"parse": ([str(QIGONG), "parse", str(SAMPLE), "-o", str(tmp / "j.yaml"), "--force"],
                       [*empty, "parse", str(SAMPLE), "-o", str(tmp / "e.yaml"), "--force"]),
             "validate": ([str(QIGONG), "validate", str(out)], [*empty, "validate", str(out)])}
    for name, (ours, floor) in pairs.items():
        a, b = _instructions(ours), _instructions(floor)
        rep.say(f"  cold qigong {name} {a / 1e6:.0f} M, empty typer app {b / 1e6:.0f} M: {a / b:.2f}x")
        rep.row(f"cold `qigong {name}`, instructions, vs the empty typer app", f"{a / 1e6:.0f} M", f"{b / 1e6:.0f} M",
                f"{a / b:.2f}×", "-")
        if name == "parse":
            a = _instructions(ours, NO_STORE)
            rep.say(f"  cold qigong parse without its pattern store {a / 1e6:.0f} M: {a / b:.2f}x")
            rep.row("cold `qigong parse` without its pattern store (a first run), instructions",
                    f"{a / 1e6:.0f} M", f"{b / 1e6:.0f} M", f"{a / b:.2f}×", "-")


def section_scale(rep: Report, k: int, runs: int, base: str | None) -> None:
    rep.say(f"\n## {k}x the sample (one long plan: head once, plan + annexes {k} times) against {k} parses of the "
            f"sample, alternating, {runs} times each (medians), fresh process per tree; linearity = CPU per char "
            f"at {k}x / CPU per char at 1x")
    for tree, src in (("now", ""), (BASELINE, base)):
        if src is None:
            continue
        r = _run_worker("scale", src or "-", k, runs if tree == "now" else 1, int(tree == "now"))
        lin = (r["tk"] / r["ck"]) / (r["t1"] / r["c1"])
        per_char = r.get("peak", float("nan")) / r["ck"]
        rep.say(f"  {tree:<8} 1x {r['c1']:,.0f} chars {_ms1(r['t1'])}; {k}x {r['ck']:,.0f} chars {_ms(r['tk'])}, "
                f"{r['nodes']:,.0f} nodes; linearity {lin:.3f}; peak RSS {r['rss_mib']:.0f} MiB"
                + (f"; tracemalloc peak {r['peak'] / 2**20:.0f} MiB = {per_char:.1f} B per input char"
                   if "peak" in r else ""))
        if tree == "now":
            rep.row(f"warm, {k}× the sample", _ms(r["tk"]), f"{k} × 1× ({_ms(k * r['t1'] * r['ck'] / r['c1'] / k)})",
                    f"{lin:.3f} per char", "<= 1.02")
            rep.row(f"memory, tracemalloc peak at {k}×", f"{per_char:.1f} B per input char", "-", "-", "<= 20 B")
        else:
            rep.row(f"the same at {BASELINE}", _ms(r["tk"]), "-", f"{lin:.3f} per char", "-")


def _variants(folder: Path, count: int) -> None:
    text = sample_text()
    folder.mkdir()
    for i in range(count):
        variant = text.replace("2025", str(2025 + i % 7), 1).replace("，", ",", i % 3) + f"\n(变体 {i})\n"
        (folder / f"notice-{i:03d}.txt").write_text(variant, encoding="utf-8")


def section_batch(rep: Report, count: int, tmp: Path) -> None:
    rep.say(f"\n## batch: {count} variants of the sample, `qigong parse DIR -o OUT`; CPU per document")
    src = tmp / "raw"
    _variants(src, count)
    results: dict[str, list[float]] = {"batch": [], "warm": []}
    for _ in range(2):  # interleaved: the batch, then warm parses plus writes in one process
        shutil.rmtree(tmp / "out", ignore_errors=True)
        _, cpu, status = _child([str(QIGONG), "parse", str(src), "-o", str(tmp / "out"), "--jobs", "1", "--quiet"])
        written = len(list((tmp / "out").glob("*.yaml")))
        if status or written != count:
            rep.say(f"  batch failed: exit {status}, {written} of {count} written")
            return
        results["batch"].append(cpu / count)
        results["warm"].append(_run_worker("write", "-", src, count)["per_doc"])
    b, w = min(results["batch"]), min(results["warm"])
    rep.say(f"  --jobs 1: {_ms1(b)} CPU per document (best of 2); warm parse_text + write_yaml in one process: "
            f"{_ms1(w)}; ratio {b / w:.2f}x  [target <= 1.3x]")
    rep.row(f"batch of {count} copies, per document (CPU)", _ms1(b), f"warm parse + its write {_ms1(w)}",
            f"{b / w:.2f}×", "<= 1.3×")
    shutil.rmtree(tmp / "out", ignore_errors=True)
    wall2, _, _ = _child([str(QIGONG), "parse", str(src), "-o", str(tmp / "out"), "--jobs", "2", "--quiet"])
    rep.say(f"  --jobs 2: {_ms(wall2)} wall for {count} ({os.cpu_count()} CPUs; the machine is shared)")


def section_hostile(rep: Report, quick: bool) -> None:
    rep.say("\n## hostile sizes: two sizes each, fresh process each; growth = time ratio / size ratio (1.0 = linear)")
    for name, (_, small, large, unit) in HOSTILE.items():
        if quick:
            small, large = small // 10, large // 10
        try:
            a, b = _run_worker("hostile", name, small, 1), _run_worker("hostile", name, large, 1)
        except RuntimeError as exc:
            rep.say(f"  {name:<9} FAILED: {str(exc).strip().splitlines()[-1]}")
            continue
        for size, r in ((small, a), (large, b)):
            rep.say(f"  {name:<10} {size:>11,} {unit:<15} {r['chars']:>11,.0f} chars  {_ms(r['seconds']):>8}  "
                    f"peak RSS {r['peak_mib']:4.0f} MiB, traced {r['traced_mib'] * 2**20 / r['chars']:5.1f} B/char  "
                    f"{r['nodes']:.0f} nodes")
        growth = (b["seconds"] / a["seconds"]) / (b["chars"] / a["chars"])
        rep.say(f"  {name:<10} growth {growth:.2f}")


def section_checks(rep: Report) -> None:
    rep.say("\n## what gets loaded")
    code = (
        "import sys\n"
        "import qigong_parse.cli\n"
        "after_import = sorted(m for m in ('jieba', 'rjieba', 'qigong_parse.pipeline', 'qigong_parse.parse.outline',"
        " 'qigong_parse.parse.extract', 'selectolax', 'docx', 'openpyxl') if m in sys.modules)\n"
        "from qigong_parse.pipeline import parse_path\n"
        "parse_path(sys.argv[1])\n"
        "print(after_import, 'jieba' in sys.modules, 'rjieba' in sys.modules, sep='|')\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], capture_output=True, text=True, check=False,
                         cwd=ROOT)
    if out.returncode:
        rep.say(f"  check failed: {out.stderr.strip().splitlines()[-1]}")
        return
    mods, jieba, rjieba = out.stdout.strip().split("|")
    rep.say(f"  modules loaded by `import qigong_parse.cli`: {mods}; after a parse: jieba {jieba}, rjieba {rjieba}")


def header(rep: Report) -> None:
    import pydantic
    import regex
    import typer
    import yaml

    rep.say(f"# qigong-parse bench  {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                         check=False).stdout.strip()
    rep.say(f"  machine: {platform.machine()}, nproc {os.cpu_count()}, load avg "
            f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; Python {platform.python_version()}; "
            f"typer {typer.__version__}, pydantic {pydantic.VERSION}, PyYAML {yaml.__version__}, "
            f"regex {regex.__version__}")
    rep.say(f"  code: {rev or '?'} (+ working tree); command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    rep.say(f"  sample: {SAMPLE.relative_to(ROOT)} ({len(sample_text()):,} chars, {SAMPLE.stat().st_size:,} bytes)")


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def write_doc(rep: Report, path: Path) -> None:
    """Replace the figures between the bench markers of docs/performance.md."""
    table = ["| measure | qigong now | reference | ratio | target |", "|---|---|---|---|---|"]
    table += ["| " + " | ".join(r) + " |" for r in rep.rows]
    block = "\n".join([BEGIN, *table, "", "```", *rep.lines, "```", END])
    doc = path.read_text(encoding="utf-8") if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN in doc and END in doc:
        doc = doc[: doc.index(BEGIN)] + block + doc[doc.index(END) + len(END):]
    else:
        doc += "\n" + block + "\n"
    path.write_text(doc, encoding="utf-8")
    print(f"bench: figures written to {path}")


SECTIONS = ("cold", "warm", "instructions", "scale", "batch", "checks", "hostile")
DEFAULT = ("cold", "warm", "instructions", "scale", "batch", "checks")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", choices=SECTIONS, default=list(DEFAULT))
    ap.add_argument("--quick", action="store_true", help="fewer runs, smaller sizes")
    ap.add_argument("--batch", type=int, default=100, help="notices in the batch section")
    ap.add_argument("--no-base", action="store_true", help=f"skip the {BASELINE} and {ARCH_BASE} reference runs")
    ap.add_argument("--write", type=Path, default=None,
                    help="write the figures to this file (default: docs/performance.md on a full run)")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        kind, *rest = args.worker
        src = None if not rest or rest[0] == "-" else rest[0]
        if kind == "warm":
            print(json.dumps(worker_warm(src, int(rest[1]))))
        elif kind == "scale":
            print(json.dumps(worker_scale(src, int(rest[1]), int(rest[2]), bool(int(rest[3])))))
        elif kind == "count":
            _use_src(src)
            from qigong_parse.pipeline import parse_text

            text = sample_text()
            if len(rest) > 2:  # `count SRC N K`: one sample parse to warm up, then N parses of scaled(K)
                parse_text(text)
                text = scaled(int(rest[2]))
            for _ in range(int(rest[1])):
                parse_text(text)
        elif kind == "steps":
            print(json.dumps(worker_steps(src)))
        elif kind == "paired":
            print(json.dumps(worker_paired(rest[0], int(rest[1]))))
        elif kind == "write":
            print(json.dumps(worker_write(src, rest[1], int(rest[2]))))
        else:
            print(json.dumps(worker(rest[0], int(rest[1]), int(rest[2]))))
        return 0
    rep = Report()
    header(rep)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        # the command line's store of compiled patterns, filled by each section's first run
        os.environ["QIGONG_CACHE_DIR"] = str(tmp / "pattern-store")
        os.environ.pop("QIGONG_NO_CACHE", None)
        base = None if args.no_base else _baseline_tree(tmp)
        if base is None and not args.no_base:
            rep.say(f"  (no git checkout: the {BASELINE} reference is skipped)")
        arch = None if args.no_base else _baseline_tree(tmp, ARCH_BASE)
        if "cold" in args.only:
            section_cold(rep, 5 if args.quick else 9, tmp, arch)
        if "warm" in args.only:
            refs = {rev: tree for rev in (BASELINE, ARCH_BASE) if not args.no_base
                    and (tree := (base if rev == BASELINE else arch))}
            section_warm(rep, 8 if args.quick else 15, 2 if args.quick else 3, refs)
        if "instructions" in args.only:
            section_instructions(rep, tmp, {rev: tree for rev in (BASELINE, ARCH_BASE) if not args.no_base
                                            and (tree := (base if rev == BASELINE else arch))})
        if "scale" in args.only:
            section_scale(rep, 10 if args.quick else 100, 1 if args.quick else 2, base)
        if "batch" in args.only:
            section_batch(rep, 40 if args.quick else args.batch, tmp)
        if "hostile" in args.only:
            section_hostile(rep, args.quick)
        if "checks" in args.only:
            section_checks(rep)
    rep.say(f"\nbench: done in {time.perf_counter() - started:.0f} s")
    full = set(DEFAULT) <= set(args.only) and not args.quick
    target = args.write or (ROOT / "docs" / "performance.md" if full else None)
    if target is not None:
        write_doc(rep, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
