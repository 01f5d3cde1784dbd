"""The outline's shortcuts give what the code they replaced gave."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.parse import outline
from qigong_parse.text.lines import content_lines


def _iter_lines_by_character(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """`_iter_lines` as it was: blanks stepped over one character at a time."""
    out = []
    pos = start
    while pos < end:
        nl = norm.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        content_end = line_end
        while content_end > pos and norm[content_end - 1] in " \t\r":
            content_end -= 1
        content_start = pos
        while content_start < content_end and norm[content_start] in " \t":
            content_start += 1
        if content_start < content_end:
            out.append((content_start, content_end))
        pos = line_end + 1
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" \t\r\n\u3000\x0ba一", max_size=30), st.integers(0, 32), st.integers(0, 32))
def test_iter_lines_is_the_scan_per_character(norm: str, start: int, end: int) -> None:
    end = min(end, len(norm))
    assert outline._iter_lines(norm, start, end) == _iter_lines_by_character(norm, start, end)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\r\n\u3000\x0ba一", max_size=30), st.integers(0, 32), st.integers(0, 32))
def test_iter_lines_reads_the_split_as_the_search_loop(norm: str, start: int, end: int) -> None:
    """A range inside the text is read from one split of its slice, the same lines as the search."""
    end = min(end, len(norm))
    assert outline._iter_lines(norm, start, end) == outline._iter_lines_searched(norm, start, end)


def _contents_lists_in_full(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """`_contents_lists` without its shortcuts (no search first, every line tried)."""
    out: list[tuple[int, int]] = []
    lines = content_lines(norm, start, end)
    for k, (cstart, content) in enumerate(lines):
        if not outline._CONTENTS.fullmatch(content) or k + 1 >= len(lines):
            continue
        first = regex.sub(r"\s+", "", lines[k + 1][1])
        again = next((m for m in lines[k + 2:] if regex.sub(r"\s+", "", m[1]) == first), None)
        if again is not None:
            out.append((norm.rfind("\n", start, cstart) + 1 or start, norm.rfind("\n", start, again[0]) + 1 or start))
    return out


_PIECES = ["目录", "目 录", "目\u2003录", " 目录 ", "目", "录", "一、总则", "二、任务", "\n", "\n", " ", "x目录", "目录x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join), st.integers(0, 6), st.integers(0, 200))
def test_contents_lists_are_the_full_scan(norm: str, start: int, end: int) -> None:
    end = min(end, len(norm))
    start = min(start, end)
    assert outline._contents_lists(norm, start, end) == _contents_lists_in_full(norm, start, end)


def test_contents_list_is_found() -> None:
    norm = "目 录\n一、总则\n二、任务\n一、总则\n正文\n二、任务\n"
    assert outline._contents_lists(norm, 0, len(norm)) == [(0, norm.index("一、总则\n正文"))]


_INLINE_CHARS = "。)(一二十百1290.、, \t产业局"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_INLINE_CHARS, max_size=14), st.integers(0, 3), st.integers(0, 3))
def test_the_inline_cues_find_what_the_inline_cue_finds(line: str, lead: int, cut: int) -> None:
    """`find_candidates` asks for `_inline_candidates` only where one of `inline_cues` (one pattern
    per clause end) matches: exactly the lines where `inline_cue` does."""
    g = outline.grammar()
    assert g.inline_cues
    norm = "x" * lead + line + "。"
    start, end = lead, max(lead, len(norm) - cut)
    by_cue = any(True for _ in g.inline_cue.finditer(norm, start + 1, end))
    assert any(c.search(norm, start + 1, end) is not None for c in g.inline_cues) == by_cue


def test_inline_candidates_are_looked_for_only_behind_a_cue(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    real = outline._inline_candidates

    def counted(norm: str, line_start: int, line_end: int, g: object) -> list[outline.Candidate]:
        calls.append(line_start)
        return real(norm, line_start, line_end, g)  # type: ignore[arg-type]

    monkeypatch.setattr(outline, "_inline_candidates", counted)
    norm = "一、总体要求。推进工作。\n(一)加快建设。按职责分工负责)2.推进低产林改造。\n"
    found = outline.find_candidates(norm, 0, len(norm))
    assert calls == [norm.index("(一)")]  # the first line has no marker after its 。
    assert [c.inline for c in found] == [False, False, True]


def _match_line_with_groupdict(norm: str, pos: int, line_end: int, g: outline._Grammar) -> tuple | None:
    """`_match_line`'s reading of the intact styles as it was: every style tried, `groupdict`."""
    from qigong_parse.text.numerals import cn_to_int

    for style in g.styles:
        m = style.pattern.match(norm, pos, line_end)
        if m is not None:
            num = cn_to_int(m.group("num"))
            if num is None or num == 0:
                continue
            if style.decimal and (m.end() >= line_end or norm[m.end()] in g.quantity_chars):
                continue
            groups = m.groupdict()
            return (m.end(), style.name, (style.name,), num, groups.get("sep"), groups.get("pre"))
    return None


_MARKERS = "第一二三四五六七八九十百千零〇两()0123456789①⑳、.,章节条部分篇 产业局%"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_MARKERS, max_size=9))
def test_match_line_reads_the_intact_styles_as_groupdict_did(line: str) -> None:
    g = outline.grammar()
    norm = line + "\n"
    cand = outline._match_line(norm, 0, len(line), g) if line else None
    want = _match_line_with_groupdict(norm, 0, len(line), g) if line else None
    if want is not None:
        assert cand is not None and not cand.damaged
        assert (cand.marker_end, cand.shape, cand.styles, cand.num, cand.sep, cand.prefix) == want
    else:
        assert cand is None or cand.damaged


