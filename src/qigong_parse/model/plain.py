"""Plain data without pydantic: the base of the parser's records (`records`) and `plain`, which
gives the JSON-like data of a record or an output model.

A parse builds records; the command line writes them as they are, and the library turns them into
the validated output models once, at the end (`output.from_record`). Neither this module nor
`records` imports pydantic: on a cold `qigong parse` its model machinery was a fifth of the cost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

_SCALARS = frozenset({str, int, float, bool, type(None)})


class _New:
    """The default of a field whose default is a new empty list (one per record)."""

    def __repr__(self) -> str:
        return "NEW"


NEW: Any = _New()


class Record:
    """A record of the parse: the fields of its output model, in `__dict__` in model order (the
    generated `__init__` assigns them so), nothing else. Compared by type and fields."""

    _record_fields: ClassVar[tuple[str, ...]] = ()
    _omit_if_none: ClassVar[frozenset[str]] = frozenset()
    __hash__ = None  # type: ignore[assignment]  # mutable, as the output models are

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({fields})"


_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a record or an output model class, in order; None for anything else."""
    names: tuple[str, ...] | None = None
    if issubclass(kind, Record):
        names = kind._record_fields
    else:
        fields = getattr(kind, "__pydantic_fields__", None)  # an output model (`output.Model`)
        if isinstance(fields, dict) and hasattr(kind, "_omit_if_none"):
            names = tuple(fields)
    _NAMES[kind] = names
    return names


def field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a record or an output model class, in the order `plain` gives them; None for
    anything else."""
    return _NAMES[kind] if kind in _NAMES else _field_names(kind)


def plain(value: Any) -> Any:
    """JSON-like data of a record or an output model, as the model's `model_dump(mode="json")`
    gives it, without building its serializer (~70 ms of schema building on a cold start): fields
    in model order, tuples as lists, dates as ISO strings. The tests hold the three equal over
    every output they parse.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALARS else plain(v) for v in value]
    names = _NAMES[kind] if kind in _NAMES else _field_names(kind)
    if names is not None:
        omit = value._omit_if_none
        fields = value.__dict__
        out: dict[str, Any] = {}
        for name in names:
            item = fields[name]
            if type(item) in _SCALARS:
                if item is None and name in omit:
                    continue
                out[name] = item
            else:
                out[name] = plain(item)
        return out
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
