"""The store of compiled patterns and rule tables (run_cache.py): what it keeps, refuses and writes."""

from __future__ import annotations

import datetime
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import regex
import yaml

from qigong_parse import run_cache

from .conftest import SAMPLE

PATTERN = r"(?P<lead>[^,;]+?)牵头"


@pytest.fixture
def store_file(tmp_path: Path) -> Iterator[Path]:
    """A store in a temporary directory; plain compiling again afterwards."""
    assert run_cache.enable(tmp_path) == tmp_path
    yield run_cache.store_path(tmp_path)
    run_cache.disable()


def _reopen(directory: Path) -> None:
    """What a new process does: forget what this one built, use the same directory."""
    run_cache.disable()
    run_cache.enable(directory)


def _no_compiling(monkeypatch: pytest.MonkeyPatch, *stored: str) -> None:
    plain = regex.compile

    def refuse(pattern: str, *args: object, **kwargs: object) -> regex.Pattern[str]:
        if pattern in stored:
            raise AssertionError("compiled although the store has the pattern")
        return plain(pattern, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(regex, "compile", refuse)


def test_a_saved_pattern_is_loaded_not_compiled(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = run_cache.compiled(PATTERN)
    backwards = run_cache.compiled("[。\n]", regex.REVERSE)
    assert run_cache.save() and store_file.is_file()
    assert not run_cache.save()  # nothing new: nothing written
    _reopen(store_file.parent)
    _no_compiling(monkeypatch, PATTERN, "[。\n]")
    again = run_cache.compiled(PATTERN)
    assert again._pickled_data == first._pickled_data  # type: ignore[attr-defined]
    assert again.search("市发改委牵头").group("lead") == "市发改委"
    assert run_cache.compiled("[。\n]", regex.REVERSE)._pickled_data == backwards._pickled_data  # type: ignore[attr-defined]
    assert run_cache.compiled(PATTERN) is again  # built once per process


def test_library_use_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_cache.disable()
    monkeypatch.setenv("QIGONG_CACHE_DIR", str(tmp_path))
    assert run_cache.compiled(PATTERN).pattern == PATTERN
    assert not run_cache.save()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", b"\x80\x05garbage", "truncate"])
def test_a_damaged_store_is_ignored_and_replaced(store_file: Path, damage: bytes | str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    run_cache.compiled(PATTERN)
    run_cache.save()
    store_file.write_bytes(store_file.read_bytes()[:40] if damage == "truncate" else damage)  # type: ignore[operator]
    _reopen(store_file.parent)
    assert run_cache.compiled(PATTERN).search("市发改委牵头")
    assert run_cache.save()  # compiled afresh, so written again
    _reopen(store_file.parent)
    _no_compiling(monkeypatch, PATTERN)
    assert run_cache.compiled(PATTERN).search("市发改委牵头")


class _Planted:
    """What a hostile store might ask the unpickler to build."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo planted > planted.txt",))


def _write_store(path: Path, entries: dict[tuple[str, int], bytes], **header: object) -> None:
    payload = {"format": run_cache._FORMAT, "regex": regex.__version__, "python": list(sys.version_info[:2]),
               "patterns": entries, "tables": {}}
    payload.update(header)
    path.write_bytes(pickle.dumps(payload))


def test_a_store_builds_nothing_but_patterns(store_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write_store(store_file, {(PATTERN, 0): pickle.dumps(_Planted())})
    _reopen(store_file.parent)
    assert run_cache.compiled(PATTERN).pattern == PATTERN
    assert not (tmp_path / "planted.txt").exists()
    # the same refusal for the file as a whole
    store_file.write_bytes(pickle.dumps(_Planted()))
    _reopen(store_file.parent)
    assert run_cache.compiled(PATTERN).pattern == PATTERN
    assert not (tmp_path / "planted.txt").exists()


def test_an_entry_for_another_pattern_is_not_used(store_file: Path) -> None:
    _write_store(store_file, {(PATTERN, 0): pickle.dumps(regex.compile(r"\d+"))})
    _reopen(store_file.parent)
    assert run_cache.compiled(PATTERN).pattern == PATTERN
    # nor an entry compiled without the flags asked for
    _write_store(store_file, {("[。\n]", int(regex.REVERSE)): pickle.dumps(regex.compile("[。\n]"))})
    _reopen(store_file.parent)
    assert run_cache.compiled("[。\n]", regex.REVERSE).flags & regex.REVERSE


@pytest.mark.parametrize("header", [{"format": 0}, {"regex": "0.0"}, {"python": [2, 7]}, {"patterns": []},
                                    {"tables": []}])
def test_a_store_from_another_version_is_ignored(store_file: Path, header: dict[str, object],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _write_store(store_file, {(PATTERN, 0): pickle.dumps(regex.compile(PATTERN))}, **header)
    _reopen(store_file.parent)
    run_cache.compiled(PATTERN)
    assert (PATTERN, 0) in run_cache._new  # compiled, not loaded


def test_a_store_that_grew_too_large_keeps_what_this_run_used(store_file: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_cache, "_MAX_PATTERNS", 3)
    for i in range(5):
        run_cache.compiled(f"old{i}")
    run_cache.save()
    _reopen(store_file.parent)
    run_cache.compiled("old4")
    run_cache.compiled("new")
    run_cache.save()
    _reopen(store_file.parent)
    run_cache.compiled("x")  # loads the file
    assert set(run_cache._kept) == {("old4", 0), ("new", 0)}


def test_a_directory_that_cannot_take_the_store_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    run_cache.enable(blocked)
    try:
        run_cache.compiled(PATTERN)
        assert not run_cache.save()
        assert blocked.read_text() == "not a directory"
    finally:
        run_cache.disable()


def test_where_the_store_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("QIGONG_NO_CACHE", "QIGONG_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert run_cache.cache_dir() == tmp_path / ".cache" / "qigong-parse"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert run_cache.cache_dir() == tmp_path / "xdg" / "qigong-parse"
    monkeypatch.setenv("QIGONG_CACHE_DIR", str(tmp_path / "own"))
    assert run_cache.cache_dir() == tmp_path / "own"
    monkeypatch.setenv("QIGONG_NO_CACHE", "0")
    assert run_cache.cache_dir() == tmp_path / "own"
    monkeypatch.setenv("QIGONG_NO_CACHE", "1")
    assert run_cache.cache_dir() is None
    assert run_cache.enable() is None
    for name in ("QIGONG_NO_CACHE", "QIGONG_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert run_cache.cache_dir() is None  # no home: no cache, and no error


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
    (store_file,) = cache.iterdir()
    written = store_file.stat().st_mtime_ns
    run_cache.enable(cache)
    try:
        run_cache.compiled("x")
        assert len(run_cache._kept) > 100  # the rule tables' patterns
    finally:
        run_cache.disable()
    second = _parse(tmp_path / "second.yaml", QIGONG_CACHE_DIR=str(cache), PYTHONHASHSEED="2")
    assert plain == first == second
    assert store_file.stat().st_mtime_ns == written  # everything came from the store: nothing to write


def _counting_reader(calls: list[str]) -> Callable[[str], object]:
    def read(text: str) -> object:
        calls.append(text)
        return yaml.safe_load(text)

    return read


def test_a_kept_table_is_not_read_again(store_file: Path) -> None:
    calls: list[str] = []
    read = _counting_reader(calls)
    text = "units:\n  市发改委: [市发展改革委]\nlevels: [市, 县]\n"
    first = run_cache.table("units/x.yaml", text, read)
    assert run_cache.save()
    _reopen(store_file.parent)
    again = run_cache.table("units/x.yaml", text, read)
    assert again == first and calls == [text]  # read once, by the first process
    # the table's text changed: read again, and the store follows
    changed = text.replace("县", "区")
    assert run_cache.table("units/x.yaml", changed, read)["levels"] == ["市", "区"]
    assert run_cache.save()
    _reopen(store_file.parent)
    assert run_cache.table("units/x.yaml", changed, read)["levels"] == ["市", "区"]
    assert calls == [text, changed]


def test_a_table_of_other_values_is_not_kept(store_file: Path) -> None:
    calls: list[str] = []
    read = _counting_reader(calls)
    text = "since: 2024-01-01\n"  # a date: the store's reader builds built-in values only
    run_cache.table("dated.yaml", text, read)
    run_cache.compiled(PATTERN)
    assert run_cache.save()
    _reopen(store_file.parent)
    assert run_cache.table("dated.yaml", text, read) == {"since": datetime.date(2024, 1, 1)}
    assert calls == [text, text]


def test_a_damaged_table_entry_is_read_again(store_file: Path) -> None:
    calls: list[str] = []
    text = "a: 1\n"
    _write_store(store_file, {}, tables={"t.yaml": (text, b"\x80\x05broken")})
    _reopen(store_file.parent)
    assert run_cache.table("t.yaml", text, _counting_reader(calls)) == {"a": 1}
    assert calls == [text]


def test_library_use_reads_every_table(tmp_path: Path) -> None:
    run_cache.disable()
    calls: list[str] = []
    for _ in range(2):
        run_cache.table("t.yaml", "a: 1\n", _counting_reader(calls))
    assert len(calls) == 2 and not run_cache.save()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file ownership is a POSIX notion")
def test_a_store_others_could_write_is_not_read(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    previous = os.umask(0o002)  # a group-writable default must not make our own store unreadable
    try:
        run_cache.compiled(PATTERN)
        assert run_cache.save()
    finally:
        os.umask(previous)
    assert store_file.stat().st_mode & 0o077 == 0
    _reopen(store_file.parent)
    _no_compiling(monkeypatch, PATTERN)
    run_cache.compiled(PATTERN)  # read from the store
    store_file.chmod(0o666)
    _reopen(store_file.parent)
    monkeypatch.undo()
    run_cache.compiled(PATTERN)
    assert (PATTERN, 0) in run_cache._new  # compiled again: the store was not read


def test_a_parallel_batch_fills_the_cache_as_one_process_does(tmp_path: Path) -> None:
    """`parse --jobs 2` builds every stage's patterns and tables in the parent before its workers
    fork (they inherit them): the parent's cache keeps them, and the outputs are a single run's."""
    cache = tmp_path / "cache"
    heldout = sorted((SAMPLE.parent.parent.parent / "tests" / "data" / "heldout").glob("*.txt"))[:3]
    environ = {k: v for k, v in os.environ.items() if k != "QIGONG_NO_CACHE"} | {"QIGONG_CACHE_DIR": str(cache)}
    outputs = {}
    for jobs in ("2", "1"):
        out = tmp_path / f"out{jobs}"
        run = subprocess.run([sys.executable, "-m", "qigong_parse", "parse", str(SAMPLE), *map(str, heldout),
                              "-o", str(out), "--jobs", jobs], env=environ, capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
        outputs[jobs] = {p.name: p.read_bytes() for p in out.iterdir()}
        if jobs == "2":
            run_cache.enable(cache)
            try:
                run_cache.compiled("x")  # loads the file
                assert len(run_cache._kept) > 100 and len(run_cache._tables) > 5
            finally:
                run_cache.disable()
    assert outputs["1"] == outputs["2"] and len(outputs["1"]) == 4
