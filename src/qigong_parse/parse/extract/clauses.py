"""The clause grammar: every bracketed responsibility clause of a node, read by the clause forms and
label fields of ``rules/clauses.yaml``, and the conventions a document states once
(``rules/conventions.yaml``), with the span they hold from.

A node's own text may hold several clauses — （A牵头，B、C按职责分工负责）, （责任单位：A、B）,
（负责部门：A；适用范围：…）, 【A、B负责】 — in any bracket kind; each is read on its own and the
node takes, per role, the union over its clauses in first-appearance order. A clause is read only
when every piece of its unit lists is a unit name (the registry's, a group, or a name of the
genre's shape); anything else stays in `raw` and is reported, never made a unit.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from typing import Any, Final, NamedTuple

import regex

from ...model.kinds import UNIT_ROLES
from ...rules import TableError, load_table
from ...rules.units import UnitRegistry, overlay_rules
from ...run_cache import HOLD_GIL, compiled
from ...text.stdre import Pattern, stdlib_or_regex


class ClauseForm(NamedTuple):
    """One way the genre writes a clause: a pattern whose named groups hold unit lists by role."""

    name: str
    pattern: Pattern  # matched whole (fullmatch): stdlib `re` where it means the same (text/stdre.py)


class Convention(NamedTuple):
    """A rule a document states once: its statement, its effect, where it holds, whether the
    statement is blanked before clauses are read."""

    name: str
    pattern: regex.Pattern[str]
    effect: str  # first_listed_leads | bare_list_lead | support_everywhere
    scope: str  # rest_of_part | section
    blank: bool
    needs: tuple[str, ...] = ()  # words of which the statement cannot be written without one


# Grammar and Clause are plain classes, not dataclasses (~7 and ~2 M instructions to create at
# start-up); Grammar is read-only by `Final` (mypy). No __eq__/__repr__/__hash__: nothing compares,
# prints or hashes them.
class Grammar:
    """The compiled clause tables."""

    __slots__ = ("and_words", "conventions", "cue", "field_cut", "form_is_not_unit", "form_needs", "forms",
                 "labels", "levels", "not_units", "openers", "separators", "split_marks", "trailing_group",
                 "unit_suffixes")
    openers: Final[dict[str, str]]  # opening bracket → closing bracket (normalized text)
    cue: Final[Pattern]  # a clause holds one of these (a duty verb or a label)
    forms: Final[tuple[ClauseForm, ...]]
    form_needs: Final[tuple[tuple[str, ...], ...]]  # per form: words of which it cannot match without one (): none
    labels: Final[tuple[tuple[regex.Pattern[str], str | None], ...]]  # label → role (None: not units)
    field_cut: Final[Pattern]  # a clause's field ends at ; or at a comma before the next label
    conventions: Final[tuple[Convention, ...]]
    trailing_group: Final[regex.Pattern[str]]  # 等 / 等有关部门 after the last named unit
    separators: Final[Pattern]  # one character class: a separator is one character
    split_marks: Final[regex.Pattern[str]]  # a bracket or a separator
    and_words: Final[tuple[str, ...]]
    levels: Final[tuple[str, ...]]
    unit_suffixes: Final[tuple[str, ...]]
    not_units: Final[regex.Pattern[str]]
    # whether `not_units` finds words in a registry's written form, by form, filled as forms are
    # met: most pieces of a list are one, and the forms are the tables', not the documents'
    form_is_not_unit: Final[dict[str, bool]]

    def __init__(self, openers: dict[str, str], cue: Pattern, forms: tuple[ClauseForm, ...],
                 form_needs: tuple[tuple[str, ...], ...], labels: tuple[tuple[regex.Pattern[str], str | None], ...],
                 field_cut: Pattern, conventions: tuple[Convention, ...],
                 trailing_group: regex.Pattern[str], separators: Pattern,
                 split_marks: regex.Pattern[str], and_words: tuple[str, ...], levels: tuple[str, ...],
                 unit_suffixes: tuple[str, ...], not_units: regex.Pattern[str],
                 form_is_not_unit: dict[str, bool] | None = None) -> None:
        self.openers = openers
        self.cue = cue
        self.forms = forms
        self.form_needs = form_needs
        self.labels = labels
        self.field_cut = field_cut
        self.conventions = conventions
        self.trailing_group = trailing_group
        self.separators = separators
        self.split_marks = split_marks
        self.and_words = and_words
        self.levels = levels
        self.unit_suffixes = unit_suffixes
        self.not_units = not_units
        self.form_is_not_unit = {} if form_is_not_unit is None else form_is_not_unit


def _one_character_class(pattern: str) -> str:
    """A pattern that is a single character class ([、,;/]); anything else is a broken table."""
    if regex.fullmatch(r"\[(?:[^\]\\]|\\.)+\]", pattern) is None:
        raise TableError(f"grammar.separators must be one character class such as '[、,;/]', not {pattern!r}")
    return pattern


def field_cut_source(labels: list[dict[str, Any]]) -> str:
    """Where a clause's field ends: at ;, or at a comma before the next label."""
    return ";|,(?=\\s*(?:" + "|".join(f"(?:{lab['label']})" for lab in labels) + ")\\s*:)"


