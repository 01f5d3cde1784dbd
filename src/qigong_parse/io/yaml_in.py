"""YAML in: untrusted YAML bytes to plain data (bounded, no aliases), and our outputs read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..model.output import READING, Document
from .yaml_own import NOT_OURS, read_own

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Limits on YAML inputs (validate, export, units, diff). Our outputs never use anchors or aliases,
# and an alias bomb of 1.5 KB materialises as billions of nodes once pydantic walks it: aliases are
# refused, and the composed tree is bounded in size and depth before any object is built.
MAX_YAML_BYTES = 64 * 1024 * 1024
MAX_YAML_NODES = 4_000_000
MAX_YAML_DEPTH = 200

def yaml_error_message(exc: yaml.YAMLError) -> str:
    """A YAML error in one line, with the 1-based line and column where the parser stopped."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    what = f"{context}: {problem}" if context else str(problem)
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {what}"
    return what


def _check_tree(root: yaml.Node) -> None:
    """InputError when the composed tree shares a node (an alias), or exceeds the node or depth limit."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise InputError("YAML aliases (*name) are not accepted: qigong outputs never use them")
        seen.add(id(node))
        if len(seen) > MAX_YAML_NODES:
            raise InputError(f"more than {MAX_YAML_NODES:,} YAML nodes: larger than any qigong output")
        if depth > MAX_YAML_DEPTH:
            raise InputError(f"YAML nested more than {MAX_YAML_DEPTH} levels deep")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def parse_yaml(raw: bytes) -> Any:
    """Untrusted YAML bytes → data: safe types only, no aliases, bounded nodes and depth.

    Raises `yaml.YAMLError` for malformed YAML, `InputError` past a limit.
    """
    if len(raw) > MAX_YAML_BYTES:
        raise InputError(f"larger than the limit of {MAX_YAML_BYTES // (1024 * 1024)} MiB for YAML inputs")
    try:
        own = read_own(raw.decode("utf-8"), MAX_YAML_NODES, MAX_YAML_DEPTH)
    except UnicodeDecodeError:
        own = NOT_OURS
    if own is not NOT_OURS:
        return own  # laid out as `to_yaml` writes it: read without composing a node per scalar
    loader = _Loader(raw)
    try:
        try:
            root = loader.get_single_node()
        except RecursionError:  # the pure-Python composer recurses per level (no libyaml)
            raise InputError(f"YAML nested more than {MAX_YAML_DEPTH} levels deep") from None
        if root is None:
            return None
        data = _Plain(loader).build(root)
        if data is _Plain.UNUSUAL:
            _check_tree(root)  # raises the limit's own message where the tree breaks one
            return loader.construct_document(root)
        return data
    finally:
        loader.dispose()


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
# Scalars PyYAML's safe constructor turns into a value in one call (no generator, no state).
_SCALAR_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                          "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"})


class _Unusual(Exception):
    """The tree holds something the plain builder leaves to PyYAML (or breaks a limit)."""


class _Plain:
    """The data of a composed tree of plain mappings, sequences and scalars, in one walk that also
    checks the limits `_check_tree` checks (no shared node, the node count, the depth).

    It gives exactly what PyYAML's safe constructor gives for such a tree, without its per-node
    Python machinery (a generator per mapping, a state per object). Anything else (merge keys,
    non-string keys, other tags, a broken limit) returns UNUSUAL: the caller then runs the
    standard path, which raises or constructs as it always did.
    """

    UNUSUAL: Any = object()

    def __init__(self, loader: Any) -> None:
        self.scalar = {tag: loader.yaml_constructors[tag].__get__(loader) for tag in _SCALAR_TAGS}
        self.seen: set[int] = set()

    def build(self, root: yaml.Node) -> Any:
        try:
            return self._node(root, 1)
        except _Unusual:
            return self.UNUSUAL

    def _node(self, node: yaml.Node, depth: int) -> Any:
        seen = self.seen
        if id(node) in seen or depth > MAX_YAML_DEPTH or len(seen) >= MAX_YAML_NODES:
            raise _Unusual
        seen.add(id(node))
        kind = type(node)
        tag = node.tag
        if kind is yaml.ScalarNode:
            if tag == _STR_TAG:
                return node.value
            if tag == _INT_TAG and node.value.isascii() and node.value.isdigit() and (
                    node.value[0] != "0" or len(node.value) == 1):
                return int(node.value)  # what construct_yaml_int gives a plain decimal (0… is octal)
            if tag in _SCALAR_TAGS:
                return self.scalar[tag](node)
        elif tag == _MAP_TAG and kind is yaml.MappingNode:
            out: dict[str, Any] = {}
            for key, value in node.value:
                if key.tag != _STR_TAG or type(key) is not yaml.ScalarNode or id(key) in seen:
                    raise _Unusual  # merge keys (<<), non-string keys: PyYAML's rules
                seen.add(id(key))
                out[key.value] = self._node(value, depth + 1)
            return out
        elif tag == _SEQ_TAG and kind is yaml.SequenceNode:
            return [self._node(item, depth + 1) for item in node.value]
        raise _Unusual


def load_yaml(path: Path) -> Any:
    """The YAML content of `path`; `InputError` when the file cannot be read or parsed."""
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            raise InputError(f"{path}: larger than the limit of {MAX_YAML_BYTES // (1024 * 1024)} MiB "
                             "for YAML inputs")
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return parse_yaml(raw)
    except InputError as exc:
        raise InputError(f"{path}: {exc.message}") from None
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
        return Document.model_validate(data, context=READING)
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
