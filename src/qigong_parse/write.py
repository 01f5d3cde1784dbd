"""YAML out (C emitter when present, atomic write that never clobbers a foreign file) and YAML in."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, OutputError
from .models import Document

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Anything larger is not worth loading just to decide whether it is one of ours.
_MAX_PROBE_BYTES = 64 * 1024 * 1024


class _Flow(list[Any]):
    """A list emitted in flow style: spans and paths read best as ``[a, b]``."""


class _Emitter(_Dumper):
    pass


def _represent_flow(dumper: Any, data: _Flow) -> Any:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_str(dumper: Any, data: str) -> Any:
    # Multi-line text reads best as a literal block; the emitter falls back to quotes when it must.
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Emitter.add_representer(_Flow, _represent_flow)
_Emitter.add_representer(str, _represent_str)


def _is_flow_key(key: str) -> bool:
    return key == "path" or key == "span" or key.endswith("_span")


def _prepare(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (_Flow(v) if _is_flow_key(k) and isinstance(v, list) else _prepare(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_prepare(v) for v in value]
    return value


def dump_yaml(doc: Document) -> str:
    """The document as YAML: keys in model order, unicode as is, spans and paths as ``[a, b]``."""
    data = doc.model_dump(mode="json")
    notice = data.get("notice")
    if notice and notice.get("date"):
        # A real date emits unquoted (2025-03-06) and loads back as a date.
        notice["date"] = dt.date.fromisoformat(notice["date"])
    text: str = yaml.dump(_prepare(data), Dumper=_Emitter, allow_unicode=True, sort_keys=False,
                          width=1_000_000, default_flow_style=False)
    return text


def is_qigong_output(path: Path) -> bool:
    """True if `path` is a regular file holding YAML whose top level has `schema_version` and `source`."""
    try:
        if not path.is_file() or path.stat().st_size > _MAX_PROBE_BYTES:
            return False
        data = yaml.load(path.read_bytes(), Loader=_Loader)
    except (OSError, yaml.YAMLError, ValueError):
        return False
    return isinstance(data, dict) and "schema_version" in data and "source" in data


def check_writable(path: Path, *, force: bool = False) -> None:
    """Raise `OutputError` unless writing `path` is safe: a new file, or one of our outputs (or `force`)."""
    if path.is_dir():
        raise OutputError(f"{path} is a directory")
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: directory {path.parent} does not exist")
    if force:
        return
    if path.is_symlink():
        raise OutputError(f"refusing to replace {path}: it is a symbolic link (use --force)")
    if path.exists():
        if not path.is_file():
            raise OutputError(f"refusing to write {path}: not a regular file")
        if not is_qigong_output(path):
            raise OutputError(f"refusing to overwrite {path}: not a qigong output (use --force)")


def _new_file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part."""
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
    try:  # make the rename itself durable; not every platform can open a directory
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_yaml(doc: Document, path: str | Path, force: bool = False) -> Path:
    """Write `doc` as YAML to `path` atomically; refuse to overwrite a file that is not a qigong output."""
    path = Path(path)
    check_writable(path, force=force)
    try:
        atomic_write(path, dump_yaml(doc).encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def yaml_error_message(exc: yaml.YAMLError) -> str:
    """A YAML error in one line, with the 1-based line and column where the parser stopped."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    what = f"{context}: {problem}" if context else str(problem)
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {what}"
    return what


def load_yaml(path: Path) -> Any:
    """The YAML content of `path`; `InputError` when the file cannot be read or parsed."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return yaml.load(raw, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {yaml_error_message(exc)}") from exc
    except ValueError as exc:  # e.g. a date-looking scalar that is no date
        raise InputError(f"{path}: not valid YAML: {exc}") from exc


def load_document(path: str | Path) -> Document:
    """Read a qigong YAML output back into a `Document`; `InputError` with a readable message otherwise."""
    from pydantic import ValidationError

    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a qigong document (top level is not a mapping)")
    try:
        return Document.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        where = format_loc(first["loc"]) or "document"
        more = f" (and {len(errors) - 1} more; run `qigong validate`)" if len(errors) > 1 else ""
        raise InputError(f"{path}: {where}: {first['msg']}{more}") from exc


def format_loc(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """A pydantic error location as a YAML path: ``parts[2].nodes[0].span``."""
    out = ""
    for item in loc:
        if isinstance(item, int):
            out += f"[{item}]"
        else:
            out += f".{item}" if out else str(item)
    return out
