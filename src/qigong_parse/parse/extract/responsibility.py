"""Responsibility clauses: who leads a task and who supports it.

The genre puts the clause at the end of an item, most often in brackets
("(A牵头,B、C等按职责分工负责)"), but scraped and retyped notices lose brackets, commas and
characters. The shapes looked for, in order: label fields ("牵头单位:A", "配合单位:B"); a
trailing bracketed clause (also with its opening or closing bracket lost); a trailing
sentence shaped like a clause with no brackets at all; a trailing bare list of known units;
a sentence "由A牵头,B配合". The clause shapes are data (``data/clauses.yaml``).
"""

from __future__ import annotations

import functools
from typing import Final, Literal

import regex

from ...model.ir import Duty
from ...model.records import ParseWarning
from ...rules import TableError, load_table
from ...rules.units import Piece, UnitRegistry
from ...run_cache import HOLD_GIL, compiled
from ...text.gates import end_chars, needed_words
from ...text.stdre import Pattern, stdlib_or_regex
from .clauses import Stated, and_cuts, find_clauses, grammar, in_force

ListRole = Literal["joint", "lead"]
_TRIM = " \t\r\n\u3000。.;,、"
_HAN = compiled(r"\p{Han}+")
_new_tuple = tuple.__new__





# The records of this module are plain classes, not dataclasses (~2–7 M instructions each to create
# at start-up); _Shapes is read-only by `Final` (mypy). No __eq__/__repr__/__hash__: nothing
# compares, prints or hashes them.
class ClauseContext:
    """State carried across the nodes of one part: registry, the conventions the part states (each
    with where it holds), warnings."""

    __slots__ = ("bare_list_role", "first_listed_leads", "part", "path", "registry", "stated", "warnings")
    registry: UnitRegistry
    stated: list[Stated]
    # set per node from the conventions in force there (以下括号内所列单位为牵头单位 …)
    bare_list_role: ListRole
    first_listed_leads: bool
    warnings: list[ParseWarning]
    # where the warnings raised now stand: the part and the node being read
    part: str | None
    path: list[str] | None

    def __init__(self, registry: UnitRegistry, stated: list[Stated] | None = None, bare_list_role: ListRole = "joint",
                 first_listed_leads: bool = False, warnings: list[ParseWarning] | None = None,
                 part: str | None = None, path: list[str] | None = None) -> None:
        self.registry = registry
        self.stated = [] if stated is None else stated
        self.bare_list_role = bare_list_role
        self.first_listed_leads = first_listed_leads
        self.warnings = [] if warnings is None else warnings
        self.part = part
        self.path = path

    def warn(self, code: str, message: str, span: tuple[int, int] | None) -> None:
        """Record a warning at the part and node being read."""
        self.warnings.append(ParseWarning(code=code, part=self.part, path=self.path, message=message, span=span))


