"""Shared fixtures: the bundled sample and its variants (all from files inside the repository)."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
GOLD = Path(__file__).resolve().parent / "data" / "gold"
SAMPLES = Path(__file__).resolve().parent / "data" / "samples"

# The command line keeps compiled patterns in the user's cache directory (run_cache.py): the
# suite's runs of it (and the subprocesses they start) keep theirs in a directory of their own.
os.environ.pop("QIGONG_NO_CACHE", None)
os.environ["QIGONG_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), f"qigong-parse-test-cache-{os.getuid()}")

# ASCII punctuation of the sample turned fullwidth, as many sites serve it.
FULLWIDTH = str.maketrans({",": "，", "(": "（", ")": "）", ":": "：", ";": "；"})


@cache
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@cache
def load_script(stem: str) -> ModuleType:
    """scripts/<stem>.py, imported once (the scripts are not part of the package)."""
    name = f"qigong_{stem}_script"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{stem}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def sample() -> str:
    """The bundled sample notice, decoded."""
    return sample_text()


@pytest.fixture(scope="session")
def sample_doc():  # type: ignore[no-untyped-def]
    """The sample parsed once for the whole session."""
    from qigong_parse.pipeline import parse_text

    return parse_text(sample_text(), file=SAMPLE.name)
