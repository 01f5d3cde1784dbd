#!/usr/bin/env python3
"""Dev tool: score `find_targets` against the gold copies under tests/data, part by part.

Each gold part is fed as its source lines (annex N: from the line ``附件N`` to ``附件N+1``; the
general plan: from its title line to the ``附件:`` list; a 2024 sample: the whole file), one
`find_targets` call per line, and scored as ``shared/tools/score.py`` scores targets: a prediction
matches a gold target with equal value, value_max and unit and a metric or quote overlap >= 0.5.

usage: dev_targets_eval.py [-v]      (-v lists misses and extra predictions)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from qigong_parse.extract.targets import find_targets
from qigong_parse.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
GOLD = ROOT / "tests" / "data" / "gold"
SAMPLES = ROOT / "tests" / "data" / "samples"

PUNCT = str.maketrans("", "", " \t\n,,。;;::、()()“”\"'‘’《》【】[]")


def _norm_title(s: object) -> str:
    return str(s or "").translate(PUNCT)


def _overlap(a: object, b: object) -> float:
    x, y = _norm_title(a), _norm_title(b)
    if not x or not y:
        return 0.0
    if x in y or y in x:
        return 1.0
    return sum(min(x.count(c), y.count(c)) for c in set(x)) / max(len(x), len(y))


def _unit(u: object) -> str:
    u = str(u or "").strip().replace("％", "%")
    return "个百分点" if u in ("百分点", "个百分点", "pp") else u


def _key(t: dict) -> tuple:
    def num(x: object) -> float | None:
        return None if x is None or x == "" else round(float(x), 6)  # type: ignore[arg-type]
    return num(t.get("value")), num(t.get("value_max")), _unit(t.get("unit"))


def part_lines(text: str, part: str, title: str | None) -> tuple[int, int]:
    """[start, end) of a part in the seed, found by its 附件N lines or its title line."""
    lines = text.splitlines(keepends=True)
    offs, pos = [], 0
    for ln in lines:
        offs.append(pos)
        pos += len(ln)
    offs.append(pos)
    stripped = [normalize(ln).strip() for ln in lines]
    if part == "general":
        s = next(i for i, ln in enumerate(stripped) if title and ln == title)
        e = next(i for i, ln in enumerate(stripped) if i > s and ln.startswith("附件:"))
    else:
        n = int(part.split("-")[1])
        s = next(i for i, ln in enumerate(stripped) if ln == f"附件{n}")
        e = next((i for i, ln in enumerate(stripped) if ln == f"附件{n + 1}"), len(lines))
    return offs[s], offs[e]


def predict(text: str, start: int, end: int) -> list[dict]:
    norm = normalize(text)
    out: list[dict] = []
    pos = start
    for ln in text[start:end].splitlines(keepends=True):
        out.extend(t.model_dump() for t in find_targets(text, norm, pos, pos + len(ln)))
        pos += len(ln)
    return out


def score(gold: list[dict], pred: list[dict], verbose: bool, label: str) -> dict[str, int]:
    used: set[int] = set()

    def find(gt: dict) -> int | None:
        best, best_i = 0.0, None
        for i, pt in enumerate(pred):
            if i in used or _key(pt) != _key(gt):
                continue
            ov = max(_overlap(gt.get("metric"), pt.get("metric")), _overlap(gt.get("quote"), pt.get("quote")))
            if ov >= 0.5 and ov > best:
                best, best_i = ov, i
        return best_i

    real = [g for g in gold if not g.get("ambiguous")]
    matched = fields = 0
    for gt in real:
        i = find(gt)
        if i is None:
            if verbose:
                print(f"  MISS  {label}: {gt['quote']} | {_key(gt)} {gt['change']} {gt['bound']}")
            continue
        used.add(i)
        matched += 1
        pt = pred[i]
        ok = (pt["change"] == gt["change"] and pt["bound"] == gt["bound"]
              and bool(pt["aspirational"]) == bool(gt.get("aspirational")))
        fields += ok
        if verbose and not ok:
            gold_f = f"{gt['change']},{gt['bound']},{bool(gt.get('aspirational'))}"
            pred_f = f"{pt['change']},{pt['bound']},{pt['aspirational']}"
            print(f"  FIELD {label}: {gt['quote']} gold={gold_f} pred={pred_f}")
    ignored = 0
    for gt in gold:
        if gt.get("ambiguous"):
            i = find(gt)
            if i is not None:
                used.add(i)
                ignored += 1
    if verbose:
        for i, pt in enumerate(pred):
            if i not in used:
                print(f"  EXTRA {label}: {pt['quote']} | {pt['metric']} | {_key(pt)}")
    return {"gold": len(real), "pred": len(pred) - ignored, "matched": matched, "fields": fields}


def summary(c: dict[str, int]) -> str:
    p = c["matched"] / c["pred"] if c["pred"] else 1.0
    r = c["matched"] / c["gold"] if c["gold"] else 1.0
    f = 0.0 if p + r == 0 else 2 * p * r / (p + r)
    fld = c["fields"] / c["gold"] if c["gold"] else 1.0
    return f"{c['matched']:>3}/{c['gold']:<3}({c['pred']:>3})  targets_f1={f:.3f} target_fields={fld:.3f}"


def run(verbose: bool = False) -> dict[str, dict[str, int]]:
    """Score every gold part; returns the counts per corpus (seed, each sample)."""
    totals: dict[str, dict[str, int]] = {}
    seed = SEED.read_text(encoding="utf-8")
    for gfile in sorted((GOLD / "seed").glob("*.yaml")):
        g = yaml.safe_load(gfile.read_text(encoding="utf-8")) or {}
        if g.get("part") == "notice":
            continue
        s, e = part_lines(seed, g["part"], g.get("title"))
        c = score(g.get("targets") or [], predict(seed, s, e), verbose, g["part"])
        print(f"seed {g['part']:10} {summary(c)}")
        tot = totals.setdefault("seed", dict.fromkeys(c, 0))
        for k, v in c.items():
            tot[k] += v
    for sample in sorted(SAMPLES.glob("*.txt")):
        g = yaml.safe_load((GOLD / "samples" / sample.stem / "general.yaml").read_text(encoding="utf-8"))
        text = sample.read_text(encoding="utf-8")
        c = score(g.get("targets") or [], predict(text, 0, len(text)), verbose, sample.stem)
        print(f"{sample.stem:15} {summary(c)}")
        totals[sample.stem] = c
    return totals


if __name__ == "__main__":
    t0 = time.perf_counter()
    tot = run("-v" in sys.argv)
    print(f"overall seed    {summary(tot['seed'])}")
    text = SEED.read_text(encoding="utf-8")
    norm = normalize(text)
    t1 = time.perf_counter()
    n = 0
    pos = 0
    for ln in text.splitlines(keepends=True):
        n += len(find_targets(text, norm, pos, pos + len(ln)))
        pos += len(ln)
    t2 = time.perf_counter()
    print(f"whole seed line by line: {n} targets in {1000 * (t2 - t1):.1f} ms; run {1000 * (t2 - t0):.0f} ms")
