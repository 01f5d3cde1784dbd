"""The fast reader of our own YAML layout gives what PyYAML's safe loader gives, or steps aside."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.io import yaml_in, yaml_out
from qigong_parse.io.yaml_in import MAX_YAML_DEPTH, MAX_YAML_NODES, parse_yaml
from qigong_parse.io.yaml_out import to_yaml
from qigong_parse.io.yaml_own import NOT_OURS, read_own
from qigong_parse.model.output import Document, plain

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _own(text: str) -> Any:
    return read_own(text, MAX_YAML_NODES, MAX_YAML_DEPTH)


_scalars = st.one_of(st.text(), st.text(alphabet=st.sampled_from("a? 邵\n:#-,[]{}'\"|>—0.1eyYnN~ ")),
                     st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.dates())
# keys as the models have them (to_yaml quotes a key such as "no" or "_x", which leaves the subset)
_keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda k: yaml_out._is_plain(k, False))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)), max_leaves=20)
_documents = st.dictionaries(_keys, _values, min_size=1, max_size=6)


@settings(max_examples=400, deadline=None)
@given(_documents)
def test_what_to_yaml_writes_is_read_as_pyyaml_reads_it(data: dict[str, Any]) -> None:
    text = to_yaml(data)
    expected = yaml.load(text, Loader=_LOADER)
    got = _own(text)
    assert got is not NOT_OURS, text
    assert got == expected
    assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]


def test_a_parsed_document_is_read_by_the_fast_path(sample_doc: Document) -> None:
    text = to_yaml(plain(sample_doc))
    assert _own(text) == yaml.load(text, Loader=_LOADER)


_TRICKY = [*" #:-\"'|>&*!%@`[]{},\\\ty1.~\n", "  ", "\n  ", "- ", ": ", " #", "|+", "|-", "\ufeff", "\u2028", "\r", "\\u0041"]


def _small_output(doc: Document) -> str:
    data = plain(doc)
    part = data["parts"][1]
    part["nodes"] = part["nodes"][:2]
    return to_yaml({"schema_version": data["schema_version"], "source": data["source"],
                    "notice": data["notice"], "parts": [part], "warnings": data["warnings"][:3],
                    "blocks": {"kept": "第一行\n第二行\n\n", "items": ["a\nb", ["y", "z"], []], "empty": {}}})


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_damaged_outputs_are_read_as_pyyaml_reads_them_or_left_to_it(sample_doc: Document, data: st.DataObject) -> None:
    text = _small_output(sample_doc)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        edit = data.draw(st.sampled_from(["insert", "delete", "dedent", "indent"]))
        if edit == "insert":
            text = text[:at] + data.draw(st.sampled_from(_TRICKY)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 3)):]
        else:
            start = text.rfind("\n", 0, at) + 1
            text = text[:start] + ("  " if edit == "indent" else "") + text[start + (2 if edit == "dedent" else 0):]
    got = _own(text)
    if got is NOT_OURS:
        return
    expected = yaml.load(text, Loader=_LOADER)  # must not raise: the fast path read it
    assert got == expected


@pytest.mark.parametrize("text", [
    "a: 1 # a comment\n", "a: &x 1\nb: *x\n", "a: 'single'\n", "a:\n\tb: 1\n",
    "a: x\n  continued\n", "a: [1, 2] \n", "a:\n  - 1\n", "---\na: 1\n", "a: 1\r\nb: 2\r\n", "null: 1\n",
    "a: |2\n   x\n", "a: [:1, 2]\n", "a: [?x]\n", "a: [x:y]\n", "a: \"x\\x41\"\n", "a: =\n", "a: 1", "- 1\n", "a: 1\na: 2\n" + "b: !!str 3\n",
])
def test_anything_else_is_left_to_pyyaml(text: str) -> None:
    assert _own(text) is NOT_OURS


def test_what_the_fast_path_reads_it_types_as_pyyaml_does() -> None:
    text = ('a: 2025-03-06\nb: 1.5e+3\nc: null\nd: true\ne: "2025-03-06"\nf: 007\ng: -1\nh: .inf\ni: [0, 12]\n'
            'j: yes\nk: on\nl: ~\nm: 0x1f\n')
    got = _own(text)
    assert got == yaml.load(text, Loader=_LOADER)
    assert got["a"] == dt.date(2025, 3, 6) and got["e"] == "2025-03-06" and got["f"] == 7


def test_parse_yaml_reads_our_layout_without_libyaml_and_the_rest_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    ours = to_yaml({"schema_version": "1.1", "source": {"file": "x.txt", "chars": 3}})
    monkeypatch.setattr(yaml_in, "_Loader", None)  # calling it would fail: the fast path must answer
    assert parse_yaml(ours.encode()) == {"schema_version": "1.1", "source": {"file": "x.txt", "chars": 3}}
    monkeypatch.undo()
    assert parse_yaml(b"a: 1  # comment\n") == {"a": 1}
    assert parse_yaml("a: 邵东\n".encode("utf-16")) == {"a": "邵东"}


def test_the_refused_characters_are_the_complement_of_what_the_reader_accepts() -> None:
    from qigong_parse.io.yaml_own import _REFUSED

    accepted = [(0x0A, 0x0A), (0x20, 0x7E), (0xA0, 0x2027), (0x202A, 0xD7FF), (0xE000, 0xFEFE), (0xFF00, 0xFFFD),
                (0x10000, 0x10FFFF)]
    text = "".join(map(chr, range(0x30000)))  # past 0x30000 nothing changes: astral planes are all accepted
    refused = {m.start() for m in _REFUSED.finditer(text)}
    assert refused == {c for c in range(0x30000) if not any(a <= c <= b for a, b in accepted)}
