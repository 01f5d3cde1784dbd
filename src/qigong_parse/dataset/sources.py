"""The sources of a dataset run: files, globs, directories (recursively) and manifest files of paths."""

from __future__ import annotations

import glob
import hashlib
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

# In a directory, files with these suffixes are sources: the ones the parser reads, and document
# formats it refuses today (.doc, .wps, .rtf: recorded in errors, so that a later reader can retry them).
DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ".shtml", ".xhtml", ".docx",
                               ".doc", ".wps", ".rtf", ".pdf", ".ofd"})
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Expanded:
    """The sources, in order without repeats, and the items that named none (one-line messages)."""

    files: list[str]
    problems: list[str]


def _walk(folder: Path) -> Iterator[str]:
    """Document files under `folder`, sorted, hidden files and folders skipped."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() in DOCUMENT_SUFFIXES:
                path = os.path.join(dirpath, name)
                if os.path.isfile(path):
                    yield path


def read_manifest(manifest: str) -> list[str]:
    """Paths listed one a line in `manifest` ('-': standard input); blank lines and # comments skipped."""
    try:
        text = sys.stdin.read() if manifest == "-" else Path(manifest).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"--manifest {manifest}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--manifest {manifest}: cannot be read ({exc})") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def expand(items: Sequence[str]) -> Expanded:
    """Expand directories (recursively) and globs; keep command-line order, drop repeats."""
    files: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            files.append(path)

    for item in items:
        if os.path.isdir(item):
            found = list(_walk(Path(item)))
            if not found:
                problems.append(f"{item}: no document files in this directory")
            for path in found:
                add(path)
        elif os.path.lexists(item):
            add(item)
        elif _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                problems.append(f"{item}: no file matches this pattern")
            for match in matches:
                if os.path.isdir(match):
                    for path in _walk(Path(match)):
                        add(path)
                else:
                    add(match)
        else:
            problems.append(f"{item}: no such file")
    return Expanded(files, problems)


def read_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of `path`; InputError with a one-line message when it cannot be read (the pipeline's
    own reader, with the same limits and messages as `qigong parse`)."""
    from ..read import read_file

    return read_file(Path(path), max_bytes=max_bytes)


def sha256(data: bytes) -> str:
    """The hex SHA-256 of `data` (the same as the parser's `source.sha256`)."""
    return hashlib.sha256(data).hexdigest()
