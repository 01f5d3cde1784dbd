"""`qigong units`: the responsibility matrix of the 2025 notice, counted against its gold."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from qigong_parse.cli import app
from qigong_parse.io.yaml_out import write_yaml
from qigong_parse.model.output import Document
from qigong_parse.research.matrix import find_unit, responsibility_matrix

from .research_fixtures import GOLD, seed_2025


@pytest.fixture(scope="module")
def seed() -> Document:
    return seed_2025()


def _gold_counts() -> Counter[tuple[str, str]]:
    """(unit, role) → clauses naming it, counted straight from the gold files."""
    counts: Counter[tuple[str, str]] = Counter()
    for path in (GOLD / "seed").glob("*.yaml"):
        for node in yaml.safe_load(path.read_text("utf-8")).get("nodes", []):
            for role in ("lead", "support", "joint"):
                counts.update((unit, role) for unit in set(node.get(role, [])))
    return counts


# (unit, lead, support, joint) as the gold has them
ROWS = [
    ("市发改局", 18, 22, 29),
    ("市科工局", 17, 19, 21),
    ("市商务局", 8, 14, 25),
    ("市人社局", 10, 8, 10),
]


@pytest.mark.parametrize(("unit", "lead", "support", "joint"), ROWS)
def test_counts_per_role(seed: Document, unit: str, lead: int, support: int, joint: int) -> None:
    row = find_unit(seed, unit)
    assert row is not None
    assert (row.lead, row.support, row.joint) == (lead, support, joint)
    assert sum(row.per_part.values()) == row.total == len(row.tasks)


def test_every_unit_matches_the_gold(seed: Document) -> None:
    gold = _gold_counts()
    matrix = responsibility_matrix(seed)
    roles = ("lead", "support", "joint")
    found = Counter({(r.unit, role): getattr(r, role) for r in matrix for role in roles})
    assert +found == gold
    totals = [r.total for r in matrix]
    assert totals == sorted(totals, reverse=True)


def test_task_force_membership_is_listed(seed: Document) -> None:
    row = find_unit(seed, "经开区管委会")
    assert row is not None and row.task_forces == ["annex-1"]


# (name as written, canonical unit found): aliases go through the unit registry
ALIASES = [("市发改局", "市发改局"), ("市发改", "市发改局"), ("科工", "市科工局"), ("市不存在局", None)]


@pytest.mark.parametrize(("name", "unit"), ALIASES)
def test_unit_by_alias(seed: Document, name: str, unit: str | None) -> None:
    pytest.importorskip("qigong_parse.rules.units")
    row = find_unit(seed, name)
    assert (row.unit if row else None) == unit


@pytest.fixture(scope="module")
def seed_yaml(tmp_path_factory: pytest.TempPathFactory, seed: Document) -> Path:
    path = tmp_path_factory.mktemp("units") / "shaodong-2025.yaml"
    write_yaml(seed, path)
    return path


def test_command_lists_one_unit(seed_yaml: Path) -> None:
    result = CliRunner().invoke(app, ["units", str(seed_yaml), "--unit", "市发改", "--to", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["unit"] == "市发改局"
    assert Counter(t["role"] for t in data["tasks"]) == {"lead": 18, "support": 22, "joint": 29}


def test_command_matrix_and_unknown_unit(seed_yaml: Path) -> None:
    result = CliRunner().invoke(app, ["units", str(seed_yaml), "--to", "markdown"])
    assert result.exit_code == 0
    assert "| 市发改局 | 18 | 22 | 29 | 69 |" in result.stdout
    missing = CliRunner().invoke(app, ["units", str(seed_yaml), "--unit", "市不存在局"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
