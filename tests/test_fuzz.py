"""Fuzzing: any text parses to a valid, tiled Document; any bytes give a Document or a QigongError."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qigong_parse.errors import QigongError
from qigong_parse.model.output import Document
from qigong_parse.pipeline import parse_bytes
from qigong_parse.read import decode

from .conftest import sample_text
from .test_tiling import assert_tiles, fuzz_module, parse_and_check

_CHARS = st.characters(codec="utf-8")


@settings(max_examples=200, deadline=None)
@given(st.text(_CHARS, max_size=400))
def test_any_text_gives_a_valid_tiled_document(text: str) -> None:
    parse_and_check(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(sample_text().splitlines(keepends=True)[:120]), max_size=30),
       st.text(_CHARS, max_size=30), st.integers(0, 10_000))
def test_sample_lines_with_noise(lines: list[str], noise: str, at: int) -> None:
    text = "".join(lines)
    at = min(at, len(text))
    parse_and_check(text[:at] + noise + text[at:])


def _bytes_or_error(data: bytes) -> None:
    try:
        doc = parse_bytes(data)
    except QigongError as exc:
        assert exc.message and "\n" not in exc.message  # one line for the CLI
        return
    Document.model_validate(doc.model_dump())
    assert_tiles(doc, decode(data).text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_give_a_document_or_a_qigong_error(data: bytes) -> None:
    _bytes_or_error(data)


_PREFIXES = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
             b"<html><body>", b"<!DOCTYPE html>", b"PK\x03\x04", b"%PDF-1.4", b"{\\rtf1"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_PREFIXES), st.text(_CHARS, max_size=200),
       st.sampled_from(["utf-8", "gb18030", "utf-16-le", "utf-16-be", "utf-32"]), st.binary(max_size=8))
def test_encoded_text_with_hostile_prefixes(prefix: bytes, text: str, encoding: str, tail: bytes) -> None:
    _bytes_or_error(prefix + text.encode(encoding) + tail)


def test_bounded_mutation_fuzz_run() -> None:
    fuzz = fuzz_module()
    summary = fuzz.run(150, seed=20250101)
    assert summary.cases == 150
    assert summary.failures == 0, f"{summary.line()}: {dict(summary.kinds)}"


def test_fuzz_cases_are_reproducible_from_the_seed() -> None:
    fuzz = fuzz_module()
    text = sample_text()
    first = fuzz.make_case(random.Random(5), text)
    again = fuzz.make_case(random.Random(5), text)
    assert first.data == again.data and first.ops == again.ops
    assert fuzz.make_case(random.Random(6), text).data != first.data


def test_fuzz_check_reports_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    fuzz = fuzz_module()

    def explode(data: bytes, **_: object) -> Document:
        raise KeyError("boom")

    monkeypatch.setattr(fuzz, "parse_bytes", explode)
    verdict = fuzz.check(b"x")
    assert verdict is not None and verdict[0].startswith("crash KeyError")


def test_fuzz_check_accepts_a_qigong_error() -> None:
    assert fuzz_module().check(b"") == ("rejected", "")
    assert fuzz_module().check(sample_text().encode("utf-8")) is None


def test_fuzz_main_saves_crashes_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    fuzz = fuzz_module()
    crash_dir = tmp_path / "crashes"
    monkeypatch.setattr(fuzz, "check", lambda data, kind="text": ("crash ValueError at x.py:1", "Traceback …"))
    status = fuzz.main(["--cases", "3", "--seed", "1", "--crash-dir", str(crash_dir), "--quiet"])
    out = capsys.readouterr().out
    assert status == 1
    assert "fuzz: 3 cases, 3 unexpected exceptions, 0 tiling failures" in out
    saved = sorted(crash_dir.glob("*.bin"))
    assert saved and all(p.with_suffix(".txt").exists() for p in saved)


@pytest.mark.parametrize("text", ["一、总体\ud800要求\n", "\udfff", "附件1\n\udc80\n"])
def test_lone_surrogate_is_a_document_or_a_qigong_error(text: str) -> None:
    from qigong_parse.pipeline import parse_text

    try:
        doc = parse_text(text)
    except QigongError as exc:
        assert "surrogate" in exc.message
        return
    assert_tiles(doc, text)


@pytest.mark.parametrize("kind", ["html", "docx", "yaml"])
def test_bounded_fuzz_run_of_each_input_kind(kind: str) -> None:
    fuzz = fuzz_module()
    summary = fuzz.run(25, seed=20250102, kinds=(kind,))
    assert summary.cases == 25
    assert summary.failures == 0, f"{summary.line()}: {dict(summary.kinds)}"
    if kind == "yaml":
        assert 0 < summary.rejected < 25  # some mutations validate rejects, some it accepts


def test_fuzz_yaml_check_reports_validate_passing_a_broken_document(monkeypatch: pytest.MonkeyPatch) -> None:
    import qigong_parse.check.validate as validate

    fuzz = fuzz_module()
    monkeypatch.setattr(validate, "validate_data", lambda data: [])  # a validate that passes anything
    verdict = fuzz.check(b"schema_version: '1.0'\nsource: {file: x, sha256: x, encoding: u, chars: 5}\n", "yaml")
    assert verdict is not None and verdict[0].startswith("invariant: validate passed")


def test_brief_hypothesis_run() -> None:
    assert fuzz_module().hypothesis_run(12) == []


def test_the_yaml_check_reads_documents_as_validate_does() -> None:
    """A file with a warning code this version does not know passes `validate` (a 1.x reader of a
    later 1.x file); the fuzzer's own load must read it the same way, not report an invariant."""
    import yaml

    from qigong_parse.io.yaml_out import dump_yaml
    from qigong_parse.pipeline import parse_text

    fuzz = fuzz_module()
    data = yaml.safe_load(dump_yaml(parse_text("某某县实施方案\n一、任务\n1.推进项目。\n")))
    data["warnings"] = [{"code": "a-later-code", "message": "from a newer qigong"}]
    assert fuzz.check(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "yaml") is None