class _Shapes:
    __slots__ = (
        "beside_sentences",
        "beside_words",
        "brackets_back",
        "brackets_or_ends_back",
        "closers",
        "duty_end",
        "duty_end_chars",
        "duty_sentences",
        "junk_max_chars",
        "labels",
        "lead_flag",
        "lead_flag_needs",
        "lead_marker",
        "lead_marker_needs",
        "paragraphs_back",
        "sentence",
        "sentence_end",
        "sentence_needs",
        "trailing_list_chars",
        "trim_and_closers",
    )
    closers: Final[dict[str, str]]  # closing bracket → opening bracket
    lead_marker: Final[regex.Pattern[str]]
    duty_end: Final[regex.Pattern[str]]
    # what the two cannot match without (text/gates.py; None: no gate): the words every lead
    # marker holds, the characters a text ending with a duty phrase ends with
    lead_marker_needs: Final[tuple[str, ...] | None]
    duty_end_chars: Final[frozenset[str] | None]
    sentence_needs: Final[tuple[str, ...] | None]  # likewise, the words every sentence "由A牵头…" holds
    lead_flag_needs: Final[tuple[str, ...] | None]  # and every flag "(牵头)"
    lead_flag: Final[regex.Pattern[str]]
    labels: Final[regex.Pattern[str]]
    sentence: Final[Pattern]
    sentence_end: Final[regex.Pattern[str]]
    duty_sentences: Final[tuple[tuple[Pattern, tuple[str, ...]], ...]]  # (pattern, words it needs)
    beside_sentences: Final[tuple[tuple[Pattern, tuple[str, ...]], ...]]  # those read beside a clause too
    beside_words: Final[tuple[str, ...]]  # the words every one of them needs one of
    # clauses.yaml `limits`: paragraphs looked back, a trailing list's characters, a junk piece's
    paragraphs_back: Final[int]
    trailing_list_chars: Final[int]
    junk_max_chars: Final[int]
    # searched backwards: every bracket; every bracket, 。 and line break
    brackets_back: Final[regex.Pattern[str]]
    brackets_or_ends_back: Final[regex.Pattern[str]]
    trim_and_closers: Final[str]  # _TRIM and every closing bracket: what a clause's end is stripped of

    def __init__(self, closers: dict[str, str], lead_marker: regex.Pattern[str], duty_end: regex.Pattern[str],
                 lead_flag: regex.Pattern[str], labels: regex.Pattern[str], sentence: Pattern,
                 sentence_end: regex.Pattern[str],
                 duty_sentences: tuple[tuple[Pattern, tuple[str, ...]], ...],
                 beside_sentences: tuple[tuple[Pattern, tuple[str, ...]], ...],
                 paragraphs_back: int, trailing_list_chars: int,
                 junk_max_chars: int, brackets_back: regex.Pattern[str], brackets_or_ends_back: regex.Pattern[str],
                 trim_and_closers: str, lead_marker_needs: tuple[str, ...] | None = None,
                 duty_end_chars: frozenset[str] | None = None, sentence_needs: tuple[str, ...] | None = None,
                 lead_flag_needs: tuple[str, ...] | None = None) -> None:
        self.closers = closers
        self.lead_marker = lead_marker
        self.duty_end = duty_end
        self.lead_marker_needs = lead_marker_needs
        self.duty_end_chars = duty_end_chars
        self.sentence_needs = sentence_needs
        self.lead_flag_needs = lead_flag_needs
        self.lead_flag = lead_flag
        self.labels = labels
        self.sentence = sentence
        self.sentence_end = sentence_end
        self.duty_sentences = duty_sentences
        self.beside_sentences = beside_sentences
        self.beside_words = tuple(dict.fromkeys(w for _, needs in beside_sentences for w in needs))
        self.paragraphs_back = paragraphs_back
        self.trailing_list_chars = trailing_list_chars
        self.junk_max_chars = junk_max_chars
        self.brackets_back = brackets_back
        self.brackets_or_ends_back = brackets_or_ends_back
        self.trim_and_closers = trim_and_closers


@functools.cache
def _shapes() -> _Shapes:
    try:
        table = load_table("clauses.yaml")
        brackets: dict[str, str] = table["brackets"]
        labels = "|".join(f"(?P<{role}>{pat})" for role, pat in table["labels"].items())
        every_bracket = regex.escape("".join(k + v for k, v in brackets.items()))
        duty_end = f"(?:等(?:[^,;、]{{0,10}}?(?:单位|部门))?)?(?:{table['duty_marker']})$"
        return _Shapes(
            closers={close: open_ for open_, close in brackets.items()},
            lead_marker=compiled(table["lead_marker"]),
            duty_end=compiled(duty_end),
            lead_marker_needs=needed_words(table["lead_marker"]),
            duty_end_chars=end_chars(duty_end),
            sentence_needs=needed_words(table["sentence"]),
            lead_flag_needs=needed_words(table["lead_flag"]),
            lead_flag=compiled(table["lead_flag"]),
            labels=compiled(f"(?:{labels})\\s*[:]\\s*"),
            # the sentences' lazy unit lists: stdlib `re` where it means the same, about twice as fast
            sentence=stdlib_or_regex(table["sentence"]),
            # searched backwards from a clause's end: the last sentence end before it
            sentence_end=compiled(table["sentence_end"], regex.REVERSE),
            duty_sentences=tuple((stdlib_or_regex(d["pattern"]), tuple(d["needs"])) for d in table["duty_sentences"]),
            beside_sentences=tuple((stdlib_or_regex(d["pattern"]), tuple(d["needs"]))
                                   for d in table["duty_sentences"] if d.get("beside_clauses")),
            paragraphs_back=int(table["limits"]["paragraphs_back"]),
            trailing_list_chars=int(table["limits"]["trailing_list_chars"]),
            junk_max_chars=int(table["limits"]["junk_max_chars"]),
            brackets_back=compiled(f"[{every_bracket}]", regex.REVERSE),
            brackets_or_ends_back=compiled(f"[{every_bracket}。\n]", regex.REVERSE),
            trim_and_closers=_TRIM + "".join(brackets.values()),
        )
    except (KeyError, TypeError, regex.error) as exc:
        raise TableError(f"cannot load the clause table: {exc}") from exc


