"""Input expansion and output naming for many notices: files, globs and directories in, one safe
output name per input out (used by `qigong parse`, `export` and `dataset`)."""

from __future__ import annotations

import glob
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Final

NOTICE_SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf", ".ofd")
_GLOB_CHARS = frozenset("*?[")
_MAX_NAME_BYTES = 200  # file names are limited to 255 bytes; leave room for "-NN.yaml" and temp names


# A plain class, not a frozen dataclass (~3.5 M instructions to create at start-up); read-only by
# `Final` (mypy). No __eq__/__repr__/__hash__: nothing compares, prints or hashes it.
class Inputs:
    """The files to parse, whether the command line asked for a batch (several, a dir, a glob), and
    the items that named no file, each with a one-line message."""

    __slots__ = ("batch", "files", "problems")
    files: Final[list[Path]]
    batch: Final[bool]
    problems: Final[list[tuple[str, str]]]

    def __init__(self, files: list[Path], batch: bool, problems: list[tuple[str, str]] | None = None) -> None:
        self.files = files
        self.batch = batch
        self.problems = [] if problems is None else problems


def natural_key(path: str | Path) -> list[str | int]:
    """Sort key that orders `附件2` before `附件10` and `notice-9` before `notice-10`."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", str(path))]


def expand_inputs(items: Sequence[str], suffixes: tuple[str, ...] = NOTICE_SUFFIXES) -> Inputs:
    """Expand directories (their files with `suffixes`) and globs (for shells that don't), in natural
    order; keep the command line's order otherwise, drop repeats."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    batch = len(items) > 1
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            files.append(path)

    def add_dir(path: Path) -> None:
        found = sorted((p for p in path.iterdir() if p.suffix.lower() in suffixes and p.is_file()), key=natural_key)
        if not found:
            problems.append((str(path), f"{path}: no {', '.join(suffixes)} files in this directory"))
        for p in found:
            add(p)

    for item in items:
        path = Path(item)
        if path.is_dir():
            batch = True
            add_dir(path)
        elif path.exists() or path.is_symlink():
            add(path)
        elif _GLOB_CHARS & set(item):
            batch = True
            matches = sorted((m for m in glob.glob(item) if os.path.isfile(m)), key=natural_key)
            if not matches:
                problems.append((item, f"{item}: no file matches this pattern"))
            for match in matches:
                add(Path(match))
        else:
            problems.append((item, f"{item}: no such file"))
    return Inputs(files, batch, problems)


def safe_stem(name: str) -> str:
    """A file-name stem from an input name: no separators, control characters, leading dots or
    outer spaces (inner spaces are kept: `通知 (1).txt` → `通知 (1)`, the same for one file or a batch)."""
    stem = Path(name.replace("\\", "/")).stem
    out = "".join(
        ch if (ch.isalnum() or ch in " -_.+=@,()（）【】《》") and unicodedata.category(ch)[0] != "C" else "_"
        for ch in stem
    ).strip(" ").lstrip(".")
    encoded = out.encode("utf-8")[:_MAX_NAME_BYTES]
    out = encoded.decode("utf-8", errors="ignore")
    return out or "notice"


def output_name(source_name: str, to: str = "yaml") -> str:
    """The one naming rule for outputs, single file or batch: `<safe stem>.<format>`."""
    return f"{safe_stem(source_name)}.{to}"


def plan_outputs(files: Sequence[Path], out_dir: Path | None, to: str = "yaml") -> list[Path]:
    """One distinct `.<to>` path per input: in `out_dir` (or beside the input), never one of the inputs."""
    taken = {os.path.realpath(f).casefold() for f in files}
    outputs: list[Path] = []
    for path in files:
        folder = out_dir if out_dir is not None else path.parent
        stem = safe_stem(path.name)
        candidate = folder / output_name(path.name, to)
        n = 1
        while os.path.realpath(candidate).casefold() in taken:
            n += 1
            candidate = folder / f"{stem}-{n}.{to}"
        taken.add(os.path.realpath(candidate).casefold())
        outputs.append(candidate)
    return outputs
