"""A fast reader for YAML laid out as `to_yaml` writes it; anything else is left to PyYAML.

libyaml composes a Python node object per scalar before anything is built: on a qigong output that
is most of a cold `qigong validate`. What `to_yaml` writes is a small, regular subset (block
mappings and sequences two spaces deep, flow lists of scalars, literal blocks, plain scalars that
PyYAML's own resolver types, double-quoted strings with JSON escapes). `read_own` reads exactly
that subset, line by line, and returns `NOT_OURS` at the first line that leaves it (a comment, an
anchor, a single quote, a tab, another indentation …), so that the caller runs PyYAML instead. For
what it reads it gives what PyYAML's safe loader gives: tests/test_yaml_own.py checks the two
agree on random data and on randomly damaged outputs.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

NOT_OURS: Any = object()

# Characters this reader never accepts anywhere: what PyYAML's reader refuses, and every line
# break, tab or byte-order mark beyond "\n" (YAML gives them meanings a line split would miss).
# Listed as what is refused: the complement (what is accepted) takes ~5 ms to compile.
_REFUSED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: |$)")
# A plain item of a flow list: no flow indicator, no "#", ":" or "?" at all (to_yaml quotes them;
# PyYAML's flow scanner refuses some of them), "-" first only before a non-space.
_NOT_FIRST = frozenset(",[]{}#&*!|>'\"%@`")
_INTS = re.compile(r"\[(?:0|[1-9][0-9]*)(?:, (?:0|[1-9][0-9]*))*\]")


def _is_plain(text: str) -> bool:
    """A plain scalar as `to_yaml` writes one: a safe first character, no comment, no ": ", no
    trailing colon or space (what it means is left to PyYAML's resolver)."""
    first = text[0]
    if first.isspace() or first in _NOT_FIRST or text[-1] in " :" or ": " in text or " #" in text:
        return False
    return not (first in "-?:" and (len(text) == 1 or text[1] in " ]"))


_FLOW_PLAIN = re.compile(r"(?:-(?=[^ ,\]])|[^\s,\[\]{}#&*!|>'\"%@`?:-])[^\n,\[\]{}#:?]*(?<! )")
_QUOTED = re.compile(r'"((?:[^"\\]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8})*)"')
_ESCAPE = re.compile(r'\\(["\\/bfnrt]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})')
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _Leave(Exception):
    """The text leaves the subset: PyYAML reads it."""


@cache
def _resolver() -> Any:
    return yaml.SafeLoader("")


# First characters PyYAML's implicit resolvers look at: a plain scalar starting otherwise is a str.
_RESOLVED_FIRST = frozenset(k for k in yaml.SafeLoader.yaml_implicit_resolvers if k)
_SCALAR_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp")
_PLAIN_KEYS: dict[str, bool] = {}  # key → whether PyYAML reads it as that very string


_TYPED: dict[str, Any] = {}  # short plain scalars recur (kinds, roles, codes): what each reads as


def _typed(text: str) -> Any:
    """A plain scalar as PyYAML's safe loader types it (its own resolver and constructors)."""
    if text[0] not in _RESOLVED_FIRST:
        return text
    if text.isascii() and text.isdigit() and (text[0] != "0" or len(text) == 1):
        return int(text)
    known = _TYPED.get(text, _TYPED)
    if known is not _TYPED:
        return known
    typed = _resolved(text)
    if len(text) <= 32 and len(_TYPED) < 4096:
        _TYPED[text] = typed  # every value typed here is immutable (str, int, float, bool, None, date)
    return typed


def _resolved(text: str) -> Any:
    loader = _resolver()
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    if tag == "tag:yaml.org,2002:str":
        return text
    if tag not in _SCALAR_TAGS:
        raise _Leave  # the "=" value tag, say: PyYAML says what it makes of it
    return loader.yaml_constructors[tag](loader, yaml.ScalarNode(tag, text))


_KEY_NAMES: dict[str, bool] = {}  # text before a line's first ":" → whether it is a plain key


def _key_name(name: str) -> bool:
    """Whether `name` is a key `to_yaml` writes plain: an identifier PyYAML reads as that string."""
    known = _KEY.fullmatch(name + ": ") is not None and _plain_key(name)
    if len(_KEY_NAMES) < 4096:
        _KEY_NAMES[name] = known
    return known


def _plain_key(key: str) -> bool:
    known = _PLAIN_KEYS.get(key)
    if known is None:
        typed = _typed(key)
        known = type(typed) is str and typed == key
        if len(_PLAIN_KEYS) < 4096:
            _PLAIN_KEYS[key] = known
    return known


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) == 1:
        return _SIMPLE_ESCAPES[code]
    return chr(int(code[1:], 16))


