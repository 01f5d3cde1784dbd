"""The genre's tables (marker grammar, roles, chrome lines, units …) as YAML data files.

Every table has a schema (``rules/schema.py``, one pydantic model per table; the unit tables
share one). ``load_table`` reads a table as plain YAML data, without validation, for the parser's
cold start; ``load_rules`` reads it validated against its schema. The tests and ``make lint``
(``python -m qigong_parse.rules.schema``) validate every shipped table.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import QigongError
from ..run_cache import table

if TYPE_CHECKING:
    from pydantic import BaseModel


class TableError(QigongError):
    """A table shipped in the package is missing or malformed (a broken installation)."""


# Every table the package ships, by name; each has a schema in rules/schema.py under this name.
TABLE_NAMES = (
    "markers.yaml", "clauses.yaml", "conventions.yaml", "segment.yaml", "roles.yaml", "titles.yaml",
    "targets.yaml", "taskforce.yaml", "task_columns.yaml", "html_body.yaml", "encodings.yaml",
    "metric_synonyms.yaml", "repairs.yaml", "units/*.yaml",
)


def schema_key(name: str) -> str:
    """The name a table's schema is filed under (``units/shaodong.yaml`` → ``units/*.yaml``);
    TableError for a table with no schema."""
    folder, sep, _file = name.rpartition("/")
    key = f"{folder}/*.yaml" if sep else name
    if key not in TABLE_NAMES or not name.endswith(".yaml"):
        raise TableError(f"rules/{name}: no schema for this table (add one to rules/schema.py)")
    return key


@cache
def load_table(name: str) -> Any:
    """Load a YAML table shipped in this package, e.g. ``"targets.yaml"`` or ``"units/general.yaml"``.

    Cached, and never called at import time; parsed with the C loader when present. Not validated
    (see ``load_rules``); a name with no schema is a TableError.
    """
    schema_key(name)
    try:
        raw = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise _broken(name, exc) from exc
    return table(name, raw, lambda text: _read_yaml(name, text))  # kept between runs of the CLI (run_cache.py)


def _broken(name: str, exc: Exception) -> TableError:
    return TableError(f"cannot load the table data/{name} (is the installation complete?): {exc}")


def _read_yaml(name: str, raw: str) -> Any:
    # PyYAML is imported only when a table is read, not when the run cache already holds it
    import yaml

    try:
        return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise _broken(name, exc) from exc


@cache
def load_rules(name: str) -> BaseModel:
    """A table validated against its schema (a typed, frozen pydantic model); TableError naming
    the table and the place of the problem (``rules/clauses.yaml: grammar.forms[3].pattern: …``)."""
    from .schema import validate_table

    return validate_table(name, load_table(name))


def table_names(folder: str) -> list[str]:
    """The YAML tables in a folder of the package's data (``"units"`` → ``["units/general.yaml", …]``)."""
    try:
        entries = resources.files(__package__).joinpath(folder).iterdir()
        return sorted(f"{folder}/{e.name}" for e in entries if e.name.endswith(".yaml"))
    except OSError as exc:
        raise TableError(f"cannot list the tables in data/{folder}: {exc}") from exc
