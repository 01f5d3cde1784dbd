"""YAML out: a small block-style emitter, and atomic writes that never clobber a foreign file.

PyYAML is not imported here: writing needs none of it, and its import (~90 M instructions, its
resolver's and reader's patterns) was a fifth of what a cold `qigong parse` adds to its floor.
Reading is `yaml_in`.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import math
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, OutputError
from ..model.plain import field_names, plain
from ..run_cache import compiled_re

if TYPE_CHECKING:
    from ..model import output, records

    Document = records.Document | output.Document  # what the parser writes, and what a reader holds

# Anything larger is not worth loading just to decide whether it is one of ours.
_MAX_PROBE_BYTES = 64 * 1024 * 1024
_OUR_HEAD = re.compile(rb'schema_version: "?[0-9.]+"?\nsource:\n  file: ')
_OUR_JSON_HEAD = re.compile(rb'\{\s*"schema_version":\s*"[0-9.]+",\s*"source":\s*\{\s*"file":')

# Our own block-style emitter: PyYAML's representer and resolver run in Python per scalar and made
# dumping the slowest step of a cold `qigong parse`. The data is plain JSON-like values, so a small
# emitter suffices; a scalar is written plain only when it surely reads back as the same string,
# otherwise double-quoted with JSON escapes (valid YAML escapes) plus the ones YAML needs beyond JSON.
_PLAIN_FIRST = "(（《“〔【「『—…"
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"})
_FLOW_FORBIDDEN = frozenset(",[]{}#:?")
_ESCAPE = compiled_re(r"[^\x20-\x7e]")


def _is_plain(text: str, flow: bool) -> bool:
    if not text or not (text[0] in _PLAIN_FIRST or (text[0].isalpha() and text[0].isprintable())):
        return False
    # lower() never shortens a string, and no word is longer than 5
    if text[-1] in " :" or ": " in text or " #" in text or (len(text) <= 5 and text.lower() in _YAML_WORDS):
        return False
    if flow and not _FLOW_FORBIDDEN.isdisjoint(text):
        return False
    return text.isprintable()  # no tabs, breaks, controls, invisible or odd spaces


def _literal(text: str, indent: int) -> list[str] | None:
    """Multi-line text as a literal block (header and lines), or None when a block could not hold it."""
    body = text.rstrip("\n")
    if "\n" not in body or body.startswith(("\n", " ")):
        return None
    if "\n " in body or " \n" in body or body.endswith(" "):  # a line starting or ending with a space
        return None
    lines = body.split("\n")
    if not all(map(str.isprintable, lines)):
        return None
    trailing = len(text) - len(body)
    pad = " " * indent
    return ["|-" if trailing == 0 else "|" if trailing == 1 else "|+",
            *[pad + line if line else "" for line in lines], *[""] * (trailing - 1)]


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    if ch.isprintable():
        return ch
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _quote(text: str) -> str:
    return _ESCAPE.sub(_escape_char, json.dumps(text, ensure_ascii=False))


def _scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, str):
        return value if _is_plain(value, flow) else _quote(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        # YAML 1.1 floats need a dot: 1e+20 would read back as a string.
        return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _is_flow_key(key: str) -> bool:
    return key == "path" or key == "span" or key.endswith("_span")


_KEYS: dict[Any, tuple[str, bool]] = {}  # key → (as written, flow style): a document repeats a few dozen keys


def _key(key: Any) -> tuple[str, bool]:
    known = _KEYS.get(key)
    if known is None:
        known = (_scalar(key), isinstance(key, str) and _is_flow_key(key))
        if isinstance(key, str) and len(_KEYS) < 4096:
            _KEYS[key] = known
    return known


# Short strings recur (unit names, path tokens, markers, codes): their written form is kept, in
# block context and in a flow list apart.
_WRITTEN: dict[str, str] = {}
_WRITTEN_FLOW: dict[str, str] = {}


def _written(value: str, flow: bool) -> str:
    """A string scalar as written (plain or quoted), kept when short."""
    written = value if _is_plain(value, flow) else _quote(value)
    if len(value) <= 24:
        known = _WRITTEN_FLOW if flow else _WRITTEN
        if len(known) < 8192:
            known[value] = written
    return written


def _text(value: str, flow: bool) -> str:
    return (_WRITTEN_FLOW if flow else _WRITTEN).get(value) or _written(value, flow)


_EXACT = frozenset({str, list, dict, int, float, bool, type(None)})


def _exact(value: Any) -> tuple[Any, type]:
    """A subclass of str, list or dict (an enum member, say) as its base type; other values as they are."""
    if isinstance(value, str):
        return str.__str__(value), str
    if isinstance(value, list):
        return list(value), list
    if isinstance(value, dict):
        return dict(value), dict
    return value, type(value)


def _mapping(data: dict[str, Any], indent: int, out: list[str], first: str | None = None) -> None:
    pad = " " * indent
    append = out.append
    for key, value in data.items():
        written, flow = _key(key)
        head = f"{pad if first is None else first}{written}:"
        first = None
        kind = type(value)
        if kind not in _EXACT:
            value, kind = _exact(value)
        if kind is str:
            block = _literal(value, indent + 2) if "\n" in value else None
            if block:
                append(f"{head} {block[0]}")
                out.extend(block[1:])
            else:
                append(f"{head} {_text(value, False)}")
        elif kind is list:
            if flow:
                items = ", ".join(_text(v, True) if type(v) is str else _scalar(v, flow=True) for v in value)
                append(f"{head} [{items}]")
            elif value:
                append(head)
                _sequence(value, indent, out)  # "- " at the key's own indent, as PyYAML writes it
            else:
                append(f"{head} []")
        elif kind is dict:
            if value:
                append(head)
                _mapping(value, indent + 2, out)
            else:
                append(f"{head} {{}}")
        else:
            append(f"{head} {_empty_or_scalar(value)}")


def _sequence(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        kind = type(item)
        if kind not in _EXACT:
            item, kind = _exact(item)
        if kind is dict and item:
            _mapping(item, indent + 2, out, first=f"{pad}- ")
        elif kind is list and item:
            out.append(f"{pad}-")
            _sequence(item, indent + 2, out)
        elif kind is str and "\n" in item and (block := _literal(item, indent + 2)):
            out.append(f"{pad}- {block[0]}")
            out.extend(block[1:])
        elif kind is str:
            out.append(f"{pad}- {_text(item, False)}")
        else:
            out.append(f"{pad}- {_empty_or_scalar(item)}")


def _empty_or_scalar(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def to_yaml(data: dict[str, Any]) -> str:
    """JSON-like data as block-style YAML; `path`, `span` and `*_span` lists in flow style."""
    out: list[str] = []
    _mapping(data, 0, out)
    return "\n".join(out) + "\n"


# Records and output models are written straight from their fields, as `to_yaml(plain(record))`
# writes them, without building the dicts: into pieces (a line's head, starting with its "\n", and its
# value apart), joined once. Per class and indent, the heads are made once. Strings, ints, None,
# bools, floats, dates, spans, records and lists of them are written here; any other value goes
# through `plain` and the generic emitter.
_Field = tuple[str, str, str, bool, bool]  # name, "\n<pad>key:", "\n<pad>key: ", flow style, left out when None
_PLANS: dict[tuple[type, int], tuple[_Field, ...]] = {}  # () for neither a record nor an output model


def _plan(kind: type, indent: int) -> tuple[_Field, ...]:
    """How to write a record or output model class at `indent`; () for any other type, and for a
    class whose fields may all be left out (the generic emitter writes that as ``{}``)."""
    names = field_names(kind)
    plan: tuple[_Field, ...] = ()
    if names is not None:
        omit: frozenset[str] = getattr(kind, "_omit_if_none", frozenset())
        if not omit.issuperset(names):
            pad = "\n" + " " * indent
            fields = []
            for name in names:
                written, flow = _key(name)
                fields.append((name, f"{pad}{written}:", f"{pad}{written}: ", flow, name in omit))
            plan = tuple(fields)
    _PLANS[kind, indent] = plan
    return plan


def _record(value: Any, plan: tuple[_Field, ...], indent: int, out: list[str]) -> None:
    """The fields of a record or an output model, as `_mapping(plain(value), indent)` writes them."""
    fields = value.__dict__
    append = out.append
    inner = indent + 2
    for name, head, head_sp, flow, omitted in plan:
        item = fields[name]
        kind = type(item)
        if kind is str:
            append(head_sp)
            append(_WRITTEN.get(item) or _value_text(item, inner))
        elif kind is list or kind is tuple:
            if not item:
                append(head_sp)
                append("[]")
            elif flow:
                append(head_sp)
                if len(item) == 2 and type(item[0]) is int and type(item[1]) is int:
                    append(f"[{item[0]}, {item[1]}]")  # a span
                else:
                    append("[" + ", ".join([_flow_item(v) for v in item]) + "]")
            else:
                append(head)
                _items(item, indent, out)  # "- " at the key's own indent, as PyYAML writes it
        elif item is None:
            if not omitted:
                append(head_sp)
                append("null")
        elif kind is bool:
            append(head_sp)
            append("true" if item else "false")
        elif kind is int:
            append(head_sp)
            append(str(item))
        elif kind is float and "." in (text := repr(item)):  # finite, and reads back as a float
            append(head_sp)
            append(text)
        elif kind is dt.date:  # as `plain` gives it: the ISO string
            append(head_sp)
            append(_text(item.isoformat(), False))
        else:
            nested = _PLANS.get((kind, inner))
            if nested is None:
                nested = _plan(kind, inner)
            if nested:
                append(head)
                _record(item, nested, inner, out)
            else:  # a dict, a datetime, a subclass of str …: as the generic emitter writes it
                lines: list[str] = []
                _mapping({name: plain(item)}, indent, lines)
                append("\n" + "\n".join(lines))


def _value_text(text: str, indent: int) -> str:
    """A string as `_mapping` and `_sequence` write it after "key: " or "- ": a literal block's header
    and lines, or a scalar. A string kept in `_WRITTEN` is one that no block holds."""
    if "\n" in text and (block := _literal(text, indent)):
        return "\n".join(block)
    return _written(text, False)


def _flow_item(value: Any) -> str:
    if type(value) is str:
        return _WRITTEN_FLOW.get(value) or _written(value, True)
    return _scalar(value if type(value) in _EXACT else plain(value), flow=True)


def _items(items: list[Any] | tuple[Any, ...], indent: int, out: list[str]) -> None:
    """The items of a list, as `_sequence(plain(items), indent)` writes them."""
    dash = "\n" + " " * indent + "- "
    inner = indent + 2
    append = out.append
    for item in items:
        kind = type(item)
        if kind is str:
            append(dash)
            append(_WRITTEN.get(item) or _value_text(item, inner))
        elif kind is int:
            append(dash)
            append(str(item))
        else:
            plan = _PLANS.get((kind, inner))
            if plan is None:
                plan = _plan(kind, inner)
            if plan:
                start = len(out)
                _record(item, plan, inner, out)
                out[start] = dash + out[start][inner + 1:]  # the first key on the dash's line
            else:
                lines: list[str] = []
                _sequence([plain(item)], indent, lines)
                append("\n" + "\n".join(lines))


def dump_yaml(doc: Document) -> str:
    """The document as YAML: keys in model order, unicode as is, spans and paths as ``[a, b]``.

    Dates are written as quoted strings ("2025-03-06"): a YAML loader then reads the same string the
    JSON Schema describes, where an unquoted date would load as a date object and fail the schema.
    """
    kind = type(doc)
    plan = _PLANS.get((kind, 0))
    if plan is None:
        plan = _plan(kind, 0)
    if not plan:
        return to_yaml(plain(doc))
    out: list[str] = []
    _record(doc, plan, 0, out)
    out[0] = out[0][1:]  # the first line's "\n"
    out.append("\n")
    return "".join(out)


OUTPUT_FORMATS = ("yaml", "json", "jsonl")


def finite(data: Any) -> Any:
    """JSON-like data with NaN and ±Infinity replaced by None: JSON has no such numbers."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