@functools.cache
def grammar() -> Grammar:
    """The clause and convention tables, loaded and compiled once."""
    try:
        t: dict[str, Any] = load_table("clauses.yaml")
        c: dict[str, Any] = load_table("conventions.yaml")
        g = t["grammar"]
        return Grammar(
            openers=dict(t["brackets"]),
            # cue, field cut, separators: stdlib `re` where it means the same (each match opens with a
            # literal word or is one character: ~⅓–⅔ of `regex`'s instructions on a parse's calls)
            cue=stdlib_or_regex(g["cue"]),
            # a form is matched whole, where stdlib `re` reads the lazy unit lists about twice as fast
            forms=tuple(ClauseForm(f["name"], stdlib_or_regex(f["pattern"])) for f in g["forms"]),
            form_needs=tuple(tuple(f.get("needs") or ()) for f in g["forms"]),
            labels=tuple((compiled(f"^(?:{lab['label']})\\s*:"), lab.get("role")) for lab in g["labels"]),
            field_cut=stdlib_or_regex(field_cut_source(g["labels"])),
            conventions=tuple(_with_needs(_convention(r), r) for r in c["conventions"]),
            trailing_group=compiled(g["trailing_group"]),
            separators=stdlib_or_regex(_one_character_class(g["separators"])),
            split_marks=compiled(f"[\\(\\[〔<\\)\\]〕>]|{_one_character_class(g['separators'])}"),
            and_words=tuple(g["and_words"]),
            levels=tuple(sorted(g["levels"], key=len, reverse=True)),
            unit_suffixes=tuple(sorted(g["unit_suffixes"], key=len, reverse=True)),
            not_units=compiled(g["not_units"]),
        )
    except (KeyError, TypeError, regex.error) as exc:
        raise TableError(f"cannot load the clause grammar: {exc}") from exc


class Clause:
    """A clause read: its content span (absolute offsets), its units by role, and what stayed unread."""

    __slots__ = ("end", "form", "start", "units", "unread")
    start: int
    end: int
    form: str
    units: dict[str, list[str]]
    unread: list[str]

    def __init__(self, start: int, end: int, form: str, units: dict[str, list[str]] | None = None,
                 unread: list[str] | None = None) -> None:
        self.start = start
        self.end = end
        self.form = form
        self.units = {r: [] for r in UNIT_ROLES} if units is None else units
        self.unread = [] if unread is None else unread


class Stated(NamedTuple):
    """A convention found in the text: the record, where its statement stands, what it names."""

    convention: Convention
    start: int
    end: int
    section_end: int  # where a section-scoped convention stops holding
    units: tuple[str, ...] = ()