class _Clause:
    """A clause found: its content span (absolute offsets) and units by role."""

    __slots__ = ("end", "joint", "lead", "start", "support")
    start: int
    end: int
    lead: list[Piece]
    support: list[Piece]
    joint: list[Piece]

    def __init__(self, start: int, end: int, lead: list[Piece] | None = None, support: list[Piece] | None = None,
                 joint: list[Piece] | None = None) -> None:
        self.start = start
        self.end = end
        self.lead = [] if lead is None else lead
        self.support = [] if support is None else support
        self.joint = [] if joint is None else joint


def find_responsibility(
    text: str, norm: str, start: int, end: int, ctx: ClauseContext, brackets: list[tuple[int, int]] | None = None
) -> Duty | None:
    """The responsibility of `text[start:end]` (a node's title and own text), or None: the union,
    per role and in order, of every bracketed clause it holds and of the one closing clause the
    older shapes find (label lines, sentences, a bracket with a lost half, a trailing list).
    `brackets`: the region's `bracket_spans`, when the caller has them."""
    stated = ctx.stated
    blanked = [(s.start, s.end) for s in stated if s.convention.blank and s.start < end and s.end > start] \
        if stated else []
    ctx.bare_list_role = "lead" if in_force(stated, start, "bare_list_lead") else "joint"
    found = [(c.start, c.end, c.units) for c in find_clauses(norm, start, end, ctx.registry, blanked, text, brackets)]
    closing = _closing_clause(text, norm, start, end, ctx, blanked, found)
    if closing is not None:
        found.append(closing)
    if not found:
        return None
    for word in _shapes().beside_words:  # the gate of the sentence forms read beside a clause
        if norm.find(word, start, end) >= 0:
            beside = _beside_sentences(text, norm, start, end, ctx, blanked, found)
            if beside is not None:
                found.append(beside)
            break
    # per role, the first clause's names as they are, then each other's not named before it
    if len(found) > 1:
        found.sort(key=lambda c: c[0])
    _, b, units = found[0]
    if stated:
        units = _first_listed(units, in_force(stated, b, "first_listed_leads"))
    lead, support, joint = units["lead"], units["support"], units["joint"]
    if len(found) > 1:
        lead, support, joint = list(lead), list(support), list(joint)  # copies: the clauses' own are kept
        for _, b, units in found[1:]:
            if stated:
                units = _first_listed(units, in_force(stated, b, "first_listed_leads"))
            lead += [n for n in units["lead"] if n not in lead]
            support += [n for n in units["support"] if n not in support]
            joint += [n for n in units["joint"] if n not in joint]
    if stated:
        everywhere = in_force(stated, start, "support_everywhere")
        if everywhere:
            support = list(support)
            for note in everywhere:
                support += [u for u in note.units if u not in support and u not in lead]
    span = (found[0][0], max(b for _, b, _ in found) if len(found) > 1 else found[0][1])
    raw = text[span[0]:span[1]].strip(_TRIM)
    # the tuple Duty(...) makes, without its Python-level __new__ (the fields in their order)
    return _new_tuple(Duty, (tuple(lead), tuple(support), tuple(joint), raw, span))


