"""Cold start of `qigong parse` / `qigong validate` against the floor of their stack.

The floor is an empty typer app with the same `parse` (or `validate`) signature as the real command,
the same dependency imports, and a body that returns at once: what any typer CLI of this shape pays
before doing work. The signature is cut from src/qigong_parse/cli/__init__.py, so it stays in step.

    python scripts/cold_start.py            # 15 interleaved pairs per command
    python scripts/cold_start.py --runs 30

Prints CPU time (user + sys of the child) min and median, and the ratios. Never asserted by tests.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
CLI_SOURCE = ROOT / "src" / "qigong_parse" / "cli" / "__init__.py"
BIN = Path(sys.executable).parent
IMPORTS = "import typer, pydantic, yaml, regex\n"


def _signature(name: str) -> str:
    """The `def name(...) -> None:` header of a command, as written in the CLI module."""
    source = CLI_SOURCE.read_text(encoding="utf-8")
    match = re.search(rf"^def {name}\(\n.*?^\) -> None:\n", source, re.S | re.M)
    if match is None:
        raise SystemExit(f"cannot find the signature of {name} in {CLI_SOURCE}")
    return match.group()


def floor_program(name: str) -> str:
    """An empty typer app whose one command has the real command's signature."""
    source = CLI_SOURCE.read_text(encoding="utf-8")
    enums = re.findall(r"^class \w+\(StrEnum\):\n(?:    .*\n|\n)*?(?=\n\S)", source, re.M)
    enums += re.findall(r'^[A-Z_]+ = "[^"\n]*"\n', source, re.M)  # help texts the signature names
    return (
        "from __future__ import annotations\n"
        "import sys\nfrom enum import StrEnum\nfrom pathlib import Path\nfrom typing import Annotated\n"
        + IMPORTS
        + "\n".join(enums)
        + "\napp = typer.Typer(add_completion=False)\n"
        "@app.callback()\ndef _root() -> None:\n    pass\n"
        f"@app.command()\n{_signature(name)}    return None\n"
        "app(prog_name='qigong')\n"
    )


def cpu_time(cmd: list[str]) -> float:
    """User + system CPU seconds of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(label: str, real: list[str], floor: list[str], runs: int) -> None:
    """Interleave `runs` pairs after one warm-up each; print min/median and the ratios."""
    cpu_time(real)
    cpu_time(floor)
    r_times, f_times = [], []
    for _ in range(runs):
        r_times.append(cpu_time(real))
        f_times.append(cpu_time(floor))
    r_med, f_med = statistics.median(r_times), statistics.median(f_times)
    print(f"{label:<9} qigong median {r_med:.3f} s (min {min(r_times):.3f})  "
          f"floor median {f_med:.3f} s (min {min(f_times):.3f})  "
          f"ratio {r_med / f_med:.2f}x median, {min(r_times) / min(f_times):.2f}x min")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    qigong = str(BIN / "qigong")
    import typer

    print(f"python {sys.version.split()[0]}, typer {typer.__version__}, {os.cpu_count()} cores, "
          f"{args.runs} interleaved pairs, CPU time")
    import compileall

    compileall.compile_dir(ROOT / "src", quiet=2)  # as `make compile`: time the commands, not the compiler
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.yaml"
        subprocess.run([qigong, "parse", str(SAMPLE), "-o", str(out), "-q"], check=True)
        for name, real, argv in (
            ("parse", [qigong, "parse", str(SAMPLE), "-o", str(out), "--force", "-q"],
             [str(SAMPLE), "-o", str(out), "--force", "-q"]),
            ("validate", [qigong, "validate", str(out), "-q"], [str(out), "-q"]),
        ):
            floor_file = Path(tmp) / f"floor_{name}.py"
            floor_file.write_text(floor_program(name), encoding="utf-8")
            compare(name, real, [sys.executable, str(floor_file), name, *argv], args.runs)


if __name__ == "__main__":
    main()
