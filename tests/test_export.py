"""`qigong export`: the files, opened back with csv and openpyxl, hold what the YAML holds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from qigong_parse.cli import app
from qigong_parse.errors import OutputError, UsageError
from qigong_parse.io.yaml_in import load_document
from qigong_parse.io.yaml_out import write_yaml
from qigong_parse.model.output import Document
from qigong_parse.research.diff import is_task
from qigong_parse.research.export import display_width, export

from .research_fixtures import seed_2025


@pytest.fixture(scope="module")
def seed_yaml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "shaodong-2025.yaml"
    write_yaml(seed_2025(), path)
    return path


def _counts(doc: Document) -> dict[str, int]:
    """What the YAML holds, counted directly on the document."""
    nodes = [n for p in doc.parts for n in p.walk()]
    return {
        "tasks": sum(1 for n in nodes if is_task(n)),
        "targets": sum(len(p.targets) for p in doc.parts) + sum(len(n.targets) for n in nodes),
        "task_forces": sum(1 for p in doc.parts if p.task_force),
        "responsibilities": sum(len(dict.fromkeys(getattr(n.responsibility, role)))
                                for n in nodes if n.responsibility and is_task(n)
                                for role in ("lead", "support", "joint")),
    }


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _read_xlsx(path: Path) -> dict[str, list[dict[str, object]]]:
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        out[ws.title] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
        assert ws.freeze_panes == "A2"
    return out


def _read(fmt: str, out: Path) -> dict[str, list[dict[str, object]]]:
    if fmt == "csv":
        return {name: list(_read_csv(out / f"{name}.csv"))
                for name in ("tasks", "responsibilities", "targets", "task_forces")}
    if fmt == "xlsx":
        return _read_xlsx(out)
    return dict(json.loads(out.read_text("utf-8")))


@pytest.mark.parametrize(("fmt", "out_name"), [("csv", "tables"), ("xlsx", "t.xlsx"), ("json", "t.json")])
def test_exports_hold_the_yaml_counts(seed_yaml: Path, tmp_path: Path, fmt: str, out_name: str) -> None:
    out = tmp_path / out_name
    if fmt == "csv":
        out.mkdir()
    result = CliRunner().invoke(app, ["export", str(seed_yaml), "--to", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    tables = _read(fmt, out)
    expected = _counts(load_document(seed_yaml))
    assert {name: len(rows) for name, rows in tables.items()} == expected
    first = tables["targets"][0]
    assert (first["metric"], first["quote"]) == ("社会消费品零售总额", "社会消费品零售总额增长6.5%以上")
    lead = {(r["part"], r["path"]): r["lead"] for r in tables["tasks"]}[("annex-1", "二/(一)/2")]
    assert lead in ("市商务局 | 市发改局", ["市商务局", "市发改局"])


def test_csv_prefix_names_one_file_per_table(seed_yaml: Path, tmp_path: Path) -> None:
    written = export(load_document(seed_yaml), "csv", tmp_path / "shaodong")
    assert [p.name for p in written] == ["shaodong-tasks.csv", "shaodong-responsibilities.csv",
                                        "shaodong-targets.csv", "shaodong-task_forces.csv"]
    forces = _read_csv(written[3])
    assert forces[0]["office"] == "市发改局" and forces[0]["deputies"] == "市发改局 | 市商务局"


def test_refuses_to_overwrite_unless_forced(seed_yaml: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    out.write_text("mine", "utf-8")
    doc = load_document(seed_yaml)
    with pytest.raises(OutputError):
        export(doc, "json", out)
    assert out.read_text("utf-8") == "mine"
    result = CliRunner().invoke(app, ["export", str(seed_yaml), "--to", "json", "-o", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    export(doc, "json", out, force=True)
    assert "tasks" in json.loads(out.read_text("utf-8"))


def test_unknown_format_is_a_usage_error(seed_yaml: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        export(load_document(seed_yaml), "ods", tmp_path / "t.ods")
    result = CliRunner().invoke(app, ["export", str(seed_yaml), "--to", "ods"])
    assert result.exit_code == 2


def test_json_to_stdout(seed_yaml: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(seed_yaml), "--to", "json", "-o", "-"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["targets"]) == _counts(load_document(seed_yaml))["targets"]


# (cell text, spreadsheet width): CJK counts two
WIDTHS = [("市发改局", 8), ("PM2.5", 5), ("线上“一网通办”率", 16), ("二/(一)/1", 9)]


@pytest.mark.parametrize(("text", "width"), WIDTHS)
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


def test_xlsx_columns_fit_chinese_and_are_capped(seed_yaml: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    export(load_document(seed_yaml), "xlsx", out)
    ws = load_workbook(out)["tasks"]
    widths = {ws.cell(1, i).value: ws.column_dimensions[ws.cell(1, i).column_letter].width
              for i in range(1, ws.max_column + 1)}
    assert widths["part"] < widths["title"] <= 60
    assert widths["support"] == 60  # long unit lists hit the cap