def _first_listed(units: dict[str, list[str]], rule: list[Stated]) -> dict[str, list[str]]:
    """Under a stated 列第一位者为牵头单位, a clause naming units with no lead: the first leads."""
    if rule and units["joint"] and not units["lead"] and not units["support"]:
        return {"lead": units["joint"][:1], "support": units["joint"][1:], "joint": []}
    return units


def _closing_clause(text: str, norm: str, start: int, end: int, ctx: ClauseContext, blanked: list[tuple[int, int]],
                    found: list[tuple[int, int, dict[str, list[str]]]]) -> tuple[int, int, dict[str, list[str]]] | None:
    """The clause the older shapes find in a node (absolute span, units by role), or None; None as
    well for one that overlaps a clause `found` already (its warnings are given all the same)."""
    region = _region_view(norm, start, end, blanked) if blanked else norm[start:end]
    clause = _labels(region, ctx) or _at_end(region, ctx, last=True)
    if clause is None:
        # an item of several paragraphs may close an earlier one with its clause (the last few
        # paragraphs only: a clause never closes a paragraph far from its item's end). `_at_end`
        # reads a text only up to its last character outside _TRIM: a paragraph end with nothing
        # but line breaks and blanks after the text read before (the region's own trailing break)
        # holds no clause either, and is not read again.
        read = {len(region.rstrip(_TRIM))}
        for para_end in _last_paragraph_ends(region, _shapes().paragraphs_back):
            head = region[:para_end]
            tail = len(head.rstrip(_TRIM))
            if tail in read:
                continue
            clause = _at_end(head, ctx, last=False)
            if clause is not None:
                break
            read.add(tail)
    clause = clause or _sentence(region, ctx) or _duty_sentences(region, ctx)
    if clause is None:
        return None
    a, b = start + clause.start, start + clause.end
    for fa, fb, _ in found:
        if fa < b and a < fb:  # read by the clause grammar already (most often the same bracket)
            _warn_names(clause, text, start, ctx)  # what reading its names reports, without the names
            return None
    units = _names(clause, text, start, ctx)
    if not any(units.values()):
        return None
    return a, b, units


def _region_view(norm: str, start: int, end: int, blanked: list[tuple[int, int]]) -> str:
    """norm[start:end] with the stated conventions in it blanked (a copy made only when there are some)."""
    region = norm[start:end]
    if blanked:
        view = list(region)
        for a, b in blanked:
            for i in range(max(a, start), min(b, end)):
                view[i - start] = " "
        region = "".join(view)
    return region


def _beside_sentences(text: str, norm: str, start: int, end: int, ctx: ClauseContext,
                      blanked: list[tuple[int, int]], found: list[tuple[int, int, dict[str, list[str]]]]
                      ) -> tuple[int, int, dict[str, list[str]]] | None:
    """The explicit sentence forms (A（要）会同B…) of a node that holds a clause already, outside every
    clause found: gold/README takes the union of a node's clauses and sentence forms. (The caller
    has found one of their words in the node.)"""
    clause = _duty_sentences(_region_view(norm, start, end, blanked), ctx, _shapes().beside_sentences)
    if clause is None:
        return None
    a, b = start + clause.start, start + clause.end
    for fa, fb, _ in found:
        if fa < b and a < fb:  # read already (the closing shapes' own sentence, or inside a clause)
            return None
    units = _names(clause, text, start, ctx)
    return (a, b, units) if any(units.values()) else None


def _at_end(region: str, ctx: ClauseContext, *, last: bool) -> _Clause | None:
    """A clause closing `region`; a bare trailing list counts only at the node's very end."""
    stop = len(region.rstrip(_shapes().trim_and_closers))
    tail = len(region.rstrip(_TRIM))
    # nothing but blanks up to `tail` (tested without a copy: its last character is most often not one)
    if not tail or (region[tail - 1].isspace() and region[:tail].isspace()):
        return None
    clause = _bracketed(region, stop, tail, ctx)
    if clause is not None:
        return clause
    begin = _sentence_start(region, stop)  # the last sentence: both shapes below read it
    return _bare_sentence(region, begin, stop, ctx) or (_trailing_list(region, begin, stop, ctx) if last else None)


