"""`qigong dataset`: tables and keys, incremental runs, failures recorded, engines that agree."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qigong_parse.cli import run
from qigong_parse.pipeline import parse_path

from .conftest import ROOT, SAMPLE

pa = pytest.importorskip("pyarrow", reason="the dataset extra (pyarrow) is not installed")
pq = pytest.importorskip("pyarrow.parquet")

from qigong_parse.dataset.build import Report  # noqa: E402
from qigong_parse.dataset.build import build as _build  # noqa: E402
from qigong_parse.dataset.schema import KEYS, TABLES  # noqa: E402
from qigong_parse.dataset.sources import expand  # noqa: E402
from qigong_parse.dataset.store import read_table  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "heldout"


def build(items: list[str], out: Path, **options: object) -> Report:
    return _build(expand(items).files, out, **options)  # type: ignore[arg-type]


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504  # the magic of an old Word .doc


def _corpus(folder: Path) -> Path:
    """The sample, four held-out notices (one HTML), an old .doc and an empty file, in two folders."""
    (folder / "a").mkdir(parents=True)
    (folder / "b" / "deep").mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "a" / SAMPLE.name)
    for name in ("anfu-2023-wenjingji.txt", "yuetang-2025-zhizaoye.txt", "taojiang-2022-wenzengzhang.html"):
        shutil.copy(HELDOUT / name, folder / "b" / name)
    shutil.copy(HELDOUT / "xinhua-2024-xiangcunzhenxing.txt", folder / "b" / "deep" / "xinhua.txt")
    (folder / "b" / "old.doc").write_bytes(OLE2)
    (folder / "b" / "empty.txt").write_bytes(b"")
    (folder / "b" / "notes.tsv").write_text("not a document\n")  # not a document suffix: not a source
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    src = _corpus(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("out") / "ds"
    report = build([str(src)], out, jobs=1)
    assert (report.parsed, report.failed, report.skipped) == (5, 2, 0)
    return src, out


def _tables(root: Path) -> dict[str, dict[str, list]]:
    return {t: read_table(root, t).to_pydict() for t in TABLES}


def test_one_documents_row_per_parsed_source_and_one_errors_row_per_refused(built: tuple[Path, Path]) -> None:
    src, out = built
    t = _tables(out)
    names = sorted(os.path.basename(s) for s in t["documents"]["source"])
    assert names == sorted([SAMPLE.name, "anfu-2023-wenjingji.txt", "yuetang-2025-zhizaoye.txt",
                            "taojiang-2022-wenzengzhang.html", "xinhua.txt"])
    errors = dict(zip((os.path.basename(s) for s in t["errors"]["source"]), t["errors"]["error"], strict=True))
    assert set(errors) == {"old.doc", "empty.txt"}
    assert "old Word .doc" in errors["old.doc"] and errors["old.doc"].startswith(str(src))
    assert t["errors"]["kind"] == ["refused", "refused"]


def test_rows_match_the_parsed_document(built: tuple[Path, Path]) -> None:
    src, out = built
    doc = parse_path(src / "a" / SAMPLE.name)
    sha = doc.source.sha256
    t = {name: read_table(out, name).filter(pa.compute.equal(read_table(out, name)["sha256"], sha)).to_pydict()
         for name in ("documents", "parts", "nodes", "responsibilities", "targets", "task_forces",
                      "task_force_members", "warnings")}
    nodes = [n for p in doc.parts for n in p.walk()]
    assert t["documents"]["issuer"] == [doc.notice.issuer] and t["documents"]["doc_number"] == [doc.notice.doc_number]
    assert t["documents"]["year"] == [doc.notice.date.year]
    assert t["documents"]["nodes"] == [len(nodes)] == [len(t["nodes"]["sha256"])]
    assert t["parts"]["part_id"] == [p.id for p in doc.parts]
    assert len(t["targets"]["sha256"]) == sum(len(p.targets) for p in doc.parts) + sum(len(n.targets) for n in nodes)
    assert len(t["responsibilities"]["sha256"]) == sum(
        len(n.responsibility.lead) + len(n.responsibility.support) + len(n.responsibility.joint)
        for n in nodes if n.responsibility)
    assert len(t["warnings"]["sha256"]) == len(doc.warnings)
    assert len(t["task_forces"]["sha256"]) == sum(p.task_force is not None for p in doc.parts) > 0
    # the first node of the first part, field by field
    first = doc.parts[0].walk()[0]
    i = next(i for i, (p, n) in enumerate(zip(t["nodes"]["part_id"], t["nodes"]["node_index"], strict=True))
             if p == doc.parts[0].id and n == 0)
    row = {k: v[i] for k, v in t["nodes"].items()}
    assert (row["part_id"], row["node_index"], row["path"], row["title"], row["start"], row["end"]) == (
        doc.parts[0].id, 0, "/".join(first.path), first.title, first.span[0], first.span[1])


def test_keys_are_unique_and_join(built: tuple[Path, Path]) -> None:
    _, out = built
    t = _tables(out)
    for name in TABLES:
        keys = list(zip(*(t[name][k] for k in KEYS[name]), strict=True))
        assert len(keys) == len(set(keys)), name
    docs = set(t["documents"]["sha256"])
    parts = set(zip(t["parts"]["sha256"], t["parts"]["part_id"], strict=True))
    nodes = set(zip(t["nodes"]["sha256"], t["nodes"]["part_id"], t["nodes"]["node_index"], strict=True))
    for name in ("parts", "nodes", "responsibilities", "targets", "task_forces", "task_force_members", "warnings"):
        assert set(t[name]["sha256"]) <= docs, name
    for name in ("nodes", "responsibilities", "targets", "task_forces", "task_force_members"):
        assert set(zip(t[name]["sha256"], t[name]["part_id"], strict=True)) <= parts, name
    resp = set(zip(t["responsibilities"]["sha256"], t["responsibilities"]["part_id"],
                   t["responsibilities"]["node_index"], strict=True))
    assert resp and resp <= nodes
    on_nodes = {k for k in zip(t["targets"]["sha256"], t["targets"]["part_id"], t["targets"]["node_index"],
                               strict=True) if k[2] is not None}
    assert on_nodes and on_nodes <= nodes
    parents = {(s, p, i) for s, p, i in zip(t["nodes"]["sha256"], t["nodes"]["part_id"], t["nodes"]["parent_index"],
                                            strict=True) if i is not None}
    assert parents and parents <= nodes


def test_rerun_adds_nothing_and_a_new_source_adds_only_itself(built: tuple[Path, Path], tmp_path: Path) -> None:
    src, out = built
    ds = tmp_path / "ds"
    shutil.copytree(out, ds)
    before = sorted(p.name for p in ds.rglob("*"))
    report = build([str(src)], ds, jobs=1)
    assert (report.parsed, report.failed, report.skipped, report.files) == (0, 0, 7, [])
    assert sorted(p.name for p in ds.rglob("*")) == before
    # the same bytes under another name are skipped too; a new document is added alone
    shutil.copy(SAMPLE, tmp_path / "copy-of-sample.txt")
    shutil.copy(HELDOUT / "beihu-2025-minyingjingji.txt", tmp_path / "beihu.txt")
    report = build([str(tmp_path / "copy-of-sample.txt"), str(tmp_path / "beihu.txt")], ds, jobs=1)
    assert (report.parsed, report.skipped) == (1, 1)
    sources = read_table(ds, "documents")["source"].to_pylist()
    assert len(sources) == 6 and str(tmp_path / "beihu.txt") in sources


def test_local_pool_equals_serial(built: tuple[Path, Path], tmp_path: Path) -> None:
    src, out = built
    report = build([str(src)], tmp_path / "ds2", jobs=2, chunk_documents=3)  # several chunks, too
    assert len(report.files) == 3 * len(TABLES)
    for name in TABLES:
        assert read_table(tmp_path / "ds2", name).equals(read_table(out, name)), name


def test_dask_local_cluster_equals_local(built: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    src, out = built
    # A subprocess, so that the wait is bounded however the cluster behaves; 2 worker processes.
    proc = subprocess.run([sys.executable, "-c", "from qigong_parse.cli import main; main()", "dataset", str(src), "-o",
                           str(tmp_path / "dds"), "--engine", "dask", "--jobs", "2", "-q"],
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stderr  # 1: two sources were refused (and recorded)
    assert re.search(r"5 parsed, 2 failed, 0 skipped", proc.stderr), proc.stderr
    for name in TABLES:
        assert read_table(tmp_path / "dds", name).equals(read_table(out, name)), name


def test_cli_reports_failures_and_refuses_a_foreign_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "old.doc").write_bytes(OLE2)
    shutil.copy(SAMPLE, tmp_path / "s.txt")
    assert run(["dataset", str(tmp_path / "old.doc"), str(tmp_path / "s.txt"), str(tmp_path / "nope.txt"),
                "-o", str(tmp_path / "ds"), "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "FAIL  " + str(tmp_path / "old.doc") in err and "nope.txt: no such file" in err
    assert "1 parsed, 1 failed, 0 skipped" in err and "Traceback" not in err
    assert run(["dataset", str(tmp_path / "s.txt"), "-o", str(tmp_path / "ds")]) == 0  # skipped: nothing failed
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    assert run(["dataset", str(tmp_path / "s.txt"), "-o", str(foreign)]) == 1
    assert "not a qigong dataset" in capsys.readouterr().err
    assert sorted(p.name for p in foreign.iterdir()) == ["keep.txt"]
    assert run(["dataset", str(tmp_path / "s.txt")]) == 2
    assert "-o DIR" in capsys.readouterr().err


def test_manifest_of_paths(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "s.txt")
    shutil.copy(HELDOUT / "anfu-2023-wenjingji.txt", tmp_path / "a.txt")
    manifest = tmp_path / "list.txt"
    manifest.write_text(f"# sources\n{tmp_path / 's.txt'}\n\n{tmp_path / 'a.txt'}\n", encoding="utf-8")
    assert run(["dataset", "--manifest", str(manifest), "-o", str(tmp_path / "ds"), "-j", "1", "-q"]) == 0
    assert read_table(tmp_path / "ds", "documents").num_rows == 2


def test_an_interrupted_chunk_is_dropped_and_committed_ones_stay(built: tuple[Path, Path], tmp_path: Path) -> None:
    src, out = built
    ds = tmp_path / "ds"
    shutil.copytree(out, ds)
    # a run killed between its renames: child files of chunk 1 without its documents file, and a .tmp
    shutil.copy(ds / "nodes" / "part-000000.parquet", ds / "nodes" / "part-000001.parquet")
    (ds / "targets" / ".part-000001.parquet.tmp").write_bytes(b"half")
    report = build([str(src)], ds, jobs=1)
    assert sorted(Path(p).name for p in report.removed) == [".part-000001.parquet.tmp", "part-000001.parquet"]
    assert report.skipped == 7
    assert read_table(ds, "nodes").equals(read_table(out, "nodes"))


def test_retry_errors_replaces_the_old_row(tmp_path: Path) -> None:
    link = tmp_path / "later.txt"
    link.symlink_to(tmp_path / "missing.txt")  # a source that cannot be read yet: no sha256
    ds = tmp_path / "ds"
    report = build([str(link)], ds, jobs=1)
    assert report.failed == 1 and read_table(ds, "errors")["sha256"].to_pylist() == [None]
    assert build([str(link)], ds, jobs=1).skipped == 1  # recorded: not tried again unasked
    shutil.copy(SAMPLE, tmp_path / "missing.txt")
    report = build([str(link)], ds, jobs=1, retry_errors=True)
    assert (report.parsed, report.retried, report.errors_dropped) == (1, 1, 1)
    assert read_table(ds, "errors").num_rows == 0 and read_table(ds, "documents").num_rows == 1


README_SECTION = re.compile(r"^## A dataset of many notices\n(.*?)(?=^## )", re.S | re.M)


def _readme_blocks(lang: str) -> list[str]:
    section = README_SECTION.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert section, "README has no dataset section"
    return re.findall(rf"^```{lang}\n(.*?)^```", section.group(1), re.S | re.M)


@pytest.fixture(scope="module")
def query_ds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset where one place's plan appears in two years with a different target."""
    folder = tmp_path_factory.mktemp("q")
    text = SAMPLE.read_text(encoding="utf-8")
    (folder / "2025.txt").write_text(text, encoding="utf-8")
    earlier = text.replace("2025年", "2024年").replace("社会消费品零售总额增长6.5%", "社会消费品零售总额增长7%")
    assert earlier != text
    (folder / "2024.txt").write_text(earlier, encoding="utf-8")
    shutil.copy(HELDOUT / "anfu-2023-wenjingji.txt", folder / "anfu.txt")
    build([str(folder)], folder / "ds", jobs=1)
    return folder