# --- conventions -------------------------------------------------------------------------------


@functools.cache
def _overlay_conventions(overlays: tuple[str, ...]) -> tuple[Convention, ...]:
    """The conventions a jurisdiction's overlay adds (units/<place>.yaml `conventions`)."""
    try:
        return tuple(_with_needs(_convention(r), r) for r in overlay_rules(overlays, "conventions"))
    except (KeyError, TypeError, regex.error) as exc:
        raise TableError(f"cannot load the conventions of the overlays {', '.join(overlays)}: {exc}") from exc


def _convention(r: dict[str, Any]) -> Convention:
    return Convention(r["name"], compiled(r["pattern"]), r["effect"], r["scope"], bool(r.get("blank", True)))


def _with_needs(conv: Convention, r: dict[str, Any]) -> Convention:
    return conv._replace(needs=tuple(r.get("needs") or ()))


def stated_conventions(norm: str, start: int, end: int, sections: list[tuple[int, int]],
                       registry: UnitRegistry) -> list[Stated]:
    """Every convention stated in norm[start:end]; `sections` are the top-level sections' spans."""
    out: list[Stated] = []
    for conv in (*grammar().conventions, *_overlay_conventions(registry.overlays)):
        if conv.needs and not any(norm.find(w, start, end) >= 0 for w in conv.needs):
            continue  # the statement cannot stand here
        for m in conv.pattern.finditer(norm, start, end, False, HOLD_GIL):
            section_end = next((b for a, b in sections if a <= m.start() < b), end)
            units: tuple[str, ...] = ()
            if m.groupdict().get("units"):
                units = tuple(split_units(m.group("units"), registry)[0])
            out.append(Stated(conv, m.start(), m.end(), section_end, units))
    return sorted(out, key=lambda s: s.start)


def in_force(stated: list[Stated], pos: int, effect: str) -> list[Stated]:
    """The conventions with `effect` that hold at offset `pos` (stated before it, still in scope)."""
    out: list[Stated] = []
    for s in stated:  # a loop, no closure and comprehension to build (three calls a node)
        conv = s.convention
        if conv.effect == effect:
            scope = conv.scope
            if scope == "part" or (s.start <= pos and (scope != "section" or pos < s.section_end)):
                out.append(s)
    return out


# --- clauses -----------------------------------------------------------------------------------


_BRACKET_OR_BREAK_CHARS = "([〔<)]〕>\n"  # the brackets of a clause, and the line break that ends one


# (start, end, offsets): the offsets of every bracket and line break of norm[start:end], in order.
# Found once for a part, they give the `bracket_spans` of each node inside it by bisection, not by
# nine scans of its own (a plain tuple: no class to create at start-up).
BracketMarks = tuple[int, int, list[int]]


def bracket_marks(norm: str, start: int, end: int) -> BracketMarks:
    """The brackets and line breaks of norm[start:end], found by str.find (a pattern's scan costs
    more than a match)."""
    offsets: list[int] = []
    for ch in _BRACKET_OR_BREAK_CHARS:
        i = norm.find(ch, start, end)
        while i >= 0:
            offsets.append(i)
            i = norm.find(ch, i + 1, end)
    offsets.sort()
    return start, end, offsets


def bracket_spans(norm: str, start: int, end: int, marks: BracketMarks | None = None) -> list[tuple[int, int]]:
    """(content start, content end) of every outermost bracket pair in norm[start:end]; `marks`:
    the `bracket_marks` of the same `norm` over a range holding [start, end), when the caller has
    them (they are used only for such a range)."""
    if marks is not None and marks[0] <= start and end <= marks[1]:
        found = marks[2]
        lo = bisect.bisect_left(found, start)
        offsets = found[lo:bisect.bisect_left(found, end, lo)]
    else:
        offsets = bracket_marks(norm, start, end)[2]
    openers = grammar().openers
    out: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for pos in offsets:
        ch = norm[pos]
        if ch == "\n":
            stack.clear()  # a clause never runs over a line break
        elif ch in openers:
            stack.append((ch, pos))
        # a closer: the openers' values are the closers, so one that closes the top is one
        elif stack and openers[stack[-1][0]] == ch:
            _, at = stack.pop()
            if not stack:
                out.append((at + 1, pos))
    return out


