"""Numeric targets: figures with a unit, read as quantified commitments.

The scan is one loop over the figures of a span (a number, a range or 百分之N, followed by a
unit from the table). Figures that are names, ordinals, classes or incentives are dropped. The
rest are grouped by clause: a phrase runs from the end of the previous figure (or the clause
start) to the figure; its tail words give the change, the bound and a distributor (分别/各);
its head is the metric. The nearest commitment word before a figure in its sentence gives
`commitment` (力争 carries over the parallel clauses that follow it).

The tables (units, verbs, bounds, commitment words, non-target marks) are data:
``data/targets.yaml``.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from typing import Any, Final, TypeAlias

import regex

from ...model.kinds import Bound, Change, Commitment
from ...model.records import Target
from ...rules import TableError, load_table
from ...rules.markers import marker_prefix
from ...run_cache import HOLD_GIL, compiled, compiled_re
from ...text.gates import needed_words
from ...text.normalize import normalize
from ...text.numerals import cn_to_int

# A table pattern as stdlib `re` where it means the same there (text/stdre.py; about twice as fast
# to match), else as `regex`: code reads the two alike.
from ...text.stdre import Pattern as _Pattern
from ...text.stdre import stdlib_or_regex as _fast


def _alt(words: list[str]) -> str:
    """A regex alternation of literal words, longest first (words of one length in code-point order,
    so that every process builds the same pattern: the compiled-pattern store is keyed by it)."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# The records of this module are plain classes, not dataclasses (~2–9 M instructions each to create
# at start-up); _Tables is read-only by `Final` (mypy). No __eq__/__repr__/__hash__: nothing
# compares, prints or hashes them.
class _Tables:
    """The compiled tables of data/targets.yaml."""

    __slots__ = ("baseline_after", "baseline_before", "blockers", "bound_before", "bound_in_clause", "bounds_after",
                 "bundles", "clause_ends", "commitment", "commitment_false", "condition_ends", "cue", "distributors",
                 "enum_only", "enum_split", "enum_words", "examples_end", "figure", "incentive", "lead_marker",
                 "lead_year", "list_count_units", "list_tail", "lookback", "metric_lead", "money_class", "money_nouns",
                 "opener", "ordinals", "past", "past_needs", "past_year", "quote_lead", "raw", "run_in_year",
                 "sentence_ends", "status_openers", "status_until", "tail_last", "tail_lengths", "word_kind")
    raw: Final[dict[str, Any]]
    figure: Final[_Pattern]
    # in `regex` (\p{Han}, the markers' \d: not stdlib `re`'s), called with HOLD_GIL (run_cache)
    money_class: Final[regex.Pattern[str]]
    bound_before: Final[_Pattern]
    bound_in_clause: Final[regex.Pattern[str]]  # searched backwards: the last comparator before a figure
    commitment: Final[_Pattern]
    commitment_false: Final[_Pattern]
    metric_lead: Final[_Pattern]
    lead_marker: Final[regex.Pattern[str]]
    lead_year: Final[_Pattern]
    quote_lead: Final[regex.Pattern[str]]
    run_in_year: Final[_Pattern]
    opener: Final[_Pattern]
    examples_end: Final[_Pattern]
    list_tail: Final[_Pattern]
    enum_split: Final[_Pattern]
    enum_only: Final[_Pattern]
    incentive: Final[_Pattern]
    past: Final[_Pattern]  # non_target.past_words
    past_needs: Final[tuple[str, ...]]  # the words every match of `past` holds one of ("": no gate)
    past_year: Final[_Pattern]  # non_target.year_opener
    cue: Final[_Pattern]
    word_kind: Final[dict[str, str]]
    tail_lengths: Final[tuple[int, ...]]  # the lengths of the words of `word_kind`, longest first
    tail_last: Final[frozenset[str]]  # the last characters of the words of `word_kind`
    distributors: Final[frozenset[str]]  # the words of `word_kind` of the kind "distributor"
    # lists of `raw` made once as the calls take them (str.startswith of a tuple, _pieces' string)
    ordinals: Final[tuple[str, ...]]  # non_target.ordinal_prefixes
    lookback: Final[tuple[str, ...]]  # non_target.lookback_prefixes
    condition_ends: Final[tuple[str, ...]]  # non_target.condition_ends
    status_openers: Final[tuple[str, ...]]  # non_target.status_openers
    status_until: Final[_Pattern]  # non_target.status_until
    baseline_before: Final[tuple[str, ...]]  # non_target.baseline_before
    list_count_units: Final[frozenset[str]]  # non_target.list_count_units
    baseline_after: Final[_Pattern]  # non_target.baseline_after
    bundles: Final[tuple[str, ...]]  # bundle_nouns
    blockers: Final[dict[str, tuple[str, ...]]]  # unit_blockers
    money_nouns: Final[tuple[str, ...]]  # money_class_nouns, each also after 的
    enum_words: Final[tuple[str, ...]]  # enumeration
    bounds_after: Final[dict[str, Bound]]  # bounds_after, then bounds_after_closing over it
    sentence_ends: Final[str]
    clause_ends: Final[str]

    def __init__(self, raw: dict[str, Any], figure: _Pattern, money_class: regex.Pattern[str],
                 bound_before: _Pattern, bound_in_clause: regex.Pattern[str], commitment: _Pattern,
                 commitment_false: _Pattern, metric_lead: _Pattern,
                 lead_marker: regex.Pattern[str], lead_year: _Pattern, quote_lead: regex.Pattern[str],
                 run_in_year: _Pattern, opener: _Pattern, examples_end: _Pattern,
                 list_tail: _Pattern, enum_split: _Pattern, enum_only: _Pattern,
                 incentive: _Pattern, cue: _Pattern, word_kind: dict[str, str],
                 tail_lengths: tuple[int, ...]) -> None:
        nt = raw["non_target"]
        self.tail_last = frozenset(w[-1] for w in word_kind if w)
        self.distributors = frozenset(w for w, kind in word_kind.items() if kind == "distributor")
        self.ordinals = tuple(nt["ordinal_prefixes"])
        self.lookback = tuple(nt["lookback_prefixes"])
        self.condition_ends = tuple(nt["condition_ends"])
        self.status_openers = tuple(nt["status_openers"])
        self.status_until = _fast(nt["status_until"])
        self.baseline_before = tuple(nt["baseline_before"])
        self.list_count_units = frozenset(nt["list_count_units"])
        self.baseline_after = _fast(nt["baseline_after"])
        self.bundles = tuple(raw["bundle_nouns"])
        self.blockers = {unit: tuple(words) for unit, words in raw["unit_blockers"].items()}
        nouns = raw["money_class_nouns"]
        self.money_nouns = (*nouns, *("的" + n for n in nouns))
        self.enum_words = tuple(raw["enumeration"])
        self.bounds_after = {**raw["bounds_after"], **raw["bounds_after_closing"]}
        self.sentence_ends = "".join(raw["sentence_ends"])
        self.clause_ends = "".join(raw["clause_ends"])
        self.raw = raw
        self.figure = figure
        self.money_class = money_class
        self.bound_before = bound_before
        self.bound_in_clause = bound_in_clause
        self.commitment = commitment
        self.commitment_false = commitment_false
        self.metric_lead = metric_lead
        self.lead_marker = lead_marker
        self.lead_year = lead_year
        self.quote_lead = quote_lead
        self.run_in_year = run_in_year
        self.opener = opener
        self.examples_end = examples_end
        self.list_tail = list_tail
        self.enum_split = enum_split
        self.enum_only = enum_only
        self.incentive = incentive
        self.past = _fast(nt["past_words"])
        self.past_needs = needed_words(nt["past_words"]) or ("",)
        self.past_year = _fast(nt["year_opener"])
        self.cue = cue
        self.word_kind = word_kind
        self.tail_lengths = tail_lengths


