"""Compiled patterns and loaded rule tables, kept between runs of the command line.

Compiling the ~150 patterns of the rule tables with `regex` costs a cold `qigong parse` about a
tenth of its time (~35 ms here; the `regex` module parses and optimises a pattern in Python).
`regex` pickles a compiled pattern as its finished program (`copyreg` entry of `regex.Pattern`),
which loads in C in a few microseconds. `compiled` therefore looks a pattern up in a store
loaded once from the user's cache directory, compiles only what the store lacks, and `save`
writes the store back when something was added. The rule tables (YAML, ~6 ms to load with
libyaml) are kept beside them as pickled data with the text they were read from: a table whose
text changed is read again.

The store is used only where `enable` was called: the console script does so at start-up
(`qigong_parse.cli.main`). Library use compiles as `regex.compile` does and writes nothing.
`QIGONG_NO_CACHE=1` turns the store off; `QIGONG_CACHE_DIR` moves it (default
`$XDG_CACHE_HOME/qigong-parse`, else `~/.cache/qigong-parse`).

The file is read with an unpickler that builds nothing but `regex` patterns (the one callable
`regex` registers for them) and built-in values (a table holding anything else is not kept); a
file that is damaged, foreign, or made by another `regex` or Python is ignored and replaced at
the next save. A pattern loaded from the store is checked to be the one asked for.

Stdlib `re` patterns do not pickle as programs (their pickle recompiles them), so `compiled_re`
keeps what `re._compiler.compile` hands `_sre.compile` (the code as plain ints, the groups) and
rebuilds the pattern with `_sre.compile`, which validates the code. This is private API: what is
captured is checked to rebuild a pattern equal to `re.compile`'s before it is kept, the entries
are kept only for the very Python build and `_sre.MAGIC` that made them (each with a checksum),
and anything unexpected means compiling with `re.compile`.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import regex

# `regex` and `pickle` are imported by the first `compiled`, not with this module: the console
# script enables the store before it knows whether its command compiles anything (`qigong validate`
# does not).

_FORMAT = 3  # 2: tables beside the patterns; 3: stdlib `re` programs beside them
# A store holding more than this (rules changed often, say) is rewritten with this run's patterns.
_MAX_PATTERNS = 2000
_MAX_RE_PATTERNS = 200  # a unit trie is ~6000 ints, one per jurisdiction met

_Key = tuple[str, int]

# The `concurrent` argument of a `regex` pattern's matching methods, given positionally where a
# parse calls them often (search/match/fullmatch: the 4th, finditer: the 5th, sub: the 6th): False
# keeps the GIL for the match. By default `regex` releases and takes again the GIL around every
# match of a str and around each block its backtracking stack allocates: 10,666 times in a warm
# parse of the sample (111 with this), ~3.8 M of its instructions; a short search costs ~780 ns
# with the default and ~470 ns with False (by keyword ~930 ns: `regex` parses keywords slowly).
# A parse is one thread's work, and stdlib `re`, which it uses beside `regex`, never releases the GIL.
HOLD_GIL: Final = False

_store: dict[_Key, regex.Pattern[str]] = {}  # the patterns this process has built
_kept: dict[_Key, bytes] = {}  # the store's file: each pattern pickled alone, unpickled when asked for
_new: set[_Key] = set()  # compiled by this process, not in the file yet
_used: set[_Key] = set()
_tables: dict[str, tuple[str, bytes]] = {}  # the file's tables: name → (the text read, its data pickled)
_new_tables: dict[str, tuple[str, Any]] = {}  # read by this process, not in the file yet
_re_store: dict[_Key, re.Pattern[str]] = {}  # the stdlib patterns this process has built
_re_kept: dict[_Key, tuple[int, bytes]] = {}  # the file's stdlib programs: (checksum, the program pickled)
_re_new: dict[_Key, bytes] = {}  # captured by this process, not in the file yet
_re_used: set[_Key] = set()
_dir: Path | None = None  # the store's directory; None: no store (library use, or turned off)
_loaded = False


def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile(pattern, flags)`, from the store when the store has it."""
    import regex

    key = (pattern, int(flags))  # a RegexFlag member would pickle as a class reference
    found = _store.get(key)
    if found is not None:
        return found
    if _dir is None:
        found = _store[key] = regex.compile(pattern, flags)
        return found
    _used.add(key)
    if not _loaded:
        _load()
    kept = _kept.get(key)
    found = None if kept is None else _unpickled(kept, key)
    if found is None:
        found = regex.compile(pattern, flags)
        _new.add(key)
    _store[key] = found
    return found


