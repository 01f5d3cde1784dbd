"""YAML in: `parse_yaml` builds plain trees itself and must give exactly what PyYAML's safe loader gives."""

from __future__ import annotations

import pytest
import yaml

from qigong_parse.errors import InputError
from qigong_parse.io.yaml_in import parse_yaml
from qigong_parse.io.yaml_out import dump_yaml
from qigong_parse.pipeline import parse_text

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CASES = [
    b"a: 1\nb: [1, 2.5, .nan, -.inf, yes, No, ~, null, 2025-01-02, 0x1f, 0o17, 1_000, '3', \"x\"]\n",
    b"<<: {a: 1}\nb: 2\n",  # a merge key: PyYAML's path
    b"? [1]\n: 2\n",  # a key that is no string: PyYAML's error
    b"1: a\ntrue: b\n",
    b"a: [0, 017, 12, 0012, +5, -3, 1_000, 0b11, !!int 12, 190:20:30, 123456789012345678901234567890]\n",
    b"!!set {a, b}\n",
    b"a: !custom 1\n",
    b"a: 1\na: 2\nb: 3\n",  # a duplicate key: the last value, at the first key's place
    b"a: 1:20\nb: 2001-12-14t21:59:43.10-05:00\nc: !!binary aGVsbG8=\n",
    b"a: !!str 1\nb: !!int '7'\n",
    b"=: 1\n",
    b"a:\n  - b: c\n    d: 2025-02-30\n",  # no such date
    b"[a, {b: c}, [], {}]\n",
    b"",
    b"~\n",
    b"plain\n",
]


def _pyyaml(raw: bytes) -> object:
    try:
        return ("ok", yaml.load(raw, Loader=_Loader))  # the (C) safe loader
    except Exception as exc:
        return (type(exc).__name__, str(exc))


def _ours(raw: bytes) -> object:
    try:
        return ("ok", parse_yaml(raw))
    except Exception as exc:
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("raw", CASES)
def test_parse_yaml_gives_what_pyyaml_gives(raw: bytes) -> None:
    assert repr(_ours(raw)) == repr(_pyyaml(raw))


def test_parse_yaml_reads_back_an_output(sample: str) -> None:
    text = dump_yaml(parse_text(sample, file="x.txt"))
    assert parse_yaml(text.encode()) == yaml.load(text, Loader=_Loader)


@pytest.mark.parametrize(("raw", "message"), [
    (b"a: &x [1]\nb: *x\n", "aliases"),
    (b"- " * 250 + b"x\n", "levels deep"),
])
def test_parse_yaml_keeps_its_limits(raw: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_yaml(raw)
