"""The `regex` matches a parse runs often hold the GIL (`run_cache.HOLD_GIL`).

By default `regex` releases and takes again the GIL around every match of a str; the parse's
matches are short, and the toggling cost more than many of them (docs/performance.md). Each
pattern `compiled` builds is wrapped, in a fresh process, in a proxy that counts, per call site,
the matching calls and those not given `concurrent=False`; a second parse of the sample and of
each held-out notice is counted (the first fills the caches of the tables).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import SAMPLE

HELDOUT = Path(__file__).parent / "data" / "heldout"
OFTEN = 10  # calls in one parse from which a call site counts as hot

_COUNT = r"""
import collections, json, os, sys
os.environ["QIGONG_NO_CACHE"] = "1"
import qigong_parse.run_cache as rc
assert "qigong_parse.pipeline" not in sys.modules  # nothing has bound `compiled` yet
# where each method takes `concurrent` positionally
AT = {"search": 3, "match": 3, "fullmatch": 3, "finditer": 4, "sub": 5, "subn": 5, "split": 2, "findall": 4}
calls, released = collections.Counter(), collections.Counter()

class Counted:
    __slots__ = ("_p",)
    def __init__(self, p):
        self._p = p
    def __getattr__(self, name):
        attr = getattr(self._p, name)
        if name not in AT:
            return attr
        at = AT[name]
        def call(*args, **kw):
            f = sys._getframe(1)
            site = f"{f.f_code.co_filename.split('qigong_parse/')[-1]}:{f.f_lineno}"
            calls[site] += 1
            if (args[at] if len(args) > at else kw.get("concurrent")) is not False:
                released[site] += 1
            return attr(*args, **kw)
        return call

made = rc.compiled
rc.compiled = lambda pattern, flags=0: Counted(made(pattern, flags))
from qigong_parse.pipeline import parse_path
out = {}
for path in sys.argv[1:]:
    parse_path(path)
    calls.clear(); released.clear()
    parse_path(path)
    out[os.path.basename(path)] = {s: [calls[s], released[s]] for s in calls}
print(json.dumps(out))
"""


def _counts() -> dict[str, dict[str, list[int]]]:
    paths = [str(SAMPLE), *sorted(str(p) for p in HELDOUT.iterdir() if p.suffix in (".txt", ".html"))]
    got = subprocess.run([sys.executable, "-c", _COUNT, *paths], capture_output=True, text=True, check=True)
    counts: dict[str, dict[str, list[int]]] = json.loads(got.stdout.strip().splitlines()[-1])
    return counts


def test_the_regex_call_sites_a_parse_runs_often_hold_the_gil() -> None:
    counts = _counts()
    assert len(counts) >= 10
    # the proxy saw the parse's matches (it wraps what `compiled` builds)
    assert sum(c for sites in counts.values() for c, _ in sites.values()) > 10_000
    hot = {(doc, site): r for doc, sites in counts.items() for site, (c, r) in sites.items() if r >= OFTEN}
    assert not hot, f"call sites that release the GIL at {OFTEN}+ calls a parse (pass HOLD_GIL): {hot}"
    # and most of every parse's matches hold it
    for doc, sites in counts.items():
        total = sum(c for c, _ in sites.values())
        assert sum(r for _, r in sites.values()) <= 0.1 * total, doc
