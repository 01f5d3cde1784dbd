"""Outline stage: a part's lines → candidate markers → chain pruned by sequence → tree of Nodes.

Candidates are found line by line with the marker grammar in ``data/markers.yaml``. A candidate
becomes a heading only when it fits the numbering met so far (the next number of an open level,
the first number of a new level, or a running count carried over from the previous parent); the
style of each level is learned per part. Damaged markers (lost number, lost bracket, bare number)
are read as the style that fits and flagged. Lines that merely start with a number stay text.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any, Final, NamedTuple

import regex

from ..model.ir import Duty, NodeTree, OutlineResult, PartSlice, PartTree
from ..model.kinds import Role
from ..model.records import ParseWarning
from ..rules import load_table
from ..run_cache import HOLD_GIL, compiled
from ..text.lines import content_lines
from ..text.numerals import circled, cn_to_int, int_to_cn
from .state import ParseState
from .task_tables import TaskRow, find_task_tables


# The records of this module are plain classes, not dataclasses (~3–8 M instructions each to create
# at start-up); _Style and _Grammar are read-only by `Final` (mypy). No __eq__/__repr__/__hash__:
# nothing compares, prints or hashes them.
class _Style:
    __slots__ = ("alone", "bracketed", "chinese", "decimal", "has_pre", "has_sep", "inline", "may_skip", "name",
                 "pattern", "titled", "token")
    name: Final[str]
    pattern: Final[Any]
    token: Final[str]
    decimal: Final[int]  # depth of a decimal-numbering style (1.2.1 → 3), 0 for the others
    # the style's properties, from rules/markers.yaml
    chinese: Final[bool]  # numbered in Chinese numerals (一、 (一) 第一章): the path writes them so
    bracketed: Final[bool]  # the number stands in brackets: a bracket that lost it takes a hint
    inline: Final[bool]  # may stand inside a line after a 。 or ) whose line break was lost
    may_skip: Final[bool]  # a level may open with 2 or 3 (its 1 lost); not where a 1 is never lost
    titled: Final[bool]  # followed by a heading title (第X条 runs on into its text: no title to cut)
    # what a candidate of the style reads from a match: the groups its pattern has (one `group`
    # call each, not a `groupdict`), and its one-style tuple
    has_sep: Final[bool]
    has_pre: Final[bool]
    alone: Final[tuple[str]]

    def __init__(self, name: str, pattern: Any, token: str, decimal: int = 0, chinese: bool = False,
                 bracketed: bool = False, inline: bool = False, may_skip: bool = True, titled: bool = True) -> None:
        self.name = name
        self.pattern = pattern
        self.token = token
        self.decimal = decimal
        self.chinese = chinese
        self.bracketed = bracketed
        self.inline = inline
        self.may_skip = may_skip
        self.titled = titled
        groups = pattern.groupindex if pattern is not None else {}
        self.has_sep = "sep" in groups
        self.has_pre = "pre" in groups
        self.alone = (name,)


class _Damaged(NamedTuple):
    name: str
    pattern: Any
    styles: tuple[str, ...]
    heading_only: bool


class _Grammar:
    __slots__ = ("by_name", "cn_word_chars", "damaged", "heading_max_len", "heading_nouns", "inline_cue",
                 "inline_cues", "line_cue", "min_body_len", "min_title_len", "not_openers", "quantity_chars", "rank",
                 "roles", "strong_openers", "styles", "weak_openers")
    styles: Final[tuple[_Style, ...]]
    damaged: Final[tuple[_Damaged, ...]]
    rank: Final[dict[str, int]]
    quantity_chars: Final[frozenset[str]]
    cn_word_chars: Final[frozenset[str]]
    roles: Final[tuple[tuple[Role, tuple[str, ...]], ...]]
    strong_openers: Final[tuple[str, ...]]
    weak_openers: Final[tuple[str, ...]]
    not_openers: Final[tuple[str, ...]]
    heading_nouns: Final[tuple[str, ...]]
    heading_max_len: Final[int]
    min_title_len: Final[int]
    min_body_len: Final[int]  # the least of a line a cut leaves as the body that ran into its heading
    # a sentence or clause end followed by a marker of a style that may stand inline: where
    # `_inline_candidates` has something to look at (one scan, not four matches per 。)
    inline_cue: Final[regex.Pattern[str]]
    # `inline_cue` split by its clause end, one pattern per end character (a literal first: `regex`
    # searches for it fast, where the class of `inline_cue` is tried at every position); a line
    # where none of them matches has nothing for `_inline_candidates` (two searches, one scan less)
    inline_cues: Final[tuple[regex.Pattern[str], ...]]
    # every marker shape (the styles, then the damaged shapes) in one alternation, group i + 1
    # being shape i: one match tells a line that starts with no marker, or the first shape to try
    line_cue: Final[regex.Pattern[str] | None]
    by_name: Final[dict[str, _Style]]

    def __init__(self, styles: tuple[_Style, ...], damaged: tuple[_Damaged, ...], rank: dict[str, int],
                 quantity_chars: frozenset[str], cn_word_chars: frozenset[str],
                 roles: tuple[tuple[Role, tuple[str, ...]], ...], strong_openers: tuple[str, ...],
                 weak_openers: tuple[str, ...], not_openers: tuple[str, ...], heading_nouns: tuple[str, ...],
                 heading_max_len: int, min_title_len: int, inline_cue: regex.Pattern[str],
                 inline_cues: tuple[regex.Pattern[str], ...], line_cue: regex.Pattern[str] | None,
                 by_name: dict[str, _Style], min_body_len: int) -> None:
        self.styles = styles
        self.damaged = damaged
        self.rank = rank
        self.quantity_chars = quantity_chars
        self.cn_word_chars = cn_word_chars
        self.roles = roles
        self.strong_openers = strong_openers
        self.weak_openers = weak_openers
        self.not_openers = not_openers
        self.heading_nouns = heading_nouns
        self.heading_max_len = heading_max_len
        self.min_title_len = min_title_len
        self.min_body_len = min_body_len
        self.inline_cue = inline_cue
        self.inline_cues = inline_cues
        self.line_cue = line_cue
        self.by_name = by_name

    def style(self, name: str) -> _Style:
        """A style by name; a task-table row or a bare section (no marker of the grammar) has the
        default properties."""
        return self.by_name.get(name) or _Style(name, None, "{n}")


# The ends after which a marker may stand inside a line whose break was lost: a sentence's, a
# bracket's, and the ; between the items of a list run together ((1)有专职人员;(2)有固定住所;(3)…)
_CLAUSE_ENDS = "。);"
_CLAUSE_END = compiled(f"[{regex.escape(_CLAUSE_ENDS)}]")
_GROUP_NAME = compiled(r"\(\?P<\w+>")
_STYLE_PROPERTIES = ("chinese", "bracketed", "inline", "may_skip", "titled")


@cache
def grammar() -> _Grammar:
    """The marker, role and title tables, loaded once."""
    markers = load_table("markers.yaml")
    roles = load_table("roles.yaml")["roles"]
    titles = load_table("titles.yaml")
    styles = tuple(_Style(s["name"], compiled(s["pattern"]), s["token"], int(s.get("decimal") or 0),
                          **{k: bool(s[k]) for k in _STYLE_PROPERTIES if k in s})
                   for s in markers["styles"])
    damaged = tuple(
        _Damaged(d["name"], compiled(d["pattern"]), tuple(d["styles"]), bool(d.get("heading_only")))
        for d in markers["damaged"]
    )
    inline = "|".join(f"(?:{s.pattern.pattern})" for s in styles if s.inline)
    shapes = [s.pattern.pattern for s in styles] + [d.pattern.pattern for d in damaged]
    line_cue = compiled("|".join(f"({_GROUP_NAME.sub('(?:', p)})" for p in shapes))
    return _Grammar(
        by_name={s.name: s for s in styles},
        inline_cue=compiled(f"{_CLAUSE_END.pattern}(?=(?:{inline}))" if inline else "(?!)"),
        inline_cues=tuple(compiled(f"{regex.escape(end)}(?=(?:{inline}))") for end in _CLAUSE_ENDS) if inline else (),
        # a shape with capturing groups of its own would shift the numbering: no cue then
        line_cue=line_cue if line_cue.groups == len(shapes) else None,
        styles=styles,
        damaged=damaged,
        rank={s.name: i for i, s in enumerate(styles)},
        quantity_chars=frozenset(markers["quantity_chars"]),
        cn_word_chars=frozenset(markers["cn_word_chars"]),
        roles=tuple((role, tuple(words)) for role, words in roles.items()),
        strong_openers=tuple(titles["strong_openers"]),
        weak_openers=tuple(titles["weak_openers"]),
        not_openers=tuple(titles["not_openers"]),
        heading_nouns=tuple(titles["heading_nouns"]),
        heading_max_len=int(titles["heading_max_len"]),
        min_title_len=int(titles["min_title_len"]),
        min_body_len=int(titles["min_body_len"]),
    )


class Candidate:
    """A line that starts like a numbered heading."""

    __slots__ = ("damaged", "hint", "inline", "line_end", "marker_end", "needs_hint", "num", "prefix", "row",
                 "sep", "shape", "start", "styles")
    start: int  # marker start (after indentation)
    marker_end: int
    line_end: int  # end of the line's content (before the line break)
    shape: str
    styles: tuple[str, ...]
    num: int | None
    sep: str | None
    damaged: bool
    row: TaskRow | None  # set for a row of a task table
    # For a bracket that lost its number: the next intact bracketed marker (style, number), which
    # tells which level the gap is in; `needs_hint` marks a long line that is a heading only then.
    hint: tuple[str, int] | None
    needs_hint: bool
    inline: bool  # found inside a line, after a 。 or ), not at its start
    prefix: str | None  # the numbers above a decimal marker's own (1.2 of 1.2.1)

    def __init__(self, start: int, marker_end: int, line_end: int, shape: str, styles: tuple[str, ...],
                 num: int | None, sep: str | None, damaged: bool, row: TaskRow | None = None,
                 hint: tuple[str, int] | None = None, needs_hint: bool = False, inline: bool = False,
                 prefix: str | None = None) -> None:
        self.start = start
        self.marker_end = marker_end
        self.line_end = line_end
        self.shape = shape
        self.styles = styles
        self.num = num
        self.sep = sep
        self.damaged = damaged
        self.row = row
        self.hint = hint
        self.needs_hint = needs_hint
        self.inline = inline
        self.prefix = prefix


class _Heading:
    __slots__ = ("cand", "depth", "num", "parent", "style", "warnings")
    cand: Candidate
    style: str
    num: int
    depth: int
    parent: int | None  # index into the heading list
    warnings: list[tuple[str, str]]

    def __init__(self, cand: Candidate, style: str, num: int, depth: int, parent: int | None,
                 warnings: list[tuple[str, str]] | None = None) -> None:
        self.cand = cand
        self.style = style
        self.num = num
        self.depth = depth
        self.parent = parent
        self.warnings = [] if warnings is None else warnings


def _iter_lines(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """(content start, content end) of every non-blank line in norm[start:end]."""
    out = []
    pos = start
    if start >= 0 and end <= len(norm):
        # the pieces of one split of the slice are its lines without their breaks (no search and
        # no slice per line)
        for raw in norm[start:end].split("\n"):
            kept = raw.rstrip(" \t\r")
            content = kept.lstrip(" \t")
            if content:
                content_end = pos + len(kept)
                out.append((content_end - len(content), content_end))
            pos += len(raw) + 1
        return out
    return _iter_lines_searched(norm, start, end)


def _iter_lines_searched(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """`_iter_lines` line by line: a search for each break and a slice for each line."""
    out = []
    pos = start
    while pos < end:
        nl = norm.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        kept = norm[pos:line_end].rstrip(" \t\r")  # str methods, not a test per blank character
        content_end = pos + len(kept)
        content_start = content_end - len(kept.lstrip(" \t"))
        if content_start < content_end:
            out.append((content_start, content_end))
        pos = line_end + 1
    return out


def find_candidates(norm: str, start: int, end: int) -> list[Candidate]:
    """Every line in norm[start:end] whose start matches a marker shape of the grammar."""
    g = grammar()
    cues = g.inline_cues
    out: list[Candidate] = []
    for line_start, line_end in _iter_lines(norm, start, end):
        cand = _match_line(norm, line_start, line_end, g)
        # a line whose next line starts with a TAB is the first cell of a table row flattened one
        # cell per line (四川 ⏎ ⇥90 …), not a heading
        # (a next line that starts with no TAB is no cell: no call to ask)
        if cand is not None and not (norm.startswith("\t", line_end + 1) and _flattened_cell(norm, line_end + 1)):
            out.append(cand)
        for cue in cues:  # where `g.inline_cue` would find something (see `_Grammar.inline_cues`)
            if cue.search(norm, line_start + 1, line_end, HOLD_GIL) is not None:
                out.extend(_inline_candidates(norm, line_start, line_end, g))
                break
    return _consistent_decimals(out, g)


def _flattened_cell(norm: str, pos: int) -> bool:
    """Whether the line at `pos` is one cell of a table flattened one cell per line: a TAB, then a
    value with no further TAB."""
    if not norm.startswith("\t", pos):
        return False
    nl = norm.find("\n", pos)
    return norm.find("\t", pos + 1, nl if nl >= 0 else len(norm)) < 0


def _consistent_decimals(cands: list[Candidate], g: _Grammar) -> list[Candidate]:
    """Decimal markers count only as a system: a 1.2 whose 1 is a heading, a bare 1 with a 1.x below it.
    A lone "1.5" line or a "2 总则" with no 2.1 stays text."""
    depth = {s.name: s.decimal for s in g.styles if s.decimal}
    decimals = [c for c in cands if c.shape in depth]
    if not decimals:
        return cands
    written = {(c.prefix + "." if c.prefix else "") + str(c.num) for c in decimals}
    keep: set[int] = set()
    for c in decimals:
        own = (c.prefix + "." if c.prefix else "") + str(c.num)
        has_child = any(w.startswith(own + ".") for w in written)
        has_parent = c.prefix is not None and c.prefix in written
        if has_child or (has_parent and depth[c.shape] > 1):
            keep.add(id(c))
    if sum(depth[c.shape] > 1 for c in decimals if id(c) in keep) < 2:
        keep = set()
    return [c for c in cands if c.shape not in depth or id(c) in keep]




_HAN_CHAR = compiled(r"\p{Han}")
_SENTENCE_MARK = compiled(r"[,.;:!?。()\d]")


def _inline_candidates(norm: str, line_start: int, line_end: int, g: _Grammar) -> list[Candidate]:
    """Intact markers right after a sentence or clause end inside a line: the line break before
    them was lost (…按职责分工负责)2.推进低产林改造。). They count only as the next number of an
    open level (see `_Chain.offer`)."""
    out: list[Candidate] = []
    for end_mark in g.inline_cue.finditer(norm, line_start + 1, line_end):
        pos = end_mark.end()
        for style in g.styles:
            if not style.inline:
                continue
            m = style.pattern.match(norm, pos, line_end, HOLD_GIL)
            if m is None or m.end() >= line_end or not _HAN_CHAR.match(norm, m.end()):
                continue
            num = cn_to_int(m.group("num"))
            if num:
                out.append(Candidate(pos, m.end(), line_end, style.name, (style.name,), num,
                                     m.groupdict().get("sep"), False, inline=True))
            break
    return out


# A marker's number as `cn_to_int` reads it, remembered: markers repeat few numbers (一 … 十, 1 … 20)
_number = lru_cache(maxsize=512)(cn_to_int)


def _match_line(norm: str, pos: int, line_end: int, g: _Grammar) -> Candidate | None:
    first = 0  # the first shape that matches at `pos` (the shapes before it need no try)
    if g.line_cue is not None:
        cue = g.line_cue.match(norm, pos, line_end, HOLD_GIL)
        if cue is None:
            return None
        first = (cue.lastindex or 1) - 1
    for style in g.styles[first:]:
        m = style.pattern.match(norm, pos, line_end, HOLD_GIL)
        if m is not None:
            num = _number(m.group("num"))
            if num is None or num == 0:
                continue
            marker_end = m.end()
            if style.decimal and (marker_end >= line_end or norm[marker_end] in g.quantity_chars):
                continue
            return Candidate(pos, marker_end, line_end, style.name, style.alone, num,
                             m.group("sep") if style.has_sep else None, False,
                             prefix=m.group("pre") if style.has_pre else None)
    for shape in g.damaged[max(0, first - len(g.styles)):]:
        m = shape.pattern.match(norm, pos, line_end, HOLD_GIL)
        if m is None:
            continue
        num_text = m.groupdict().get("num")
        num = _number(num_text) if num_text else None
        if num_text and not num:
            continue
        after = norm[m.end()] if m.end() < line_end else ""
        if shape.name == "bare_number" and (after in g.quantity_chars or num is None or num > 99):
            continue
        if shape.name == "cn_bare" and (after in g.cn_word_chars or line_end - m.end() > 15
                                        or _SENTENCE_MARK.search(norm, m.end(), line_end)):
            continue
        needs_hint = False
        if shape.heading_only:
            line = norm[pos:line_end]
            if len(line) > 40 or ")" in line or "。" in line:
                # (加快城乡建设提速。统筹推进…(县住建局牵头…): a heading whose number was lost, if
                # its words up to the 。 are a short title and the numbering around it leaves a gap
                stop = line.find("。")
                head = line[:stop] if stop > 0 else ""
                if shape.name != "bracket_lost_number" or not 2 <= len(head) <= 30 or ")" in head:
                    continue
                needs_hint = True
        return Candidate(pos, m.end(), line_end, shape.name, shape.styles, num, None, True,
                         needs_hint=needs_hint)
    return None


class _Chain:
    """The sequence state while folding candidates into headings."""

    def __init__(self) -> None:
        self.stack: list[int] = []  # heading indices of the open levels, outermost first
        self.headings: list[_Heading] = []
        self.shape_pref: dict[str, str] = {}  # damaged shape → style it resolved to in this part
        self.running: dict[tuple[str, int], int] = {}  # (style, depth) → last number seen there
        self.first_child: dict[tuple[int | None, int, str], int] = {}  # (parent, depth, style) → heading

    def _level_of(self, style: str) -> int | None:
        for depth, idx in enumerate(self.stack):
            if self.headings[idx].style == style:
                return depth
        return None

    def _fit(self, cand: Candidate, style: str) -> tuple[int, int, str] | None:
        """(depth, number, how) if `cand` read as `style` fits the numbering, else None."""
        n = cand.num
        depth = self._level_of(style)
        if depth is not None:
            last = self.headings[self.stack[depth]].num
            if n is None or n == last + 1:
                return depth, last + 1, "next"
            if not cand.damaged and last + 1 < n <= last + 3:
                return depth, n, "skip"
            return None
        depth = len(self.stack)
        if n is None or n == 1:
            return depth, 1, "first"
        prev = self.running.get((style, depth))
        if prev is not None and n == prev + 1:
            return depth, n, "running"
        if not cand.damaged and n <= 3 and grammar().style(style).may_skip:
            return depth, n, "skip"
        return None

    def _fill_gap(self, cand: Candidate) -> tuple[str, int, int] | None:
        """(style, depth, number) when the next intact marker shows `cand` fills a gap: (一) … ( … (三)."""
        if cand.hint is None:
            return None
        style, following = cand.hint
        depth = self._level_of(style)
        if depth is None or self.headings[self.stack[depth]].num + 2 != following:
            return None
        return style, depth, following - 1

    def _decimal_parent_ok(self, cand: Candidate) -> bool:
        """A decimal marker (1.2.1) goes only under the open heading its prefix names (1.2)."""
        if cand.prefix is None:
            return True
        want = f"decimal{cand.prefix.count('.') + 1}"
        parent = next((self.headings[i] for i in self.stack if self.headings[i].style == want), None)
        return parent is not None and _decimal_number(parent) == cand.prefix

    def offer(self, cand: Candidate) -> bool:
        """Accept `cand` as a heading if it fits; return whether it did."""
        if cand.prefix is not None and not self._decimal_parent_ok(cand):
            return False
        gap = self._fill_gap(cand) if cand.hint is not None else None
        if gap is not None:
            return self._accept(cand, *gap, "next")
        if cand.needs_hint:
            return False
        if cand.row is not None:
            # A task-table row: a child of the heading it stands under, sibling of the rows before it.
            depth = self._level_of("table_row")
            depth = len(self.stack) if depth is None else depth
            num = self.headings[self.stack[depth]].num + 1 if depth < len(self.stack) else 1
            written = cand.row.number.strip().rstrip(".、")
            if written.isdecimal() and written.isascii():
                num = int(written)  # the 序号 as written: it may run on across group headings
            del self.stack[depth:]
            parent = self.stack[-1] if self.stack else None
            self.headings.append(_Heading(cand, "table_row", num, depth, parent))
            self.stack.append(len(self.headings) - 1)
            return True
        styles = list(cand.styles)
        pref = self.shape_pref.get(cand.shape)
        if pref in styles:
            styles.remove(pref)
            styles.insert(0, pref)
        elif len(styles) > 1:
            # Unlearned ambiguity: prefer the style ranked just below the innermost open level.
            g = grammar()
            inner = self.headings[self.stack[-1]].style if self.stack else None
            inner_rank = g.rank.get(inner, -1) if inner else -1
            styles.sort(key=lambda s: (g.rank[s] <= inner_rank, g.rank[s]))
        # the first style that fits other than by a skip, else the first that fits by one (`_fit`
        # only reads the state: the styles after the chosen one need no try)
        chosen = None
        for s in styles:
            f = self._fit(cand, s)
            if f is None:
                continue
            if cand.inline and (f[2] != "next" or f[0] >= len(self.stack)):
                continue  # inline: only the next number of an open level (1.… 2. run into one line)
            if f[2] != "skip":
                chosen = s, f
                break
            if chosen is None:
                chosen = s, f
        if chosen is None:
            return False
        style, (depth, num, how) = chosen
        if cand.damaged and len(cand.styles) > 1:
            self.shape_pref[cand.shape] = style
        return self._accept(cand, style, depth, num, how)

    def _accept(self, cand: Candidate, style: str, depth: int, num: int, how: str) -> bool:
        del self.stack[depth:]
        for key in [k for k in self.running if k[1] > depth + 1]:
            del self.running[key]
        parent = self.stack[-1] if self.stack else None
        heading = _Heading(cand, style, num, depth, parent)
        if how == "skip":
            heading.warnings.append(("skipped-number", f"numbering jumps to {num} here"))
        if cand.inline:
            heading.warnings.append(("lost-line-break", "a heading ran on after the end of the line before it"))
        siblings = (parent, depth, style)
        if parent is not None or depth == 0:
            first = self.first_child.get(siblings)
            prev_sibling = self.headings[first] if first is not None else None
            if (prev_sibling and cand.sep and prev_sibling.cand.sep and cand.sep != prev_sibling.cand.sep
                    and not cand.damaged):
                heading.warnings.append(
                    ("inconsistent-marker", f"separator {cand.sep!r} among siblings using {prev_sibling.cand.sep!r}")
                )
        self.headings.append(heading)
        self.first_child.setdefault(siblings, len(self.headings) - 1)
        self.stack.append(len(self.headings) - 1)
        self.running[(style, depth)] = num
        return True


def _decimal_number(h: _Heading) -> str:
    """The full decimal number of a heading (1.2 for the heading written 1.2)."""
    return (h.cand.prefix + "." if h.cand.prefix else "") + str(h.num)


@lru_cache(maxsize=1024)  # a function of the grammar (loaded once): each (style, number) is written once
def _token(style: str, num: int) -> str:
    if style == "table_row":
        return str(num)
    if style == "circled":  # the path keeps the circled numeral, as the contract writes it: ①
        return circled(num)
    g = grammar()
    first = _first_styles().get(style)  # a dict, not a walk over the styles per node
    fmt = first.token if first is not None else next(s.token for s in g.styles if s.name == style)
    return fmt.format(n=int_to_cn(num) if g.style(style).chinese else str(num))


@cache
def _first_styles() -> dict[str, _Style]:
    """The grammar's first style of each name (the one a walk over `styles` finds)."""
    out: dict[str, _Style] = {}
    for s in grammar().styles:
        out.setdefault(s.name, s)
    return out


def _title_bounds(norm: str, start: int, line_end: int) -> tuple[int, int, bool]:
    """(title start, title end, ended by 。) for the words after a marker: up to the first 。 or the
    line end (a colon does not end a heading: 知识产权保护方面5项：A；B；C is one title)."""
    while start < line_end and norm[start] in " \t":
        start += 1
    stop = norm.find("。", start, line_end)
    ended = stop >= 0
    end = stop if ended else line_end
    while end > start and norm[end - 1] in " \t;:":  # a list item may close with ;, a lead-in with :
        end -= 1
    return start, end, ended


def _hint_lost_numbers(cands: list[Candidate]) -> None:
    """Give each bracket that lost its number the next intact bracketed marker after it."""
    if all(cand.shape != "bracket_lost_number" for cand in cands):
        return  # no bracket lost its number (most parts): no hint to give, no walk over the styles
    following: tuple[str, int] | None = None
    g = grammar()
    for cand in reversed(cands):
        if cand.shape == "bracket_lost_number":
            cand.hint = following
        elif not cand.damaged and cand.row is None and cand.num is not None \
                and g.style(cand.styles[0]).bracketed:
            following = (cand.styles[0], cand.num)


def _row_cells(row: TaskRow) -> Duty | None:
    """The lead and support cells of a table row, as written (the extract stage canonicalizes them)."""
    if not row.lead and not row.support and not row.joint:
        return None
    cells = [c for c in (row.lead_span, row.support_span, row.joint_span) if c is not None]
    span = (min(c[0] for c in cells), max(c[1] for c in cells)) if cells else None
    raw = "\t".join(x for x in (row.lead, row.support, row.joint) if x)
    return Duty(lead=(row.lead,) if row.lead else (), support=(row.support,) if row.support else (),
                joint=(row.joint,) if row.joint else (), raw=raw, span=span)


def _heading_like(title: str, g: _Grammar) -> bool:
    return len(title) <= g.heading_max_len and "," not in title


def _cut_position(norm: str, start: int, end: int, ended: bool, g: _Grammar) -> int | None:
    """Where a careful reader would end a heading that ran into its body, or None."""
    title = norm[start:end]
    comma = min((i for i in (title.find(","), title.find(";")) if i >= 0), default=len(title))
    limit = min(comma, g.heading_max_len + 4)
    strong_only = ended and len(title) <= 40
    colon = title.find(":", 0, limit)
    if not strong_only and g.min_title_len <= colon <= g.heading_max_len:
        return colon + 1  # a lead-in heading (招引头部平台企业：积极对接…): the colon ends it
    best: tuple[int, int] | None = None  # (score, -position)
    for pos in range(g.min_title_len, limit):  # each word list tried by one C call (tuples)
        if title.startswith(g.not_openers, pos) or (pos and title[pos - 1] in "“\"《("):
            continue
        if title.startswith(g.strong_openers, pos):
            return pos
        if strong_only:
            continue
        score = title.startswith(g.weak_openers, pos) + title.endswith(g.heading_nouns, 0, pos)
        if score and (best is None or score > best[0]):
            best = (score, -pos)
    if best is not None:
        return -best[1]
    return None


def _role_for(title: str, taken: set[Role], sibling_titles: list[str], g: _Grammar) -> tuple[Role | None, bool]:
    """The role a top-level title names, and whether it was inferred from a truncated title."""
    for role, words in g.roles:
        if any(w in title for w in words):
            return role, False
    if 2 <= len(title) <= 3 and any(t != title and t.startswith(title) for t in sibling_titles):
        # A truncated section title (攻坚 beside 攻坚任务, 推进机制): the one role the sibling
        # sections do not already hold.
        possible = [role for role, _ in g.roles if role != "other" and role not in taken]
        if len(possible) == 1:
            return possible[0], True
    return None, False


def build_outline(state: ParseState, sl: PartSlice) -> OutlineResult:
    """Build the outline tree of one part: candidates → chain → nodes → roles → tree."""
    text, norm = state.text, state.norm
    g = grammar()
    end = sl.span[1]
    chain = _Chain()
    for cand in _part_candidates(text, norm, sl, g):
        chain.offer(cand)
    headings = chain.headings
    warnings: list[ParseWarning] = []
    nodes = _nodes(text, norm, sl, headings, warnings, g)
    children: list[list[int]] = [[] for _ in headings]
    roots: list[int] = []
    for i, h in enumerate(headings):  # children after their parent in reading order
        (children[h.parent] if h.parent is not None else roots).append(i)
    roles, damaged = _roles(nodes, roots, sl, warnings, g)

    preamble_span = (sl.body_start, headings[0].cand.start if headings else end)
    part = PartTree(
        id=sl.id, kind=sl.kind, annex_no=sl.annex_no, title=sl.title, span=sl.span,
        head_span=sl.head_span, preamble=text[preamble_span[0]:preamble_span[1]].strip(),
        preamble_span=preamble_span, nodes=tuple(_tree(nodes, children, damaged, i, roles[i]) for i in roots),
    )
    if not headings and part.preamble:
        warnings.append(ParseWarning(code="no-structure", part=sl.id,
                                          message="no numbered headings found; the part is kept as one block of text"))
    return OutlineResult(part=part, warnings=warnings)


def _tree(nodes: list[NodeTree], children: list[list[int]], damaged: set[int], i: int, role: Role) -> NodeTree:
    # Not a closure calling itself: that cycle kept each part's flat `nodes` alive until the
    # collector ran, and the collector is paused during a parse.
    n = nodes[i]  # built directly: dataclasses.replace costs a field walk per node
    # the tuple NodeTree(...) makes, without the named tuple's Python-level __new__ (every field given)
    # a leaf (most nodes) takes () as it is: no comprehension to run for it
    below = children[i]
    return _new(NodeTree, (n.path, n.marker, n.title, n.text, n.span, n.title_span, n.damaged or i in damaged, role,
                           n.origin, n.cells, tuple([_tree(nodes, children, damaged, c, role) for c in below]) if below
                           else ()))


_new = tuple.__new__


def _part_candidates(text: str, norm: str, sl: PartSlice, g: _Grammar) -> list[Candidate]:
    """Every heading candidate of a part in reading order: markers, task-table rows, bare sections."""
    end = sl.span[1]
    tables = find_task_tables(text, norm, sl.body_start, end)
    # Only the table's own lines are kept from the outline: a group heading between its rows
    # (二、转型升级) is a heading of the part, and the rows below it are its children.
    inside = [t.header_span for t in tables] + [r.span for t in tables for r in t.rows]
    inside += _contents_lists(norm, sl.body_start, end)
    cands = find_candidates(norm, sl.body_start, end)
    if inside:  # most parts have no table and no contents list
        cands = [c for c in cands if not any(a <= c.start < b for a, b in inside)]
    for table in tables:
        for row in table.rows:
            marker_end = row.span[0] + len(row.number) if text.startswith(row.number, row.span[0]) else row.span[0]
            cands.append(Candidate(row.span[0], marker_end, row.span[1], "table_row", ("table_row",), None,
                                   None, False, row))
    cands.extend(_bare_sections(norm, sl.body_start, end, cands, inside, g))
    cands.sort(key=lambda c: c.start)
    _hint_lost_numbers(cands)
    return cands


def _nodes(text: str, norm: str, sl: PartSlice, headings: list[_Heading], warnings: list[ParseWarning],
           g: _Grammar) -> list[NodeTree]:
    """One node per heading (children not yet attached); a node's own extent runs from its marker to
    the next heading's marker. Repairs are reported in `warnings`."""
    starts = [h.cand.start for h in headings] + [sl.span[1]]
    titles: list[tuple[int, int, bool]] = [
        (h.cand.row.task_span[0], h.cand.row.task_span[1], True) if h.cand.row is not None
        else _title_bounds(norm, h.cand.marker_end, h.cand.line_end) for h in headings
    ]
    cut_notes = _repair_run_in_titles(norm, headings, titles, g)
    paths: list[tuple[str, ...]] = []
    nodes: list[NodeTree] = []
    for i, h in enumerate(headings):
        path = (paths[h.parent] if h.parent is not None else ()) + (_token(h.style, h.num),)
        paths.append(path)
        t_start, t_end, _ = titles[i]
        # a heading run onto this line (found inline) ends the title: spans stay inside the node
        cut = min(t_end, starts[i + 1])
        t_end = max(cut, t_start)
        if cut < titles[i][1]:  # the ; that ran the items of a list together is not the title's
            while t_end > t_start and norm[t_end - 1] in " \t;":
                t_end -= 1
            after = cut
        else:
            after = t_end + 1 if t_end < starts[i + 1] and norm[t_end] in "。:" else t_end
        row = h.cand.row
        node = _new(NodeTree, (path, text[h.cand.start:h.cand.marker_end], norm[t_start:t_end],
                               text[(h.cand.start if row is not None else after):starts[i + 1]].strip(),
                               (h.cand.start, starts[i + 1]), (t_start, t_end), h.cand.damaged or i in cut_notes,
                               "other", "table" if row is not None else "outline",
                               _row_cells(row) if row is not None else None, ()))
        nodes.append(node)
        marker_span = (h.cand.start, h.cand.marker_end)
        if h.cand.damaged:
            warnings.append(ParseWarning(
                code="damaged-marker", part=sl.id, path=list(path), span=marker_span,
                message=f"marker {node.marker!r} read as {path[-1]!r} ({h.cand.shape.replace('_', ' ')})"))
        if i in cut_notes:
            warnings.append(ParseWarning(code="title-cut", part=sl.id, path=list(path), span=(t_start, t_end),
                                         message=cut_notes[i]))
        if h.warnings:  # most headings have none: no generator for them
            warnings.extend(ParseWarning(code=code, part=sl.id, path=list(path), message=message, span=marker_span)
                            for code, message in h.warnings)
    return nodes


def _roles(nodes: list[NodeTree], roots: list[int], sl: PartSlice, warnings: list[ParseWarning],
           g: _Grammar) -> tuple[list[Role], set[int]]:
    """The role of each top-level section (the nodes below inherit it), and the sections whose
    truncated title took the one role left (flagged damaged)."""
    roles: list[Role] = ["other"] * len(nodes)
    damaged: set[int] = set()
    taken: set[Role] = set()
    unresolved: list[int] = []
    root_titles = [nodes[i].title for i in roots]
    for i in roots:
        role, _ = _role_for(nodes[i].title, set(), root_titles, g)
        if role is None:
            unresolved.append(i)
            continue
        roles[i] = role
        taken.add(role)
    for i in unresolved:
        role, inferred = _role_for(nodes[i].title, taken, root_titles, g)
        if role is not None and inferred:
            damaged.add(i)
            warnings.append(ParseWarning(
                code="damaged-title", part=sl.id, path=list(nodes[i].path),
                message=f"section title {nodes[i].title!r} looks truncated; read as {role}"))
            taken.add(role)
        roles[i] = role or ("tasks" if "tasks" not in taken and len(roots) > 1 else "other")
    return roles, damaged


_CONTENTS = compiled(r"目\s*录")
_BARE_HEADING = compiled(r"\p{Han}{2,12}")


def _bare_sections(norm: str, start: int, end: int, cands: list[Candidate], inside: list[tuple[int, int]],
                   g: _Grammar) -> list[Candidate]:
    """Sections headed by bare lines (总体要求 / 重点整治内容 / 工作要求, their 一、 lost), where a part has
    no 一、 of its own: short lines of Chinese words naming a section's role, at least two of them,
    each followed by text. They take the ordinal numbers of their order and no marker."""
    if any(c.styles == ("cn_dun",) and not c.damaged for c in cands):
        return []
    starts = {c.start for c in cands}
    words = [w for _, ws in g.roles for w in ws]
    lines = content_lines(norm, start, end)
    found = [(cstart, content) for cstart, content in lines[:-1]
             if _BARE_HEADING.fullmatch(content, None, None, HOLD_GIL) and cstart not in starts
             and any(w in content for w in words) and not any(a <= cstart < b for a, b in inside)]
    if len(found) < 2:
        return []
    return [Candidate(cstart, cstart, cstart + len(content), "bare_section", ("cn_dun",), k, None, False)
            for k, (cstart, content) in enumerate(found, 1)]


def _contents_lists(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """A table of contents (目录 and the headings listed under it) is not the outline: from the 目录
    line to where its first entry stands again as a heading."""
    out: list[tuple[int, int]] = []
    if _CONTENTS.search(norm, start, end, HOLD_GIL) is None:
        return out  # a 目录 line's content is a match of the pattern: none in the part, no line
    lines = content_lines(norm, start, end)

    def line_start(cstart: int) -> int:  # where the line of a content starts (its indentation included)
        return norm.rfind("\n", start, cstart) + 1 or start

    for k, (cstart, content) in enumerate(lines):
        if content[0] != "目" or not _CONTENTS.fullmatch(content) or k + 1 >= len(lines):
            continue
        first = regex.sub(r"\s+", "", lines[k + 1][1])
        again = next((m for m in lines[k + 2:] if regex.sub(r"\s+", "", m[1]) == first), None)
        if again is not None:
            out.append((line_start(cstart), line_start(again[0])))
    return out


def _repair_run_in_titles(norm: str, headings: list[_Heading], titles: list[tuple[int, int, bool]],
                          g: _Grammar) -> dict[int, str]:
    """Cut titles that ran into their body where the siblings' titles are short headings.

    Updates `titles` in place; returns {heading index: warning message} for the cut ones.
    """
    notes: dict[int, str] = {}
    like = [_heading_like(norm[a:b], g) for a, b, _ in titles]
    # Per sibling group and per (depth, style) cohort: [members, members with a heading-like title],
    # kept up to date as titles are cut (a cut title counts as heading-like for those after it).
    groups: dict[tuple[int | None, str], list[int]] = {}
    cohorts: dict[tuple[int, str], list[int]] = {}
    for k, h in enumerate(headings):
        for counts in (groups.setdefault((h.parent, h.style), [0, 0]),
                       cohorts.setdefault((h.depth, h.style), [0, 0])):
            counts[0] += 1
            counts[1] += like[k]

    def looks_like_headings(counts: list[int]) -> bool | None:
        others = counts[0] - 1  # the heading asked about is not heading-like itself
        return None if others < 2 else counts[1] / others >= 0.6

    for k, h in enumerate(headings):
        if h.cand.row is not None or like[k] or not g.style(h.style).titled:
            continue
        group, cohort = groups[(h.parent, h.style)], cohorts[(h.depth, h.style)]
        verdict = looks_like_headings(group)
        if verdict is None and cohort[0] >= 4:
            verdict = looks_like_headings(cohort)
        if not verdict:
            continue
        start, end, ended = titles[k]
        # a note in brackets closing the line (电脑派位实施（此点仅与…相关）) is no part of its length
        bare = norm.rfind("(", start, end) if norm.endswith(")", start, end) else -1
        if not ended and (bare if bare > start else end) - start <= g.heading_max_len:
            continue  # a short line of its own (政策衔接，三医联动): a heading of two phrases, nothing ran in
        cut = _cut_position(norm, start, end, ended, g)
        if cut is None or end - start - cut < g.min_body_len:
            continue  # (what is left, 模式 of …服务模式 on its own line, is the heading's own last word)
        stop = start + cut
        while stop > start + 1 and norm[stop - 1] in " \t;:":  # a lead-in's colon is not the heading's
            stop -= 1
        titles[k] = (start, stop, False)
        like[k] = True
        group[1] += 1
        cohort[1] += 1
        notes[k] = f"heading ran into its body (。 lost?); title cut after {norm[start:start + cut]!r}"
    return notes
