"""find_targets' shortcuts give what the general path gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.parse.extract import targets
from qigong_parse.text.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent

# Figures in awkward places: at a span's very start or end, cut by it, after blanks and markers,
# Chinese numerals (一 alone is none), 百分之, ranges, and spans with no figure at all.
_ROWS = [
    "", "无数字的一段话。", "一批企业。", "10个", "新增10个", "增长5.5%以上", "百分之十五", "力争新增三到五家企业。",
    "1.推进项目建设,新增企业45家;", "(一)2025年底前完成改造1-2个。", "第一批,一二三四", "“5122”工程10个",
    "全市新开工、新竣工项目各15个", "一百二十亿元", "年内争取新增1—2个", "x9个", "增长十%", "十",
]


def _general(monkeypatch: pytest.MonkeyPatch, text: str, start: int, end: int) -> list[targets.Target]:
    """find_targets with a start scan that finds every character: no early exit, the figure
    pattern tried at every position (the scan the prefilter replaced)."""
    with monkeypatch.context() as m:
        m.setattr(targets, "_figure_starts", lambda: re.compile("(?s)."))
        return targets.find_targets(text, normalize(text), start, end)


def _fields(found: list[targets.Target]) -> list[tuple[object, ...]]:
    return [(t.quote, t.span, t.metric, t.change, t.value, t.value_max, t.unit, t.bound, t.commitment,
             t.commitment_span) for t in found]


@pytest.mark.parametrize("row", _ROWS)
def test_rows_agree_with_the_general_path(monkeypatch: pytest.MonkeyPatch, row: str) -> None:
    for start in range(len(row) + 1):
        for end in (start, len(row), max(start, len(row) - 1)):
            fast = targets.find_targets(row, normalize(row), start, end)
            assert _fields(fast) == _fields(_general(monkeypatch, row, start, end))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*_ROWS, "。", ",", "、", "\n", " "]), max_size=6).map("".join),
       st.integers(0, 80), st.integers(0, 80))
def test_any_text_agrees_with_the_general_path(text: str, start: int, end: int) -> None:
    with pytest.MonkeyPatch.context() as mp:
        general = _general(mp, text, start, end)
    assert _fields(targets.find_targets(text, normalize(text), start, end)) == _fields(general)


def test_the_sample_agrees_with_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt").read_text(encoding="utf-8")
    step = len(text) // 40
    for start in range(0, len(text), step):
        fast = targets.find_targets(text, normalize(text), start, start + step)
        assert _fields(fast) == _fields(_general(monkeypatch, text, start, start + step))


# Characters around the figure starts' lookahead: number characters, the first characters of units,
# ranges and bounds, blanks (stdlib and `regex` alike, and \x1c, which only stdlib calls a blank), and
# characters that follow numbers but start none of those (年, 大, 届).
_AROUND = list("0123456789.一二两三十百千万亿元个%‰-—~至到余多年大届保分之 \x1c\u3000\xa0\nGWMTEUh米台(套)")


def _starts_hold_every_figure(norm: str) -> None:
    """Wherever the figure pattern matches, the start scan finds a start there (its lookahead
    rejects no figure): so _figure_matches yields what the plain scan over every position yields."""
    t = targets._tables()
    starts = targets._figure_starts()
    for end in {len(norm), max(0, len(norm) - 1), len(norm) // 2}:
        for p in range(end + 1):
            if t.figure.match(norm, p, end) is not None:
                assert starts.match(norm, p, end) is not None, (norm, p, end)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_AROUND), max_size=24).map("".join))
def test_the_start_lookahead_rejects_no_figure(text: str) -> None:
    _starts_hold_every_figure(normalize(text))


def test_the_start_lookahead_rejects_no_figure_in_the_sample_or_rows() -> None:
    text = (ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt").read_text(encoding="utf-8")
    for row in [*_ROWS, "二〇二五年", "一千米", "三 万元", "5\x1c个", "1.5—2.5万吨以上", "十二届", "七大攻坚"]:
        _starts_hold_every_figure(normalize(row))
    norm = normalize(text)
    for i in range(0, len(norm), 2000):
        _starts_hold_every_figure(norm[i:i + 2000])


def test_the_start_lookahead_fails_without_its_follow_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle above catches a lookahead that is too strict (one that forgets the units)."""
    strict = re.compile(targets._figure_starts().pattern.replace("万个", ""))
    monkeypatch.setattr(targets, "_figure_starts", lambda: strict)
    with pytest.raises(AssertionError):
        _starts_hold_every_figure(normalize("新增10个企业"))


def _tail_word_general(h: str) -> str | None:
    """_tail_word without its last-character shortcut: every length tried."""
    t = targets._tables()
    n = len(h)
    for k in t.tail_lengths:
        if k <= n and h[n - k:] in t.word_kind:
            return h[n - k:]
    return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*targets._tables().word_kind, "增", "长", "到", "新", "x", " ", "、"]),
                max_size=4).map("".join))