def compiled_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, rebuilt from the store's program when the store has it."""
    key = (pattern, int(flags))
    found = _re_store.get(key)
    if found is not None:
        return found
    if _dir is None or key[1] & re.DEBUG:
        found = _re_store[key] = re.compile(pattern, flags)
        return found
    _re_used.add(key)
    if not _loaded:
        _load()
    kept = _re_kept.get(key)
    found = None if kept is None else _rebuilt(kept, key)
    if found is None:
        found = re.compile(pattern, flags)
        program = _program(pattern, key[1], found)
        if program is not None:
            _re_new[key] = program
    _re_store[key] = found
    return found


def table(name: str, text: str, read: Callable[[str], Any]) -> Any:
    """`read(text)`, the data of the table `name`; from the store when it holds that very text."""
    if _dir is None:
        return read(text)
    if not _loaded:
        _load()
    kept = _tables.get(name)
    if kept is not None and kept[0] == text:
        try:
            return _reading(False)(kept[1])
        except Exception:  # a damaged entry: read the table again
            pass
    data = read(text)
    _new_tables[name] = (text, data)
    return data


def cache_dir() -> Path | None:
    """The directory of the store under this environment, or None when it is turned off."""
    if os.environ.get("QIGONG_NO_CACHE", "").strip() not in ("", "0"):
        return None
    own = os.environ.get("QIGONG_CACHE_DIR", "").strip()
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base:
        return Path(base) / "qigong-parse"
    try:
        return Path.home() / ".cache" / "qigong-parse"
    except (RuntimeError, KeyError, OSError):  # no home directory (a service account, say): no cache
        return None


def store_path(directory: Path) -> Path:
    """The store's file in `directory`: one per `regex` version and Python minor version."""
    import regex

    return directory / f"patterns-regex{regex.__version__}-py{sys.version_info[0]}{sys.version_info[1]}.pickle"


def enable(directory: Path | None = None) -> Path | None:
    """Use the store in `directory` (default: `cache_dir()`); the directory, or None when off."""
    global _dir
    directory = cache_dir() if directory is None else directory
    if directory != _dir:
        _forget()
        _dir = directory
    return _dir


def disable() -> None:
    """Back to plain compiling (what `enable` loaded is forgotten; nothing is written)."""
    global _dir
    _forget()
    _dir = None


def _forget() -> None:
    global _loaded
    _store.clear()
    _kept.clear()
    _new.clear()
    _used.clear()
    _tables.clear()
    _new_tables.clear()
    _re_store.clear()
    _re_kept.clear()
    _re_new.clear()
    _re_used.clear()
    _loaded = False


def save() -> bool:
    """Write the store when this run added to it; False when there was nothing to write or the
    directory could not take it (a cache is never worth an error)."""
    if _dir is None or not (_new or _new_tables or _re_new):
        return False
    import contextlib
    import pickle

    import regex

    path = store_path(_dir)
    try:
        kept = {**_kept, **{key: pickle.dumps(_store[key], protocol=pickle.HIGHEST_PROTOCOL) for key in _new}}
    except (pickle.PicklingError, TypeError):
        return False
    if len(kept) > _MAX_PATTERNS:
        kept = {key: value for key, value in kept.items() if key in _used}
    programs = {**_re_kept, **{key: (_checksum(key, data), data) for key, data in _re_new.items()}}
    if len(programs) > _MAX_RE_PATTERNS:
        programs = {key: value for key, value in programs.items() if key in _re_used}
    tables = dict(_tables)
    for name, (text, data) in _new_tables.items():
        with contextlib.suppress(Exception):  # kept only if the reader will build it (built-in values)
            pickled = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
            if _reading(False)(pickled) == data:
                tables[name] = (text, pickled)
    payload = {"format": _FORMAT, "regex": regex.__version__, "python": list(sys.version_info[:2]),
               "patterns": kept, "tables": tables, "sre": _sre_build(), "re_patterns": programs}
    # written beside the store and renamed over it: a reader sees the old file or the new one
    temp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # this user's alone (whatever the umask): `_own` reads no other file
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return False
    _kept.update(kept)
    _tables.update(tables)
    _re_kept.update(programs)
    _new.clear()
    _new_tables.clear()
    _re_new.clear()
    return True


@functools.cache
def _sample() -> regex.Pattern[str]:
    import regex

    return regex.compile("")


@functools.cache
def _reading(patterns: bool) -> Any:
    """`data` → its value, by an unpickler that builds built-in values only and, with `patterns`,
    the one callable `regex` pickles its patterns with (its `copyreg` entry)."""
    import copyreg
    import io
    import pickle

    allowed = None
    if patterns:
        builder: Any = copyreg.dispatch_table[type(_sample())](_sample())[0]
        allowed = (builder.__module__, builder.__qualname__)

    class Reader(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) != allowed:
                raise pickle.UnpicklingError(f"not a pattern store: refers to {module}.{name}")
            return super().find_class(module, name)

    return lambda data: Reader(io.BytesIO(data)).load()


