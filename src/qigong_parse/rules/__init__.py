"""The genre's tables (marker grammar, roles, chrome lines, units …) as YAML data files."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import QigongError


class TableError(QigongError):
    """A table shipped in the package is missing or malformed (a broken installation)."""


@cache
def load_table(name: str) -> Any:
    """Load a YAML table shipped in this package, e.g. ``"targets.yaml"`` or ``"units/general.yaml"``.

    Cached, and never called at import time; parsed with the C loader when present.
    """
    try:
        raw = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise TableError(f"cannot load the table data/{name} (is the installation complete?): {exc}") from exc


def table_names(folder: str) -> list[str]:
    """The YAML tables in a folder of the package's data (``"units"`` → ``["units/general.yaml", …]``)."""
    try:
        entries = resources.files(__package__).joinpath(folder).iterdir()
        return sorted(f"{folder}/{e.name}" for e in entries if e.name.endswith(".yaml"))
    except OSError as exc:
        raise TableError(f"cannot list the tables in data/{folder}: {exc}") from exc
