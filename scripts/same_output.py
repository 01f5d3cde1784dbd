"""Prove that a change leaves every output as it was: parse the same files with a reference
revision's code and with the working tree's, and compare the YAML byte for byte.

    python scripts/same_output.py                       # reference `main`, default inputs
    python scripts/same_output.py --ref 061769a FILE…   # another revision, other inputs

Default inputs: the bundled sample, tests/data/heldout/*, and when present the shared corpus
(../shared/corpus/govcn/txt, ../shared/corpus/web, ../shared/corpus/bulk). A file that is
rejected must be rejected with the same message. Exit status 1 when any output differs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

# Runs in a fresh interpreter with the tree under test first on sys.path.
_RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from qigong_parse.errors import QigongError
from qigong_parse.io.yaml_out import dump_yaml
from qigong_parse.pipeline import parse_path
out = {}
for path in json.loads(sys.stdin.read()):
    try:
        out[path] = dump_yaml(parse_path(path))
    except QigongError as exc:
        out[path] = f"REJECTED: {exc}"
assert sys.modules["qigong_parse"].__file__.startswith(sys.argv[1]), sys.modules["qigong_parse"].__file__
print(json.dumps(out, ensure_ascii=False))
"""


def default_inputs() -> list[Path]:
    files = [ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"]
    files += sorted(p for p in (ROOT / "tests" / "data" / "heldout").iterdir() if p.is_file() and p.name != "README.md")
    for folder in (CORPUS / "govcn" / "txt", CORPUS / "web", CORPUS / "bulk"):
        if folder.is_dir():
            files += sorted(p for p in folder.iterdir() if p.is_file())
        else:
            print(f"same_output: {folder} not present, skipped", file=sys.stderr)
    return files


def outputs(src: Path, files: list[Path]) -> dict[str, str]:
    proc = subprocess.run([sys.executable, "-c", _RUNNER, str(src)], input=json.dumps([str(f) for f in files]),
                          capture_output=True, text=True, check=False, cwd=ROOT)
    if proc.returncode:
        sys.exit(f"same_output: the parser under {src} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, str] = json.loads(proc.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", default="main", help="git revision to compare against (default: main)")
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args(argv)
    files = [f.resolve() for f in args.files] or default_inputs()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "ref.tar"
        subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), args.ref, "src"], cwd=ROOT, check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "ref", filter="data")
        ref = outputs(Path(tmp) / "ref" / "src", files)
    mine = outputs(ROOT / "src", files)
    differ = [f for f in ref if ref[f] != mine.get(f)]
    for f in differ[:5]:
        diff = difflib.unified_diff(ref[f].splitlines(), mine[f].splitlines(), f"{args.ref}:{f}", f"tree:{f}",
                                    lineterm="", n=1)
        print("\n".join(list(diff)[:40]))
    rejected = sum(v.startswith("REJECTED:") for v in mine.values())
    print(f"same_output: {len(files)} files ({rejected} rejected alike), {len(differ)} differ from {args.ref}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
