"""`validate_file`: schema errors and invariants, each reported with its YAML path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from qigong_parse.check.validate import Problem, validate_file
from qigong_parse.io.yaml_out import dump_yaml
from qigong_parse.pipeline import parse_path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "shaodong-2025-qidagongjian.txt"


@pytest.fixture(scope="module")
def sample_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(dump_yaml(parse_path(SAMPLE)))
    return data


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def first_node_with_children(data: dict[str, Any]) -> tuple[int, int]:
    for i, part in enumerate(data["parts"]):
        for j, node in enumerate(part["nodes"]):
            if node["children"]:
                return i, j
    raise AssertionError("the sample has no nested nodes")


def test_the_sample_output_is_valid(tmp_path: Path, sample_data: dict[str, Any]) -> None:
    assert validate_file(write(tmp_path, sample_data)) == []


def _span_reversed(d: dict[str, Any]) -> None:
    d["parts"][2]["nodes"][0]["span"] = [500, 400]


def _unknown_key(d: dict[str, Any]) -> None:
    d["parts"][0]["nodes"][0]["colour"] = "red"


def _wrong_type(d: dict[str, Any]) -> None:
    d["source"]["chars"] = "many"


def _bad_role(d: dict[str, Any]) -> None:
    d["parts"][1]["nodes"][0]["role"] = "wishes"


SCHEMA_BREAKS: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (_span_reversed, "parts[2].nodes[0].span", "not a valid [start, end) range"),
    (_unknown_key, "parts[0].nodes[0].colour", "Extra inputs are not permitted"),
    (_wrong_type, "source.chars", "valid integer"),
    (_bad_role, "parts[1].nodes[0].role", "'goals', 'tasks', 'mechanism' or 'other'"),
]


@pytest.mark.parametrize(("breaks", "where", "message"), SCHEMA_BREAKS)
def test_schema_errors_name_their_yaml_path(tmp_path: Path, sample_data: dict[str, Any],
                                            breaks: Callable[[dict[str, Any]], None],
                                            where: str, message: str) -> None:
    data = copy.deepcopy(sample_data)
    breaks(data)
    problems = validate_file(write(tmp_path, data))
    assert [p.where for p in problems] == [where]
    assert message in problems[0].message


def test_span_past_the_text(tmp_path: Path, sample_data: dict[str, Any]) -> None:
    data = copy.deepcopy(sample_data)
    end = data["parts"][-1]["span"][1]
    data["source"]["chars"] = end - 1
    problems = validate_file(write(tmp_path, data))
    wheres = {p.where for p in problems}
    assert f"parts[{len(data['parts']) - 1}].span" in wheres
    assert all("ends past the text" in p.message or "not inside" in p.message or "past its end" in p.message
               for p in problems)


def test_duplicate_part_id(tmp_path: Path, sample_data: dict[str, Any]) -> None:
    data = copy.deepcopy(sample_data)
    data["parts"][2]["id"] = data["parts"][1]["id"]
    problems = validate_file(write(tmp_path, data))
    assert Problem("parts[2].id", "duplicate part id 'annex-1' (also parts[1])") in problems


def test_child_path_must_extend_parent(tmp_path: Path, sample_data: dict[str, Any]) -> None:
    data = copy.deepcopy(sample_data)
    i, j = first_node_with_children(data)
    child = data["parts"][i]["nodes"][j]["children"][0]
    child["path"] = child["path"][-1:]
    problems = validate_file(write(tmp_path, data))
    assert [p.where for p in problems] == [f"parts[{i}].nodes[{j}].children[0].path"]
    assert "tokens at tree depth 2" in problems[0].message


def test_node_outside_its_part(tmp_path: Path, sample_data: dict[str, Any]) -> None:
    data = copy.deepcopy(sample_data)
    node = data["parts"][1]["nodes"][0]
    start = data["parts"][0]["span"][0]
    node["span"] = [start, start + 5]
    node["title_span"] = [start, start + 2]
    problems = validate_file(write(tmp_path, data))
    assert "parts[1].nodes[0].span" in {p.where for p in problems}
    assert any("is not inside its part" in p.message for p in problems)


def test_target_outside_its_node_and_quote_length(tmp_path: Path, sample_data: dict[str, Any]) -> None:
    data = copy.deepcopy(sample_data)
    node = data["parts"][1]["nodes"][0]
    end = node["span"][1]
    node["targets"] = [{"quote": "增长6.5%", "span": [end, end + 10], "metric": "社会消费品零售总额",
                        "change": "increase", "value": 6.5, "unit": "%", "bound": ">="}]
    problems = validate_file(write(tmp_path, data))
    assert {p.where for p in problems} == {"parts[1].nodes[0].targets[0].span",
                                          "parts[1].nodes[0].targets[0].quote"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("parts: [\n  {id: general\n", "line 3, column 1"),
        ("just a string\n", "top level is not a mapping"),
        ("source: {file: a.txt}\n", "Field required"),
    ],
)
def test_unusable_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(content, encoding="utf-8")
    problems = validate_file(path)
    assert problems
    assert message in str(problems[0])


def test_missing_file(tmp_path: Path) -> None:
    assert validate_file(tmp_path / "nope.yaml") == [Problem("", "no such file")]
