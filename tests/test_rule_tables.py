"""Every rule table validates against its schema; a broken table is named with the place of the damage."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import regex

from qigong_parse.rules import TABLE_NAMES, TableError, load_rules, load_table, schema_key
from qigong_parse.rules.markers import marker_prefix
from qigong_parse.rules.schema import SCHEMAS, check_all, shipped_tables, unschematized_tables, validate_table

TABLES = shipped_tables()


def test_every_table_has_a_schema_and_every_schema_a_table() -> None:
    assert set(SCHEMAS) == set(TABLE_NAMES)
    assert unschematized_tables() == []
    assert {schema_key(n) for n in TABLES} == set(SCHEMAS)


@pytest.mark.parametrize("name", TABLES)
def test_a_shipped_table_validates(name: str) -> None:
    model = load_rules(name)
    assert isinstance(model, SCHEMAS[schema_key(name)])


def test_all_tables_check_clean() -> None:
    assert check_all() == []


def _rejected(name: str, data: Any) -> str:
    with pytest.raises(TableError) as info:
        validate_table(name, data)
    message = str(info.value)
    assert "\n" not in message
    return message


def _first_required(name: str, data: dict[str, Any]) -> str:
    fields = SCHEMAS[schema_key(name)].model_fields
    return next(k for k in data if fields[k].is_required())


@pytest.mark.parametrize("name", [n for n in TABLES if not n.startswith("units/")])
def test_a_missing_key_is_named(name: str) -> None:
    data = copy.deepcopy(load_table(name))
    key = _first_required(name, data)
    del data[key]
    assert _rejected(name, data) == f"rules/{name}: {key}: Field required"


@pytest.mark.parametrize(("name", "key", "message"), [
    ("units/general.yaml", "suffixes", "(top): the general layer needs suffixes"),
    ("units/shaodong.yaml", "match", "(top): an overlay needs match"),
])
def test_a_unit_table_missing_its_layer_keys_is_named(name: str, key: str, message: str) -> None:
    data = copy.deepcopy(load_table(name))
    del data[key]
    assert _rejected(name, data) == f"rules/{name}: {message}"


@pytest.mark.parametrize("name", TABLES)
def test_a_wrong_type_is_named(name: str) -> None:
    data = copy.deepcopy(load_table(name))
    key = next(iter(data))
    data[key] = 12.5  # no field of any table is a float first
    message = _rejected(name, data)
    assert message.startswith(f"rules/{name}: {key}: Input should be"), message


def test_an_unknown_key_is_named() -> None:
    data = copy.deepcopy(load_table("conventions.yaml"))
    data["conventions"][1]["scpoe"] = "part"
    assert _rejected("conventions.yaml", data).startswith(
        "rules/conventions.yaml: conventions[1].scpoe: Extra inputs are not permitted")


# (table, path to a regex in it, what the message says after the location)
BAD_REGEX: list[tuple[str, tuple[Any, ...]]] = [
    ("markers.yaml", ("styles", 2, "pattern")),
    ("markers.yaml", ("damaged", 1, "pattern")),
    ("clauses.yaml", ("grammar", "forms", 3, "pattern")),
    ("clauses.yaml", ("grammar", "labels", 0, "label")),
    ("clauses.yaml", ("duty_sentences", 1, "pattern")),
    ("clauses.yaml", ("labels", "support")),
    ("conventions.yaml", ("conventions", 0, "pattern")),
    ("segment.yaml", ("chrome", 4)),
    ("segment.yaml", ("plan_title_end",)),
    ("targets.yaml", ("lead_year",)),
    ("markers.yaml", ("prefixes", "heading_like", "then")),
    ("targets.yaml", ("money_class_phrase",)),
    ("taskforce.yaml", ("members", 1)),
    ("units/general.yaml", ("groups", 0)),
]


def _where(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


@pytest.mark.parametrize(("name", "path"), BAD_REGEX, ids=[f"{n}:{_where(p)}" for n, p in BAD_REGEX])
def test_a_bad_regex_is_named(name: str, path: tuple[Any, ...]) -> None:
    data = copy.deepcopy(load_table(name))
    holder = data
    for p in path[:-1]:
        holder = holder[p]
    assert isinstance(holder[path[-1]], str)
    holder[path[-1]] = "(?P<v>[一二"  # an unterminated character set
    message = _rejected(name, data)
    assert message.startswith(f"rules/{name}: {_where(path)}: not a valid regex: "), message


@pytest.mark.parametrize(("name", "path", "value", "message"), [
    ("clauses.yaml", ("grammar", "forms", 0, "pattern"), "(?P<boss>.+?)牵头",
     "grammar.forms[0].pattern: a clause form's named groups must be lead/support/joint, not ['boss']"),
    ("markers.yaml", ("styles", 0, "pattern"), "第[一二三]章", "styles[0].pattern: a marker style needs"),
    ("clauses.yaml", ("duty_sentences", 0, "pattern"), "由(?P<lead>.+?)会同(?P<support>.+)",
     "duty_sentences[0].pattern: a duty sentence names its lead (?P<lead_group>…)"),
    ("conventions.yaml", ("conventions", 0, "effect"), "first_leads", "conventions[0].effect: Input should be"),
    ("taskforce.yaml", ("office",), "办公室设在(?P<x>.+)", "office: a task-force pattern needs the named group"),
    ("targets.yaml", ("bounds_after", "以上"), "=>", "bounds_after.以上: Input should be"),
    ("targets.yaml", ("bounds_over_clause", 0), "不亚于",
     "(top): bounds_over_clause words with no bound in bounds_before: 不亚于"),
    ("markers.yaml", ("prefixes", "heading_like", "styles", 0), "cn_comma", "prefixes: prefix 'heading_like' names"),
])
def test_a_value_the_consumer_cannot_use_is_named(name: str, path: tuple[Any, ...], value: str, message: str) -> None:
    data = copy.deepcopy(load_table(name))
    holder = data
    for p in path[:-1]:
        holder = holder[p]
    holder[path[-1]] = value
    assert _rejected(name, data).startswith(f"rules/{name}: {message}")


def test_a_table_without_a_schema_fails(tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"rules/extra\.yaml: no schema"):
        load_table("extra.yaml")
    with pytest.raises(TableError, match="no schema"):
        schema_key("other/units.yaml")
    (tmp_path / "units").mkdir()
    for name in ("markers.yaml", "extra.yaml", "units/any.yaml"):
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    assert unschematized_tables(tmp_path) == ["extra.yaml"]


def test_a_table_that_is_not_a_mapping_is_named() -> None:
    assert _rejected("roles.yaml", ["other"]) == "rules/roles.yaml: (top): the table is not a mapping"


# --- one marker grammar: the marker prefixes other stages use are built from markers.yaml styles --


@pytest.mark.parametrize(("use", "text", "matched"), [
    ("plan_title_guard", "一、总体要求", "一、"),
    ("plan_title_guard", "（二）重点任务", "(二)"),
    ("plan_title_guard", "3.加快建设", "3."),
    ("plan_title_guard", "（12）完善机制", "(12)"),
    ("plan_title_guard", "①建成", "①"),
    ("plan_title_guard", "第一章 总则", "第一章"),
    ("plan_title_guard", "第二部分 重点任务", "第二部分"),
    ("plan_title_guard", "第十条 资金", "第十条"),
    ("plan_title_guard", "某某县2024年工作方案", None),
    ("plan_title_guard", "2024年工作要点", None),
    ("heading_like", "一、加强领导", "一、加"),
    ("heading_like", "（二）推进", "(二)推"),
    ("heading_like", "3. 建设", "3. 建"),
    ("heading_like", "1.5万亩", None),
    ("heading_like", "①建成", None),
    ("heading_like", "一、", None),
    ("quote_lead", "9. ——新建基站1000个", "9. ——"),
    ("quote_lead", "(15)一、新增", "(15)一、"),
    ("quote_lead", "新增企业10家", None),
])
def test_a_marker_prefix_matches_the_markers_of_its_styles(use: str, text: str, matched: str | None) -> None:
    from qigong_parse.text.normalize import normalize

    m = regex.match(marker_prefix(use), normalize(text))
    assert (m.group(0) if m else None) == matched


def test_every_marker_prefix_is_built_from_the_styles_it_names() -> None:
    table = load_table("markers.yaml")
    styles = {s["name"]: regex.sub(r"\(\?P<\w+>", "(?:", s["pattern"]) for s in table["styles"]}
    for use, spec in table["prefixes"].items():
        built = marker_prefix(use)
        assert all(styles[name] in built for name in spec["styles"]), use


@pytest.mark.parametrize(("name", "key"), [("segment.yaml", "outline_marker"), ("segment.yaml", "heading_like"),
                                           ("targets.yaml", "lead_marker")])
def test_a_marker_pattern_of_its_own_is_refused_outside_the_grammar(name: str, key: str) -> None:
    data = copy.deepcopy(load_table(name))
    data[key] = "^(?:[一二三]、)"
    assert _rejected(name, data) == f"rules/{name}: {key}: Extra inputs are not permitted"