@functools.cache
def _tables() -> _Tables:
    raw = load_table("targets.yaml")
    if not isinstance(raw, dict) or "units" not in raw:
        raise TableError("the target tables (data/targets.yaml) have no units")

    digits = "".join(raw["chinese_digits"])
    mults = "".join(raw["chinese_multipliers"])
    nonone = digits.replace("一", "").replace("零", "").replace("〇", "")
    # A Chinese numeral starts with 二…九/十, or 一 before a multiplier (一百二十); see the table.
    cn = rf"(?:[{nonone}{mults[0]}]|一(?=[{mults}]))[{digits}{mults}]{{0,8}}"
    ar = r"[0-9]{1,12}(?:\.[0-9]{1,6})?"
    num = rf"(?:{ar}|{cn})"
    rng = _alt(raw["range_separators"])
    pct = regex.escape(raw["percent_prefix"])
    figure = _fast(
        rf"(?:{pct}(?P<pct>[0-9.{digits}{mults}点]{{1,10}})"
        rf"|(?P<n1>{num})(?:\s?(?P<u1>%|‰))?(?:\s?(?:{rng})\s?(?P<n2>{num}))?\s?(?P<approx>"
        rf"{_alt(list(raw['bounds_approx']))})?\s?(?P<unit>(?:{_alt(raw['units'])})(?:/(?:{_alt(raw['per_units'])}))?))"
        rf"(?P<after>{_alt(list(raw['bounds_after']))})?"
    )
    change = raw["change"]
    kinds: dict[str, str] = {}
    for w in raw["fillers"]:
        kinds[w] = "filler"
    for w in raw["distributors"]:
        kinds[w] = "distributor"
    for w in raw["bounds_before"]:
        kinds[w] = "bound"
    for w in raw["commitment"]["hard"] + raw["commitment"]["soft"]:
        kinds[w] = "filler"
    for w in change["increase"]:
        kinds[w] = "increase"
    for w in change["decrease"]:
        kinds[w] = "decrease"
    enum = raw["enumeration"]
    nt = raw["non_target"]
    lead_marker = marker_prefix("quote_lead")  # outline markers and dashes opening a quote
    return _Tables(
        raw=raw,
        figure=figure,
        money_class=compiled(raw["money_class_phrase"]),
        bound_before=_fast(rf"(?:{_alt(list(raw['bounds_before']))})\s?$"),
        bound_in_clause=compiled(_alt(raw["bounds_over_clause"]), regex.REVERSE),
        commitment=_fast(_alt(raw["commitment"]["hard"] + raw["commitment"]["soft"])),
        commitment_false=_fast(raw["commitment_false"]),
        metric_lead=_fast(rf"^(?:{_alt(raw['metric_lead'])})"),
        lead_marker=compiled(lead_marker),
        lead_year=_fast(raw["lead_year"]),
        quote_lead=compiled(rf"^(?:{lead_marker[1:]}|{raw['lead_year'][1:]}|{_alt(enum)}|\s)+"),
        run_in_year=_fast(raw["run_in_year"]),
        opener=_fast(_alt(raw["clause_openers"])),
        examples_end=_fast(raw["examples_end"]),
        list_tail=_fast(raw["list_tail"]),
        enum_split=_fast(_alt(enum)),
        enum_only=_fast(rf"^(?:\s|{_alt(enum)})*$"),
        incentive=_fast(_alt(nt["incentive_words"])),
        cue=_fast(_alt(raw["chinese_figure_cues"] + change["increase"] + change["decrease"])),
        word_kind=kinds,
        tail_lengths=tuple(sorted({len(w) for w in kinds}, reverse=True)),
    )