def _unpickled(data: bytes, key: _Key) -> regex.Pattern[str] | None:
    """The pattern pickled in `data` if it is the one `key` asks for, else None."""
    try:
        found = _reading(True)(data)
    except Exception:  # a damaged entry is compiled afresh
        return None
    if isinstance(found, type(_sample())) and found.pattern == key[0] and found.flags & key[1] == key[1]:
        return found
    return None


def _sre_build() -> list[object]:
    """What the stored `re` programs are valid for: this very Python build and `_sre`'s opcodes."""
    import _sre

    return [sys.version, sys.implementation.cache_tag, _sre.MAGIC, _sre.CODESIZE]


def _program(pattern: str, flags: int, compiled: re.Pattern[str]) -> bytes | None:
    """What `re._compiler.compile(pattern, flags)` hands `_sre.compile` (all but the pattern),
    pickled: None unless it rebuilds a pattern equal to `compiled` (private API that may change)."""
    try:
        import pickle
        from re import _compiler, _parser  # type: ignore[attr-defined]  # private, checked below

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        # the code's items are named int constants: kept as plain ints (the reader builds no other)
        program = (flags | parsed.state.flags, tuple(int(op) for op in code), parsed.state.groups - 1,
                   groupindex, tuple(indexgroup))
        data = pickle.dumps(program, protocol=pickle.HIGHEST_PROTOCOL)
        built = _rebuilt((0, data), (pattern, flags), check=False)
        if (built is None or built != compiled  # `==` compares the flags, the code and the pattern
                or built.groups != compiled.groups or built.groupindex != compiled.groupindex):
            return None
    except Exception:  # internals not shaped as expected: compiled each run
        return None
    return data


def _checksum(key: _Key, data: bytes) -> int:
    """A stored program's checksum, over the pattern it was made for too (damage, or a program
    filed under another pattern, is found before it is run)."""
    import zlib

    return zlib.crc32(data, zlib.crc32(repr(key).encode("utf-8")))


def _rebuilt(kept: tuple[int, bytes], key: _Key, check: bool = True) -> re.Pattern[str] | None:
    """The pattern `key` asks for from its stored program (checksum first), else None."""
    try:
        import _sre

        checksum, data = kept
        if check and _checksum(key, data) != checksum:
            return None
        flags, code, groups, groupindex, indexgroup = _reading(False)(data)
        if not (type(flags) is int and flags & key[1] == key[1] and type(code) is tuple
                and type(groups) is int and type(groupindex) is dict and type(indexgroup) is tuple
                and len(indexgroup) == groups + 1 and indexgroup[0] is None
                and all(type(name) is str and type(index) is int and 0 < index <= groups
                        and indexgroup[index] == name for name, index in groupindex.items())
                and sum(name is not None for name in indexgroup) == len(groupindex)):
            return None
        # `_sre.compile` takes only ints for the code and rejects code that is not well formed
        found: re.Pattern[str] = _sre.compile(key[0], flags, list(code), groups, groupindex, indexgroup)
    except Exception:  # a damaged entry is compiled afresh
        return None
    if found.pattern != key[0] or found.groups != groups:
        return None
    return found


def _own(info: os.stat_result) -> bool:
    """Whether a store file is this user's alone: a file someone else could have written (a shared
    QIGONG_CACHE_DIR) is not read, since its patterns' programs run in the regex engine as given."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or (info.st_uid == getuid() and not info.st_mode & 0o022)


def _load() -> None:
    """Read the store's file once; a file that does not hold what `save` writes is ignored."""
    global _loaded
    _loaded = True
    if _dir is None:
        return
    import regex

    try:
        with open(store_path(_dir), "rb") as file:
            if not _own(os.fstat(file.fileno())):
                return
            data = file.read()
        payload = _reading(False)(data)  # built-in values only
    except Exception:  # any damage to a cache file means: no cache
        return
    if not (isinstance(payload, dict) and payload.get("format") == _FORMAT
            and payload.get("regex") == regex.__version__
            and payload.get("python") == list(sys.version_info[:2])
            and isinstance(payload.get("patterns"), dict) and isinstance(payload.get("tables"), dict)):
        return
    for name, entry in payload["tables"].items():
        if (isinstance(name, str) and isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str)
                and isinstance(entry[1], bytes)):
            _tables[name] = entry
    for key, value in payload["patterns"].items():
        if (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and isinstance(key[1], int)
                and isinstance(value, bytes)):
            _kept[key] = value
    programs = payload.get("re_patterns")
    if payload.get("sre") != _sre_build() or not isinstance(programs, dict):
        return  # made by another Python build: its `re` programs are compiled afresh
    for key, value in programs.items():
        if (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and isinstance(key[1], int)
                and isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int)
                and isinstance(value[1], bytes)):
            _re_kept[key] = value