class _Reader:
    def __init__(self, text: str, max_nodes: int, max_depth: int) -> None:
        self.lines = text.split("\n")
        self.lines.pop()  # the text ends with "\n": the last piece is empty
        self.at = 0
        self.nodes = 0
        self.max_nodes = max_nodes
        self.max_depth = max_depth

    def scalar(self, text: str) -> Any:
        """A whole value written on one line after "key: " or "- "."""
        self.nodes += 1
        if text.startswith('"'):
            quoted = _QUOTED.fullmatch(text)
            if quoted is None:
                raise _Leave
            return _ESCAPE.sub(_unescape, quoted.group(1))
        if text == "[]":
            return []
        if text == "{}":
            return {}
        if text.startswith("["):
            return self.flow(text)
        if not _is_plain(text):
            raise _Leave
        return _typed(text)

    def flow(self, text: str) -> list[Any]:
        if _INTS.fullmatch(text):  # a span: [start, end]
            numbers = text[1:-1].split(", ")
            self.nodes += len(numbers)
            return [int(n) for n in numbers]
        if not text.endswith("]"):
            raise _Leave
        items: list[Any] = []
        pos, end = 1, len(text) - 1
        while True:
            found = (_QUOTED if text.startswith('"', pos) else _FLOW_PLAIN).match(text, pos, end)
            if found is None:
                raise _Leave
            item = found.group()
            items.append(_ESCAPE.sub(_unescape, found.group(1)) if item.startswith('"') else _typed(item))
            self.nodes += 1
            pos = found.end()
            if pos == end:
                return items
            if not text.startswith(", ", pos):
                raise _Leave
            pos += 2

    def literal(self, header: str, indent: int) -> str:
        """A literal block (|-, |, |+) whose lines stand at `indent`."""
        self.nodes += 1
        pad = " " * indent
        body: list[str] = []
        lines = self.lines
        while self.at < len(lines):
            line = lines[self.at]
            if line.startswith(pad) and line[indent:indent + 1] not in ("", " "):
                body.append(line[indent:])
            elif line:
                break
            else:
                body.append("")
            self.at += 1
        trailing = len(body)
        while trailing and not body[trailing - 1]:
            trailing -= 1
        if trailing == 0:
            raise _Leave
        text = "\n".join(body[:trailing])
        if header == "|-":
            return text
        if header == "|":
            return text + "\n"
        return text + "\n" * (1 + len(body) - trailing)

    def value(self, rest: str, indent: int, depth: int) -> Any:
        """What follows "key:" (rest: after the colon) or "- " at `indent`."""
        if depth > self.max_depth - 3:  # near the limit: PyYAML's path applies it exactly
            raise _Leave
        if rest in ("|-", "|", "|+"):
            return self.literal(rest, indent + 2)
        if rest:
            return self.scalar(rest)
        raise _Leave

    def mapping(self, indent: int, depth: int, first: str | None = None) -> dict[str, Any]:
        """Keys at `indent`; `first`: the first key's line when it follows "- " on an item line."""
        if depth > self.max_depth - 3:  # near the limit: PyYAML's path applies it exactly
            raise _Leave
        self.nodes += 1
        pad = " " * indent
        out: dict[str, Any] = {}
        lines = self.lines
        while True:
            if first is not None:
                line, first = first, None
            elif self.at < len(lines) and lines[self.at].startswith(pad) and lines[self.at][indent:indent + 1] != " ":
                line = lines[self.at][indent:]
                if line[:1] == "-":
                    return out
                self.at += 1
            else:
                return out
            # "name:" ends the line or "name: " starts a value; a name is a plain identifier key
            colon = line.find(":")
            name = line[:colon]
            if colon < 0 or not (_KEY_NAMES.get(name) or _key_name(name)):
                raise _Leave
            self.nodes += 1
            if colon + 1 == len(line):
                out[name] = self.block(indent, depth)
                continue
            rest = line[colon + 2:]
            if line[colon + 1] != " " or not rest:
                raise _Leave  # "key:x", or "key: " with nothing after the space
            if rest[0] != "|":
                out[name] = self.scalar(rest)
            else:
                out[name] = self.value(rest, indent, depth + 1)

    def block(self, indent: int, depth: int) -> Any:
        """The value of "key:" with nothing after it: a mapping two deeper or a sequence at `indent`."""
        if self.at >= len(self.lines):
            raise _Leave
        line = self.lines[self.at]
        pad = " " * indent
        if line.startswith(pad + "-") and line[indent + 1:indent + 2] in ("", " "):
            return self.sequence(indent, depth + 1)
        if line.startswith(pad + "  ") and line[indent + 2:indent + 3] not in ("", " ", "-"):
            return self.mapping(indent + 2, depth + 1)
        raise _Leave

    def sequence(self, indent: int, depth: int) -> list[Any]:
        if depth > self.max_depth - 3:  # near the limit: PyYAML's path applies it exactly
            raise _Leave
        self.nodes += 1
        pad = " " * indent
        items: list[Any] = []
        lines = self.lines
        while self.at < len(lines):
            line = lines[self.at]
            if line == pad + "-":
                self.at += 1
                nested = self.lines[self.at] if self.at < len(lines) else ""
                if not nested.startswith(pad + "  -"):
                    raise _Leave
                items.append(self.sequence(indent + 2, depth + 1))
            elif line.startswith(pad + "- ") and line[indent + 2:indent + 3] != " ":
                self.at += 1
                rest = line[indent + 2:]
                if _KEY.match(rest):
                    items.append(self.mapping(indent + 2, depth + 1, first=rest))
                else:
                    items.append(self.value(rest, indent, depth + 1))
            else:
                break
        return items


def read_own(text: str, max_nodes: int, max_depth: int) -> Any:
    """The data of YAML text laid out as `to_yaml` writes a mapping, or NOT_OURS."""
    if not text.endswith("\n") or _REFUSED.search(text):
        return NOT_OURS
    reader = _Reader(text, max_nodes, max_depth)
    try:
        data = reader.mapping(0, 1)
    except (_Leave, RecursionError, ValueError, OverflowError, yaml.YAMLError):
        return NOT_OURS
    if reader.at != len(reader.lines) or not data or reader.nodes > max_nodes:
        return NOT_OURS  # past the node limit: PyYAML's path raises the limit's own message
    return data