# --- figures -----------------------------------------------------------------------------------


class _Figure:
    """One number (or range) with its unit, as matched in the normalized text."""

    __slots__ = ("after", "approx", "chinese", "end", "start", "unit", "value", "value_max")
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    after: str | None
    approx: str | None
    chinese: bool

    def __init__(self, start: int, end: int, value: float, value_max: float | None, unit: str, after: str | None,
                 approx: str | None, chinese: bool) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.value_max = value_max
        self.unit = unit
        self.after = after
        self.approx = approx
        self.chinese = chinese


def _cn_value(s: str, t: _Tables) -> float | None:
    """The value of a Chinese numeral (三, 十五, 一百二十, 六点五), or None."""
    digits: dict[str, int] = t.raw["chinese_digits"]
    mults: dict[str, int] = t.raw["chinese_multipliers"]
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = _cn_value(whole, t) if whole else 0.0
        if w is None or not frac or any(c not in digits for c in frac):
            return None
        return float(f"{int(w)}.{''.join(str(digits[c]) for c in frac)}")
    if any(c not in digits and c not in mults for c in s):
        return None
    n = cn_to_int(s)  # the one numeral reader (text/numerals.py)
    return float(n) if n is not None else 0.0


def _num(s: str, t: _Tables) -> tuple[float | None, bool]:
    s = s.strip()
    if s and s[0].isascii():
        try:
            return float(s), False
        except ValueError:
            return None, False
    return _cn_value(s, t), True


def _name_spans(norm: str, start: int, end: int, t: _Tables) -> list[tuple[int, int]]:
    """Spans inside quotation or title marks (names such as "5122"工程, 《…》)."""
    nt = t.raw["non_target"]
    limit = nt["name_max_len"]
    out: list[tuple[int, int]] = []
    for op, cl in nt["name_marks"]:
        i = norm.find(op, start, end)
        while i != -1:
            j = norm.find(cl, i + 1, min(end, i + 1 + limit + 1))
            if j == -1:
                i = norm.find(op, i + 1, end)
                continue
            out.append((i, j + 1))
            i = norm.find(op, j + 1, end)
    return out


@functools.cache
def _figure_starts() -> re.Pattern[str]:
    """Where a figure can start (as in `_tables`: a digit, 百分之, a Chinese numeral's first
    character): found by one fast stdlib scan, so that the large figure pattern is tried only there."""
    raw = _tables().raw
    digits = "".join(raw["chinese_digits"])
    mults = "".join(raw["chinese_multipliers"])
    nonone = digits.replace("一", "").replace("零", "").replace("〇", "")
    prefix = raw["percent_prefix"]
    own = f"0-9{re.escape(nonone + mults[0])}"  # characters that start a figure by themselves
    # A number (n1: at most 19 characters of digits, '.', Chinese digits and multipliers) is
    # followed by a blank, %/‰, or the first character of a range separator, an approximate bound
    # or a unit: a start with no such character after a run of number characters is no figure
    # (2025年, 七大). stdlib \s holds every blank `regex` \s holds (str.isspace adds \x1c-\x1f).
    number = f"0-9.{re.escape(digits + mults)}"
    follow = "".join(sorted({w[0] for w in [*raw["range_separators"], *raw["bounds_approx"], *raw["units"]]}
                            | {"%", "‰"}))
    number_then = rf"(?=[{number}]{{0,18}}[\s{re.escape(follow)}])"
    # The pattern opens with one character class so that the scan is stdlib re's fast one for a
    # class; lookbehinds on that character then tell which start it is (一 only before a multiplier).
    return compiled_re(rf"[{own}{re.escape('一' + prefix[0])}](?:(?<=[{own}]){number_then}"
                      rf"|(?<=一)(?=[{re.escape(mults)}]){number_then}"
                      rf"|(?<={re.escape(prefix[0])}){re.escape(prefix[1:])})")