def json_text(data: Any, *, lines: bool = False) -> str:
    """Strict JSON (no NaN/Infinity): indented, or one line when `lines` (JSON Lines)."""
    if lines:
        return json.dumps(finite(data), ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"
    return json.dumps(finite(data), ensure_ascii=False, allow_nan=False, indent=2) + "\n"


def dump_document(doc: Document, to: str = "yaml") -> str:
    """The document as `yaml`, `json` (indented) or `jsonl` (one line)."""
    if to == "yaml":
        return dump_yaml(doc)
    if to in ("json", "jsonl"):
        return json_text(plain(doc), lines=to == "jsonl")
    raise ValueError(f"unknown output format {to!r}")


def is_qigong_output(path: Path) -> bool:
    """True if `path` is a regular file holding YAML whose top level has `schema_version` and `source`."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as stream:
            head = stream.read(256)
            if _OUR_HEAD.match(head) or _OUR_JSON_HEAD.match(head):
                return True  # how dump_yaml starts: no need to load the whole file
        if path.stat().st_size > _MAX_PROBE_BYTES:
            return False
        raw = path.read_bytes()
    except OSError:
        return False
    from yaml import YAMLError  # only for a file that does not start as our outputs do

    from .yaml_in import parse_yaml

    try:
        data = parse_yaml(raw)
    except (YAMLError, ValueError, InputError):
        return False
    return isinstance(data, dict) and "schema_version" in data and "source" in data


def check_writable(path: Path, *, force: bool = False) -> None:
    """Raise `OutputError` unless writing `path` is safe: a new file, or one of our outputs (or `force`).

    `force` only lifts the "not a qigong output" guard. Whatever it says, a symbolic link is never
    replaced, nor a read-only file; a device, FIFO or socket is never replaced by a regular file
    (character devices and FIFOs are written into, as `> /dev/null` would; others are refused).
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{path} is a directory")
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: directory {path.parent} does not exist")
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(f"refusing to replace {path}: it is a symbolic link (write to its target, "
                          "or -o - for stdout)")
    if _writes_into(info.st_mode):
        return
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"refusing to write {path}: not a regular file, a character device or a FIFO")
    if not info.st_mode & stat.S_IWUSR:
        raise OutputError(f"refusing to replace {path}: it is read-only (make it writable first)")
    if not force and not is_qigong_output(path):
        raise OutputError(f"refusing to overwrite {path}: not a qigong output (use --force)")


