#!/usr/bin/env python3
"""Dev measurement: run find_responsibility on each gold node's source line of the seed notice.

Locates every gold node's line (marker + title inside its part's line range: annex N runs from
the line "附件N" to "附件N+1"), runs the clause finder on the node's title and own text (its
line), resets the clause context per top-level section, and prints resp_exact and units_f1 as
/work/shared/tools/score.py defines them, with the misses.

usage: scripts/dev_resp_eval.py [--raw data/raw/…txt] [--gold tests/data/gold/seed] [-v]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from qigong_parse.extract.responsibility import ClauseContext, find_responsibility
from qigong_parse.extract.units import UnitRegistry
from qigong_parse.normalize import normalize

ROLES = ("lead", "support", "joint")
ROOT = Path(__file__).resolve().parent.parent


def part_ranges(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Line ranges of the parts: general before 附件1's line, annex N up to 附件N+1."""
    starts = {}
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("附件") and s[2:].isdigit():
            starts[int(s[2:])] = i
    out = {"general": (0, starts.get(1, len(lines)))}
    for n, i in sorted(starts.items()):
        out[f"annex-{n}"] = (i, starts.get(n + 1, len(lines)))
    return out


def locate(lines: list[str], lo: int, hi: int, marker: str, title: str, after: int) -> int | None:
    key = normalize(marker + title)[:12]
    for i in range(max(lo, after), hi):
        if normalize(lines[i].strip()).startswith(key):
            return i
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", type=Path, default=ROOT / "data/raw/shaodong-2025-qidagongjian.txt")
    ap.add_argument("--gold", type=Path, default=ROOT / "tests/data/gold/seed")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    text = a.raw.read_text(encoding="utf-8")
    norm = normalize(text)
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    ranges = part_ranges(lines)
    registry = UnitRegistry.for_issuer(next(line.strip() for line in lines if "人民政府办公室" in line))

    total = ok = 0
    g_triples: set = set()
    p_triples: set = set()
    missing = 0
    elapsed = 0.0
    for gfile in sorted(a.gold.glob("*.yaml")):
        gold = yaml.safe_load(gfile.read_text(encoding="utf-8")) or {}
        pid = gold.get("part")
        if pid not in ranges:
            continue
        lo, hi = ranges[pid]
        ctx = ClauseContext(registry)
        nodes = gold.get("nodes") or []
        found: list[int | None] = []
        after = lo
        for node in nodes:
            i = locate(lines, lo, hi, node.get("marker", ""), node["title"], after)
            found.append(i)
            after = i + 1 if i is not None else after
        for k, node in enumerate(nodes):
            path = tuple(node["path"])
            if len(path) == 1:
                ctx = ClauseContext(registry)
            i = found[k]
            # the node's own text runs to the next node's line (or the part's end)
            nxt = next((j for j in found[k + 1:] if j is not None), hi)
            gsets = tuple(frozenset(node.get(r) or []) for r in ("lead", "support", "joint"))
            if i is None:
                missing += 1
                print(f"  ?? cannot locate {pid} {path} {node['title'][:20]}", file=sys.stderr)
                resp = None
            else:
                start = offsets[i] + len(lines[i]) - len(lines[i].lstrip()) + len(node.get("marker", ""))
                end = offsets[nxt] - 1
                t0 = time.perf_counter()
                resp = find_responsibility(text, norm, start, end, ctx)
                elapsed += time.perf_counter() - t0
            psets = tuple(frozenset(getattr(resp, r) if resp else ()) for r in ROLES)
            for role, units in zip(ROLES, gsets, strict=True):
                g_triples |= {(pid, path, role, u) for u in units}
            for role, units in zip(ROLES, psets, strict=True):
                p_triples |= {(pid, path, role, u) for u in units}
            if any(gsets):
                total += 1
                ok += gsets == psets
            if gsets != psets and (any(gsets) or any(psets)):
                print(f"MISS {pid} {list(path)} {node['title'][:16]}")
                for role, g, p in zip(ROLES, gsets, psets, strict=True):
                    if g != p:
                        print(f"     {role}: gold-only {sorted(g - p)} pred-only {sorted(p - g)}")
                if a.verbose and resp:
                    print(f"     raw: {resp.raw}")
    tp = len(g_triples & p_triples)
    prec = tp / len(p_triples) if p_triples else 1.0
    rec = tp / len(g_triples) if g_triples else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f"nodes with units: {total}, unlocated nodes: {missing}, clause time: {elapsed * 1000:.1f} ms")
    print(f"resp_exact={ok / total if total else 1:.3f} ({ok}/{total}) "
          f"units_f1={f1:.3f} (p={prec:.3f} r={rec:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