def test_tail_word_agrees_with_every_length(h: str) -> None:
    assert targets._tail_word(h, targets._tables()) == _tail_word_general(h)


def test_tail_word_shortcut_fails_without_the_right_last_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle above catches a last-character set that misses a word."""
    t = targets._tables()
    word = max(t.word_kind, key=len)
    assert targets._tail_word("指标" + word, t) == _tail_word_general("指标" + word) == word
    monkeypatch.setattr(t, "tail_last", t.tail_last - {word[-1]}, raising=False)
    assert targets._tail_word("指标" + word, t) != _tail_word_general("指标" + word)


def test_tables_hoisted_lists_are_the_raw_lists() -> None:
    """The tuples and strings _Tables makes once are what the calls used to build from `raw`."""
    t = targets._tables()
    raw = t.raw
    assert t.ordinals == tuple(raw["non_target"]["ordinal_prefixes"])
    assert t.bundles == tuple(raw["bundle_nouns"])
    assert t.enum_words == tuple(raw["enumeration"])
    assert t.sentence_ends == "".join(raw["sentence_ends"])
    assert t.clause_ends == "".join(raw["clause_ends"])
    assert t.bounds_after == {**raw["bounds_after"], **raw["bounds_after_closing"]}
    for unit in [*raw["units"], "%"]:
        assert t.blockers.get(unit, ()) == tuple(raw["unit_blockers"].get(unit, ()))
    nouns = raw["money_class_nouns"]
    for rest in ["", "的", *nouns, *("的" + n for n in nouns), *(n[:-1] for n in nouns), "项目", "的项目"]:
        assert rest.startswith(t.money_nouns) == any(rest.startswith(n) or rest.startswith("的" + n) for n in nouns)


def _pieces(norm: str, start: int, end: int, ends: str) -> list[tuple[int, int]]:
    """The non-empty runs of norm[start:end] between the characters `ends` (the split the sentence
    reader replaced)."""
    out: list[tuple[int, int]] = []
    s = start
    for i in range(start, end):
        if norm[i] in ends:
            if i > s:
                out.append((s, i))
            s = i + 1
    if end > s:
        out.append((s, end))
    return out


def _sentences_by_pieces(norm: str, start: int, end: int, figs: list[targets._Figure],
                         t: targets._Tables) -> list[tuple[int, int, list[tuple[int, int, int, int]]]]:
    """_sentences read the old way: every sentence and clause split off, then the figures starting in each."""
    out = []
    for ss, se in _pieces(norm, start, end, t.sentence_ends):
        clauses = []
        for cs, ce in _pieces(norm, ss, se, t.clause_ends):
            inside = [i for i, f in enumerate(figs) if cs <= f.start < ce]
            if inside:
                clauses.append((cs, ce, inside[0], inside[-1] + 1))
        if clauses:
            out.append((ss, se, clauses))
    return out


def _sentences_agree(text: str, start: int, end: int) -> None:
    t = targets._tables()
    norm = normalize(text)
    start, end = max(0, min(start, len(norm))), max(0, min(end, len(norm)))
    end = max(start, end)
    figs = targets._figures(norm, start, end, t)
    assert targets._sentences(norm, start, end, figs, t) == _sentences_by_pieces(norm, start, end, figs, t)


_ENDS = ["。", "!", "?", "\n", ",", ":", ";", "\t", "!", "?", ";", ":", ","]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*_ROWS, *_ENDS, "、", " ", "10", "5%"]), max_size=10).map("".join),
       st.integers(0, 120), st.integers(0, 120))
def test_sentences_around_figures_are_the_pieces_split(text: str, start: int, end: int) -> None:
    _sentences_agree(text, start, end)


def test_sentences_around_figures_are_the_pieces_split_in_the_sample() -> None:
    text = (ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt").read_text(encoding="utf-8")
    for step in (97, 640, len(text)):
        for start in range(0, len(text), step):
            _sentences_agree(text, start, start + step)


def test_sentences_skip_a_figure_on_an_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """A figure starting on a sentence or clause end (none does with the tables as they are) is in
    no piece, as in the split."""
    t = targets._tables()
    norm = "增长5%。新增10个,完成3项"
    figs = targets._figures(norm, 0, len(norm), t)
    for at in ("。", ","):
        monkeypatch.setattr(t, "sentence_ends", t.sentence_ends + ("5" if at == "。" else ""), raising=False)
        monkeypatch.setattr(t, "clause_ends", t.clause_ends + "1", raising=False)
        assert targets._sentences(norm, 0, len(norm), figs, t) == _sentences_by_pieces(norm, 0, len(norm), figs, t)


def _opening_in_three_rounds(norm: str, ss: int, se: int) -> str | None:
    """_sentence's opening word with the head stripped three times over (no early stop)."""
    t = targets._tables()
    head = norm[ss:min(se, ss + 40)]
    for _ in range(3):
        head = t.quote_lead.sub("", head).lstrip(",:")
    m = t.commitment.match(head)
    return m[0] if m and not t.commitment_false.match(head) else None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["1.", "(一)", "一、", "①", "——", "2025年", "、", "和", " ", ",", ":", "力争",
                                 "争取", "积极争取", "确保", "新增", "10个", "x"]), max_size=8).map("".join))