def find_clauses(norm: str, start: int, end: int, registry: UnitRegistry, blanked: list[tuple[int, int]],
                 source: str | None = None, spans: list[tuple[int, int]] | None = None) -> list[Clause]:
    """Every bracketed clause in norm[start:end] that reads as one, in order; `spans` are its
    `bracket_spans` when the caller has them already."""
    g = grammar()
    out: list[Clause] = []
    for a, b in bracket_spans(norm, start, end) if spans is None else spans:
        content = _blank(norm, a, b, blanked) if blanked else norm[a:b]  # most nodes have nothing blanked
        if not g.cue.search(content):
            continue
        clause = read_clause(content, a, registry, source)
        if clause is not None:
            out.append(clause)
    return out


def _blank(norm: str, a: int, b: int, blanked: list[tuple[int, int]]) -> str:
    if not any(s < b and a < e for s, e in blanked):
        return norm[a:b]  # nothing to blank here: no copy to make
    chars = list(norm[a:b])
    for s, e in blanked:
        for i in range(max(s, a), min(e, b)):
            chars[i - a] = " "
    return "".join(chars)


def read_clause(content: str, at: int, registry: UnitRegistry, source: str | None = None) -> Clause | None:
    """One clause's content (bracket excluded) → a Clause, or None when it is not a clause."""
    g = grammar()
    if ";" in content or "," in content:  # `field_cut` cuts at these alone
        bounds = [0, *(m.end() for m in g.field_cut.finditer(content)), len(content) + 1]
        fields = [(a, content[a:b - 1]) for a, b in itertools.pairwise(bounds)]
        fields = [(off, f) for off, f in fields if f.strip(" ,。")]
        fields = [(off + len(f) - len(f.lstrip(" ,")), f.strip(" ,。")) for off, f in fields]
    else:  # one field: the content
        field_text = content.strip(" ,。")
        fields = [(len(content) - len(content.lstrip(" ,")), field_text)] if field_text else []
    clause = Clause(at, at + len(content), "")
    # every label ends with its colon (see `grammar`): with none in the content no field is labelled
    if ":" in content and any(pat.match(f, None, None, HOLD_GIL) for _, f in fields for pat, _ in g.labels):
        clause.form = "labels"
        for off, f in fields:
            _read_label(f, at + off, clause, registry, source)
    else:
        for off, f in fields:
            if not _read_form(f, at + off, clause, registry, source):
                return None
    if clause.units["lead"] and clause.units["joint"]:  # 责任单位 beside 牵头单位 are the ones who support
        clause.units["support"] = clause.units["joint"] + clause.units["support"]
        clause.units["joint"] = []
    elif clause.units["support"] and clause.units["joint"]:  # 责任单位 beside 配合单位 are the ones who lead
        clause.units["lead"], clause.units["joint"] = clause.units["joint"], []
    if not any(clause.units.values()):
        return None
    return clause


def _read_label(field_text: str, at: int, clause: Clause, registry: UnitRegistry, source: str | None) -> None:
    for pat, role in grammar().labels:
        m = pat.match(field_text, None, None, HOLD_GIL)
        if m is None:
            continue
        if role is None:
            return  # 适用范围：… names no unit
        units, unread = split_units(field_text[m.end():], registry, source, at + m.end())
        clause.units[role] += units
        clause.unread += unread
        return
    clause.unread.append(field_text)


