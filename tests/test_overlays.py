"""Jurisdiction overlays (rules/units/<place>.yaml) add conventions and page chrome where they apply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from qigong_parse.parse import segment
from qigong_parse.parse.extract import clauses
from qigong_parse.pipeline import parse_text
from qigong_parse.rules import units
from qigong_parse.rules.schema import validate_table

# An overlay as a user of the genre would write one for a county whose notices state a convention
# in words the general table does not know, and whose web site prints a line the general chrome misses.
OVERLAY: dict[str, Any] = {
    "jurisdiction": "样例县",
    "match": ["样例县"],
    "level": "县",
    "units": {"县发改局": []},
    "conventions": [{"name": "first-named-leads", "pattern": "首个单位为主办单位", "effect": "first_listed_leads",
                     "scope": "rest_of_part", "blank": True}],
    "chrome": ["^样例县政务服务网\\s*版权"],
}

BODY = ("样例县人民政府办公室\n关于印发样例工作方案的通知\n各乡镇人民政府:\n现印发给你们,请认真贯彻落实。\n"
        "样例县人民政府办公室\n2025年1月2日\n样例工作方案\n一、主要任务\n(首个单位为主办单位)\n"
        "1.推进项目建设。(县发改局、县财政局)\n2.加强保障。(县财政局、县发改局)\n")


def _clear() -> None:
    units._registry.cache_clear()
    clauses._overlay_conventions.cache_clear()
    segment._chrome.cache_clear()


@pytest.fixture
def overlay(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    tables = {**units._tables(), "yangli": OVERLAY}
    monkeypatch.setattr(units, "_tables", lambda: tables)
    _clear()
    yield
    _clear()


def _leads(text: str) -> list[list[str]]:
    doc = parse_text(text)
    return [n.responsibility.lead for p in doc.parts for n in p.walk() if n.responsibility]


def test_the_overlay_is_a_valid_units_table() -> None:
    validate_table("units/yangli.yaml", OVERLAY)


def test_overlay_convention_applies_to_its_jurisdiction(overlay: None) -> None:
    assert _leads(BODY) == [["县发改局"], ["县财政局"]]


def test_overlay_convention_does_not_reach_another_place(overlay: None) -> None:
    other = BODY.replace("样例县", "别处县")
    assert _leads(other) == [[], []]


def test_overlay_chrome_is_set_aside_where_the_overlay_applies(overlay: None) -> None:
    page = BODY + "样例县政务服务网 版权所有\n"
    doc = parse_text(page)
    assert any(u.text.startswith("样例县政务服务网") for u in doc.unassigned)
    other = parse_text(page.replace("样例县", "别处县"))
    assert not any(u.text.startswith("别处县政务服务网") for u in other.unassigned)