def test_sentence_opening_stops_when_the_head_is_stripped(text: str) -> None:
    norm = normalize(text)
    assert targets._sentence(norm, 0, len(norm), targets._tables()).opening == _opening_in_three_rounds(
        norm, 0, len(norm))


def test_sentence_opening_agrees_in_the_sample() -> None:
    text = (ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt").read_text(encoding="utf-8")
    norm = normalize(text)
    for ss, se in _pieces(norm, 0, len(norm), targets._tables().sentence_ends):
        assert targets._sentence(norm, ss, se, targets._tables()).opening == _opening_in_three_rounds(norm, ss, se)


def test_sentence_head_with_no_lead_is_stripped_once(monkeypatch: pytest.MonkeyPatch) -> None:
    t = targets._tables()
    subs: list[str] = []
    lead = t.quote_lead

    class Counting:
        def sub(self, repl: str, s: str, *rest: object) -> str:  # rest: count, pos, endpos, HOLD_GIL
            subs.append(s)
            return lead.sub(repl, s, *rest)

        def match(self, s: str, *rest: object) -> object:
            return lead.match(s, *rest)

    monkeypatch.setattr(t, "quote_lead", Counting(), raising=False)
    targets._sentence("力争新增企业10家", 0, 9, t)
    assert subs == ["力争新增企业10家"]
    subs.clear()
    targets._sentence("1.力争新增企业10家", 0, 11, t)
    assert subs == ["1.力争新增企业10家", "力争新增企业10家"]


def _figure_fields(figs: list[targets._Figure]) -> list[tuple[object, ...]]:
    return [(f.start, f.end, f.value, f.value_max, f.unit, f.after, f.approx, f.chinese) for f in figs]


def _scan_from_first_agrees(text: str, start: int, end: int) -> None:
    t = targets._tables()
    norm = normalize(text)
    first = targets._figure_starts().search(norm, start, end)
    if first is not None:
        assert _figure_fields(targets._figures(norm, start, end, t, first.start())) == \
            _figure_fields(targets._figures(norm, start, end, t))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_ROWS, *_ENDS, "“", "”", "第", "x", "1"]), max_size=8).map("".join),
       st.integers(0, 80), st.integers(0, 80))
def test_figures_scanned_from_the_first_start_are_all_the_figures(text: str, start: int, end: int) -> None:
    _scan_from_first_agrees(text, start, end)


def test_figures_scanned_from_the_first_start_in_the_sample() -> None:
    text = (ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt").read_text(encoding="utf-8")
    for step in (97, 640):
        for start in range(0, len(text), step):
            _scan_from_first_agrees(text, start, start + step)


def test_find_targets_scans_no_span_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The figures are scanned for from the first start that the early check found, not from the span's start."""
    starts = targets._figure_starts()
    searched: list[int] = []

    class Recording:
        def search(self, s: str, pos: int, end: int) -> re.Match[str] | None:
            searched.append(pos)
            return starts.search(s, pos, end)

    monkeypatch.setattr(targets, "_figure_starts", lambda: Recording())
    text = "推进项目建设,新增企业45家"
    assert [t.value for t in targets.find_targets(text, normalize(text), 0, len(text))] == [45.0]
    assert searched[:2] == [0, text.index("45")]


def test_distributors_are_the_distributor_words() -> None:
    t = targets._tables()
    assert t.distributors == {w for w, kind in t.word_kind.items() if kind == "distributor"}
    assert t.distributors == set(t.raw["distributors"]) - {w for w, k in t.word_kind.items() if k != "distributor"}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["、", "和", "以及", "以", "及", "或", "与", "x", "5", ",", " "]), max_size=6).map("".join),
       st.integers(0, 12), st.integers(0, 12))
def test_enum_after_matches_in_place_what_the_slice_matched(norm: str, qend: int, ce: int) -> None:
    t = targets._tables()
    ce = min(ce, len(norm))
    after = norm[qend:min(ce, qend + 3)]
    assert targets._enum_after(norm, qend, ce, t) == (bool(after) and bool(t.enum_split.match(after)))