def _figure_matches(norm: str, start: int, end: int, t: _Tables,
                    scan_from: int | None = None) -> Iterator[regex.Match[str] | re.Match[str]]:
    """What `t.figure.finditer(norm, start, end)` yields (figures are never empty), faster.
    `scan_from`: where the scan begins, when the caller knows that no figure starts before it."""
    starts = _figure_starts()
    pos = start if scan_from is None else scan_from
    while True:
        c = starts.search(norm, pos, end)
        if c is None:
            return
        m = t.figure.match(norm, c.start(), end)
        if m is None:
            pos = c.start() + 1
            continue
        yield m
        pos = m.end()


def _name_index(norm: str, start: int, end: int, t: _Tables) -> tuple[list[int], list[int]]:
    """Names sorted by start with the running maximum of their ends: a figure at [s, e) lies
    inside a name iff some name starting before s ends at or after e (a bisect, not a scan)."""
    names = sorted(_name_spans(norm, start, end, t))
    name_reach: list[int] = []
    for _, b in names:
        name_reach.append(max(b, name_reach[-1]) if name_reach else b)
    return [a for a, _ in names], name_reach


def _figures(norm: str, start: int, end: int, t: _Tables, scan_from: int | None = None) -> list[_Figure]:
    """The figures of norm[start:end] that are targets' (see `_figure_matches` for `scan_from`)."""
    raw = t.raw
    nt = raw["non_target"]
    index: tuple[list[int], list[int]] | None = None  # the names, looked for at the first figure only
    blockers = t.blockers
    # word lists as tuples: each tried by one C call
    ordinals, bundles = t.ordinals, t.bundles
    out: list[_Figure] = []
    for m in _figure_matches(norm, start, end, t, scan_from):
        s, e = m.span()
        prev = norm[s - 1] if s > start else ""
        if prev and (prev.isascii() and (prev.isalnum() or prev in nt["name_prefixes"])):
            continue
        if norm.endswith(ordinals, start, s):
            continue
        if index is None:
            index = _name_index(norm, start, end, t)
        name_starts, name_reach = index
        k = bisect.bisect_left(name_starts, s) - 1
        if k >= 0 and name_reach[k] >= e:
            continue
        pct, n1, u1, n2, approx, written_unit, after = m.group("pct", "n1", "u1", "n2", "approx", "unit", "after")
        unit = written_unit or "%"
        if norm.endswith(t.lookback, start, s) and unit in raw["time_units"]:
            continue  # a period looked back over (近2个月内需要还贷的企业): it picks out who, it sets nothing
        ue = m.end("unit") if written_unit else e
        # blockers, bundle and money nouns: tried on the 4 characters (within the span) after the unit or figure
        if after is None and norm.startswith(blockers.get(unit, ()), ue, min(end, ue + 4)):
            continue
        rest_end = min(end, e + 4)
        if norm.startswith(bundles, e, rest_end):
            continue
        if unit in raw["money_units"] and (
                norm.startswith(t.money_nouns, e, rest_end)
                or t.money_class.match(norm, e, min(end, e + 16), HOLD_GIL)):
            continue
        if pct is not None:
            value, chinese = _num(pct, t)
            vmax = None
        else:
            value, chinese = _num(n1, t)
            vmax = _num(n2, t)[0] if n2 else None
            if u1 and u1 != unit:
                continue
        if value is None or (n2 and vmax is None):
            continue
        out.append(_Figure(s, e, value, vmax, unit, after, approx, chinese))
    return out


def _counts_the_list(norm: str, cs: int, f: _Figure, t: _Tables) -> bool:
    """Whether figure `f` counts the list its clause (from `cs`) closes with before it (北京、天津、上海、
    重庆4个直辖市): as many items as its value, and no figure among them (建设工厂5家、
    农场2家 lists figures: each is a target). No range, no unit but a count's."""
    if f.value_max is not None or f.value < 2 or f.value != int(f.value) or f.unit not in t.list_count_units:
        return False
    head = _BRACKETED.sub("", norm[cs:f.start])
    if t.figure.search(head):
        return False
    # the items as the and-words split them (北京、天津和上海3个城市), or as 、 alone does when a name holds
    # one of them (工业和信息化部、财政部2个部门)
    return (len([x for x in t.enum_split.split(head) if x.strip()]) == f.value
            or len([x for x in head.split("、") if x.strip()]) == f.value)


_BRACKETED: Final = re.compile(r"\([^()]*\)")  # a bracket inside a list's item (广东(珠三角)), dropped


# --- phrases -----------------------------------------------------------------------------------


def _strip_tail(head: str, t: _Tables) -> tuple[str, list[str]]:
    """Split the words between a metric and its figure off the end of `head`."""
    words: list[str] = []
    for _ in range(8):
        h = head.rstrip()
        word = _tail_word(h, t)
        if word is None:
            break
        words.append(word)
        head = h[: len(h) - len(word)]
    return head.rstrip(), words


