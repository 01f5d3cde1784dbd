"""The store of compiled patterns (text/patterns.py): what it keeps, what it refuses, what it writes."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex

from qigong_parse.text import patterns

from .conftest import SAMPLE

PATTERN = r"(?P<lead>[^,;]+?)牵头"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Path]:
    """A store in a temporary directory; plain compiling again afterwards."""
    assert patterns.enable(tmp_path) == tmp_path
    yield patterns.store_path(tmp_path)
    patterns.disable()


def _reopen(directory: Path) -> None:
    """What a new process does: forget what this one built, use the same directory."""
    patterns.disable()
    patterns.enable(directory)


def _no_compiling(monkeypatch: pytest.MonkeyPatch, *stored: str) -> None:
    plain = regex.compile

    def refuse(pattern: str, *args: object, **kwargs: object) -> regex.Pattern[str]:
        if pattern in stored:
            raise AssertionError("compiled although the store has the pattern")
        return plain(pattern, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(regex, "compile", refuse)


def test_a_saved_pattern_is_loaded_not_compiled(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = patterns.compiled(PATTERN)
    backwards = patterns.compiled("[。\n]", regex.REVERSE)
    assert patterns.save() and store.is_file()
    assert not patterns.save()  # nothing new: nothing written
    _reopen(store.parent)
    _no_compiling(monkeypatch, PATTERN, "[。\n]")
    again = patterns.compiled(PATTERN)
    assert again._pickled_data == first._pickled_data  # type: ignore[attr-defined]
    assert again.search("市发改委牵头").group("lead") == "市发改委"
    assert patterns.compiled("[。\n]", regex.REVERSE)._pickled_data == backwards._pickled_data  # type: ignore[attr-defined]
    assert patterns.compiled(PATTERN) is again  # built once per process


def test_library_use_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    patterns.disable()
    monkeypatch.setenv("QIGONG_CACHE_DIR", str(tmp_path))
    assert patterns.compiled(PATTERN).pattern == PATTERN
    assert not patterns.save()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", b"\x80\x05garbage", "truncate"])
def test_a_damaged_store_is_ignored_and_replaced(store: Path, damage: bytes | str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    patterns.compiled(PATTERN)
    patterns.save()
    store.write_bytes(store.read_bytes()[:40] if damage == "truncate" else damage)  # type: ignore[operator]
    _reopen(store.parent)
    assert patterns.compiled(PATTERN).search("市发改委牵头")
    assert patterns.save()  # compiled afresh, so written again
    _reopen(store.parent)
    _no_compiling(monkeypatch, PATTERN)
    assert patterns.compiled(PATTERN).search("市发改委牵头")


class _Planted:
    """What a hostile store might ask the unpickler to build."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo planted > planted.txt",))


def _write_store(path: Path, entries: dict[tuple[str, int], bytes], **header: object) -> None:
    payload = {"format": 1, "regex": regex.__version__, "python": list(sys.version_info[:2]), "patterns": entries}
    payload.update(header)
    path.write_bytes(pickle.dumps(payload))


