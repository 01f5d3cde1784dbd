"""The stages' records, plain classes with `__slots__` and a hand-written `__init__` (dataclasses
cost ~3.5 M instructions each to create at start-up): what the code relies on. Construction by
position and keyword with the defaults the dataclasses had, a fresh list or dict per instance for
the defaults that are one, a value passed in kept as it is (the stages append to it), every field
set. None of them compares, prints or hashes its instances; the read-only ones are `Final` for
mypy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qigong_parse.io.inputs import Inputs
from qigong_parse.model.ir import DecodedText, Segmentation
from qigong_parse.parse import outline, segment
from qigong_parse.parse.extract import clauses, responsibility, targets
from qigong_parse.parse.state import ParseState
from qigong_parse.rules.units import UnitRegistry

from .conftest import sample_text

SLOTTED = [Inputs, DecodedText, Segmentation, clauses.Grammar, clauses.Clause, responsibility.ClauseContext,
           responsibility._Shapes, responsibility._Clause, outline._Style, outline._Grammar, outline.Candidate,
           outline._Heading, segment._Frame, segment._Head, targets._Tables, targets._Figure, targets._Draft,
           targets._Sentence]


@pytest.mark.parametrize("cls", SLOTTED, ids=lambda c: c.__qualname__)
def test_the_slots_are_the_annotated_fields(cls: type) -> None:
    assert sorted(cls.__slots__) == sorted(cls.__annotations__)


def _every_slot_set(obj: Any) -> None:
    if type(obj) is not ParseState:  # its cached properties keep their values in its __dict__
        assert not hasattr(obj, "__dict__")
    for name in type(obj).__annotations__:
        getattr(obj, name)  # AttributeError for a field the __init__ left unset


def test_the_tables_the_loaders_build_have_every_field() -> None:
    for table in (clauses.grammar(), responsibility._shapes(), outline.grammar(), targets._tables(),
                  *outline.grammar().styles):
        _every_slot_set(table)
    assert outline.grammar().style("bare_section").token == "{n}"  # a style by default properties
    assert clauses.grammar().form_is_not_unit is clauses.grammar().form_is_not_unit  # filled as forms are met


def _defaults_and_fresh(make: Any, defaults: dict[str, Any]) -> None:
    """Built twice with the required fields only: each default as the dataclass had it, and a
    mutable one a new object per instance."""
    a, b = make(), make()
    _every_slot_set(a)
    for name, value in defaults.items():
        assert getattr(a, name) == value, name
        if isinstance(value, list | dict):
            assert getattr(a, name) is not getattr(b, name), name


def test_defaults_are_the_dataclasses_and_mutable_ones_are_fresh() -> None:
    reg = UnitRegistry.for_issuer("邵东市人民政府办公室")
    cand = outline.Candidate(0, 2, 10, "cn_dun", ("cn_dun",), 1, "、", False)
    fig = targets._Figure(0, 3, 5.0, None, "%", None, None, False)
    cases: list[tuple[Any, dict[str, Any]]] = [
        (lambda: Inputs([], False), {"problems": []}),
        (lambda: DecodedText(text="", encoding="utf-8"),
         {"format": "text", "outside": [], "labelled": [], "page_starts": [], "notes": []}),
        (lambda: Segmentation(), {"notice": None, "parts": [], "unassigned": [], "warnings": []}),
        (lambda: ParseState("x"), {"norm": "x", "outside": [], "warnings": []}),
        (lambda: clauses.Clause(0, 1, ""), {"units": {"lead": [], "support": [], "joint": []}, "unread": []}),
        (lambda: responsibility.ClauseContext(reg),
         {"stated": [], "bare_list_role": "joint", "first_listed_leads": False, "warnings": [], "part": None,
          "path": None}),
        (lambda: responsibility._Clause(0, 1), {"lead": [], "support": [], "joint": []}),
        (lambda: outline._Style("s", None, "{n}"),
         {"decimal": 0, "chinese": False, "bracketed": False, "inline": False, "may_skip": True, "titled": True}),
        (lambda: outline.Candidate(0, 2, 10, "cn_dun", ("cn_dun",), 1, "、", False),
         {"row": None, "hint": None, "needs_hint": False, "inline": False, "prefix": None}),
        (lambda: outline._Heading(cand, "cn_dun", 1, 1, None), {"warnings": []}),
        (lambda: segment._Frame(0, 5, None), {"fields": {}, "page_title": None, "heading_line": None}),
        (lambda: segment._Head("direct", 0, 3),
         {"title": None, "issuer": None, "doc_number": None, "date": None, "recipients": [], "signature": None,
          "first_last": -1}),
        (lambda: targets._Draft(fig, 0, 3, "m", "increase"), {"fig": fig, "metric": "m"}),
        (lambda: targets._Sentence(0, [], [], None, 0), {"opening": None}),
    ]
    for make, defaults in cases:
        _defaults_and_fresh(make, defaults)
    assert clauses.Clause(0, 1, "").units["lead"] is not clauses.Clause(0, 1, "").units["lead"]


def test_values_passed_in_are_kept_not_copied() -> None:
    outside: list[tuple[int, int]] = [(0, 1)]
    warnings: list[Any] = []
    state = ParseState("正文", outside=outside, warnings=warnings)
    assert state.outside is outside and state.warnings is warnings
    decoded = DecodedText(text="a", encoding="gb18030", format="html", outside=outside, notes=[("code", "m")])
    assert decoded.outside is outside and decoded.format == "html" and decoded.notes == [("code", "m")]
    seg = Segmentation(warnings=warnings)
    assert seg.warnings is warnings
    files = [Path("a.txt")]
    inputs = Inputs(files, True, [("x", "x: no such file")])
    assert inputs.files is files and inputs.batch and inputs.problems == [("x", "x: no such file")]
    styles = ("decimal1",)
    cand = outline.Candidate(start=4, marker_end=6, line_end=20, shape="decimal", styles=styles, num=2, sep=".",
                             damaged=True, inline=True, prefix="1")
    assert (cand.start, cand.styles, cand.num, cand.damaged, cand.inline, cand.prefix) == (4, styles, 2, True, True, "1")


def test_the_stage_results_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        DecodedText("text", "utf-8")  # type: ignore[misc]
    with pytest.raises(TypeError):
        Segmentation(None)  # type: ignore[misc]


def test_the_parse_state_normalizes_once_and_keeps_its_cached_views() -> None:
    text = sample_text()
    state = ParseState(text)
    assert state.norm and state.lines is state.lines and state.overlays is state.overlays
    assert ParseState(text, norm="given").norm == "given"
