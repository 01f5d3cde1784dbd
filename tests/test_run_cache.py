"""The store of compiled patterns and rule tables (run_cache.py): what it keeps, refuses and writes."""

from __future__ import annotations

import datetime
import os
import pickle
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse import run_cache
from qigong_parse.rules.units import UnitRegistry

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


# --- stdlib `re` patterns, kept as the program `_sre.compile` is given ---------------------------


def _unit_patterns() -> list[re.Pattern[str]]:
    """The unit registry's trie patterns for the sample's jurisdiction (as `re.compile` builds them)."""
    registry = UnitRegistry.for_issuer("邵东市人民政府办公室")
    return [re.compile(registry._name_at.pattern), re.compile(registry._suffix_end.pattern)]


def _no_re_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(pattern: object, flags: int = 0) -> re.Pattern[str]:
        raise AssertionError(f"compiled although the store has it: {pattern!r:.60}")

    monkeypatch.setattr(re._compiler, "compile", refuse)  # type: ignore[attr-defined]
    re.purge()  # `re.compile`'s own cache would hide a call


def _behaviour(pattern: re.Pattern[str], text: str) -> list[object]:
    """What `pattern` finds in `text`: at every position, by every method."""
    def seen(m: re.Match[str] | None) -> object:
        return None if m is None else (m.span(), m.lastgroup, m.lastindex, m.groups(), m.groupdict())

    out: list[object] = [seen(pattern.fullmatch(text)), [seen(m) for m in pattern.finditer(text)]]
    for pos in range(len(text) + 1):
        out.append((seen(pattern.match(text, pos)), seen(pattern.search(text, pos)), seen(pattern.fullmatch(text, pos))))
    return out


def _same_as_compiled(found: re.Pattern[str], plain: re.Pattern[str]) -> None:
    assert found is not plain and found == plain
    assert (found.pattern, found.flags, found.groups, found.groupindex) == (
        plain.pattern, plain.flags, plain.groups, plain.groupindex)


