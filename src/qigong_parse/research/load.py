"""Inputs of the research commands: a parsed YAML, or a notice parsed on the fly."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model.output import Document

YAML_SUFFIXES = (".yaml", ".yml")


def load_input(path: str | Path) -> Document:
    """A `Document` from a qigong YAML output, or from a notice (.txt/.html/.docx) parsed now."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in YAML_SUFFIXES:
        from ..io.yaml_out import load_document

        return load_document(path)
    try:
        from ..pipeline import parse_path
    except ImportError as exc:  # a checkout where the pipeline is incomplete
        raise InputError(f"{path}: cannot parse notices here ({exc}); give a parsed .yaml") from exc
    return parse_path(path)