def _writes_into(mode: int) -> bool:
    """Targets that are written into, never replaced: character devices (/dev/null) and FIFOs."""
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _new_file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# Targets being written by this process: a SIGTERM handler (batch workers) removes their temporary
# files before exiting; those of a process killed outright are removed by the next write beside them.
_writing: set[Path] = set()
_TEMP_NAME = compiled_re(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.tmp")


def remove_own_temp_files() -> None:
    """Remove the temporary files of this process's writes in progress (for a signal handler)."""
    for path in list(_writing):
        try:
            for tmp in path.parent.glob(f".{glob.escape(path.name)}.{os.getpid()}.*.tmp"):
                tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _remove_stale_temp_files(path: Path) -> None:
    """Remove `.NAME.PID.*.tmp` files beside `path` left by writers of `path` that no longer run."""
    prefix = f".{path.name}."
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if not match or not entry.name.startswith(prefix) or match["name"] != path.name:
            continue
        if _pid_alive(int(match["pid"])):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        except OSError:
            pass


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process: leave its file alone
    return True


def atomic_write(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part.

    The file is always fsynced; `sync_dir=False` leaves the directory's fsync (which makes the
    rename durable) to the caller, who writes many files and syncs their folder once (`sync_directory`).

    A character device or FIFO is written into instead (there is no file to replace); a symbolic
    link or any other non-regular file is refused, whatever the caller checked before.
    """
    try:
        info: os.stat_result | None = path.lstat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise OutputError(f"refusing to replace {path}: it is a symbolic link")
    if info is not None and _writes_into(info.st_mode):
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(f"refusing to write {path}: not a regular file")
    _remove_stale_temp_files(path)
    mode = _new_file_mode(path)
    _writing.add(path)  # before the file exists: a signal between the two lines finds it all the same
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _writing.discard(path)
    if sync_dir:
        sync_directory(path.parent)


def sync_directory(folder: Path) -> None:
    """fsync a directory: make the renames done in it durable (a no-op where directories cannot be opened)."""
    try:  # not every platform can open a directory
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_yaml(doc: Document, path: str | Path, force: bool = False, to: str = "yaml", *,
               sync_dir: bool = True) -> Path:
    """Write `doc` as YAML (or `to` json/jsonl) to `path` atomically; refuse to overwrite a file that is
    not a qigong output. `sync_dir=False`: see `atomic_write` (a batch syncs each output folder once)."""
    path = Path(path)
    check_writable(path, force=force)
    try:
        atomic_write(path, dump_document(doc, to).encode("utf-8"), sync_dir=sync_dir)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


