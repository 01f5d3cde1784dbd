"""Inputs of the research commands: a parsed YAML, or a notice parsed on the fly."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..model.output import Document

YAML_SUFFIXES = (".yaml", ".yml")


def expand_documents(items: Sequence[str]) -> list[Path]:
    """The files named by `items` (files, directories, globs), in natural order, each once.

    A directory gives its parsed .yaml files, or its notices when it holds no .yaml. Any item that
    names nothing is an `InputError`: a table silently missing a notice would mislead.
    """
    from ..io.inputs import NOTICE_SUFFIXES, expand_inputs

    files: list[Path] = []
    seen: set[Path] = set()
    for item in items:
        path = Path(item)
        yamls = path.is_dir() and any(p.suffix.lower() in YAML_SUFFIXES for p in path.iterdir())
        found = expand_inputs([item], YAML_SUFFIXES if yamls else NOTICE_SUFFIXES + YAML_SUFFIXES)
        if found.problems:
            raise InputError(found.problems[0][1])
        for f in found.files:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files


def load_input(path: str | Path) -> Document:
    """A `Document` from a qigong YAML output, or from a notice (.txt/.html/.docx) parsed now."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in YAML_SUFFIXES:
        from ..io.yaml_in import load_document

        return load_document(path)
    try:
        from ..pipeline import parse_path
    except ImportError as exc:  # a checkout where the pipeline is incomplete
        raise InputError(f"{path}: cannot parse notices here ({exc}); give a parsed .yaml") from exc
    return parse_path(path)
