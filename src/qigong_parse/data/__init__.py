"""The genre's tables (marker grammar, roles, chrome lines, units …) as YAML data files."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_table(name: str) -> Any:
    """Load a YAML table shipped in this package (cached; never at import time)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with resources.files(__package__).joinpath(name).open("r", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


def parse_yaml(raw: str) -> Any:
    """Parse YAML text with the C loader when present (several times faster than the pure-Python one)."""
    return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