def _tail_word(h: str, t: _Tables) -> str | None:
    """The word of `word_kind` that a text with no trailing blank ends with, the longest (what the
    alternation of the words anchored at the end finds: its leftmost start wins), looked up by
    length; None when it ends with none."""
    if not h or h[-1] not in t.tail_last:  # no word but an empty one can end it
        return "" if "" in t.word_kind else None
    n = len(h)
    for k in t.tail_lengths:
        if k <= n and h[n - k:] in t.word_kind:
            return h[n - k:]
    return None


def _strip_lead(s: str, t: _Tables) -> str:
    for _ in range(6):
        s0 = s
        s = t.lead_marker.sub("", s, 0, None, None, HOLD_GIL)
        s = t.lead_year.sub("", s)
        s = t.metric_lead.sub("", s)
        s = s.lstrip(" ,、")
        words = t.enum_words
        for w in words if s.startswith(words) else ():  # most phrases start with none
            if s.startswith(w):
                s = s[len(w):]
        if s == s0:
            break
    return s


def _quote_start(norm: str, cursor: int, fig_start: int, t: _Tables) -> tuple[int, tuple[str, list[str]] | None]:
    """Where the phrase before a figure starts: after markers, a run-in year, finished list items
    (对非贸易稳步增长、…) and, where punctuation is lost, at a clause opener (…工作年内争取新增1—2个).
    With it, `_strip_tail` of the phrase when it was read here (None when the start moved after)."""
    seg = norm[cursor:fig_start]
    q = cursor + len(seg) - len(t.quote_lead.sub("", seg, 0, None, None, HOLD_GIL))
    for m in t.run_in_year.finditer(norm, q, fig_start):
        q = m.end()
    stripped = _strip_tail(norm[q:fig_start], t)
    head = stripped[0]
    pos, cut = 0, 0
    for m in t.enum_split.finditer(head):
        if _phrase_change(_strip_tail(head[pos:m.start()], t)[1], t):
            cut = m.end()
        pos = m.end()
    q += cut
    best = q
    for m in t.opener.finditer(norm, q + 1, fig_start):
        rest, _ = _strip_tail(norm[m.start():fig_start], t)
        if _strip_lead(rest, t) or _has_object(norm, fig_start, t):
            return m.start(), None
    return best, stripped if cut == 0 else None


def _has_object(norm: str, fig_start: int, t: _Tables) -> bool:
    m = t.figure.match(norm, fig_start)
    if not m:
        return False
    e = m.end()
    return e < len(norm) and norm[e] not in t.raw["object_ends"] and not t.enum_split.match(norm, e)


def _after_examples(head: str, has_object: bool, t: _Tables) -> str:
    """The class after a list of examples (A、B等系列促销活动 → 系列促销活动; A、B等8家企业 → "")."""
    ends = list(t.examples_end.finditer(head))
    m = ends[-1] if ends else None
    if m and (m.end() < len(head) or has_object):
        return head[m.end():]
    return head


def _clean_metric(s: str) -> str:
    return s.strip().strip(",;:、").strip()


def _split_items(subject: str, t: _Tables) -> list[str]:
    """The items of a list before a distributor, with a shared tail handed out (新开工、新竣工…项目)."""
    subject = t.list_tail.sub("", subject)
    items = [i for i in (_clean_metric(x) for x in t.enum_split.split(subject)) if i]
    if len(items) < 2:
        return items
    scope = t.raw["scope_prefixes"]

    def bare(x: str) -> str:
        for p in scope:
            if x.startswith(p) and len(x) > len(p):
                return x[len(p):]
        return x

    heads = [bare(x) for x in items[:-1]]
    size = len(heads[0])
    last = items[-1]
    if all(len(h) == size for h in heads) and len(last) > size + 1:
        tail = last[size:]
        return [h + tail for h in heads] + [last]
    return items


class _Draft:
    __slots__ = ("change", "fig", "metric", "qend", "qstart")
    fig: _Figure
    qstart: int
    qend: int
    metric: str
    change: Change

    def __init__(self, fig: _Figure, qstart: int, qend: int, metric: str, change: Change) -> None:
        self.fig = fig
        self.qstart = qstart
        self.qend = qend
        self.metric = metric
        self.change = change


class _Sentence:
    """A sentence with its commitment words and scope breaks, found once. `status_end`: where a
    sentence reporting the present state (opening with a status word) stops doing so; its start
    for any other sentence."""

    __slots__ = ("breaks", "marks", "opening", "start", "status_end")
    start: int
    marks: list[tuple[int, str]]
    breaks: list[int]
    opening: str | None
    status_end: int

    def __init__(self, start: int, marks: list[tuple[int, str]], breaks: list[int], opening: str | None,
                 status_end: int) -> None:
        self.start = start
        self.marks = marks
        self.breaks = breaks
        self.opening = opening
        self.status_end = status_end