# -- the shapes ------------------------------------------------------------------------------


def _labels(region: str, ctx: ClauseContext) -> _Clause | None:
    if ":" not in region:  # `labels` ends every label with its colon (see _shapes): none here
        return None
    shapes = _shapes()
    found = list(shapes.labels.finditer(region, None, None, False, HOLD_GIL))
    if not found:
        return None
    clause = _Clause(found[0].start(), found[0].end())
    # "(牵头)" ends no value
    unflagged = shapes.lead_flag.sub(lambda f: " " * len(f.group(0)), region, 0, None, None, HOLD_GIL)
    for i, m in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else len(region)
        value_end = _value_end(unflagged, m.end(), stop)
        flagged: list[Piece] = []
        pieces = _units(region[m.end() : value_end].rstrip(_TRIM), m.end(), ctx, strict=True, flagged=flagged)
        if pieces is None:
            continue
        clause.lead.extend(flagged)
        getattr(clause, m.lastgroup or "joint").extend(pieces)
        clause.end = max(clause.end, value_end)
    if not (clause.lead or clause.support or clause.joint):
        return None
    if clause.lead and clause.joint:  # 责任单位 beside 牵头单位 are the ones who support
        clause.support = clause.joint + clause.support
        clause.joint = []
    elif clause.support and clause.joint:  # 责任单位 beside 配合单位 are the ones who lead
        clause.lead, clause.joint = clause.joint, []
    return clause


def _bracketed(region: str, stop: int, tail: int, ctx: ClauseContext) -> _Clause | None:
    """A trailing clause in brackets; its opening or closing bracket may be lost.

    Scanned backwards from the end over the brackets (and sentence ends) alone, by one regex."""
    shapes = _shapes()
    closers = shapes.closers
    if tail and region[tail - 1] in closers:
        depth = 0
        for m in shapes.brackets_back.finditer(region, 0, tail, False, HOLD_GIL):
            if m.group() in closers:
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return _clause_at(region, m.start() + 1, stop, ctx, bracketed=True)
        # opening bracket lost: the clause starts after the last sentence end
        return _clause_at(region, _sentence_start(region, stop), stop, ctx, bracketed=False)
    depth = 0
    for m in shapes.brackets_or_ends_back.finditer(region, 0, stop, False, HOLD_GIL):
        ch = m.group()
        if ch in closers:
            depth += 1
        elif ch in "。\n":
            if depth == 0:
                break
        elif depth == 0:  # an opening bracket never closed: the closing bracket was lost
            return _clause_at(region, m.start() + 1, stop, ctx, bracketed=True)
        else:
            depth -= 1
    return None


def _bare_sentence(region: str, sentence_start: int, stop: int, ctx: ClauseContext) -> _Clause | None:
    """A clause with no brackets: "市应安委办牵头各负有监管职责行业部门按职能分工负责"."""
    return _clause_at(region, sentence_start, stop, ctx, bracketed=False)


def _trailing_list(region: str, sentence_start: int, stop: int, ctx: ClauseContext) -> _Clause | None:
    """Known units closing the text with no brackets: "…创业教育局、市人社局、市商务局"."""
    # a list of units is short: look at the sentence's last stretch only (a long sentence would
    # cost a split of all of it for nothing)
    begin = max(sentence_start, stop - _shapes().trailing_list_chars)
    if ctx.registry.closing_name(region[begin:stop]) is None:
        return None  # the text does not close with a unit: no list (the one chunk split tells)
    pieces = ctx.registry.split(region[begin:stop])
    run: list[Piece] = []
    for p in reversed(pieces):
        if p.kind not in ("known", "repaired", "group"):
            break
        run.insert(0, p)
        if run[0].start > 0 and not _is_separator_before(region, begin + run[0].start):
            break  # glued to sentence text: the list starts here
    if not run or not any(p.kind == "known" for p in run):
        return None
    whole = run[0].start == 0 or not region[begin : begin + run[0].start].strip(_TRIM)
    if len(run) < 2 and not whole:
        return None
    clause = _Clause(begin + run[0].start, stop)
    getattr(clause, ctx.bare_list_role).extend(
        Piece(begin + p.start, begin + p.end, p.written, p.canonical, p.kind, repaired=p.repaired) for p in run
    )
    return clause