def _stored_trie(directory: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """The unit tries through a store: (rebuilt from it in a new process's stead, `re.compile`'s)."""
    plain = _unit_patterns()
    for p in plain:
        run_cache.compiled_re(p.pattern)
    assert run_cache.save()
    _reopen(directory)
    with monkeypatch.context() as patch:
        _no_re_compiling(patch)
        found = [run_cache.compiled_re(p.pattern) for p in plain]
    return list(zip(found, plain, strict=True))


def test_a_stored_re_pattern_behaves_as_compiled(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    for found, plain in _stored_trie(store_file.parent, monkeypatch):
        _same_as_compiled(found, plain)
        assert run_cache.compiled_re(plain.pattern) is found  # built once per process
        for line in lines:
            assert _behaviour(found, line) == _behaviour(plain, line)


_TRIE_CHARS = sorted({ch for p in _unit_patterns() for ch in p.pattern if ord(ch) > 0x2000} | set("等各、,;( )a1"))


@pytest.fixture(scope="module")
def stored_tries(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    directory = tmp_path_factory.mktemp("tries")
    run_cache.enable(directory)
    try:
        with pytest.MonkeyPatch.context() as patch:
            return _stored_trie(directory, patch)
    finally:
        run_cache.disable()


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(alphabet=_TRIE_CHARS, max_size=30), min_size=1, max_size=20))
def test_a_stored_unit_trie_finds_what_the_compiled_one_does(
        stored_tries: list[tuple[re.Pattern[str], re.Pattern[str]]], texts: list[str]) -> None:
    for found, plain in stored_tries:
        for text in texts:
            assert _behaviour(found, text) == _behaviour(plain, text)


def test_re_library_use_is_plain_compiling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_cache.disable()
    monkeypatch.setenv("QIGONG_CACHE_DIR", str(tmp_path))
    assert run_cache.compiled_re(PATTERN) is re.compile(PATTERN)  # `re`'s own, from its cache
    assert not run_cache.save() and list(tmp_path.iterdir()) == []


def _programs(path: Path) -> dict[tuple[str, int], tuple[int, bytes]]:
    payload = pickle.loads(path.read_bytes())
    return payload["re_patterns"]  # type: ignore[no-any-return]


def _program_changed(path: Path, change: Callable[[list[Any]], object], checksum: bool = True) -> None:
    """Rewrite the store's program of PATTERN by `change` (in place on its fields); with `checksum`,
    a checksum that fits it, as a careful forger would write (what `_sre` and the reader must refuse)."""
    payload = pickle.loads(path.read_bytes())
    key = (PATTERN, 0)
    _crc, data = payload["re_patterns"][key]
    fields = list(pickle.loads(data))
    change(fields)
    data = pickle.dumps(tuple(fields))
    payload["re_patterns"][key] = (run_cache._checksum(key, data) if checksum else _crc, data)
    path.write_bytes(pickle.dumps(payload))


def _set(index: int, value: object) -> Callable[[list[Any]], object]:
    return lambda fields: fields.__setitem__(index, value)


@pytest.mark.parametrize("damage", [
    pytest.param(lambda p: _program_changed(p, _set(1, (1, 2, 3)), checksum=False), id="checksum"),
    pytest.param(lambda p: _program_changed(p, lambda f: f.__setitem__(1, f[1][:-1])), id="truncated code"),
    pytest.param(lambda p: _program_changed(p, lambda f: f.__setitem__(1, f[1][: len(f[1]) // 2])), id="half code"),
    pytest.param(lambda p: _program_changed(p, lambda f: f.__setitem__(1, list(f[1]))), id="code a list"),
    pytest.param(lambda p: _program_changed(p, lambda f: f.__setitem__(1, (*f[1][:-1], 1.0))), id="a float op"),
    pytest.param(lambda p: _program_changed(p, lambda f: f.__setitem__(1, (-1, *f[1][1:]))), id="negative op"),
    pytest.param(lambda p: _program_changed(p, _set(2, "1")), id="groups a str"),
    pytest.param(lambda p: _program_changed(p, lambda f: f.__setitem__(2, f[2] + 1)), id="a group more"),
    pytest.param(lambda p: _program_changed(p, _set(3, {"lead": 2})), id="groupindex"),
    pytest.param(lambda p: _program_changed(p, _set(0, "0")), id="flags a str"),
    pytest.param(lambda p: _program_changed(p, lambda f: f.pop()), id="a field short"),
    pytest.param(lambda p: _program_changed(p, lambda f: f.__setitem__(slice(None), [f])), id="nested"),
])
def test_a_tampered_re_program_is_compiled_afresh(store_file: Path, damage: Callable[[Path], None]) -> None:
    run_cache.compiled_re(PATTERN)
    assert run_cache.save()
    damage(store_file)
    _reopen(store_file.parent)
    found = run_cache.compiled_re(PATTERN)
    assert found is re.compile(PATTERN)  # `re.compile`'s: nothing built from the store
    assert found.search("市发改委牵头").group("lead") == "市发改委"  # type: ignore[union-attr]


def test_a_rewritten_but_sound_program_is_used(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control of the test above: rewriting the store as it does is not what makes it refused."""
    run_cache.compiled_re(PATTERN)
    assert run_cache.save()
    _program_changed(store_file, lambda fields: None)
    _reopen(store_file.parent)
    _no_re_compiling(monkeypatch)
    found = run_cache.compiled_re(PATTERN)
    monkeypatch.undo()
    _same_as_compiled(found, re.compile(PATTERN))


def test_a_program_filed_under_another_pattern_is_not_used(store_file: Path) -> None:
    run_cache.compiled_re(r"(?P<lead>\d+)")
    assert run_cache.save()
    payload = pickle.loads(store_file.read_bytes())
    (entry,) = payload["re_patterns"].values()
    payload["re_patterns"] = {(PATTERN, 0): entry}
    store_file.write_bytes(pickle.dumps(payload))
    _reopen(store_file.parent)
    assert run_cache.compiled_re(PATTERN) is re.compile(PATTERN)


@pytest.mark.parametrize("header", [{"sre": None}, {"re_patterns": []}, "python build", "magic", "code size"])
def test_re_programs_of_another_python_are_ignored(store_file: Path, header: dict[str, object] | str) -> None:
    run_cache.compiled_re(PATTERN)
    run_cache.compiled(PATTERN)
    assert run_cache.save()
    payload = pickle.loads(store_file.read_bytes())
    if isinstance(header, dict):
        payload.update(header)
    else:
        at = ["python build", "", "magic", "code size"].index(header)
        payload["sre"][at] = payload["sre"][at] + (1 if isinstance(payload["sre"][at], int) else "+")
    store_file.write_bytes(pickle.dumps(payload))
    _reopen(store_file.parent)
    assert run_cache.compiled_re(PATTERN) is re.compile(PATTERN)
    assert (PATTERN, 0) in run_cache._re_new  # captured again, for the next save
    run_cache.compiled(PATTERN)
    assert (PATTERN, 0) not in run_cache._new  # the `regex` patterns are still the store's


@pytest.mark.parametrize("change", ["code", "raises", "groups"])
def test_internals_not_shaped_as_expected_keep_nothing(store_file: Path, monkeypatch: pytest.MonkeyPatch,
                                                       change: str) -> None:
    code = re._compiler._code  # type: ignore[attr-defined]
    parse = re._parser.parse  # type: ignore[attr-defined]

    def other_code(p: object, flags: int) -> list[int]:
        if change == "raises":
            raise TypeError("another signature")
        return [*code(p, flags)[:-1], 0, 1] if change == "code" else code(p, flags)  # type: ignore[no-any-return]

    def other_parse(p: str, flags: int = 0) -> Any:
        parsed = parse(p, flags)
        if change == "groups":
            parsed.state.groupdict = {"other": 1}
        return parsed

    plain = re.compile(PATTERN)  # in `re`'s cache: `re.compile` stays right, the capture sees the change
    monkeypatch.setattr(re._compiler, "_code", other_code)  # type: ignore[attr-defined]
    monkeypatch.setattr(re._parser, "parse", other_parse)  # type: ignore[attr-defined]
    assert run_cache.compiled_re(PATTERN) is plain
    monkeypatch.undo()
    assert not run_cache._re_new  # nothing that differs from `re.compile`'s pattern is kept


def test_a_cli_run_with_the_cache_compiles_no_unit_trie(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code = ("import re._compiler as c, sys\nplain = c.compile\nseen = []\n"
            "def spy(p, flags=0):\n    seen.append(p)\n    return plain(p, flags)\n"
            "c.compile = spy\nfrom qigong_parse.cli import main\n"
            "try: main(sys.argv[1:])\n"
            "finally: print('trie compiled:', any(isinstance(p, str) and p.startswith('(?P<form>') for p in seen))\n")
    environ = {k: v for k, v in os.environ.items() if k != "QIGONG_NO_CACHE"} | {"QIGONG_CACHE_DIR": str(cache)}
    said = []
    for name in ("first", "second"):
        run = subprocess.run([sys.executable, "-c", code, "parse", str(SAMPLE), "-o", str(tmp_path / f"{name}.yaml"),
                              "--force"], env=environ, capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
        said.append(run.stdout.split()[-1])
    assert said == ["True", "False"]
    assert (tmp_path / "first.yaml").read_bytes() == (tmp_path / "second.yaml").read_bytes()
