"""YAML writing and loading: readable dumps, exact round trips, atomic writes that never clobber."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.errors import InputError, OutputError
from qigong_parse.io.yaml_in import load_document
from qigong_parse.io.yaml_out import dump_yaml, is_qigong_output, to_yaml, write_yaml
from qigong_parse.model.output import SCHEMA_VERSION, Document, Source
from qigong_parse.pipeline import parse_path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "shaodong-2025-qidagongjian.txt"


@pytest.fixture(scope="module")
def doc() -> Document:
    return parse_path(SAMPLE)


def tiny(file: str = "邵东.txt") -> Document:
    return Document(source=Source(file=file, sha256="0" * 64, encoding="utf-8", chars=10))


def test_dump_is_readable(doc: Document) -> None:
    text = dump_yaml(doc)
    assert text.startswith(f'schema_version: "{SCHEMA_VERSION}"\nsource:\n  file: ')
    assert "issuer: 邵东市人民政府办公室" in text  # unicode as is, not \u escapes
    assert 'date: "2025-03-06"\n' in text  # quoted: YAML loaders read the string the JSON Schema wants
    assert f"  span: {list(doc.parts[0].span)}\n" in text  # spans in flow style
    escaped = {chr(int(code, 16)) for code in re.findall(r"\\u([0-9a-f]{4})", text)}
    assert all(not ch.isprintable() for ch in escaped)  # only invisible characters are escaped


def test_dump_keeps_model_key_order(doc: Document) -> None:
    data = yaml.safe_load(dump_yaml(doc))
    assert list(data) == list(Document.model_fields)
    assert list(data["parts"][0]) == list(type(doc.parts[0]).model_fields)


def test_round_trip_of_the_sample_is_exact(doc: Document, tmp_path: Path) -> None:
    out = write_yaml(doc, tmp_path / "out.yaml")
    assert load_document(out) == doc
    assert dump_yaml(load_document(out)) == dump_yaml(doc)


LOADERS = [yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(alphabet=st.sampled_from("a? 邵\n\r\t:#-,[]{}'\"|>\u2028\x85\ufeff\x00—")))
def test_any_string_round_trips_in_every_position(value: str, tricky: str) -> None:
    for text in (value, tricky):
        data = {"text": text, "path": [text, "1", text], "items": [text, {"title": text, "span": [0, 1]}],
                "nested": [[text], []], "empty": {}}
        for loader in LOADERS:
            assert yaml.load(to_yaml(data), Loader=loader) == data


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.floats(), st.integers(), st.booleans(), st.none(), st.dates()))
def test_any_scalar_round_trips(value: object) -> None:
    loaded = yaml.load(to_yaml({"value": value, "span": [value]}), Loader=LOADERS[-1])
    if isinstance(value, float) and value != value:
        assert loaded["value"] != loaded["value"]
    else:
        assert loaded == {"value": value, "span": [value]}


def test_yaml_words_and_numbers_stay_strings() -> None:
    words = ["yes", "No", "on", "OFF", "null", "~", "1", "1.5", "2025-03-06", "1:20", "0x1F", ".inf", "-",
             "%", "(一)", "——持续", "a: b", "a #b", "a ", "@x", "!x", "&x", "*x", "? x", ""]
    data = {"path": words, "items": words}
    assert yaml.load(to_yaml(data), Loader=LOADERS[-1]) == data


def test_long_lines_are_not_wrapped(doc: Document) -> None:
    longest = max((n.text for p in doc.parts for n in p.walk() if "\n" not in n.text), key=len)
    assert len(longest) > 80
    assert longest in dump_yaml(doc)


def test_write_creates_file_and_leaves_no_temp(tmp_path: Path) -> None:
    out = write_yaml(tiny(), tmp_path / "a.yaml")
    assert is_qigong_output(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_overwriting_an_earlier_output_is_allowed(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    write_yaml(tiny("first.txt"), target)
    write_yaml(tiny("second.txt"), target)
    assert load_document(target).source.file == "second.txt"


FOREIGN = [b"notes: keep me\n", b"\x89PNG\r\n\x1a\n\x00\x00", b"schema_version: 1\n"]


@pytest.mark.parametrize("content", FOREIGN)
def test_foreign_file_is_refused_and_kept(tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "a.yaml"
    target.write_bytes(content)
    with pytest.raises(OutputError, match="not a qigong output"):
        write_yaml(tiny(), target)
    assert target.read_bytes() == content


def test_force_overwrites_a_foreign_file(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("notes: mine\n", encoding="utf-8")
    write_yaml(tiny(), target, force=True)
    assert load_document(target).source.file == "邵东.txt"


def test_symlink_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "a.yaml"
    link.symlink_to(victim)
    with pytest.raises(OutputError, match="symbolic link"):
        write_yaml(tiny(), link)
    with pytest.raises(OutputError, match="symbolic link"):  # --force never replaces a link either
        write_yaml(tiny(), link, force=True)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert link.is_symlink()


def test_directory_and_missing_parent_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_yaml(tiny(), tmp_path)
    with pytest.raises(OutputError, match="does not exist"):
        write_yaml(tiny(), tmp_path / "no" / "a.yaml")


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.yaml"
    write_yaml(tiny("old.txt"), target)
    before = target.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left"):
        write_yaml(tiny("new.txt"), target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_new_file_respects_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        out = write_yaml(tiny(), tmp_path / "a.yaml")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("schema_version: '1.0'\nsource: [unclosed\n", r"line 3, column 1"),
        ("- just\n- a list\n", "not a mapping"),
        ("schema_version: '1.0'\nsource: {file: a}\n", r"source\.sha256: Field required \(and 2 more"),
    ],
)
def test_load_errors_are_one_readable_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_document(path)
    assert "\n" not in info.value.message
    assert info.value.message.startswith(str(path))


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "nope.yaml")


def test_a_reformatted_output_is_still_ours(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    data = tiny("old.txt").model_dump(mode="json")
    target.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")  # keys reordered by hand
    assert not target.read_text(encoding="utf-8").startswith("schema_version")
    assert is_qigong_output(target)
    write_yaml(tiny("new.txt"), target)
    assert load_document(target).source.file == "new.txt"


def test_subclasses_of_str_list_and_dict_are_written_as_their_base_types() -> None:
    import enum

    class Kind(enum.StrEnum):
        two_lines = "第一行\n第二行"
        plain = "general"

    class Items(list):  # type: ignore[type-arg]
        pass

    data = {"a": Kind.two_lines, "b": Kind.plain, "path": Items([Kind.plain, "1"]), "c": Items([Kind.two_lines])}
    base = {"a": "第一行\n第二行", "b": "general", "path": ["general", "1"], "c": ["第一行\n第二行"]}
    assert to_yaml(data) == to_yaml(base)
    assert yaml.safe_load(to_yaml(data)) == base
