"""Start-up of the console script: what it imports for `qigong validate` (pydantic's plugin loader) and
for a parse (no PyYAML once the cache is filled), and that a parse creates no dataclass of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_RUN = ("import sys\nfrom qigong_parse.cli import main\n"
        "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('importlib.metadata' in sys.modules, type(sys.modules['pydantic.plugin._loader']).__name__,"
        " (sys.modules['pydantic.plugin._loader'].__doc__ or '-')[:8])")


def _validate(path: Path, **env: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"} | env
    got = subprocess.run([sys.executable, "-c", _RUN, str(path)], capture_output=True, text=True, env=environ,
                         check=True)
    assert ": ok" in got.stdout, got.stdout + got.stderr
    return got.stdout.strip().splitlines()[-1].split()


def test_validate_skips_the_plugin_loader_when_plugins_are_off(sample_doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from qigong_parse.io.yaml_out import write_yaml

    path = write_yaml(sample_doc, tmp_path / "s.yaml")
    metadata_imported, _, doc = _validate(path)
    assert metadata_imported == "False" and doc == "pydantic"  # the stand-in, and no importlib.metadata
    # PYDANTIC_DISABLE_PLUGINS set empty: plugins may load, pydantic's own loader is imported
    metadata_imported, _, doc = _validate(path, PYDANTIC_DISABLE_PLUGINS="")
    assert metadata_imported == "True" and doc != "pydantic"


_PARSE = ("import sys\nfrom qigong_parse.cli import main\n"
          "try:\n    main(['parse', sys.argv[1], '-o', sys.argv[2], '--force'])\nexcept SystemExit:\n    pass\n"
          "print(sorted(m for m in sys.modules if m == 'yaml' or m.startswith('yaml.')))")


def test_a_parse_with_its_cache_filled_does_not_import_pyyaml(tmp_path: Path) -> None:
    # Writing needs no PyYAML, and the run cache holds the rule tables: its import (~90 M
    # instructions) would be a fifth of what a cold parse adds to its floor. The first run reads
    # the tables with it.
    sample = Path(__file__).resolve().parent.parent / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
    env = {**os.environ, "QIGONG_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("QIGONG_NO_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", _PARSE, str(sample), str(tmp_path / "s.yaml")],
                           capture_output=True, text=True, env=env, check=True).stdout.strip().splitlines()[-1]
            for _ in range(2)]
    assert runs[0] != "[]" and runs[1] == "[]", runs


_DATACLASSES = ("import dataclasses, sys\nmade = []\n_process = dataclasses._process_class\n"
                "def process(cls, *args):\n    made.append(f'{cls.__module__}.{cls.__qualname__}')\n"
                "    return _process(cls, *args)\n"
                "dataclasses._process_class = process\nfrom qigong_parse.cli import main\n"
                "try:\n    main(['parse', sys.argv[1], '-o', sys.argv[2], '--force'])\nexcept SystemExit:\n    pass\n"
                "print([m for m in made if m.startswith('qigong_parse')])")


def test_a_parse_creates_no_dataclass_of_its_own(tmp_path: Path) -> None:
    # Creating a dataclass costs ~3.5 M instructions at import (it writes and compiles the source of
    # its methods); the records a parse uses are plain classes (tests/test_records.py).
    sample = Path(__file__).resolve().parent.parent / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
    env = {**os.environ, "QIGONG_CACHE_DIR": str(tmp_path / "cache")}
    got = subprocess.run([sys.executable, "-c", _DATACLASSES, str(sample), str(tmp_path / "s.yaml")],
                         capture_output=True, text=True, env=env, check=True)
    assert (tmp_path / "s.yaml").is_file(), got.stderr
    assert got.stdout.strip().splitlines()[-1] == "[]", got.stdout