def test_a_store_builds_nothing_but_patterns(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write_store(store, {(PATTERN, 0): pickle.dumps(_Planted())})
    _reopen(store.parent)
    assert patterns.compiled(PATTERN).pattern == PATTERN
    assert not (tmp_path / "planted.txt").exists()
    # the same refusal for the file as a whole
    store.write_bytes(pickle.dumps(_Planted()))
    _reopen(store.parent)
    assert patterns.compiled(PATTERN).pattern == PATTERN
    assert not (tmp_path / "planted.txt").exists()


def test_an_entry_for_another_pattern_is_not_used(store: Path) -> None:
    _write_store(store, {(PATTERN, 0): pickle.dumps(regex.compile(r"\d+"))})
    _reopen(store.parent)
    assert patterns.compiled(PATTERN).pattern == PATTERN
    # nor an entry compiled without the flags asked for
    _write_store(store, {("[。\n]", int(regex.REVERSE)): pickle.dumps(regex.compile("[。\n]"))})
    _reopen(store.parent)
    assert patterns.compiled("[。\n]", regex.REVERSE).flags & regex.REVERSE


@pytest.mark.parametrize("header", [{"format": 0}, {"regex": "0.0"}, {"python": [2, 7]}, {"patterns": []}])
def test_a_store_from_another_version_is_ignored(store: Path, header: dict[str, object],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _write_store(store, {(PATTERN, 0): pickle.dumps(regex.compile(PATTERN))}, **header)
    _reopen(store.parent)
    patterns.compiled(PATTERN)
    assert (PATTERN, 0) in patterns._new  # compiled, not loaded


def test_a_store_that_grew_too_large_keeps_what_this_run_used(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns, "_MAX_PATTERNS", 3)
    for i in range(5):
        patterns.compiled(f"old{i}")
    patterns.save()
    _reopen(store.parent)
    patterns.compiled("old4")
    patterns.compiled("new")
    patterns.save()
    _reopen(store.parent)
    patterns.compiled("x")  # loads the file
    assert set(patterns._kept) == {("old4", 0), ("new", 0)}


def test_a_directory_that_cannot_take_the_store_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    patterns.enable(blocked)
    try:
        patterns.compiled(PATTERN)
        assert not patterns.save()
        assert blocked.read_text() == "not a directory"
    finally:
        patterns.disable()


def test_where_the_store_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("QIGONG_NO_CACHE", "QIGONG_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert patterns.cache_dir() == tmp_path / ".cache" / "qigong-parse"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert patterns.cache_dir() == tmp_path / "xdg" / "qigong-parse"
    monkeypatch.setenv("QIGONG_CACHE_DIR", str(tmp_path / "own"))
    assert patterns.cache_dir() == tmp_path / "own"
    monkeypatch.setenv("QIGONG_NO_CACHE", "0")
    assert patterns.cache_dir() == tmp_path / "own"
    monkeypatch.setenv("QIGONG_NO_CACHE", "1")
    assert patterns.cache_dir() is None
    assert patterns.enable() is None


def _parse(out: Path, **env: str) -> bytes:
    environ = {k: v for k, v in os.environ.items() if k not in ("QIGONG_NO_CACHE", "QIGONG_CACHE_DIR")} | env
    run = subprocess.run([sys.executable, "-m", "qigong_parse", "parse", str(SAMPLE), "-o", str(out), "--force"],
                         env=environ, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return out.read_bytes()


def test_validate_imports_no_regex(tmp_path: Path) -> None:
    """The store is enabled at start-up; `regex` (~9 ms) comes with the first pattern, not with it."""
    out = tmp_path / "x.yaml"
    _parse(out)
    code = ("import sys; from qigong_parse.cli import main\n"
            f"try: main(['validate', {str(out)!r}])\nexcept SystemExit: pass\nprint('regex' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split()[-1] == "False"


def test_the_command_line_keeps_its_patterns(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = _parse(tmp_path / "plain.yaml", QIGONG_NO_CACHE="1", QIGONG_CACHE_DIR=str(cache))
    assert not cache.exists()
    # another hash seed in each run: a pattern built from a set must come out the same every time
    first = _parse(tmp_path / "first.yaml", QIGONG_CACHE_DIR=str(cache), PYTHONHASHSEED="1")
    (store,) = cache.iterdir()
    written = store.stat().st_mtime_ns
    patterns.enable(cache)
    try:
        patterns.compiled("x")
        assert len(patterns._kept) > 100  # the rule tables' patterns
    finally:
        patterns.disable()
    second = _parse(tmp_path / "second.yaml", QIGONG_CACHE_DIR=str(cache), PYTHONHASHSEED="2")
    assert plain == first == second
    assert store.stat().st_mtime_ns == written  # everything came from the store: nothing to write