def _read_form(field_text: str, at: int, clause: Clause, registry: UnitRegistry, source: str | None) -> bool:
    """Read one field by the first clause form that matches it with unit lists only."""
    g = grammar()
    for form, needs in zip(g.forms, g.form_needs, strict=True):
        for word in needs:
            if word in field_text:
                break
        else:
            if needs:
                continue  # the form cannot match here
        m = form.pattern.fullmatch(field_text)
        if m is None:
            continue
        found: dict[str, list[str]] = {}
        ok = True
        groups = m.groupdict()
        for role in UNIT_ROLES:
            written = groups.get(role)
            if not written:
                continue
            units, unread = split_units(written, registry, source, at + m.start(role))
            if unread or not units:
                ok = False
                break
            found[role] = units
        if ok and found:
            clause.form = clause.form or form.name
            for name, units in found.items():
                clause.units[name] += units
            return True
    return False


def split_units(written: str, registry: UnitRegistry, source: str | None = None, at: int = 0
                ) -> tuple[list[str], list[str]]:
    """A written unit list → (unit names, pieces that are not unit names).

    `written` is normalized text standing at offset `at` of `source` (the decoded text), from which
    unknown names are sliced as written. Split on 、，,；/ outside brackets (各县（市、区）人民政府
    keeps its own), and on 和/及 only between two whole names (省财政厅和各市、县〔区〕人民政府, not
    省文化和旅游厅); a bare level joins the name after it (各市、县〔区〕政府); a trailing 等 / 等有关部门
    after a named unit is dropped; names run together are cut by the registry."""
    g = grammar()
    stripped = written.rstrip(" ,;。、")
    m = g.trailing_group.search(stripped, None, None, HOLD_GIL)
    end = m.start() if m and m.start() > 0 else len(stripped)
    spans = _list_pieces(written, end, g)
    merged: list[tuple[int, int]] = []
    longest = len(g.levels[0]) + 1  # (levels longest first) a bare level, with 各 before it, is no longer
    for a, b in spans:
        if merged:
            x, y = merged[-1]
            if y - x <= longest and written[x:y].removeprefix("各") in g.levels and written.startswith(g.levels, a):
                merged[-1] = (x, b)
                continue
        merged.append((a, b))
    units: list[str] = []
    unread: list[str] = []
    forms = _form_names(registry)
    for a, b in merged:
        known = forms.get(written[a:b])
        if known is not None:  # a written form of the registry read before (most pieces): its name
            if known not in units:
                units.append(known)
            continue
        names = _unit_names(written, a, b, registry, g, source, at)
        if names is None:
            unread.append(written[a:b])
        elif len(names) == 1:  # most pieces name one unit
            if names[0] not in units:
                units.append(names[0])
        else:  # (names run together: each is tested against the units before this piece only)
            units += [n for n in names if n not in units]
    return units, unread


def _list_pieces(written: str, end: int, g: Grammar) -> list[tuple[int, int]]:
    """The pieces of written[:end]: split outside brackets, then on the and-words between names."""
    spans = _split_outside(written, 0, end, g)
    for word in g.and_words:
        if word in written:  # an and-word may split a piece: most lists hold none, and keep their pieces
            return [cut for a, b in spans for cut in _split_and(written, a, b, g)]
    return spans


def _split_outside(s: str, start: int, end: int, g: Grammar) -> list[tuple[int, int]]:
    cuts: list[tuple[int, int]] = []
    depth, cur = 0, start
    if "(" not in s and "[" not in s and "〔" not in s and "<" not in s:
        # no opening bracket (most lists): every separator cuts (a closer at depth 0 changes
        # nothing), and a separator is one character: the cuts from one split in C
        for piece in g.separators.split(s[start:end]):
            cuts.append((cur, cur + len(piece)))
            cur += len(piece) + 1
    else:
        for m in g.split_marks.finditer(s, start, end):  # the brackets and separators alone (one character)
            i = m.start()
            ch = s[i]
            if ch in "([〔<":
                depth += 1
            elif ch in ")]〕>":
                depth -= 1 if depth else 0
            elif not depth:
                cuts.append((cur, i))
                cur = i + 1
        cuts.append((cur, end))
    out: list[tuple[int, int]] = []
    for a, b in cuts:
        # a piece that starts with no blank and ends with no space or tab (most) is kept as it is:
        # not blank, nothing to trim
        if a < b and not s[a].isspace() and s[b - 1] not in " \t":
            out.append((a, b))
        elif s[a:b].strip():
            out.append(_trim(s, a, b))
    return out