def _sentence(region: str, ctx: ClauseContext) -> _Clause | None:
    """A sentence "由A牵头,B配合" anywhere in the text."""
    shapes = _shapes()
    for word in shapes.sentence_needs or ("",):  # the gate (text/gates.py; "": none)
        if word in region:
            break
    else:
        return None
    for m in shapes.sentence.finditer(region):
        lead = _units(m.group("lead"), m.start("lead"), ctx, strict=True)
        if not lead:
            continue
        clause = _Clause(m.start("lead"), m.end(), lead=lead)
        if m.group("support"):
            clause.support = _units(m.group("support"), m.start("support"), ctx, strict=True) or []
        return clause
    return None


_SENTENCE_GROUPS: Final = ("lead_group", "support")  # the named groups of a duty sentence's pattern
_SENTENCE_BREAKS: Final = frozenset("。;,\n \t\u3000")  # what a duty sentence's match may open with


def _duty_sentences(region: str, ctx: ClauseContext,
                    sentences: tuple[tuple[Pattern, tuple[str, ...]], ...] | None = None) -> _Clause | None:
    """The units an explicit sentence form names (A（要）会同B…, 由A会同B…: lead A, support B);
    `sentences`: the patterns read (default: every duty sentence)."""
    lead: list[Piece] = []
    support: list[Piece] = []
    begin, end = len(region), 0
    for pattern, needs in _shapes().duty_sentences if sentences is None else sentences:
        for word in needs:
            if word in region:
                break
        else:
            continue  # the pattern cannot match here
        for m in pattern.finditer(region):
            found: dict[str, list[Piece]] = {}
            groups = m.groupdict()
            for group in _SENTENCE_GROUPS:
                written = groups.get(group)
                if not written:
                    continue
                pieces = _sentence_units(written, m.start(group), ctx)
                if pieces is None:
                    break
                if group == "support":  # any unit list (会同有关部门: a group kept as written)
                    found[group] = pieces
                    continue
                if not any(p.kind in ("known", "repaired", "shaped")
                           or (p.kind == "group" and _names_a_body(p.written, ctx)) for p in pieces):
                    break  # the lead: a unit, or a group that names bodies
                found["lead"] = pieces
            else:
                if "lead" not in found:
                    continue
                lead += found["lead"]
                support += found.get("support", [])
                at = m.start()
                while region[at] in _SENTENCE_BREAKS:  # the break a sentence starts after is no part of it
                    at += 1
                begin, end = min(begin, at), max(end, m.end())
    if not lead:
        return None
    return _Clause(begin, end, lead=lead, support=support)


def _sentence_units(written: str, base: int, ctx: ClauseContext) -> list[Piece] | None:
    """The units a duty sentence names in one of its groups, its list cut on the and-words between
    two whole names first (由国家发展改革委及国家粮食局会同…: two leads); None if not a list."""
    cuts = and_cuts(written)
    if len(cuts) == 1:
        return _units(written, base, ctx, strict=True)
    out: list[Piece] = []
    for a, b in cuts:
        pieces = _units(written[a:b], base + a, ctx, strict=True)
        if pieces is None:
            return None
        out += pieces
    return out


# -- helpers ---------------------------------------------------------------------------------


def _names_a_body(group: str, ctx: ClauseContext) -> bool:
    """A group name that names bodies (各镇(街道), 各乡镇人民政府, 各市商务主管部门), not people (各工作专班召集人)."""
    return group.endswith(_body_endings(ctx.registry))


