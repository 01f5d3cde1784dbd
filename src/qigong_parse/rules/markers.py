"""Patterns for "a text starting with an outline marker", built from the one marker grammar
(rules/markers.yaml `styles`) for the stages that need no more than that: segment (a line opening
with a marker is never a plan's title), coverage (a line left in the text that starts like a
heading) and targets (markers and dashes left at the start of a quote). Each use names the styles
it takes in markers.yaml `prefixes`.
"""

from __future__ import annotations

from functools import cache

from ..run_cache import compiled
from . import TableError, load_table

_NAMED_GROUP = compiled(r"\(\?P<\w+>")


@cache
def marker_prefix(use: str) -> str:
    """The pattern (a string, anchored at ^) of the marker prefix `use` of markers.yaml `prefixes`."""
    table = load_table("markers.yaml")
    try:
        spec = table["prefixes"][use]
        styles = {s["name"]: s["pattern"] for s in table["styles"]}
        # group names are dropped: two styles may both name their number `num`
        alternatives = [_NAMED_GROUP.sub("(?:", styles[name]) for name in spec["styles"]]
    except KeyError as exc:
        raise TableError(f"rules/markers.yaml: prefixes.{use}: unknown style or use {exc}") from None
    alternatives += spec.get("also") or []
    body = "(?:" + "|".join(alternatives) + ")"
    return "^" + (body + "+" if spec.get("repeat") else body) + (spec.get("then") or "")
