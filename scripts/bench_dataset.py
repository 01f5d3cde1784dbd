"""Scale figures for `qigong dataset`: N documents, local with 1 and 2 jobs, the Dask LocalCluster.

    python scripts/bench_dataset.py --n 10000        # ~30 min on 2 cores
    python scripts/bench_dataset.py --n 300 --keep /tmp/bench-ds

The inputs are mutations of the bundled sample and of the team's notices (tests/data/heldout):
each variant shifts the years and the percentages of its base, so every one has its own sha256
and its own targets. Each configuration runs `qigong dataset` in a fresh process on a fresh
output directory; the peak memory is the largest summed RSS of that process and all its
children (pool workers, Dask scheduler and workers), sampled every 0.1 s with psutil. A last run
repeats the local build on the finished dataset: everything is skipped (the incremental path).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
HELDOUT = ROOT / "tests" / "data" / "heldout"
QIGONG = Path(sys.executable).parent / "qigong"
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?=年)")
_PERCENT = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?)(?=%|％)")


def bases() -> list[tuple[str, str, str]]:
    """(name, text, encoding) of the sample and every held-out notice."""
    out = []
    for path in [SAMPLE, *sorted(p for p in HELDOUT.iterdir() if p.suffix in (".txt", ".html"))]:
        data = path.read_bytes()
        for encoding in ("utf-8", "gb18030"):
            try:
                out.append((path.name, data.decode(encoding), encoding))
                break
            except UnicodeDecodeError:
                continue
    return out


def mutate(text: str, i: int, n_bases: int) -> str:
    """Variant `i` of a base: years shifted by 0..7, percentages raised by a step that grows with i."""
    shift = (i // n_bases) % 8
    step = (i // (n_bases * 8)) / 10
    text = _YEAR.sub(lambda m: str(int(m.group(1)) - shift), text)
    return _PERCENT.sub(lambda m: f"{float(m.group(1)) + step:.1f}".removesuffix(".0"), text)


def make_inputs(folder: Path, n: int) -> int:
    """Write `n` distinct variants into `folder`; return their total size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    all_bases = bases()
    seen: set[str] = set()
    total = 0
    for i in range(n):
        name, text, encoding = all_bases[i % len(all_bases)]
        data = mutate(text, i, len(all_bases)).encode(encoding)
        while sha256(data).hexdigest() in seen:  # a base with nothing to mutate: make it distinct
            data += b"\n"
        seen.add(sha256(data).hexdigest())
        stem, suffix = os.path.splitext(name)
        (folder / f"{i:06d}-{stem}{suffix}").write_bytes(data)
        total += len(data)
    return total


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run(args: list[str]) -> tuple[float, int, str]:
    """Run qigong with `args`; return (seconds, peak tree RSS in bytes, its last stderr line)."""
    started = time.monotonic()
    proc = subprocess.Popen([str(QIGONG), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    last = err.strip().splitlines()[-1] if err.strip() else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"qigong {' '.join(args)} exited {proc.returncode}: {err.strip()[-500:]}")
    return seconds, peak, last


def client_costs(inputs: Path, n: int = 200, copies: int = 10) -> None:
    """What the machine running `qigong dataset` spends per document besides parsing (in-process)."""
    sys.path.insert(0, str(ROOT / "src"))
    from qigong_parse.dataset.flatten import document_rows, to_arrow
    from qigong_parse.dataset.schema import TABLES
    from qigong_parse.dataset.sources import read_source
    from qigong_parse.dataset.sources import sha256 as digest
    from qigong_parse.dataset.store import Writer
    from qigong_parse.pipeline import parse_bytes

    files = sorted(str(p) for p in inputs.iterdir())
    started = time.perf_counter()
    for path in files:
        digest(read_source(path))
    read_hash = (time.perf_counter() - started) / len(files)
    parse_s = flat_s = 0.0
    tables = []
    for path in files[:n]:
        data = read_source(path)
        t0 = time.perf_counter()
        doc = parse_bytes(data, file=path)
        t1 = time.perf_counter()
        tables.append(to_arrow(document_rows(doc, path, len(data))))
        parse_s += t1 - t0
        flat_s += time.perf_counter() - t1
    with tempfile.TemporaryDirectory() as tmp:
        for table in TABLES:
            (Path(tmp) / table).mkdir()
        writer = Writer(Path(tmp), 0)
        t0 = time.perf_counter()
        for _ in range(copies):
            for t in tables:
                writer.add(t)
        writer.commit()
        write_s = (time.perf_counter() - t0) / (copies * len(tables))
    k = min(n, len(files))
    print(f"  client, per document: read + sha256 {read_hash * 1e3:.2f} ms ({len(files)} files); "
          f"Arrow + Parquet write {write_s * 1e3:.2f} ms ({copies * k} documents)")
    print(f"  worker, per document: parse {parse_s / k * 1e3:.1f} ms, rows + Arrow tables {flat_s / k * 1e3:.2f} ms "
          f"({k} documents, in-process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--only", nargs="*", default=None, help="configs: jobs1 jobs2 dask2 rerun")
    parser.add_argument("--keep", type=Path, default=None, help="keep inputs and datasets in this folder")
    opts = parser.parse_args()
    try:
        import psutil  # noqa: F401
    except ModuleNotFoundError:
        raise SystemExit("bench_dataset needs psutil (installed with the dask extra)") from None
    work = opts.keep or Path(tempfile.mkdtemp(prefix="qigong-bench-ds-"))
    inputs = work / "inputs"
    print(f"# qigong dataset bench  {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%S} UTC")
    print(f"  machine: {platform.machine()}, nproc {os.cpu_count()}, load avg "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; Python {platform.python_version()}")
    print(f"  command: python scripts/bench_dataset.py --n {opts.n}")
    if inputs.exists():
        shutil.rmtree(inputs)
    size = make_inputs(inputs, opts.n)
    print(f"  inputs: {opts.n} documents, {size / 1e6:.1f} MB, mutations of {len(bases())} notices "
          "(the sample and tests/data/heldout)")
    configs = {
        "jobs1": ["--jobs", "1"],
        "jobs2": ["--jobs", "2"],
        "dask2": ["--engine", "dask", "--jobs", "2"],
    }
    chosen = opts.only or [*configs, "rerun", "client"]
    last_out: Path | None = None
    for name, extra in configs.items():
        if name not in chosen:
            continue
        out = work / f"ds-{name}"
        if out.exists():
            shutil.rmtree(out)
        seconds, peak, line = run(["dataset", str(inputs), "-o", str(out), "-q", *extra])
        disk = sum(p.stat().st_size for p in out.rglob("*.parquet"))
        print(f"  {name:6} {' '.join(extra):24} {seconds:8.1f} s  {opts.n / seconds:7.1f} documents/s  "
              f"peak RSS (tree) {peak / 2**20:6.0f} MiB  dataset {disk / 1e6:.1f} MB")
        print(f"         {line}")
        last_out = out
    if "rerun" in chosen and last_out is not None:
        seconds, peak, line = run(["dataset", str(inputs), "-o", str(last_out), "-q", "--jobs", "2"])
        print(f"  rerun  (all skipped)              {seconds:8.1f} s  {opts.n / seconds:7.1f} sources/s  "
              f"peak RSS (tree) {peak / 2**20:6.0f} MiB")
        print(f"         {line}")
    if "client" in chosen:
        client_costs(inputs)
    if opts.keep is None:
        shutil.rmtree(work)
    print(f"  load avg at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