def test_readme_duckdb_queries_run_and_answer(query_ds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
    monkeypatch.chdir(query_ds)
    blocks = _readme_blocks("sql")
    assert len(blocks) >= 3
    con = duckdb.connect()
    results = [con.execute(sql).fetchall() for sql in blocks]
    assert all(results), "every README query answers something on this dataset"
    assert any(row[-1] == "fell" or "fell" in row for rows in results for row in rows), results


def test_readme_pandas_queries_run(query_ds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas", reason="pandas is not installed")
    monkeypatch.chdir(query_ds)
    blocks = _readme_blocks("python")
    assert blocks
    scope: dict[str, object] = {}
    for code in blocks:
        exec(code, scope)
    assert len(scope["per_year"]) > 0 and len(scope["leads"]) > 0  # type: ignore[arg-type]
    assert "fell" in set(scope["moved"]["direction"])  # type: ignore[index]


@pytest.mark.parametrize(("module", "extra", "args"), [("pyarrow", "dataset", []),
                                                       ("distributed", "dask", ["--engine", "dask"])])
def test_a_missing_extra_is_a_one_line_hint(module: str, extra: str, args: list[str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now fails as if not installed
    assert run(["dataset", str(SAMPLE), "-o", str(tmp_path / "ds"), *args]) == 1
    err = capsys.readouterr().err
    assert f"pip install 'qigong-parse[{extra}]'" in err and "Traceback" not in err
    assert not (tmp_path / "ds").exists()
