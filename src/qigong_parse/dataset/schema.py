"""The tables of a dataset: their Arrow schemas and the key each one is ordered by.

Every table carries `sha256` (of the source's raw bytes): it is the document key, and the join
key across tables. Within a document, parts are keyed by `part_id`, nodes by
(`part_id`, `node_index`: reading order within the part), and so on (`KEYS`).
"""

from __future__ import annotations

from typing import Any

DATASET_FORMAT = "qigong-dataset"
DATASET_VERSION = 1

# (column, Arrow type name) per table; types are built lazily so that importing this module is cheap.
_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("sha256", "string"), ("source", "string"), ("file", "string"), ("format", "string"),
        ("encoding", "string"), ("bytes", "int64"), ("chars", "int64"),
        ("schema_version", "string"), ("parser_version", "string"),
        ("issuer", "string"), ("doc_number", "string"), ("title", "string"), ("date", "date32"),
        ("year", "int32"), ("recipients", "string"), ("attachments", "int32"),
        ("parts", "int32"), ("nodes", "int32"), ("responsibilities", "int32"), ("targets", "int32"),
        ("task_forces", "int32"), ("warnings", "int32"), ("unassigned_chars", "int64"),
        ("coverage", "float64"),
    ],
    "parts": [
        ("sha256", "string"), ("part_id", "string"), ("part_index", "int32"), ("kind", "string"),
        ("annex_no", "int32"), ("title", "string"), ("start", "int64"), ("end", "int64"),
        ("preamble", "string"), ("nodes", "int32"), ("targets", "int32"),
        ("responsibilities", "int32"), ("has_task_force", "bool"),
    ],
    "nodes": [
        ("sha256", "string"), ("part_id", "string"), ("node_index", "int32"),
        ("parent_index", "int32"), ("path", "string"), ("depth", "int32"), ("marker", "string"),
        ("damaged", "bool"), ("role", "string"), ("origin", "string"), ("title", "string"),
        ("text", "string"), ("start", "int64"), ("end", "int64"), ("title_start", "int64"),
        ("title_end", "int64"), ("has_responsibility", "bool"), ("targets", "int32"),
    ],
    "responsibilities": [
        ("sha256", "string"), ("part_id", "string"), ("node_index", "int32"), ("path", "string"),
        ("role", "string"), ("position", "int32"), ("unit", "string"), ("raw", "string"),
    ],
    "targets": [
        ("sha256", "string"), ("part_id", "string"), ("target_index", "int32"),
        ("node_index", "int32"), ("path", "string"), ("metric", "string"), ("change", "string"),
        ("value", "float64"), ("value_max", "float64"), ("unit", "string"), ("bound", "string"),
        ("aspirational", "bool"), ("commitment", "string"), ("quote", "string"),
        ("start", "int64"), ("end", "int64"),
    ],
    "task_forces": [
        ("sha256", "string"), ("part_id", "string"), ("name", "string"), ("convener", "string"),
        ("executive_deputy", "string"), ("deputies", "int32"), ("members", "int32"),
        ("office", "string"), ("raw", "string"), ("start", "int64"), ("end", "int64"),
    ],
    "task_force_members": [
        ("sha256", "string"), ("part_id", "string"), ("role", "string"), ("position", "int32"),
        ("unit", "string"),
    ],
    "warnings": [
        ("sha256", "string"), ("warning_index", "int32"), ("code", "string"), ("part_id", "string"),
        ("path", "string"), ("message", "string"), ("start", "int64"), ("end", "int64"),
    ],
    "errors": [
        ("sha256", "string"), ("source", "string"), ("bytes", "int64"), ("kind", "string"),
        ("error", "string"),
    ],
}

TABLES: tuple[str, ...] = tuple(_COLUMNS)
# The documents table is written last in each commit: a file there marks its chunk complete.
CHILD_TABLES: tuple[str, ...] = tuple(t for t in TABLES if t != "documents")

KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("sha256",),
    "parts": ("sha256", "part_index"),
    "nodes": ("sha256", "part_id", "node_index"),
    "responsibilities": ("sha256", "part_id", "node_index", "role", "position"),
    "targets": ("sha256", "part_id", "target_index"),
    "task_forces": ("sha256", "part_id"),
    "task_force_members": ("sha256", "part_id", "role", "position"),
    "warnings": ("sha256", "warning_index"),
    "errors": ("source", "sha256"),
}

PATH_SEPARATOR = "/"


def columns(table: str) -> list[str]:
    """The column names of `table`, in order."""
    return [name for name, _ in _COLUMNS[table]]


def schema(table: str) -> Any:
    """The `pyarrow.Schema` of `table`."""
    import pyarrow as pa

    types = {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "float64": pa.float64(),
             "bool": pa.bool_(), "date32": pa.date32()}
    return pa.schema([pa.field(name, types[kind]) for name, kind in _COLUMNS[table]])
