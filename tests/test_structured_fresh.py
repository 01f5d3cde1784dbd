"""The committed sample output must be what the current code produces (`make run` refreshes it)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from qigong_parse.io.yaml_out import dump_yaml
from qigong_parse.pipeline import parse_path

ROOT = Path(__file__).resolve().parents[1]
RAW = "data/raw/shaodong-2025-qidagongjian.txt"  # as `make run` names it: source.file keeps this form
STRUCTURED = ROOT / "data" / "structured" / "shaodong-2025-qidagongjian.yaml"


def test_committed_sample_output_is_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert STRUCTURED.is_file(), f"{STRUCTURED.relative_to(ROOT)} is missing: run `make run`"
    fresh = dump_yaml(parse_path(RAW))
    committed = STRUCTURED.read_text(encoding="utf-8")
    if committed != fresh:
        diff = difflib.unified_diff(committed.splitlines(), fresh.splitlines(), "committed", "fresh",
                                    lineterm="", n=1)
        shown = "\n".join(list(diff)[:40])
        pytest.fail(f"{STRUCTURED.relative_to(ROOT)} is stale: run `make run` and commit it\n{shown}")
