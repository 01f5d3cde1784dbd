"""The parser builds its output with `Model.made` (no second validation) and writes it with `plain`
(no serializer): both must give exactly what pydantic's validation and `model_dump` would."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import warnings
from typing import Any

import pytest

from qigong_parse.model import output
from qigong_parse.model.output import (
    READING,
    Document,
    Node,
    Notice,
    ParseWarning,
    Responsibility,
    Target,
    plain,
)

from .conftest import SAMPLE

_TARGET: dict[str, Any] = dict(quote="增长6.5%以上", span=(3, 11), metric="社会消费品零售总额", change="increase",
                               value=6.5, unit="%", bound=">=", aspirational=True, commitment="soft")


@pytest.mark.parametrize(("cls", "fields"), [
    (Node, dict(path=["一", "(一)"], marker="(一)", title="总体要求", span=(0, 9), title_span=(3, 7),
                responsibility=Responsibility(raw="市发改局牵头", lead=["市发改局"]))),
    (Target, _TARGET),
    (Notice, dict(issuer="邵东市人民政府办公室", date=dt.date(2025, 3, 6), span=(0, 40))),
    (ParseWarning, dict(code="repaired-unit", message="x", path=["一"], span=(1, 2))),
])
def test_made_equals_the_validated_model(cls: type[output.Model], fields: dict[str, Any]) -> None:
    made, validated = cls.made(**fields), cls(**fields)
    assert made == validated
    assert made.model_fields_set == validated.model_fields_set
    assert plain(made) == validated.model_dump(mode="json")


def test_made_refuses_unknown_and_missing_fields_and_unregistered_codes() -> None:
    with pytest.raises(TypeError, match="unknown fields"):
        Node.made(path=[], marker="", title="", span=(0, 0), title_span=(0, 0), titel="x")
    with pytest.raises(TypeError, match="missing field 'title_span'"):
        Node.made(path=[], marker="", title="", span=(0, 0))
    with pytest.raises(ValueError, match="no-such-code"):
        ParseWarning.made(code="no-such-code", message="x")


def test_made_keeps_the_field_order_and_gives_each_model_its_own_factory_values() -> None:
    a = Node.made(title_span=(2, 3), span=(0, 3), title="t", marker="一、", path=["一"])  # out of order
    b = Node.made(path=["二"], marker="二、", title="u", span=(3, 6), title_span=(5, 6), children=[a])
    assert list(vars(a)) == list(vars(b)) == list(Node.model_fields)
    assert a.children == [] and b.children == [a]
    a.targets.append(None)  # type: ignore[arg-type]
    assert b.targets == []  # a default list is made per model, never shared


def test_a_warning_path_given_as_a_tuple_is_stored_as_the_list_the_schema_has() -> None:
    warning = ParseWarning.made(code="repaired-unit", message="x", path=("一", "(一)"))
    assert warning.path == ["一", "(一)"] and type(warning.path) is list


def test_node_page_is_left_out_when_unknown_by_plain_and_by_model_dump() -> None:
    node = Node.made(path=["一"], marker="一、", title="t", span=(0, 3), title_span=(2, 3))
    assert "page" not in plain(node) and "page" not in node.model_dump(mode="json")
    paged = Node.made(path=["一"], marker="一、", title="t", span=(0, 3), title_span=(2, 3), page=2)
    assert plain(paged)["page"] == 2 == paged.model_dump(mode="json")["page"]


def test_the_sample_output_is_what_validation_and_model_dump_give(sample_doc: Document) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a serializer warning means a value of the wrong type
        dumped = sample_doc.model_dump(mode="json")
    assert plain(sample_doc) == dumped
    assert Document.model_validate(dumped, context=READING) == sample_doc


def test_a_parse_and_its_yaml_build_no_schema() -> None:
    # defer_build + made + plain: a cold `qigong parse` builds none of the ~70 ms of schemas.
    code = ("import sys; from qigong_parse.pipeline import parse_text; from qigong_parse.io.yaml_out import dump_yaml;"
            "from qigong_parse.model import output as o;"
            "from pydantic import BaseModel;"
            "dump_yaml(parse_text(open(sys.argv[1], encoding='utf-8').read()));"
            "built = [c.__name__ for c in vars(o).values() if isinstance(c, type) and issubclass(c, BaseModel)"
            " and c.__pydantic_complete__]; print(built)")
    got = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "[]", got.stdout


def test_no_factory_is_a_builtin() -> None:
    """pydantic reads a default factory's signature when it builds a schema; a builtin's (`list`)
    costs a parse of its text signature, ~8 ms of a cold `qigong validate`: factories are functions."""
    import inspect

    from qigong_parse.model import output

    models = [m for m in vars(output).values() if isinstance(m, type) and issubclass(m, output.Model)]
    assert len(models) > 10
    for model in models:
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                assert inspect.isfunction(info.default_factory), f"{model.__name__}.{name}"


def test_made_is_the_same_the_second_time_a_call_shape_is_seen() -> None:
    # `made` keeps what it learnt of a sequence of keywords: a refused call is refused again, and
    # each model still has its own dict and factory values.
    for _ in range(2):
        with pytest.raises(TypeError, match="unknown fields"):
            Node.made(path=[], marker="", title="", span=(0, 0), title_span=(0, 0), titel="x")
        with pytest.raises(TypeError, match="missing field 'title_span'"):
            Node.made(path=[], marker="", title="", span=(0, 0))
    whole = {name: None for name in Node.model_fields} | dict(path=["一"], targets=[], children=[])
    nodes = [Node.made(**whole) for _ in range(2)] + [Node.made(path=["一"], marker="", title="", span=(0, 0),
                                                                title_span=(0, 0)) for _ in range(2)]
    assert len({id(vars(n)) for n in nodes}) == 4 and all(list(vars(n)) == list(Node.model_fields) for n in nodes)
    assert nodes[2].targets is not nodes[3].targets and nodes[2].model_fields_set == {
        "path", "marker", "title", "span", "title_span"}
    assert nodes[0].model_fields_set == set(Node.model_fields)