def _sentence(norm: str, ss: int, se: int, t: _Tables, before_year: int | None = None) -> _Sentence:
    falses = [m.span() for m in t.commitment_false.finditer(norm, ss, se)]
    marks = [(m.start(), m[0]) for m in t.commitment.finditer(norm, ss, se)
             if not any(a <= m.start() < b for a, b in falses)]
    breaks = _char_positions(norm, ss, se, t.raw["commitment_scope_breaks"])
    head = norm[ss:min(se, ss + 40)]
    for _ in range(3):
        stripped = t.quote_lead.sub("", head, 0, None, None, HOLD_GIL).lstrip(",:")
        if stripped == head:
            break  # the same head again: so would the rounds left be
        head = stripped
    m = t.commitment.match(head)
    opening = m[0] if m and not t.commitment_false.match(head) else None
    status_end = ss
    # (the year is read where the sentence starts: the quote's lead words, stripped above, include it)
    year = t.past_year.match(norm, ss, se) if before_year is not None else None
    if head.startswith(t.status_openers) or (year is not None and before_year is not None
                                             and int(year["year"]) < before_year):
        # the present state (目前…) or a past year's (1996年，…): up to a commitment or a horizon year
        until = t.status_until.search(norm, ss, se)
        status_end = min(marks[0][0] if marks else se, until.start() if until else se)
    return _Sentence(ss, marks, breaks, opening, status_end)


def _char_positions(norm: str, start: int, end: int, chars: list[str]) -> list[int]:
    """Ascending offsets in norm[start:end] of the characters `chars` lists (longer items match no
    one character): one str.find per occurrence, not a test per character."""
    out: list[int] = []
    for ch in {c for c in chars if len(c) == 1}:
        i = norm.find(ch, start, end)
        while i >= 0:
            out.append(i)
            i = norm.find(ch, i + 1, end)
    out.sort()
    return out


def _commitment(sent: _Sentence, pos: int, t: _Tables) -> tuple[Commitment, tuple[int, int] | None]:
    """The nearest commitment word before `pos` in its clause group (up to ;), else the word
    opening the sentence (力争到2027年,A…;B… carries over both); and where that word stands."""
    i = bisect.bisect_left(sent.breaks, pos)
    group = sent.breaks[i - 1] + 1 if i else sent.start
    j = bisect.bisect_left(sent.marks, (pos, ""))
    mark = sent.marks[j - 1] if j and sent.marks[j - 1][0] >= group else None
    if mark is None and group > sent.start and sent.opening is not None:
        mark = next((m for m in sent.marks if m[1] == sent.opening), None)
    if mark is None:
        return "plain", None
    at, word = mark
    return ("hard" if word in t.raw["commitment"]["hard"] else "soft"), (at, at + len(word))


def _bound(fig: _Figure, before: str, has_object: bool, t: _Tables, norm: str, cs: int) -> Bound:
    """The figure's bound: its own word after or right before it, else the last comparator before it
    in its clause (`bounds_over_clause`), else "="."""
    raw = t.raw
    if fig.after:
        return t.bounds_after[fig.after]
    if fig.approx:
        return raw["bounds_approx"][fig.approx]
    m = t.bound_before.search(before)
    if m:
        word = m[0].strip()
        if not (has_object and word in raw["bound_verbs"]):
            return raw["bounds_before"][word]
    m = t.bound_in_clause.search(norm, cs, fig.start, HOLD_GIL)
    if m:
        return raw["bounds_before"][m.group()]
    return "="


def _phrase_change(words: list[str], t: _Tables) -> Change | None:
    for w in words:
        kind = t.word_kind.get(w)
        if kind in ("increase", "decrease"):
            return kind  # type: ignore[return-value]
    return None


def _clause_targets(text: str, norm: str, cs: int, ce: int, figs: list[_Figure], sent: _Sentence,
                    prev_metric: str, t: _Tables) -> list[Target]:
    """Targets of one clause; `prev_metric` stands in for a phrase with no metric (…总额1.2亿美元,增长15%)."""
    if t.incentive.search(norm, cs, ce) or norm[cs:ce].rstrip().endswith(t.condition_ends):
        return []
    for word in t.past_needs:  # the gate (text/gates.py): most clauses hold none of its words
        if norm.find(word, cs, ce) >= 0:
            if t.past.search(norm, cs, ce):
                return []
            break
    figs = [f for f in figs if not _counts_the_list(norm, cs, f, t)]
    groups: list[list[_Figure]] = []
    cuts: dict[int, tuple[int, int]] = {}  # group index → the baseline (由 … ) standing before it
    for g in _figure_groups(figs, norm, t):
        base = _baseline(norm, cs, ce, g, t)
        if base is not None:
            cuts[len(groups)] = (base, g[-1].end)
        else:
            groups.append(g)
    drafts = _drafts(norm, cs, ce, groups, prev_metric, t, cuts)
    return [_target(text, norm, cs, d, sent, t) for d in drafts]


