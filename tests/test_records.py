"""A parse builds records (`model.records`, generated from the output models); the command line
writes them with `plain`, the library returns `output.from_record` of them. Both must give exactly
what pydantic's validation and `model_dump` would, and the records must stay the models' own."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from qigong_parse.model import gen_records, output, records
from qigong_parse.model.output import READING, Document, from_record, plain
from qigong_parse.pipeline import parse_text, parse_text_records

from .conftest import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = sorted((ROOT / "tests" / "data" / "heldout").glob("*.txt"))

_TARGET: dict[str, Any] = dict(quote="增长6.5%以上", span=(3, 11), metric="社会消费品零售总额", change="increase",
                               value=6.5, unit="%", bound=">=", aspirational=True, commitment="soft")


def test_records_py_is_what_gen_records_writes() -> None:
    assert gen_records.main(["--check"]) == 0, "run python -m qigong_parse.model.gen_records"


def test_the_check_fails_for_a_records_py_that_is_not_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "records.py"
    stale.write_text(gen_records.TARGET.read_text(encoding="utf-8").replace("    damaged: bool\n", ""),
                     encoding="utf-8")
    monkeypatch.setattr(gen_records, "TARGET", stale)
    assert gen_records.main(["--check"]) == 1
    assert gen_records.main([]) == 0 and gen_records.main(["--check"]) == 0  # rewritten


def test_every_model_has_its_record_with_the_same_fields_in_order() -> None:
    models = gen_records.models()
    assert len(models) == 13
    for model in models:
        record = getattr(records, model.__name__)
        assert record._record_fields == tuple(model.model_fields)
        assert record._omit_if_none == model._omit_if_none


@pytest.mark.parametrize(("name", "fields"), [
    ("Node", dict(path=["一", "(一)"], marker="(一)", title="总体要求", span=(0, 9), title_span=(3, 7))),
    ("Target", _TARGET),
    ("Notice", dict(issuer="邵东市人民政府办公室", date=dt.date(2025, 3, 6), span=(0, 40))),
    ("ParseWarning", dict(code="repaired-unit", message="x", path=["一"], span=(1, 2))),
    ("TaskForce", dict(name="工作专班", members=["市发改局"])),
])
def test_a_record_is_its_validated_model(name: str, fields: dict[str, Any]) -> None:
    record = getattr(records, name)(**fields)
    validated = getattr(output, name)(**fields)
    assert list(vars(record)) == list(type(validated).model_fields)  # every field, in model order
    assert vars(record) == vars(validated)  # the defaults are the models'
    assert plain(record) == validated.model_dump(mode="json") == plain(validated)


def test_a_record_gets_its_own_empty_lists_and_compares_by_its_fields() -> None:
    a = records.Node(path=["一"], marker="一、", title="t", span=(0, 3), title_span=(2, 3))
    b = records.Node(path=["一"], marker="一、", title="t", span=(0, 3), title_span=(2, 3))
    assert a == b and a.targets == [] and a.targets is not b.targets and a.children is not b.children
    a.targets.append(None)  # type: ignore[arg-type]
    assert a != b and b.targets == []
    assert repr(b).startswith("Node(path=['一'], marker='一、'")
    with pytest.raises(TypeError):
        records.Node(path=["一"], marker="", title="", span=(0, 0))  # type: ignore[call-arg]


def test_node_page_is_left_out_when_unknown() -> None:
    node = records.Node(path=["一"], marker="一、", title="t", span=(0, 3), title_span=(2, 3))
    assert "page" not in plain(node) and "page" not in from_record_of(node).model_dump(mode="json")
    paged = records.Node(path=["一"], marker="一、", title="t", span=(0, 3), title_span=(2, 3), page=2)
    assert plain(paged)["page"] == 2


def from_record_of(node: records.Node) -> output.Node:
    doc = records.Document(source=records.Source(file="f", sha256="0", encoding="utf-8", chars=3),
                           parts=[records.Part(id="general", kind="general_plan", span=(0, 3), nodes=[node])])
    return from_record(doc).parts[0].nodes[0]


def test_a_record_the_tree_holds_twice_becomes_one_model() -> None:
    target = records.Target(**_TARGET)
    part = records.Part(id="general", kind="general_plan", span=(0, 20), targets=[target, target])
    doc = from_record(records.Document(source=records.Source(file="f", sha256="0", encoding="utf-8", chars=20),
                                       parts=[part]))
    assert type(doc.parts[0].targets[0]) is output.Target and doc.parts[0].targets[0] is doc.parts[0].targets[1]


def test_only_records_of_output_models_convert() -> None:
    class Stray(records.Record):
        _record_fields = ("x",)

    with pytest.raises(TypeError, match="not the record of an output model"):
        output._model_of(Stray(), {})


@pytest.mark.parametrize("path", [SAMPLE, *HELDOUT[:6]], ids=lambda p: p.name)
def test_records_and_their_models_give_what_validation_and_model_dump_give(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    written = plain(parse_text_records(text, file=path.name))  # what the command line writes
    doc = parse_text(text, file=path.name)  # what the library returns
    assert type(doc) is Document and type(doc.parts[0]) is output.Part
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a serializer warning means a value of the wrong type
        dumped = doc.model_dump(mode="json")
    assert written == dumped == plain(doc)
    # validation gives the same models (a tuple where the schema has a list would differ here)
    assert Document.model_validate(dumped, context=READING) == doc


def test_a_parse_with_an_unregistered_warning_code_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from qigong_parse.model import warnings as codes

    text = SAMPLE.read_text(encoding="utf-8")
    emitted = {w.code for w in parse_text_records(text).warnings}
    assert emitted
    monkeypatch.setattr(codes, "WARNING_CODES", {k: v for k, v in codes.WARNING_CODES.items() if k not in emitted})
    with pytest.raises(ValueError, match="unregistered warning code"):
        parse_text_records(text)


def test_a_library_parse_and_its_yaml_build_no_schema() -> None:
    # defer_build + from_record + plain: none of the ~70 ms of schemas is built.
    code = ("import sys; from qigong_parse.pipeline import parse_text; from qigong_parse.io.yaml_out import dump_yaml;"
            "from qigong_parse.model import output as o;"
            "from pydantic import BaseModel;"
            "dump_yaml(parse_text(open(sys.argv[1], encoding='utf-8').read()));"
            "built = [c.__name__ for c in vars(o).values() if isinstance(c, type) and issubclass(c, BaseModel)"
            " and c.__pydantic_complete__]; print(built)")
    got = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "[]", got.stdout


def test_a_command_line_parse_defines_no_pydantic_model(tmp_path: Path) -> None:
    # The records need no pydantic: its model machinery (~270 M instructions) stays unimported.
    code = ("import sys\nfrom qigong_parse.cli import main\n"
            "try:\n    main(['parse', sys.argv[1], '-o', sys.argv[2], '--force'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pydantic.main', 'pydantic.fields', 'qigong_parse.model.output')"
            " if m in sys.modules))")
    got = subprocess.run([sys.executable, "-c", code, str(SAMPLE), str(tmp_path / "s.yaml")], capture_output=True,
                         text=True, check=True)
    assert got.stdout.strip().splitlines()[-1] == "[]", got.stdout + got.stderr


def test_no_factory_is_a_builtin() -> None:
    """pydantic reads a default factory's signature when it builds a schema; a builtin's (`list`)
    costs a parse of its text signature, ~8 ms of a cold `qigong validate`: factories are functions."""
    import inspect

    models = gen_records.models()
    for model in models:
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                assert inspect.isfunction(info.default_factory), f"{model.__name__}.{name}"
