"""`dump_yaml` writes records and output models straight from their fields: byte for byte what the
generic emitter writes of their plain data, `to_yaml(plain(doc))`."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.io import yaml_out
from qigong_parse.io.yaml_out import dump_yaml, to_yaml
from qigong_parse.model import output, records
from qigong_parse.model.plain import plain
from qigong_parse.pipeline import parse_path, parse_path_records

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
HELDOUT = sorted(p for p in (ROOT / "tests" / "data" / "heldout").iterdir() if p.is_file() and p.name != "README.md")


def _generic(doc: Any) -> str:
    return to_yaml(plain(doc))


@pytest.mark.parametrize("path", [SAMPLE, *HELDOUT], ids=lambda p: p.name)
def test_records_and_models_are_written_as_their_plain_data(path: Path) -> None:
    doc = parse_path_records(path)
    assert dump_yaml(doc) == _generic(doc)
    model = parse_path(path)
    assert dump_yaml(model) == _generic(model) == dump_yaml(doc)


def test_the_sample_records_are_written_without_plain_or_the_generic_emitter(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = parse_path_records(SAMPLE)
    expected = _generic(doc)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the fast path left the records")

    for name in ("plain", "_mapping", "_sequence", "to_yaml"):
        monkeypatch.setattr(yaml_out, name, refuse)
    assert dump_yaml(doc) == expected


_AWKWARD = ["", " ", " lead", "trail ", "a: b", "a:", "a #b", "#x", "'q'", '"q"', "null", "Null", "~", "true",
            "no", "Y", "on", "OFF", "1", "-1", "0.5", "1e3", "0x1f", ".inf", "2025-03-06", "- x", "? x", "[x]",
            "{x}", "a, b", "x\ny", "x\n", "x\n\n", "\nx", "x \ny", "x\n y", "x\ty", "x\u2028y", "x\u2029y",
            "x\x85y", "\ufeffx", "x\x00y", "x\r\ny", "邵东：任务", "（一）", "——持续", "\\u0041", "|-", ">",
            "&a", "*a", "!t", "%x", "@x", "`x", "İ" * 3, "\U0001f600", "长" * 300, "x" * 30 + ": y"]


def _document(strings: list[str]) -> records.Document:
    """A record document whose string fields take `strings` in turn, over and over."""
    it = itertools.cycle(strings)

    def s() -> str:
        return next(it)

    def node(path: list[str], children: list[records.Node], page: int | None) -> records.Node:
        target = records.Target(quote=s(), span=(1, 2), metric=s(), change="increase", value=7.0, unit=s(),
                                bound=">=", value_max=math.inf, commitment_word=s())
        return records.Node(path=path, marker=s(), title=s(), text=s(), span=(0, 3), title_span=(0, 1),
                            responsibility=records.Responsibility(lead=[s(), s()], raw=s(), span=(0, 1)),
                            targets=[target], children=children, page=page)

    leaf = node([s(), s(), s()], [], 2)
    nodes = [node([s()], [leaf], None), node([], [], None)]
    part = records.Part(id=s(), kind="annex", annex_no=1, title=s(), span=(0, 9), preamble=s(), nodes=nodes,
                        task_force=records.TaskForce(name=s(), deputies=[s()], members=[s(), s()], raw=s()),
                        coverage=records.Coverage(heading_lines=1, heading_line_spans=[(1, 2), (3, 4)]))
    notice = records.Notice(issuer=s(), title=s(), date=dt.date(2025, 3, 6), recipients=[s(), s(), s()],
                            attachments=[records.Attachment(index=1, title=s())], span=(0, 1))
    return records.Document(
        source=records.Source(file=s(), sha256="0" * 64, encoding="utf-8", chars=10), notice=notice, parts=[part],
        unassigned=[records.Unassigned(span=(0, 1), text=s())],
        warnings=[records.ParseWarning(code="x", part=s(), path=[s(), s()], message=s(), span=(1, 1)),
                  records.ParseWarning(code="y", message=s(), path=[])],
        coverage=records.DocumentCoverage(unattributed_clause_spans=[(5, 6)]))


@pytest.mark.parametrize("start", range(0, len(_AWKWARD), 7))
def test_awkward_strings_are_written_as_the_generic_emitter_writes_them(start: int) -> None:
    strings = _AWKWARD[start:] + _AWKWARD[:start]
    doc = _document(strings)
    assert dump_yaml(doc) == _generic(doc)
    model = output.from_record(_document(strings))
    assert dump_yaml(model) == _generic(model) == dump_yaml(doc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(), st.text(alphabet=st.sampled_from(" \n\t:#-,[]{}'\"|>~yn0.1e\u2028\x85邵")),
                          st.sampled_from(_AWKWARD)), min_size=1, max_size=12),
       st.floats(), st.integers(), st.sampled_from([None, 1, 7]))
def test_any_record_is_written_as_the_generic_emitter_writes_it(strings: list[str], value: float, number: int,
                                                                 page: int | None) -> None:
    doc = _document(strings)
    doc.parts[0].nodes[0].targets[0].value = value  # nan, ±inf, 1e+20 …
    doc.parts[0].nodes[0].page = page
    doc.source.chars = number
    assert dump_yaml(doc) == _generic(doc)


def test_values_outside_the_fast_path_go_through_plain() -> None:
    doc = _document(["a"])
    doc.notice.date = dt.datetime(2025, 3, 6, 8, 30)  # type: ignore[union-attr]
    doc.parts[0].span = [0, 9]  # type: ignore[assignment]  # a list where the records hold a tuple
    doc.parts[0].targets = [(1, 2), "x\ny", records.Target(quote="q", span=(1, 2), metric="m", change="level",
                                                           value=1e20, unit="%", bound="=")]  # type: ignore[list-item]
    doc.warnings[0].path = ["a", True, None, 1.5, dt.date(2025, 1, 1)]  # type: ignore[list-item]
    doc.source.file = {"k": "v", "e": []}  # type: ignore[assignment]
    assert dump_yaml(doc) == _generic(doc)