@functools.cache
def _body_endings(registry: UnitRegistry) -> tuple[str, ...]:
    """What a name of bodies ends with: a unit's endings (the registry's, the clause grammar's) and
    the places a group names (村, 社区) or its own bracket (各镇(街道))."""
    return tuple(dict.fromkeys((*registry.suffixes, *grammar().unit_suffixes, "村", "社区", ")")))


def _value_end(region: str, start: int, stop: int) -> int:
    """Where a label's value ends: a sentence end, or a closing bracket that closes no bracket
    opened inside the value (各县(市、区)人民政府 keeps its own brackets)."""
    depth = 0
    for i in range(start, stop):
        ch = region[i]
        if ch in "。;\n":
            return i
        if ch in "([〔<":
            depth += 1
        elif ch in ")]〕>":
            if not depth:
                return i
            depth -= 1
    return stop


def _last_paragraph_ends(region: str, most: int) -> list[int]:
    """Offsets of the last `most` line breaks of `region`, last first."""
    out: list[int] = []
    pos = len(region)
    while len(out) < most:
        pos = region.rfind("\n", 0, pos)
        if pos < 0:
            break
        out.append(pos)
    return out


def _sentence_start(region: str, stop: int) -> int:
    last = _shapes().sentence_end.search(region, 0, stop, HOLD_GIL)
    return last.end() if last else 0


def _is_separator_before(region: str, pos: int) -> bool:
    return pos > 0 and region[pos - 1] in "、,; \n"


def _clause_at(region: str, begin: int, stop: int, ctx: ClauseContext, *, bracketed: bool) -> _Clause | None:
    """Read region[begin:stop] as a clause; None when it is not one (no _Clause built for it)."""
    shapes = _shapes()
    content = region[begin:stop].lstrip(_TRIM)
    begin = stop - len(content)
    if not content:
        return None
    # the gates (text/gates.py): most texts read here hold no 牵头 and end with no duty phrase, and
    # a test of a word or of the last character costs less than a search of them
    m = None
    for word in shapes.lead_marker_needs or ("",):  # a loop, not any() of a generator ("": no gate)
        if word in content:
            m = shapes.lead_marker.search(content, None, None, HOLD_GIL)
            break
    ends = shapes.duty_end_chars
    if m:
        lead = _units(content[: m.start()], begin, ctx, strict=not bracketed, glued=not bracketed)
        if not lead:
            return None
        rest = content[m.end():].lstrip(_TRIM)
        rest_at = len(content) - len(rest)
        duty = (shapes.duty_end.search(rest, None, None, HOLD_GIL) if ends is None or (rest and rest[-1] in ends)
                else None)
        if duty:
            rest = rest[: duty.start()]
        elif rest and not bracketed:
            return None  # unbracketed text after 牵头 that is not a duty phrase: a sentence
        if rest.strip(_TRIM):
            support = _units(rest, begin + rest_at, ctx, strict=not bracketed)
            if support is None:
                return None
            return _Clause(begin, stop, lead, support)
        return _Clause(begin, stop, lead)
    duty = shapes.duty_end.search(content, None, None, HOLD_GIL) if ends is None or content[-1] in ends else None
    if duty is None:
        if not bracketed:
            return None
        pieces = _units(content, begin, ctx, strict=True)
        for p in pieces or ():  # a loop, not any() of a generator: a name the registry knows
            if p.kind == "known":
                break
        else:
            return None
        # the list (a fresh one) as the role the part's conventions give a bare list
        return _Clause(begin, stop, lead=pieces) if ctx.bare_list_role == "lead" else _Clause(begin, stop, joint=pieces)
    pieces = _units(content[: duty.start()], begin, ctx, strict=not bracketed, glued=not bracketed)
    # With a duty phrase a group name or an unknown but unit-shaped name is evidence enough
    # (各县市区人民政府负责落实); a bare list (above) needs a name the registry knows.
    for p in pieces or ():
        if p.kind in ("known", "repaired", "group", "shaped"):
            return _Clause(begin, stop, joint=pieces)
    return None