def _baseline(norm: str, cs: int, ce: int, group: list[_Figure], t: _Tables) -> int | None:
    """Where the 由 stands before a group of figures a change starts from (由0.54万元、2.59万元下降至…),
    or None."""
    first = group[0].start
    for word in t.baseline_before:  # a loop, not next() of a generator (one call a group of figures)
        if norm.endswith(word, cs, first):
            break
    else:
        return None
    if t.baseline_after.match(norm, group[-1].end, ce) is None:
        return None
    return group[0].start - len(word)


def _figure_groups(figs: list[_Figure], norm: str, t: _Tables) -> list[list[_Figure]]:
    """Figures separated only by enumeration marks (13%、11%) form one group."""
    groups: list[list[_Figure]] = []
    for f in figs:
        if groups and t.enum_only.match(norm[groups[-1][-1].end:f.start]):
            groups[-1].append(f)
        else:
            groups.append([f])
    return groups


def _drafts(norm: str, cs: int, ce: int, groups: list[list[_Figure]], prev_metric: str,
            t: _Tables, cuts: dict[int, tuple[int, int]] | None = None) -> list[_Draft]:
    """One draft per figure: its quote, metric and change; a phrase with no change word of its own
    takes the one before it when an enumeration joins them. `cuts`: the baseline (由X) standing in a
    group's phrase, left out of its metric."""
    raw = t.raw
    drafts: list[_Draft] = []
    cursor = cs
    prev_change: Change | None = None
    prev_enum = False
    for gi, group in enumerate(groups):
        first = group[0]
        qstart, stripped = _quote_start(norm, max(cursor, first.start - raw["max_phrase_chars"]), first.start, t)
        seg = norm[qstart:first.start]
        cut = cuts.get(gi) if cuts else None
        if cut is not None and qstart <= cut[0]:  # 注册费由2.44万元下降至1.708万元: 注册费 … 下降至
            seg, stripped = norm[qstart:cut[0]] + norm[cut[1]:first.start], None
        head, words = stripped if stripped is not None else _strip_tail(seg, t)  # not twice the same
        own = _phrase_change(words, t) if words else None
        is_rate = first.unit in raw["rate_units"]
        if own is None and not is_rate:
            for w in raw["change"]["increase_in_phrase"]:  # a loop, not any() of a generator
                if w in seg:
                    own = "increase"
                    break
        change: Change = own or (prev_change if prev_enum and prev_change else "level")
        last_group = gi == len(groups) - 1
        qend, obj = _quote_end(norm, ce, group, last_group and not (is_rate and own), t,
                               None if last_group else groups[gi + 1][0].start)
        last = group[-1]
        if (first.chinese or (len(group) > 1 and any(f.chinese for f in group))) and not (
            last.after or last.approx or t.bound_before.search(seg) or t.cue.search(seg)
        ):
            cursor = qend
            continue
        if obj and words and words[0] in raw["bound_verbs"]:
            head += words[0]
        for f, metric in _metrics(group, head, words, obj, drafts[-1].metric if drafts else prev_metric, t):
            drafts.append(_Draft(f, qstart, qend, metric, change))
        prev_change = change
        prev_enum = _enum_after(norm, qend, ce, t)
        cursor = qend
    return drafts


def _enum_after(norm: str, qend: int, ce: int, t: _Tables) -> bool:
    """Whether an enumeration mark follows a quote in its clause (read in the next 3 characters,
    matched in place rather than on a slice)."""
    return qend < ce and t.enum_split.match(norm, qend, min(ce, qend + 3)) is not None


def _quote_end(norm: str, ce: int, group: list[_Figure], with_object: bool, t: _Tables,
               next_start: int | None = None) -> tuple[int, str]:
    """Where a group's quote ends (a closing bound word such as 以上 taken in) and the object that
    follows the last figure (…1.2亿美元的项目), when `with_object`; before the next group's figure
    (`next_start`), the object that an enumeration word closes (建设50所高水平学校和150个专业)."""
    raw = t.raw
    last = group[-1]
    qend = last.end
    if not last.after and qend < ce and norm[qend:qend + 1] in raw["bounds_after_closing"] and (
            qend + 1 >= ce or norm[qend + 1] in raw["object_ends"] or last.unit in raw["time_units"]):
        last.after = norm[qend]
        qend += 1
    if next_start is not None and _has_object(norm, last.start, t):  # (6项、参与4项: no object)
        seg = norm[qend:next_start]
        word = next((w for w in t.enum_words if seg.endswith(w)), "")
        obj = _clean_metric(seg[: -len(word)]) if word else ""
        if obj:
            return qend + len(seg) - len(word), obj
    obj = ""
    if with_object:
        stop, limit = qend, min(ce, qend + raw["max_phrase_chars"])
        while stop < limit and norm[stop] not in raw["object_ends"]:
            stop += 1
        obj = _clean_metric(norm[qend:stop])
        if obj:
            qend = stop
    return qend, obj