def _trim(s: str, a: int, b: int) -> tuple[int, int]:
    while a < b and s[a] in " \t":
        a += 1
    while b > a and s[b - 1] in " \t":
        b -= 1
    return a, b


def and_cuts(written: str) -> list[tuple[int, int]]:
    """`written` cut on the and-words between two whole names (国家发展改革委及国家粮食局 → two
    spans; 省文化和旅游厅 and 有关部门和单位 stay whole), as the clause grammar cuts a list piece."""
    g = grammar()
    for word in g.and_words:
        if word in written:
            return _split_and(written, 0, len(written), g)
    return [(0, len(written))]


def _split_and(s: str, a: int, b: int, g: Grammar) -> list[tuple[int, int]]:
    for word in g.and_words:
        i = s.find(word, a + 1, b)
        while i > 0:
            # not before a bare class word (有关部门和单位 is one group: 单位 alone names no body)
            if s[a:i].endswith(g.unit_suffixes) and i + len(word) < b and s[i + len(word):b] not in g.unit_suffixes:
                return [(a, i), *_split_and(s, i + len(word), b, g)]
            i = s.find(word, i + 1, b)
    return [(a, b)]


def _not_unit(piece: str, registry: UnitRegistry, g: Grammar) -> bool:
    """Whether `g.not_units` finds words of a sentence in `piece`; kept for the registry's forms."""
    found = g.form_is_not_unit.get(piece)
    if found is None:
        found = g.not_units.search(piece, None, None, HOLD_GIL) is not None
        if registry.is_written_form(piece):
            g.form_is_not_unit[piece] = found
    return found


@functools.cache
def _form_names(registry: UnitRegistry) -> dict[str, str]:
    """The name `_unit_names` gives a piece that is a written form of `registry`, by form, filled as
    forms are met (only the tables' forms, never a document's text): a list's pieces are most often
    forms read before, and this is one lookup instead of the lead-in, not-unit and canonical tests."""
    return {}


def _unit_names(s: str, a: int, b: int, registry: UnitRegistry, g: Grammar, source: str | None,
                at: int) -> list[str] | None:
    """The units a piece names (the registry's name for a known one or a truncation it completes,
    else as written; names run together cut apart), or None when it is not unit names."""
    first = a  # the piece as written, before a lead-in is stripped
    for lead_in in registry.lead_ins if s.startswith(registry.lead_ins, a) else ():  # most pieces have none
        if s.startswith(lead_in, a) and b - a > len(lead_in) + 1:
            a += len(lead_in)
            break
    piece = s[a:b]
    if len(piece) < 2 or _not_unit(piece, registry, g):
        return None
    known = registry.canonical(piece)
    if known is not None:
        # what this piece names depends on its text alone: kept for a written form of the registry
        written_as = s[first:b]
        if registry.is_written_form(written_as):
            _form_names(registry)[written_as] = known
        return [known]

    def written(x: int, y: int) -> str:
        return source[at + x:at + y] if source is not None else s[x:y]

    if registry.is_group(piece):
        return [written(a, b)]
    pieces = registry.split(piece)
    if len(pieces) > 1 and all(p.kind in ("known", "repaired", "shaped") for p in pieces):
        return [p.canonical or written(a + p.start, a + p.end) for p in pieces]
    if len(pieces) == 1 and pieces[0].kind in ("known", "repaired"):
        return [pieces[0].canonical or written(a, b)]  # a truncation or damage the registry completes
    if piece.endswith(g.unit_suffixes):
        return [written(a, b)]
    return None