def _units(written: str, base: int, ctx: ClauseContext, *, strict: bool, glued: bool = False,
           flagged: list[Piece] | None = None) -> list[Piece] | None:
    """The unit pieces of a written list, offsets made relative to the region; None if not a list.

    `strict`: any piece that is not a unit rejects the list (except, with `glued`, sentence
    text run into the first unit: "…严防小火亡人市应安委办"). Otherwise short unknown pieces
    are kept as written (damaged names inside a bracketed clause). Units flagged "(牵头)" go to
    `flagged` instead of the result.
    """
    shapes = _shapes()
    flagged_here = False
    for word in shapes.lead_flag_needs or ("",):  # the gate (text/gates.py; "": none)
        if word in written:
            flagged_here = shapes.lead_flag.search(written) is not None
            break
    # no flag found (most lists): no set of flag offsets, nothing to blank
    if not flagged_here:
        flags: set[int] = set()
        cleaned = written
    else:
        flags = {m.start() for m in shapes.lead_flag.finditer(written)}
        cleaned = shapes.lead_flag.sub(lambda m: " " * len(m.group(0)), written)
    pieces = ctx.registry.split(cleaned)
    if glued:
        while len(pieces) > 1 and pieces[0].kind == "junk" and pieces[0].end == pieces[1].start:
            pieces = pieces[1:]
    out: list[Piece] = []
    not_units = grammar().not_units
    for a, b, written_as, canonical, kind, _, repaired in pieces:  # unpacked: no field read by name
        if kind == "junk" and (strict or len(written_as) > shapes.junk_max_chars or not _HAN.fullmatch(written_as)
                               or not written_as.startswith((*ctx.registry.levels, "省"))):
            # only a truncated name (市文旅, completed later from the same document) is kept:
            # sentence words (提出意见供参考并) never become a unit
            return None
        if kind == "shaped" and not_units.search(written_as, None, None, HOLD_GIL):
            return None  # words of a sentence that end like a name (聘请市场化专业团队) are no unit
        # the tuple Piece(...) makes, without its Python-level __new__ (one per unit read)
        moved = _new_tuple(Piece, (base + a, base + b, written_as, canonical, kind, False, repaired))
        if flagged is not None and b in flags:
            flagged.append(moved)
        else:
            out.append(moved)
    return out if out or flagged else None


def _names(clause: _Clause, text: str, start: int, ctx: ClauseContext) -> dict[str, list[str]]:
    """The clause's units by role, as output names; repairs and unknown names reported."""
    roles: dict[str, list[str]] = {"lead": [], "support": [], "joint": []}
    for role, pieces in (("lead", clause.lead), ("support", clause.support), ("joint", clause.joint)):
        names = roles[role]
        for a, b, written, canonical, kind, _, repaired in pieces:
            name = canonical or text[start + a : start + b]
            if kind in _WARNED:
                _warn_name(kind, name, written, repaired, (start + a, start + b), ctx)
            if name not in names:
                names.append(name)
    return roles


_WARNED: Final = frozenset(("shaped", "junk", "repaired"))  # the kinds of piece whose name is reported


def _warn_names(clause: _Clause, text: str, start: int, ctx: ClauseContext) -> None:
    """The warnings `_names` gives for the clause, in its order, without building the names."""
    for pieces in (clause.lead, clause.support, clause.joint):
        for a, b, written, canonical, kind, _, repaired in pieces:
            if kind in _WARNED:
                name = canonical or text[start + a : start + b]
                _warn_name(kind, name, written, repaired, (start + a, start + b), ctx)


def _warn_name(kind: str, name: str, written: str, repaired: str, span: tuple[int, int], ctx: ClauseContext) -> None:
    if kind == "repaired":
        message = f"damaged unit name {written!r} read as {name}" + (f" ({repaired})" if repaired else "")
        ctx.warn("repaired-unit", message, span)
    else:  # shaped, junk
        ctx.warn("unknown-unit", f"unit not in the registry, kept as written: {name}", span)
