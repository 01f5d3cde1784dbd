"""The project's scorer: a parsed Document against gold files (the format of tests/data/gold/README.md).

It measures what the project's acceptance criteria name (nodes_f1, titles, resp_exact, units_f1,
targets_f1, target_fields, notice), with the matching rules of the gold format described in
tests/data/gold/README.md: nodes by (part, path); titles compared without punctuation and
spaces; targets by value, value_max, unit and ≥ 0.5 character overlap of metric or quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model.output import UNIT_ROLES, Document

_PUNCT = re.compile(r"[\s,，。;；:：、()（）“”\"'‘’《》【】\[\]]")
_PATH_NORM = str.maketrans({"（": "(", "）": ")", "、": "", ".": "", "．": ""})


def _norm(s: Any) -> str:
    return _PUNCT.sub("", str(s or ""))


def _path(p: Any) -> tuple[str, ...]:
    return tuple(str(t).strip().translate(_PATH_NORM) for t in (p or []))


def _unit(u: Any) -> str:
    u = str(u or "").strip().replace("％", "%")
    return "个百分点" if u in ("百分点", "个百分点") else u


def _num(x: Any) -> float | None:
    return None if x is None or x == "" else round(float(x), 6)


def _overlap(a: Any, b: Any) -> float:
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return sum(min(a.count(c), b.count(c)) for c in set(a)) / max(len(a), len(b))


def _f1(tp: int, pred: int, gold: int) -> float:
    p = tp / pred if pred else 1.0
    r = tp / gold if gold else 1.0
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass
class Counts:
    gold_nodes: int = 0
    pred_nodes: int = 0
    matched_nodes: int = 0
    titles_ok: int = 0
    resp_total: int = 0
    resp_ok: int = 0
    gold_units: int = 0
    pred_units: int = 0
    tp_units: int = 0
    gold_targets: int = 0
    pred_targets: int = 0
    matched_targets: int = 0
    fields_ok: int = 0
    notice_ok: int = 0
    notice_total: int = 0
    misses: list[str] = field(default_factory=list)

    def __add__(self, other: Counts) -> Counts:
        """Counts of two documents pooled (micro-averaged scores over both)."""
        summed = {k: getattr(self, k) + getattr(other, k) for k in self.__dataclass_fields__ if k != "misses"}
        return Counts(**summed, misses=self.misses + other.misses)

    def scores(self) -> dict[str, float]:
        return {
            "nodes_f1": _f1(self.matched_nodes, self.pred_nodes, self.gold_nodes),
            "titles": self.titles_ok / self.gold_nodes if self.gold_nodes else 1.0,
            "resp_exact": self.resp_ok / self.resp_total if self.resp_total else 1.0,
            "units_f1": _f1(self.tp_units, self.pred_units, self.gold_units),
            "targets_f1": _f1(self.matched_targets, self.pred_targets, self.gold_targets),
            "target_fields": self.fields_ok / self.gold_targets if self.gold_targets else 1.0,
            "notice": self.notice_ok / self.notice_total if self.notice_total else 1.0,
        }


def score(doc: Document, gold_dir: Path) -> Counts:
    """Score `doc` against every gold file in `gold_dir`."""
    data = doc.model_dump(mode="json")
    parts = {p["id"]: p for p in data["parts"]}
    c = Counts()
    for gfile in sorted(gold_dir.glob("*.yaml")):
        gold = yaml.safe_load(gfile.read_text(encoding="utf-8")) or {}
        if gold.get("part") == "notice":
            _score_notice(gold, data.get("notice") or {}, c)
        else:
            _score_part(gold, parts.get(gold["part"]) or {}, c)
    return c


def _flatten(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in nodes or []:
        out.append(n)
        out.extend(_flatten(n.get("children") or []))
    return out


def _score_part(gold: dict[str, Any], part: dict[str, Any], c: Counts) -> None:
    pnodes = _flatten(part.get("nodes") or [])
    pmap: dict[tuple[str, ...], dict[str, Any]] = {}
    for n in pnodes:
        pmap.setdefault(_path(n["path"]), n)
    gmap = {_path(n["path"]): n for n in gold.get("nodes") or []}
    c.gold_nodes += len(gmap)
    c.pred_nodes += len(pmap)
    for k, g in gmap.items():
        if k not in pmap:
            c.misses.append(f"{gold['part']} node {k} missing")
            continue
        c.matched_nodes += 1
        if _norm(g.get("title")) == _norm(pmap[k].get("title")):
            c.titles_ok += 1
        else:
            c.misses.append(f"{gold['part']} {k} title {pmap[k].get('title')!r} != {g.get('title')!r}")
    roles = UNIT_ROLES
    g_triples, p_triples = set(), set()
    for k, g in gmap.items():
        if not any(g.get(r) for r in roles):
            continue
        c.resp_total += 1
        presp = (pmap.get(k) or {}).get("responsibility") or {}
        if all(frozenset(g.get(r) or []) == frozenset(presp.get(r) or []) for r in roles):
            c.resp_ok += 1
        else:
            c.misses.append(f"{gold['part']} {k} responsibility {presp} != { {r: g.get(r) for r in roles} }")
        g_triples |= {(k, r, u) for r in roles for u in g.get(r) or []}
    for k, p in pmap.items():
        presp = p.get("responsibility") or {}
        p_triples |= {(k, r, u) for r in roles for u in presp.get(r) or []}
    c.gold_units += len(g_triples)
    c.pred_units += len(p_triples)
    c.tp_units += len(g_triples & p_triples)

    preds = [t for n in pnodes for t in n.get("targets") or []] + list(part.get("targets") or [])
    tc = match_targets(gold.get("targets") or [], preds)
    c.gold_targets += tc.gold
    c.pred_targets += tc.pred
    c.matched_targets += tc.matched
    c.fields_ok += tc.fields_ok
    c.misses.extend(f"{gold['part']} target {q!r} missing" for q in tc.missing)


@dataclass
class TargetCounts:
    matched: int
    fields_ok: int
    gold: int  # non-ambiguous gold targets
    pred: int  # predictions, less those matching an ambiguous gold target
    missing: list[str]  # quotes of the gold targets not found


def match_targets(gold: list[dict[str, Any]], preds: list[dict[str, Any]]) -> TargetCounts:
    """Match predicted targets to gold ones: equal value, value_max and unit, and ≥ 0.5 character
    overlap of metric or quote; predictions matching an ambiguous gold target are not counted."""
    used: set[int] = set()

    def key(t: dict[str, Any]) -> tuple[Any, ...]:
        return (_num(t.get("value")), _num(t.get("value_max")), _unit(t.get("unit")))

    def find(gt: dict[str, Any]) -> int | None:
        best, best_i = 0.0, None
        for i, pt in enumerate(preds):
            if i in used or key(pt) != key(gt):
                continue
            ov = max(_overlap(gt.get("metric"), pt.get("metric")), _overlap(gt.get("quote"), pt.get("quote")))
            if ov >= 0.5 and ov > best:
                best, best_i = ov, i
        return best_i

    real = [t for t in gold if not t.get("ambiguous")]
    matched = fields_ok = 0
    missing: list[str] = []
    for gt in real:
        i = find(gt)
        if i is None:
            missing.append(str(gt.get("quote")))
            continue
        used.add(i)
        matched += 1
        pt = preds[i]
        if (pt.get("change"), pt.get("bound"), bool(pt.get("aspirational"))) == (
                gt.get("change"), gt.get("bound"), bool(gt.get("aspirational"))):
            fields_ok += 1
    ignored = 0
    for gt in gold:
        if gt.get("ambiguous"):
            i = find(gt)
            if i is not None:
                used.add(i)
                ignored += 1
    return TargetCounts(matched, fields_ok, len(real), len(preds) - ignored, missing)


def f1(tp: int, pred: int, gold: int) -> float:
    """F1 of `tp` true positives among `pred` predictions and `gold` references."""
    return _f1(tp, pred, gold)


def _score_notice(gold: dict[str, Any], notice: dict[str, Any], c: Counts) -> None:
    for k in ("issuer", "title", "doc_number", "date"):
        if k in gold:
            c.notice_total += 1
            g, p = _norm(gold[k]), _norm(notice.get(k))
            if k == "title":
                g, p = g[g.find("关于"):] if "关于" in g else g, p[p.find("关于"):] if "关于" in p else p
            if g == p:
                c.notice_ok += 1
            else:
                c.misses.append(f"notice {k} {notice.get(k)!r} != {gold[k]!r}")
    pred = {str(a.get("index")): _norm(a.get("title")) for a in notice.get("attachments") or []}
    for a in gold.get("attachments") or []:
        c.notice_total += 1
        c.notice_ok += pred.get(str(a.get("index"))) == _norm(a.get("title"))
