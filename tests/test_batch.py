"""Batch helpers: input expansion, safe distinct output names, jobs that fail alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qigong_parse.cli.batch import Job, expand_inputs, plan_outputs, run_job, run_jobs, safe_stem
from qigong_parse.io.yaml_in import load_document

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "shaodong-2025-qidagongjian.txt"


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("shaodong-2025-qidagongjian.txt", "shaodong-2025-qidagongjian"),
        ("邵东市七大攻坚.txt", "邵东市七大攻坚"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\evil.txt", "evil"),
        ("..hidden.txt", "hidden"),
        ("a\x00b\nc.txt", "a_b_c"),
        ("what is this?.html", "what is this_"),
            ("  通知 (1).txt", "通知 (1)"),
        (".txt", "txt"),
        ("", "notice"),
    ],
)
def test_safe_stem(name: str, stem: str) -> None:
    assert safe_stem(name) == stem


def test_safe_stem_fits_a_file_name() -> None:
    stem = safe_stem("邵" * 300 + ".txt")
    assert len(stem.encode("utf-8")) <= 200
    assert set(stem) == {"邵"}


def test_same_stem_gets_distinct_names(tmp_path: Path) -> None:
    files = [tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt", tmp_path / "c" / "X.html"]
    out = tmp_path / "out"
    names = [p.name for p in plan_outputs(files, out)]
    assert names == ["x.yaml", "x-2.yaml", "X-3.yaml"]
    assert all(p.parent == out for p in plan_outputs(files, out))


def test_outputs_never_name_an_input(tmp_path: Path) -> None:
    files = [tmp_path / "x.yaml", tmp_path / "x.txt"]
    assert plan_outputs(files, None) == [tmp_path / "x-2.yaml", tmp_path / "x-3.yaml"]


def test_expand_directory_glob_and_repeats(tmp_path: Path) -> None:
    for name in ("b.txt", "a.html", "c.docx", "notes.md", "d.HTM"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub.txt").mkdir()  # a directory that looks like a notice is not one
    found = expand_inputs([str(tmp_path)])
    assert [p.name for p in found.files] == ["a.html", "b.txt", "c.docx", "d.HTM"]
    assert found.batch
    globbed = expand_inputs([str(tmp_path / "*.txt"), str(tmp_path / "b.txt")])
    assert [p.name for p in globbed.files] == ["b.txt"]
    single = expand_inputs([str(tmp_path / "b.txt")])
    assert not single.batch and single.files == [tmp_path / "b.txt"]


def test_expand_reports_what_named_no_file(tmp_path: Path) -> None:
    found = expand_inputs(["nope.txt", str(tmp_path / "*.txt"), str(tmp_path), str(SAMPLE)])
    assert found.files == [SAMPLE]
    assert [message for _, message in found.problems] == [
        "nope.txt: no such file",
        f"{tmp_path / '*.txt'}: no file matches this pattern",
        f"{tmp_path}: no .txt, .html, .htm, .docx, .pdf, .ofd files in this directory",
    ]


def test_run_job_writes_and_counts(tmp_path: Path) -> None:
    result = run_job(Job(str(SAMPLE), str(tmp_path / "s.yaml")))
    assert result.ok and result.stats is not None
    doc = load_document(tmp_path / "s.yaml")
    assert result.stats.parts == len(doc.parts) >= 8
    assert result.stats.nodes == sum(len(p.walk()) for p in doc.parts)


def test_failures_stay_with_their_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = tmp_path / "good.txt"
    shutil.copy(SAMPLE, good)
    jobs = [Job(str(empty), str(tmp_path / "empty.yaml")), Job(str(good), str(tmp_path / "good.yaml"))]
    results = {Path(r.job.source).name: r for r in run_jobs(jobs, workers=2)}
    assert results["good.txt"].ok
    assert results["empty.txt"].error is not None and results["empty.txt"].error.startswith(str(empty))
    assert (tmp_path / "good.yaml").exists() and not (tmp_path / "empty.yaml").exists()


def test_a_batch_syncs_each_file_and_each_folder_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fsync per output file (durable content) but one directory fsync per output folder, at the end."""
    import os
    import stat

    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    text = SAMPLE.read_text(encoding="utf-8")[:3000]
    jobs = []
    for i in range(4):
        (tmp_path / f"n{i}.txt").write_text(text, encoding="utf-8")
        folder = tmp_path / ("a" if i < 3 else "b")
        folder.mkdir(exist_ok=True)
        jobs.append(Job(str(tmp_path / f"n{i}.txt"), str(folder / f"n{i}.yaml")))
    assert all(r.ok for r in run_jobs(jobs, workers=1))
    assert synced == ["file"] * 4 + ["dir"] * 2
