"""Issue 16, in process: safe writes (items 10, 19), YAML limits (1, 20), DOCX and HTML limits (2, 3,
7, 8), terminal escaping (17) and the invariant check of every parse (9, 14, issue 11 item 5)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
import yaml

from qigong_parse.check.invariants import check_document, tiling_problems
from qigong_parse.errors import InputError, OutputError, printable
from qigong_parse.io import yaml_in, yaml_out
from qigong_parse.io.yaml_in import MAX_YAML_DEPTH, load_yaml
from qigong_parse.io.yaml_out import atomic_write, check_writable, write_yaml
from qigong_parse.model.output import Document, Source
from qigong_parse.pipeline import parse_text
from qigong_parse.read.html import declared_charset, markup_depth

from .conftest import load_script


def tiny() -> Document:
    return Document(source=Source(file="a.txt", sha256="0" * 64, encoding="utf-8", chars=0))


# --- 10: --force never replaces what is not a regular file --------------------------------------


def test_force_never_replaces_a_fifo_it_writes_into_it(tmp_path: Path) -> None:
    fifo = tmp_path / "out.yaml"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_yaml(tiny(), fifo, force=True)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b'schema_version: "1.')


def test_force_never_replaces_a_character_device(tmp_path: Path) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a copy of /dev/null
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    write_yaml(tiny(), node, force=True)
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_force_never_replaces_a_symlink_nor_its_target(tmp_path: Path) -> None:
    target = tmp_path / "precious.yaml"
    write_yaml(tiny(), target)
    before = target.read_bytes()
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    with pytest.raises(OutputError, match="symbolic link"):
        write_yaml(tiny(), link, force=True)
    with pytest.raises(OutputError, match="symbolic link"):
        atomic_write(link, b"x")  # also when the caller skipped check_writable
    assert link.is_symlink() and target.read_bytes() == before


def test_block_device_and_socket_are_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(OutputError, match="not a regular file"):
            check_writable(path, force=True)


# --- 19: read-only outputs, stale temporary files ---------------------------------------------------


def test_read_only_output_is_refused_even_with_force(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    write_yaml(tiny(), out)
    out.chmod(0o444)
    before = out.read_bytes()
    with pytest.raises(OutputError, match="read-only"):
        write_yaml(tiny(), out, force=True)
    assert out.read_bytes() == before


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    return int(proc.stdout)  # reaped: no such process any more (pid reuse this soon is unlikely)


def test_temp_files_of_dead_writers_are_removed_by_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    dead = tmp_path / f".a.yaml.{_dead_pid()}.abc123.tmp"
    alive = tmp_path / f".a.yaml.{os.getppid()}.def456.tmp"  # a running process: left alone
    other = tmp_path / f".b.yaml.{_dead_pid()}.abc123.tmp"  # another target's: left alone
    for path in (dead, alive, other):
        path.write_bytes(b"partial")
    write_yaml(tiny(), out)
    assert not dead.exists()
    assert alive.exists() and other.exists()


def test_own_temp_files_are_removed_by_the_signal_handler(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    yaml_out._writing.add(out)
    try:
        own = tmp_path / f".a.yaml.{os.getpid()}.xyz.tmp"
        own.write_bytes(b"partial")
        yaml_out.remove_own_temp_files()
        assert not own.exists()
    finally:
        yaml_out._writing.discard(out)


# --- 1, 20: YAML in ------------------------------------------------------------------------------


def test_alias_bomb_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(load_script("hostile_corpus").alias_bomb(), encoding="utf-8")
    with pytest.raises(InputError, match="aliases"):
        load_yaml(path)


def test_a_single_alias_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: &x [1]\nb: *x\n", encoding="utf-8")
    with pytest.raises(InputError, match="aliases"):
        load_yaml(path)


@pytest.mark.parametrize("loader", ["C", "pure"])
def test_deep_yaml_is_a_one_line_error(tmp_path: Path, loader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if loader == "pure":
        monkeypatch.setattr(yaml_in, "_Loader", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("no libyaml")
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 20_000 + "]" * 20_000, encoding="utf-8")
    # ours past MAX_YAML_DEPTH, or libyaml's own limit (1000 levels) first
    with pytest.raises(InputError, match=f"nested more than {MAX_YAML_DEPTH} levels|maximum nesting depth"):
        load_yaml(path)


def test_node_and_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "wide.yaml"
    path.write_text("[" + ", ".join(["1"] * 1000) + "]", encoding="utf-8")
    monkeypatch.setattr(yaml_in, "MAX_YAML_NODES", 500)
    with pytest.raises(InputError, match="more than 500 YAML nodes"):
        load_yaml(path)
    monkeypatch.setattr(yaml_in, "MAX_YAML_BYTES", 100)
    with pytest.raises(InputError, match="larger than the limit"):
        load_yaml(path)


def test_our_outputs_load_within_the_limits(sample_doc: Document, tmp_path: Path) -> None:
    out = write_yaml(sample_doc, tmp_path / "s.yaml")
    assert yaml_in.load_document(out) == sample_doc


# --- 7, 8: HTML ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("markup", "depth"), [
    ("<div><div><p>x<p>y</div></div>", 2),  # implied ends are not counted
    ("<div><br><img src=x><hr></div>", 1),  # void elements neither
    ("<div><script>'<div><div><div>'</script><!-- <div><div> --></div>", 1),
    ("<DIV><Span>x</SPAN></div>", 2),
])
def test_markup_depth(markup: str, depth: int) -> None:
    assert markup_depth(markup) == depth


@pytest.mark.parametrize("label", ["undefined", "punycode", "rot13", "unicode_escape", "idna", "utf-7"])
def test_python_only_codecs_are_not_trusted_from_a_page(label: str) -> None:
    assert declared_charset(f'<meta charset="{label}">'.encode()) is None


# --- 17: escaping -------------------------------------------------------------------------------


def test_printable_escapes_controls_and_keeps_chinese() -> None:
    assert printable("a\nb\x1b[31m\u202e邵东\t") == "a\\x0ab\\x1b[31m\\u202e邵东\\x09"
    assert InputError("x\ny").message == "x\\x0ay"


# --- 9, 14, issue 11 item 5: the invariants ----------------------------------------------------------


def test_check_document_passes_the_sample(sample_doc: Document) -> None:
    assert check_document(sample_doc) == []


def test_check_document_finds_overlapping_parts_and_gaps(sample_doc: Document) -> None:
    parts = list(sample_doc.parts)
    first = parts[1]
    parts[1] = first.model_copy(update={"span": (parts[0].span[1] - 5, first.span[1])})
    broken = sample_doc.model_copy(update={"parts": parts})
    messages = [str(p) for p in tiling_problems(broken)]
    assert any("overlap" in m and "overlaps part 'general'" in m for m in messages)
    assert any("gap:" in m for m in messages)  # the part's own leaves no longer start at its start


def test_repeated_annex_heading_gives_unique_ids() -> None:  # issue 16 item 9, fixed by the lead
    doc = parse_text("附件7\n附件7\n")
    assert [p for p in check_document(doc) if "duplicate part id" in p.message] == []
