"""Check a qigong YAML file: strict types, the schema, then the invariants of `check.invariants`.

The schema, then strict types, because the schema coerces: a span of floats, strings or booleans, a
`chars` that is a string, a boolean written 1 or "yes", a NaN or infinite value would otherwise
pass. Then every invariant the YAML alone can verify (`check_document`: the
leaves tile ``[0, chars)``, parts do not overlap, spans nest, paths, ids, lengths).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..errors import QigongError
from ..io.yaml_in import format_loc, load_yaml
from ..model.output import (
    READING,
    SCHEMA_VERSION,
    Document,
    Notice,
    ParseWarning,
    Part,
    Source,
    Unassigned,
)
from .invariants import Problem, check_document

_INT_KEYS = frozenset({"chars", "index", "annex_no"})
_FLOAT_KEYS = frozenset({"value", "value_max"})
_BOOL_KEYS = frozenset({"damaged", "aspirational"})
_CHECKED_KEYS = _INT_KEYS | _FLOAT_KEYS | _BOOL_KEYS | {"span"}
_MAX_OFFSET = 1 << 40  # far beyond any text the reader accepts; larger means a corrupt file


def validate_file(path: str | Path) -> list[Problem]:
    """All problems found in the YAML file at `path`; empty when it is a valid qigong output."""
    try:
        data = load_yaml(Path(path))
    except QigongError as exc:
        # load_yaml prefixes the file name; the caller prints it already.
        return [Problem("", exc.message.removeprefix(f"{path}: "))]
    return validate_data(data)


def validate_data(data: Any) -> list[Problem]:
    """All problems found in loaded YAML data."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        return [Problem("", "not a qigong document: the top level is not a mapping")]
    try:
        doc = Document.model_validate(data, context=READING)
    except ValidationError as exc:
        field_errors = [e for e in exc.errors() if e["loc"]]
        if field_errors:
            return [Problem(format_loc(e["loc"]), e["msg"]) for e in field_errors]
        # Only the document-level span check failed: the invariants below say where, precisely.
        doc = Document.model_construct(
            schema_version=data.get("schema_version", SCHEMA_VERSION),
            source=Source.model_validate(data["source"]),
            notice=Notice.model_validate(data["notice"]) if data.get("notice") is not None else None,
            parts=[Part.model_validate(p) for p in data.get("parts") or []],
            unassigned=[Unassigned.model_validate(u) for u in data.get("unassigned") or []],
            warnings=[ParseWarning.model_validate(w, context=READING) for w in data.get("warnings") or []],
        )
    # What the schema let through by coercion (1.5 → 1, "3" → 3, "yes" → true) or by design (NaN).
    return type_problems(data) or check_invariants(doc)


def check_invariants(doc: Document) -> list[Problem]:
    """Problems with a schema-valid document that the schema alone does not catch."""
    # The invariants read fields only, and an output model has its record's (gen_records)
    return check_document(doc)  # type: ignore[arg-type]


def _is_int(value: Any) -> bool:
    return type(value) is int and 0 <= value <= _MAX_OFFSET


def type_problems(data: Any, where: str = "") -> list[Problem]:
    """Values the schema would coerce or accept but a qigong output never holds, by key name.

    Spans are two integers, `chars`/`index`/`annex_no` integers, values finite numbers,
    flags true/false — never strings, booleans for numbers, floats for offsets, NaN or infinity.
    """
    problems: list[Problem] = []
    stack: list[tuple[str, Any]] = [(where, data)]
    while stack:
        at, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                # a key's path is written only where needed: a problem, or a value to walk into
                message = _key_problem(key, item) if _has_rule(key) else None
                if message:
                    problems.append(Problem(f"{at}.{key}" if at else str(key), message))
                elif isinstance(item, (dict, list)):
                    stack.append((f"{at}.{key}" if at else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{at}[{i}]", item) for i, item in enumerate(value) if isinstance(item, (dict, list)))
    problems.sort(key=lambda p: p.where)
    return problems


def _has_rule(key: Any) -> bool:
    """Whether `_key_problem` has a rule for this key (a key that is no string is checked too)."""
    return type(key) is not str or key in _CHECKED_KEYS or key.endswith("_span")


def _key_problem(key: Any, value: Any) -> str | None:
    key = str(key)
    if value is None:
        return None  # the schema says where null is allowed
    if key == "span" or key.endswith("_span"):
        if not (isinstance(value, list) and len(value) == 2 and all(_is_int(v) for v in value)):
            return f"must be [start, end], two integers from 0 to {_MAX_OFFSET}, not {_short(value)}"
    elif key in _INT_KEYS and not _is_int(value):
        return f"must be an integer from 0 to {_MAX_OFFSET}, not {_short(value)}"
    elif key in _FLOAT_KEYS and (type(value) not in (int, float) or not math.isfinite(value)):
        return f"must be a finite number, not {_short(value)}"
    elif key in _BOOL_KEYS and type(value) is not bool:
        return f"must be true or false, not {_short(value)}"
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