class _ChainByLists(outline._Chain):
    """`_Chain.offer` as it was: both checks called, every style's fit listed, then filtered."""

    def offer(self, cand: outline.Candidate) -> bool:
        if not self._decimal_parent_ok(cand):
            return False
        gap = self._fill_gap(cand)
        if gap is not None:
            return self._accept(cand, *gap, "next")
        if cand.needs_hint:
            return False
        if cand.row is not None:
            return super().offer(cand)  # a task-table row: as it is
        styles = list(cand.styles)
        pref = self.shape_pref.get(cand.shape)
        if pref in styles:
            styles.remove(pref)
            styles.insert(0, pref)
        elif len(styles) > 1:
            g = outline.grammar()
            inner = self.headings[self.stack[-1]].style if self.stack else None
            inner_rank = g.rank.get(inner, -1) if inner else -1
            styles.sort(key=lambda s: (g.rank[s] <= inner_rank, g.rank[s]))
        fits = [(s, f) for s in styles if (f := self._fit(cand, s)) is not None]
        if cand.inline:
            fits = [(s, f) for s, f in fits if f[2] == "next" and f[0] < len(self.stack)]
        good = [(s, f) for s, f in fits if f[2] != "skip"]
        chosen = good[0] if good else (fits[0] if fits else None)
        if chosen is None:
            return False
        style, (depth, num, how) = chosen
        if cand.damaged and len(cand.styles) > 1:
            self.shape_pref[cand.shape] = style
        return self._accept(cand, style, depth, num, how)


def _headings(chain: outline._Chain, cands: list[outline.Candidate]) -> list[tuple]:
    taken = [chain.offer(c) for c in cands]
    return [taken] + [(h.cand.start, h.style, h.num, h.depth, h.parent, h.warnings) for h in chain.headings]


def _both_chains(text: str) -> tuple[list[tuple], list[tuple]]:
    from qigong_parse.model.ir import PartSlice
    from qigong_parse.text.normalize import normalize

    norm = normalize(text)
    sl = PartSlice(id="main", kind="main", span=(0, len(text)), body_start=0)
    g = outline.grammar()
    return (_headings(outline._Chain(), outline._part_candidates(text, norm, sl, g)),
            _headings(_ChainByLists(), outline._part_candidates(text, norm, sl, g)))


def test_the_chain_chooses_as_the_lists_did_on_the_sample(sample: str) -> None:
    from qigong_parse.parse.segment import segment
    from qigong_parse.parse.state import ParseState

    state = ParseState(sample)
    g = outline.grammar()
    for sl in segment(state).parts:
        cands = outline._part_candidates(state.text, state.norm, sl, g)
        assert _headings(outline._Chain(), cands) == _headings(_ChainByLists(), cands)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["一、目标", "(一)任务", "1.事项。正文", "(1)细项", "①小项", "2025年完成", "(提振消费",
                                 "3实施", "16)加强", "正文段落。", "二、保障", "(三)推进", "4.事项", "(2)细项",
                                 "推进工作。按职责负责)2.推进改造。", "第一条 规定", "1.1 总则", "1.2 范围", "", "(加快建设",
                                 "5更新", "二攻坚任务", "一)目标", "(二任务", "(4推进", "四、要求"]),
                max_size=25))
def test_the_chain_chooses_as_the_lists_did(lines: list[str]) -> None:
    new, old = _both_chains("\n".join(lines))
    assert new == old


def test_tokens_are_written_once_per_style_and_number() -> None:
    outline._token.cache_clear()
    assert outline._token("cn_dun", 12) == outline._token.__wrapped__("cn_dun", 12) == "十二"
    outline._token("cn_dun", 12)
    assert outline._token.cache_info().hits == 1


def _hint_lost_numbers_walking_all(cands: list[outline.Candidate]) -> None:
    """`_hint_lost_numbers` as it was: every candidate walked, whether a bracket lost its number or not."""
    following: tuple[str, int] | None = None
    g = outline.grammar()
    for cand in reversed(cands):
        if cand.shape == "bracket_lost_number":
            cand.hint = following
        elif not cand.damaged and cand.row is None and cand.num is not None and g.style(cand.styles[0]).bracketed:
            following = (cand.styles[0], cand.num)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["(一)任务", "(加快建设", "(2)细项", "(提振消费", "1.事项", "一、目标", "(三)推进",
                                 "正文。", "16)加强"]), max_size=15))
def test_lost_numbers_are_hinted_as_the_full_walk_hints_them(lines: list[str]) -> None:
    norm = "\n".join(lines)
    fast, full = (outline.find_candidates(norm, 0, len(norm)) for _ in range(2))
    outline._hint_lost_numbers(fast)
    _hint_lost_numbers_walking_all(full)
    assert [c.hint for c in fast] == [c.hint for c in full]


def test_no_lost_number_means_no_walk(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    norm = "一、目标\n(一)任务\n(二)推进\n"
    cands = outline.find_candidates(norm, 0, len(norm))
    monkeypatch.setattr(outline, "grammar", lambda: (_ for _ in ()).throw(AssertionError("walked")))
    outline._hint_lost_numbers(cands)
    assert all(c.hint is None for c in cands)


def test_a_line_before_no_tab_is_not_asked_about_cells(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    norm = "一、目标\n正文。\n二、任务\n\t90\n"
    asked: list[int] = []
    real = outline._flattened_cell
    monkeypatch.setattr(outline, "_flattened_cell", lambda n, pos: asked.append(pos) or real(n, pos))
    found = outline.find_candidates(norm, 0, len(norm))
    assert asked == [norm.index("\t")]  # only the line whose next line starts with a TAB
    assert [norm[c.start:c.marker_end] for c in found] == ["一、"]  # 二、 is the first cell of a flattened row
