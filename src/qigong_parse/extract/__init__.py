"""Extraction stage: fill responsibility, targets and task forces into a segmented, outlined Document."""

from __future__ import annotations

from ..models import Document


def extract(doc: Document, text: str, norm: str) -> Document:
    """Return `doc` with responsibility, targets and task_force filled in (stub until extraction lands)."""
    return doc
