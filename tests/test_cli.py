"""The `qigong` command line: outputs, exit statuses, one-line errors, output safety, batches."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from qigong_parse import __version__
from qigong_parse.check.validate import validate_file
from qigong_parse.cli import run
from qigong_parse.io.yaml_in import load_document
from qigong_parse.model.output import SCHEMA_VERSION

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
NAME = SAMPLE.name


def qigong(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a writable copy of the sample."""
    shutil.copy(SAMPLE, tmp_path / NAME)
    (tmp_path / NAME).chmod(0o644)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- one file ------------------------------------------------------------------------------------


def test_parse_writes_beside_the_input(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = qigong(capsys, "parse", NAME)
    assert (code, out, err) == (0, "", "")
    output = work / "shaodong-2025-qidagongjian.yaml"
    doc = load_document(output)
    assert doc.source.file == NAME
    assert doc.notice is not None and doc.notice.doc_number == "邵东政办发〔2025〕2号"
    assert validate_file(output) == []


def test_source_file_is_the_name_as_given(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "raw").mkdir()
    shutil.move(work / NAME, work / "raw" / NAME)
    code, _, _ = qigong(capsys, "parse", f"raw/{NAME}", "-o", "out.yaml")
    assert code == 0
    assert load_document(work / "out.yaml").source.file == f"raw/{NAME}"


def test_output_into_an_existing_directory(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "structured").mkdir()
    code, _, _ = qigong(capsys, "parse", NAME, "-o", "structured")
    assert code == 0
    assert (work / "structured" / "shaodong-2025-qidagongjian.yaml").is_file()
    code, _, _ = qigong(capsys, "parse", NAME, "-o", "fresh/dir/")  # a trailing slash asks for a directory
    assert code == 0
    assert (work / "fresh" / "dir" / "shaodong-2025-qidagongjian.yaml").is_file()


def test_stdout_gets_yaml_only(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(work)
    code, out, err = qigong(capsys, "parse", NAME, "-o", "-")
    assert (code, err) == (0, "")
    data = yaml.safe_load(out)
    assert data["schema_version"] == SCHEMA_VERSION and data["source"]["file"] == NAME
    assert snapshot(work) == before  # nothing written to disk


def test_strict_fails_on_warnings_after_writing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = qigong(capsys, "parse", NAME, "-o", "out.yaml", "--strict")
    doc = load_document(work / "out.yaml")
    if doc.warnings:
        assert code == 1
        assert err.strip() == f"qigong parse: {len(doc.warnings)} parser warning(s) in {NAME} (--strict)"
    else:
        assert code == 0


# --- errors: one line on stderr, the right exit status, never a traceback --------------------------


def _empty(work: Path) -> str:
    (work / "empty.txt").write_bytes(b"")
    return "empty.txt"


def _binary(work: Path) -> str:
    (work / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return "image.txt"


def _empty_dir(work: Path) -> str:
    (work / "nothing").mkdir()
    return "nothing"


ERROR_ROWS = [
    ("missing file", lambda w: ["parse", "nope.txt"], 1, "nope.txt: no such file"),
    ("empty file", lambda w: ["parse", _empty(w)], 1, "empty"),
    ("binary bytes", lambda w: ["parse", _binary(w)], 1, "binary"),
    ("directory without notices", lambda w: ["parse", _empty_dir(w)], 1, "no .txt, .html"),
    ("unknown format", lambda w: ["parse", NAME, "--format", "rtf"], 2, "'rtf' is not one of"),
    ("unknown encoding", lambda w: ["parse", NAME, "--encoding", "klingon"], 2, "unknown encoding"),
    ("zero jobs", lambda w: ["parse", NAME, "--jobs", "0"], 2, "--jobs must be at least 1"),
    ("bad max-bytes", lambda w: ["parse", NAME, "--max-bytes", "0"], 2, "--max-bytes must be"),
    ("too large", lambda w: ["parse", NAME, "--max-bytes", "100"], 1, "larger than the limit"),
    ("stdout for a batch", lambda w: ["parse", NAME, NAME + "x", "-o", "-"], 2, "single document"),
    ("no notice", lambda w: ["parse"], 2, "Missing argument"),
    ("unknown option", lambda w: ["parse", NAME, "--fast"], 2, "No such option"),
    ("validate missing", lambda w: ["validate", "nope.yaml"], 1, "1 of 1 file(s) invalid"),
]


@pytest.mark.parametrize(("args", "status", "message"), [r[1:] for r in ERROR_ROWS],
                         ids=[r[0] for r in ERROR_ROWS])
def test_errors_are_one_line(work: Path, capsys: pytest.CaptureFixture[str],
                             args: Callable[[Path], list[str]], status: int, message: str) -> None:
    before = snapshot(work)
    code, _, err = qigong(capsys, *args(work))
    assert code == status
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
    assert "Traceback" not in err
    after = snapshot(work)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing touched


def test_the_installed_script_exits_cleanly(work: Path) -> None:
    script = Path(sys.executable).with_name("qigong")
    command = [str(script)] if script.exists() else [sys.executable, "-c",
                                                     "from qigong_parse.cli import main; main()"]
    done = subprocess.run([*command, "parse", "nope.txt"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr == "qigong parse: error: nope.txt: no such file\n"
    assert done.stdout == ""
    debug = subprocess.run([*command, "parse", "nope.txt", "--debug"], capture_output=True, text=True,
                           check=False)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


# --- output safety -------------------------------------------------------------------------------


def test_foreign_file_is_refused_then_forced(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = work / "mine.yaml"
    mine.write_text("todo: buy rice\n", encoding="utf-8")
    code, _, err = qigong(capsys, "parse", NAME, "-o", "mine.yaml")
    assert code == 1 and "not a qigong output (use --force)" in err
    assert mine.read_text(encoding="utf-8") == "todo: buy rice\n"
    code, _, _ = qigong(capsys, "parse", NAME, "-o", "mine.yaml", "--force")
    assert code == 0 and load_document(mine).source.file == NAME


def test_earlier_output_is_overwritten(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert qigong(capsys, "parse", NAME, "-o", "out.yaml")[0] == 0
    first = (work / "out.yaml").read_bytes()
    assert qigong(capsys, "parse", NAME, "-o", "out.yaml")[0] == 0
    assert (work / "out.yaml").read_bytes() == first


@pytest.mark.parametrize("force", [False, True])
def test_the_input_is_never_overwritten(work: Path, capsys: pytest.CaptureFixture[str], force: bool) -> None:
    extra = ["--force"] if force else []
    original = (work / NAME).read_bytes()
    code, _, err = qigong(capsys, "parse", NAME, "-o", NAME, *extra)
    assert code == 2 and "it is the input file" in err
    os.link(work / NAME, work / "hardlink.txt")
    code, _, err = qigong(capsys, "parse", NAME, "-o", "hardlink.txt", *extra)
    assert code == 2 and "it is the input file" in err
    shutil.copy(work / NAME, work / "notice.yaml")  # default output name == the input's own name
    code, _, err = qigong(capsys, "parse", "notice.yaml", *extra)
    assert code == 1 and "it is the input file" in err
    assert (work / NAME).read_bytes() == original
    assert (work / "notice.yaml").read_bytes() == original


# --- batches -------------------------------------------------------------------------------------


def test_batch_goes_on_after_a_failure(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = work / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / "a.txt")
    shutil.copy(SAMPLE, raw / "c.html.txt")
    (raw / "b.txt").write_bytes(b"")
    code, out, err = qigong(capsys, "parse", "raw", "-o", "out")
    assert code == 1 and out == ""
    assert sorted(p.name for p in (work / "out").iterdir()) == ["a.yaml", "c.html.yaml"]
    assert "FAIL  raw/b.txt: " in err
    assert "2 written, 1 failed" in err
    assert "failed" in err.split("qigong parse")[-1]  # the summary table lists it


def test_directory_without_output_writes_beside_each_file(work: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    raw = work / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / "a.txt")
    (raw / "a.yaml").write_text("mine: true\n", encoding="utf-8")  # a foreign file in the way
    shutil.copy(SAMPLE, raw / "b.txt")
    code, _, err = qigong(capsys, "parse", "raw")
    assert code == 1
    assert "refusing to overwrite raw/a.yaml: not a qigong output" in err
    assert (raw / "a.yaml").read_text(encoding="utf-8") == "mine: true\n"
    assert load_document(raw / "b.yaml").source.file == "raw/b.txt"


def test_batch_in_parallel(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(SAMPLE, work / "other.txt")
    code, _, err = qigong(capsys, "parse", NAME, "other.txt", "-o", "out", "--jobs", "2")
    assert code == 0, err
    for name in ("shaodong-2025-qidagongjian.yaml", "other.yaml"):
        assert load_document(work / "out" / name).parts


def test_batch_names_stay_inside_the_output_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("outside", "here/a", "here/b"):
        (tmp_path / folder).mkdir(parents=True)
    shutil.copy(SAMPLE, tmp_path / "outside" / "x.txt")
    shutil.copy(SAMPLE, tmp_path / "here" / "a" / "x.txt")
    shutil.copy(SAMPLE, tmp_path / "here" / "b" / "x.txt")
    monkeypatch.chdir(tmp_path / "here")
    before = snapshot(tmp_path)
    code, _, err = qigong(capsys, "parse", "../outside/x.txt", "a/x.txt", "b/*.txt", "-o", "out")
    assert code == 0, err
    written = {k: v for k, v in snapshot(tmp_path).items() if k not in before}
    assert sorted(written) == ["here/out/x-2.yaml", "here/out/x-3.yaml", "here/out/x.yaml"]
    files = sorted(load_document(tmp_path / k).source.file for k in written)
    assert files == ["../outside/x.txt", "a/x.txt", "b/x.txt"]


def test_batch_missing_file_is_a_failed_row(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = qigong(capsys, "parse", NAME, "gone.txt", "-o", "out")
    assert code == 1
    assert "FAIL  gone.txt: no such file" in err
    assert (work / "out" / "shaodong-2025-qidagongjian.yaml").is_file()


def test_batch_output_must_be_a_directory(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "file.yaml").write_text("a: 1\n", encoding="utf-8")
    code, _, err = qigong(capsys, "parse", NAME, NAME, "-o", "file.yaml")
    assert code == 2 and "must be a directory" in err


# --- validate, schema, version -------------------------------------------------------------------


def test_validate_good_and_broken(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert qigong(capsys, "parse", NAME, "-o", "good.yaml")[0] == 0
    data = yaml.safe_load((work / "good.yaml").read_text(encoding="utf-8"))
    data["parts"][0]["nodes"][0]["span"] = [9, 3]
    data["parts"][0]["nodes"][0]["mood"] = "calm"
    (work / "bad.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, err = qigong(capsys, "validate", "good.yaml")
    assert (code, out, err) == (0, "good.yaml: ok\n", "")
    code, out, err = qigong(capsys, "validate", "good.yaml", "bad.yaml")
    assert code == 1
    assert out.splitlines() == [
        "good.yaml: ok",
        "bad.yaml: parts[0].nodes[0].span: Value error, span [9, 3] is not a valid [start, end) range",
        "bad.yaml: parts[0].nodes[0].mood: Extra inputs are not permitted",
    ]
    assert err == "qigong validate: 1 of 2 file(s) invalid\n"


def test_validate_reports_yaml_syntax_position(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "broken.yaml").write_text("schema_version: '1.0'\nsource: {file: a.txt\n", encoding="utf-8")
    code, out, _ = qigong(capsys, "validate", "broken.yaml")
    assert code == 1
    assert out.startswith("broken.yaml: not valid YAML: line 3, column 1:")


def test_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = qigong(capsys, "schema")
    schema = json.loads(out)
    assert code == 0
    assert {"schema_version", "source", "parts", "warnings"} <= set(schema["properties"])


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert qigong(capsys, "--version") == (0, f"qigong {__version__}\n", "")


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("parse", "validate", "schema"):
        code, out, _ = qigong(capsys, command, "--help")
        assert code == 0
        assert "Example" in out and "Exit status" in out


def test_terminal_summary_names_the_head_and_counts() -> None:
    import io

    from rich.console import Console

    from qigong_parse.cli import render_summary
    from qigong_parse.pipeline import parse_path

    doc = parse_path(SAMPLE)
    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(render_summary(doc, "out.yaml"))
    text = buffer.getvalue()
    assert "wrote out.yaml" in text
    assert "邵东市人民政府办公室" in text and "邵东政办发〔2025〕2号" in text
    general = doc.parts[0]
    row = next(line for line in text.splitlines() if line.startswith("general "))
    assert row.split()[-3] == str(len(general.walk()))
    assert f"{len(doc.warnings)} warning(s)" in text


def test_a_command_runs_from_an_app_of_its_own_with_the_same_help() -> None:
    from typer.testing import CliRunner

    from qigong_parse.cli import _app_for, app

    runner = CliRunner()
    for command in ("parse", "validate", "schema", "diff", "dataset"):
        one = _app_for(command)
        assert one is not app and [c.callback for c in one.registered_commands] == [
            c.callback for c in app.registered_commands if c.callback is not None and
            (c.name or c.callback.__name__) == command]
        assert len(app.registered_commands) > 1  # the copy never trims the app itself
        full = runner.invoke(app, [command, "--help"], prog_name="qigong", terminal_width=100)
        alone = runner.invoke(one, [command, "--help"], prog_name="qigong", terminal_width=100)
        assert (alone.exit_code, alone.output) == (full.exit_code, full.output)
    assert _app_for(None) is app and _app_for("pars") is app  # the whole app: help, suggestions


def test_the_console_script_starts_without_collections_and_restores_the_collector() -> None:
    import gc

    code = ("import gc, sys\n"
            "from qigong_parse import cli\n"
            "seen = []\n"
            "cli.run = lambda args: seen.append(gc.isenabled()) or 0\n"
            "try:\n"
            "    cli.main(['parse', 'x.txt'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(seen, gc.isenabled())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")})
    assert out.stdout.split() == ["[False]", "True"]
    assert gc.isenabled()


def test_help_names_the_cache_and_how_to_turn_it_off(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = qigong(capsys, "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "QIGONG_NO_CACHE=1" in flat and "QIGONG_CACHE_DIR" in flat and "qigong-parse" in flat