def _metrics(group: list[_Figure], head: str, words: list[str], obj: str, fallback: str,
             t: _Tables) -> list[tuple[_Figure, str]]:
    """Each figure of a group with its metric: items distributed over the figures (分别为 …), or one
    metric for all, or `fallback` (the metric before) when the phrase names none."""
    first = group[0]
    metric_head = _clean_metric(_strip_lead(_after_examples(head, bool(obj), t), t))
    if words and not t.distributors.isdisjoint(words):
        items = _split_items(metric_head, t)
        if len(items) == len(group):
            return list(zip(group, items, strict=True))
        if len(group) == 1 and items:
            return [(first, it) for it in items]
        return [(f, metric_head) for f in group]
    base = metric_head + obj if metric_head or obj else fallback
    return [(f, base) for f in group]


def _target(text: str, norm: str, cs: int, d: _Draft, sent: _Sentence, t: _Tables) -> Target:
    """The output model of one draft: bound, commitment and the word that sets it."""
    before = norm[max(cs, d.fig.start - 6):d.fig.start]
    commitment, evidence = _commitment(sent, d.fig.start, t)
    if evidence is not None and d.qstart <= evidence[0] and evidence[1] <= d.qend:
        evidence = None  # the word is in the quote itself: no separate evidence to point at
    quote = text[d.qstart:d.qend]
    return Target(
        quote=quote,
        span=(d.qstart, d.qend),
        metric=d.metric or _clean_metric(quote),
        change=d.change,
        value=d.fig.value,
        value_max=d.fig.value_max,
        unit=d.fig.unit,
        bound=_bound(d.fig, before, d.qend > d.fig.end, t, norm, cs),
        aspirational=commitment == "soft",
        commitment=commitment,
        commitment_span=evidence,
        commitment_word=text[evidence[0]:evidence[1]] if evidence else None,
    )


@functools.cache
def _end_patterns(ends: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """For the characters `ends`: the first one at or after a position (`search`), and the last one
    before a position (`match` of `(?s).*[…]` up to it: its end is just after that character)."""
    chars = f"[{re.escape(ends)}]"
    return compiled_re(chars), compiled_re(f"(?s).*{chars}")


_Clause: TypeAlias = tuple[int, int, int, int]  # cs, ce, and k, n: figs[k:n] start in norm[cs:ce]


def _sentences(norm: str, start: int, end: int, figs: list[_Figure],
               t: _Tables) -> list[tuple[int, int, list[_Clause]]]:
    """The sentences of norm[start:end] (the non-empty pieces between sentence ends) that a figure
    starts in, each with its clauses (the non-empty pieces of the sentence between clause ends)
    that a figure starts in, in order.

    The pieces are found around the figures (the last end before a figure and the first one after
    it: one `match` and one `search`), not by splitting the whole span: most sentences of a node
    hold no figure."""
    out: list[tuple[int, int, list[_Clause]]] = []
    for ss, se, k, n in _pieces_around(norm, start, end, figs, 0, len(figs), t.sentence_ends):
        clauses = _pieces_around(norm, ss, se, figs, k, n, t.clause_ends)
        if clauses:
            out.append((ss, se, clauses))
    return out


def _pieces_around(norm: str, lo: int, end: int, figs: list[_Figure], k: int, n: int, ends: str) -> list[_Clause]:
    """The non-empty pieces of norm[lo:end] between characters of `ends` that one of figs[k:n]
    starts in, each as (start, end, i, j): figs[i:j] start in it. A figure that starts on an end
    is in no piece."""
    next_end, last_end = _end_patterns(ends)
    out: list[_Clause] = []
    while k < n:
        fs = figs[k].start
        if norm[fs] in ends:
            k += 1
            lo = fs + 1
            continue
        m = last_end.match(norm, lo, fs)
        ps = m.end() if m else lo
        m = next_end.search(norm, fs, end)
        pe = m.start() if m else end
        j = k + 1
        while j < n and figs[j].start < pe:
            j += 1
        out.append((ps, pe, k, j))
        k = j
        lo = pe + 1  # the pieces before lo are read: lo is just after an end
    return out


def find_targets(text: str, norm: str, start: int, end: int, before_year: int | None = None) -> list[Target]:
    """Targets in text[start:end]. `norm` is qigong_parse.normalize.normalize(text) (same length,
    fullwidth→ASCII punctuation); match on norm, slice quotes from text; spans are absolute offsets
    into text. `before_year`: the document's year, before which a year opening a sentence reports the
    past (1996年，我国共发生5级以上地震38次)."""
    t = _tables()
    if len(norm) != len(text):
        norm = normalize(text)
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    first = _figure_starts().search(norm, start, end)
    if first is None:
        return []  # no character a figure starts with (most nodes): what _figures would find, at once
    figs = _figures(norm, start, end, t, first.start())  # not scanned again up to there
    if not figs:
        return []
    out: list[Target] = []
    for ss, se, clauses in _sentences(norm, start, end, figs, t):
        prev_metric = ""
        sent = _sentence(norm, ss, se, t, before_year)
        for cs, ce, k, n in clauses:
            if cs < sent.status_end:
                continue  # a clause reporting the present state: its figures are no target
            found = _clause_targets(text, norm, cs, ce, figs[k:n], sent, prev_metric, t)
            out.extend(found)
            prev_metric = found[-1].metric if found else prev_metric
    return out
