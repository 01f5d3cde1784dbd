"""Compiled patterns, kept between runs of the command line.

Compiling the ~150 patterns of the rule tables with `regex` costs a cold `qigong parse` about a
tenth of its time (~35 ms here; the `regex` module parses and optimises a pattern in Python).
`regex` pickles a compiled pattern as its finished program (`copyreg` entry of `regex.Pattern`),
which loads in C in a few microseconds. `compiled` therefore looks a pattern up in a store
loaded once from the user's cache directory, compiles only what the store lacks, and `save`
writes the store back when something was added.

The store is used only where `enable` was called: the console script does so at start-up
(`qigong_parse.cli.main`). Library use compiles as `regex.compile` does and writes nothing.
`QIGONG_NO_CACHE=1` turns the store off; `QIGONG_CACHE_DIR` moves it (default
`$XDG_CACHE_HOME/qigong-parse`, else `~/.cache/qigong-parse`).

The file is read with an unpickler that builds nothing but `regex` patterns (the one callable
`regex` registers for them) and built-in containers; a file that is damaged, foreign, or made by
another `regex` or Python is ignored and replaced at the next save. A pattern loaded from the
store is checked to be the one asked for.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import io
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import regex

_FORMAT = 1
# A store holding more than this (rules changed often, say) is rewritten with this run's patterns.
_MAX_PATTERNS = 2000

_Key = tuple[str, int]

_store: dict[_Key, regex.Pattern[str]] = {}  # the patterns this process has built
_kept: dict[_Key, bytes] = {}  # the store's file: each pattern pickled alone, unpickled when asked for
_new: set[_Key] = set()  # compiled by this process, not in the file yet
_used: set[_Key] = set()
_path: Path | None = None  # where the store lives; None: no store (library use, or turned off)
_loaded = False


def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile(pattern, flags)`, from the store when the store has it."""
    key = (pattern, int(flags))  # a RegexFlag member would pickle as a class reference
    found = _store.get(key)
    if found is not None:
        return found
    if _path is None:
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


def cache_dir() -> Path | None:
    """The directory of the store under this environment, or None when it is turned off."""
    if os.environ.get("QIGONG_NO_CACHE", "").strip() not in ("", "0"):
        return None
    own = os.environ.get("QIGONG_CACHE_DIR", "").strip()
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "qigong-parse"


def store_path(directory: Path) -> Path:
    """The store's file in `directory`: one per `regex` version and Python minor version."""
    return directory / f"patterns-regex{regex.__version__}-py{sys.version_info[0]}{sys.version_info[1]}.pickle"


def enable(directory: Path | None = None) -> Path | None:
    """Use the store in `directory` (default: `cache_dir()`); the store's file, or None when off."""
    global _path
    directory = cache_dir() if directory is None else directory
    path = None if directory is None else store_path(directory)
    if path != _path:
        _forget()
        _path = path
    return _path


def disable() -> None:
    """Back to plain compiling (what `enable` loaded is forgotten; nothing is written)."""
    global _path
    _forget()
    _path = None


def _forget() -> None:
    global _loaded
    _store.clear()
    _kept.clear()
    _new.clear()
    _used.clear()
    _loaded = False


def save() -> bool:
    """Write the store when this run added to it; False when there was nothing to write or the
    directory could not take it (a cache is never worth an error)."""
    if _path is None or not _new:
        return False
    try:
        kept = {**_kept, **{key: pickle.dumps(_store[key], protocol=pickle.HIGHEST_PROTOCOL) for key in _new}}
    except (pickle.PicklingError, TypeError):
        return False
    if len(kept) > _MAX_PATTERNS:
        kept = {key: value for key, value in kept.items() if key in _used}
    payload = {"format": _FORMAT, "regex": regex.__version__, "python": list(sys.version_info[:2]),
               "patterns": kept}
    # written beside the store and renamed over it: a reader sees the old file or the new one
    temp = _path.with_name(f".{_path.name}.{os.getpid()}.tmp")
    try:
        _path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(temp, "xb") as out:
            out.write(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, _path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return False
    _kept.update(kept)
    _new.clear()
    return True


def _pattern_builder() -> tuple[str, str]:
    """(module, name) of the callable `regex` pickles its patterns with."""
    sample = _builder_sample()
    builder: Any = copyreg.dispatch_table[type(sample)](sample)[0]
    return builder.__module__, builder.__qualname__


class _Unpickler(pickle.Unpickler):
    """Builds built-in values, and at most the one callable named in `allowed`."""

    allowed: tuple[str, str] | None = None

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) != self.allowed:
            raise pickle.UnpicklingError(f"not a pattern store: refers to {module}.{name}")
        return super().find_class(module, name)


_builder: tuple[str, str] | None = None


def _unpickled(data: bytes, key: _Key) -> regex.Pattern[str] | None:
    """The pattern pickled in `data` if it is the one `key` asks for, else None."""
    global _builder
    if _builder is None:
        _builder = _pattern_builder()
    try:
        unpickler = _Unpickler(io.BytesIO(data))
        unpickler.allowed = _builder
        found = unpickler.load()
    except Exception:  # a damaged entry is compiled afresh
        return None
    if isinstance(found, type(_builder_sample())) and found.pattern == key[0] and found.flags & key[1] == key[1]:
        return found
    return None


@functools.cache
def _builder_sample() -> regex.Pattern[str]:
    return regex.compile("")


def _load() -> None:
    """Read the store's file once; a file that does not hold what `save` writes is ignored."""
    global _loaded
    _loaded = True
    if _path is None:
        return
    try:
        data = _path.read_bytes()
        payload = _Unpickler(io.BytesIO(data)).load()  # built-in values only
    except Exception:  # any damage to a cache file means: no cache
        return
    if not (isinstance(payload, dict) and payload.get("format") == _FORMAT
            and payload.get("regex") == regex.__version__
            and payload.get("python") == list(sys.version_info[:2])
            and isinstance(payload.get("patterns"), dict)):
        return
    for key, value in payload["patterns"].items():
        if (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and isinstance(key[1], int)
                and isinstance(value, bytes)):
            _kept[key] = value
