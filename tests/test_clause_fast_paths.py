"""The shortcuts of the clause readers pinned to the general code they skip: each oracle here is the
code as it was before the shortcut, and the readers must give what it gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.model.ir import Duty
from qigong_parse.parse.extract import clauses, responsibility
from qigong_parse.parse.extract.clauses import Grammar, grammar, in_force, stated_conventions
from qigong_parse.rules.units import UnitRegistry
from qigong_parse.text.normalize import normalize

_LIST_WORDS = ["县发改局", "市财政局", "县文化和旅游局", "省文化和旅游厅", "各乡镇", "各市", "县", "(", ")", "〔", "〕", "、",
               ",", ";", "/", "和", "及", "以及", "与", " ", "\t", "\u3000", "等", "等有关部门", "有关部门", "单位",
               "人民政府", "提出意见", "局", "a"]
_LISTS = st.lists(st.sampled_from(_LIST_WORDS), max_size=12).map("".join)


def _split_outside_as_it_was(s: str, start: int, end: int, g: Grammar) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    depth, cur = 0, start
    for m in g.split_marks.finditer(s, start, end):
        ch, i = m.group(), m.start()
        if ch in "([〔<":
            depth += 1
        elif ch in ")]〕>":
            depth -= 1 if depth else 0
        elif not depth:
            out.append((cur, i))
            cur = i + 1
    out.append((cur, end))
    return [clauses._trim(s, a, b) for a, b in out if s[a:b].strip()]


def _split_units_as_it_was(written: str, registry: UnitRegistry, source: str | None = None, at: int = 0
                           ) -> tuple[list[str], list[str]]:
    g = grammar()
    stripped = written.rstrip(" ,;。、")
    m = g.trailing_group.search(stripped)
    end = m.start() if m and m.start() > 0 else len(stripped)
    spans: list[tuple[int, int]] = []
    for a, b in _split_outside_as_it_was(written, 0, end, g):
        spans.extend(clauses._split_and(written, a, b, g))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and written[slice(*merged[-1])].removeprefix("各") in g.levels and written.startswith(g.levels, a):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    units: list[str] = []
    unread: list[str] = []
    for a, b in merged:
        names = clauses._unit_names(written, a, b, registry, g, source, at)
        if names is None:
            unread.append(written[a:b])
        else:
            units += [n for n in names if n not in units]
    return units, unread


@settings(max_examples=500, deadline=None)
@given(_LISTS, st.integers(0, 60))
def test_list_pieces_as_split_outside_then_on_and_words(written: str, end: int) -> None:
    """A list with no and-word keeps its pieces (no _split_and per piece); the pieces that start and
    end with no blank are kept untrimmed: as the general split and trim give."""
    g = grammar()
    end = min(end, len(written))
    expected = [cut for a, b in _split_outside_as_it_was(written, 0, end, g) for cut in clauses._split_and(written, a, b, g)]
    assert clauses._list_pieces(written, end, g) == expected


@settings(max_examples=500, deadline=None)
@given(_LISTS)
def test_split_units_as_it_was(written: str) -> None:
    registry = UnitRegistry.for_issuer("邵东市人民政府办公室")
    source = written.replace("(", "(").replace(")", ")")  # as written: sliced from the source
    assert clauses.split_units(written, registry, source, 0) == _split_units_as_it_was(written, registry, source, 0)
    assert clauses.split_units(written, registry) == _split_units_as_it_was(written, registry)


_LEVEL_LISTS = st.lists(st.sampled_from([*_LIST_WORDS, "各", "自治区", "直辖市", "市、县", "各县", "乡", "镇", "[", "]", "<",
                                         ">", "〔区〕政府", "政府"]), max_size=12).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_LEVEL_LISTS, st.integers(0, 60))
def test_split_outside_with_no_opening_bracket_as_it_was(written: str, end: int) -> None:
    """A list with no opening bracket is cut at every separator by one split: the pieces the bracket
    scan gives; and a bare level (with 各, up to the longest level) joins the name after it as before."""
    g = grammar()
    end = min(end, len(written))
    assert clauses._split_outside(written, 0, end, g) == _split_outside_as_it_was(written, 0, end, g)
    registry = UnitRegistry.for_issuer("邵东市人民政府办公室")
    assert clauses.split_units(written, registry, written, 0) == _split_units_as_it_was(written, registry, written, 0)


def test_split_outside_with_no_opening_bracket_scans_no_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    g = grammar()

    class NoScan:
        def finditer(self, *args: object) -> None:
            raise AssertionError("the bracket scan run for a list with no opening bracket")

    written = "县发改局、县财政局;各乡镇/县住建局)"
    expected = _split_outside_as_it_was(written, 0, len(written), g)
    monkeypatch.setattr(g, "split_marks", NoScan())
    assert clauses._split_outside(written, 0, len(written), g) == expected


_CLAUSE_WORDS = ["县发改局", "市财政局", "各乡镇", "、", ",", ";", " ", "。", ":", "牵头", "配合", "负责", "指导", "按职责分工",
                 "落实", "参与", "协助", "牵头单位", "责任单位", "配合单位", "适用范围", "时限", "2025年底", "等", "和"]
_LABEL_FIELDS = st.lists(st.tuples(st.sampled_from(["", ",", ";", " ,", ", "]),
                                    st.sampled_from(["牵头单位", "责任单位", "配合单位", "时限", "县发改局"]),
                                    st.sampled_from([":", " :", ""]),
                                    st.sampled_from(["县发改局", "市财政局、各乡镇", "2025年底", ""])).map("".join),
                          max_size=4).map("".join)
_CLAUSES = st.one_of(st.lists(st.sampled_from(_CLAUSE_WORDS), max_size=14).map("".join), _LABEL_FIELDS)


def _read_form_as_it_was(field_text: str, at: int, clause: clauses.Clause, registry: UnitRegistry,
                         source: str | None) -> bool:
    g = grammar()
    for form, needs in zip(g.forms, g.form_needs, strict=True):
        if needs and not any(w in field_text for w in needs):
            continue
        m = form.pattern.fullmatch(field_text)
        if m is None:
            continue
        found: dict[str, list[str]] = {}
        ok = True
        groups = m.groupdict()
        for role in ("lead", "support", "joint"):
            written = groups.get(role)
            if not written:
                continue
            units, unread = clauses.split_units(written, registry, source, at + m.start(role))
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


def _read_clause_as_it_was(content: str, at: int, registry: UnitRegistry, source: str | None = None
                           ) -> clauses.Clause | None:
    import itertools

    g = grammar()
    bounds = [0, *(m.end() for m in g.field_cut.finditer(content)), len(content) + 1]
    fields = [(a, content[a:b - 1]) for a, b in itertools.pairwise(bounds)]
    fields = [(off, f) for off, f in fields if f.strip(" ,。")]
    fields = [(off + len(f) - len(f.lstrip(" ,")), f.strip(" ,。")) for off, f in fields]
    clause = clauses.Clause(at, at + len(content), "")
    if any(pat.match(f) for _, f in fields for pat, _ in g.labels):
        clause.form = "labels"
        for off, f in fields:
            clauses._read_label(f, at + off, clause, registry, source)
    else:
        for off, f in fields:
            if not _read_form_as_it_was(f, at + off, clause, registry, source):
                return None
    if clause.units["lead"] and clause.units["joint"]:
        clause.units["support"] = clause.units["joint"] + clause.units["support"]
        clause.units["joint"] = []
    elif clause.units["support"] and clause.units["joint"]:
        clause.units["lead"], clause.units["joint"] = clause.units["joint"], []
    if not any(clause.units.values()):
        return None
    return clause


def _as_fields(clause: clauses.Clause | None) -> tuple[object, ...] | None:
    return None if clause is None else (clause.start, clause.end, clause.form, clause.units, clause.unread)


@settings(max_examples=1000, deadline=None)
@given(_CLAUSES, st.integers(0, 30))
def test_read_clause_as_it_was(content: str, at: int) -> None:
    """One field when the content holds no ; or , (no field_cut scan), no label tried when it holds
    no colon, a form's `needs` tested by a loop: the clause read is the one the general code reads."""
    registry = UnitRegistry.for_issuer("邵东市人民政府办公室")
    source = " " * at + content
    assert _as_fields(clauses.read_clause(content, at, registry, source)) == _as_fields(
        _read_clause_as_it_was(content, at, registry, source))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_CLAUSE_WORDS, "主责部门", "实施单位", "完成时间", "\t", "\u3000"]), max_size=6).map("".join))
def test_clause_labels_need_a_colon(field_text: str) -> None:
    """read_clause tries the labels only on a clause with a colon: every label of the grammar ends with one."""
    for pat, _ in grammar().labels:
        assert pat.pattern.endswith(r"\s*:")
        m = pat.match(field_text)
        assert m is None or ":" in m.group()


# --- find_responsibility ---------------------------------------------------------------------

_NODE_WORDS = ["(县发改局牵头,县财政局、各乡镇按职责分工负责)", "(县财政局、县发改局)", "(县发改局、县财政局负责)",
               "(责任单位:县财政局、县住建局)", "(牵头单位:县发改局;配合单位:县财政局)", "(县文旅广体局牵头,县财正局配合)",
               "(县应急局牵头,某某专班配合)", "县住建局负责", "县发改局牵头,县财政局配合", "由县发改局牵头,县财政局配合",
               "县财政局、县发改局", "加快推进项目建设", "。", ",", "\n", "(2025年底前)", "注:排在第一位的为牵头单位",
               "以下括号内所列单位均为牵头单位", "以下任务均需县财政局配合,不再列出", "县财政局负责审核,会同县工信局下达",
               "县财政局要会同有关部门建立机制"]
_NODES = st.lists(st.sampled_from(_NODE_WORDS), min_size=1, max_size=8).map("".join)


def _find_responsibility_as_it_was(text: str, norm: str, start: int, end: int, ctx: responsibility.ClauseContext,
                                   brackets: list[tuple[int, int]] | None = None) -> Duty | None:
    R = responsibility
    blanked = [(s.start, s.end) for s in ctx.stated if s.convention.blank and s.start < end and s.end > start]
    ctx.bare_list_role = "lead" if in_force(ctx.stated, start, "bare_list_lead") else "joint"
    found = [(c.start, c.end, c.units) for c in clauses.find_clauses(norm, start, end, ctx.registry, blanked, text,
                                                                      brackets)]
    closing = _closing_clause_as_it_was(text, norm, start, end, ctx, blanked)
    if closing is not None and not any(a < closing[1] and closing[0] < b for a, b, _ in found):
        found.append(closing)
    if not found:
        return None
    # the explicit sentence forms outside every clause found (no gate on their words)
    region = "".join(" " if any(a <= i < b for a, b in blanked) else c for i, c in enumerate(norm[start:end], start))
    beside = R._duty_sentences(region, ctx, R._shapes().beside_sentences)
    if beside is not None and not any(a < start + beside.end and start + beside.start < b for a, b, _ in found):
        units = _names_as_it_was(beside, text, start, ctx)
        if any(units.values()):
            found.append((start + beside.start, start + beside.end, units))
    found.sort(key=lambda c: c[0])
    roles: dict[str, list[str]] = {"lead": [], "support": [], "joint": []}
    for _, b, units in found:
        units = R._first_listed(units, in_force(ctx.stated, b, "first_listed_leads"))
        for role, names in units.items():
            roles[role] += [n for n in names if n not in roles[role]]
    for note in in_force(ctx.stated, start, "support_everywhere"):
        roles["support"] += [u for u in note.units if u not in roles["support"] and u not in roles["lead"]]
    span = (found[0][0], max(b for _, b, _ in found))
    raw = text[span[0]:span[1]].strip(R._TRIM)
    return Duty(lead=tuple(roles["lead"]), support=tuple(roles["support"]), joint=tuple(roles["joint"]),
                raw=raw, span=span)


def _closing_clause_as_it_was(text: str, norm: str, start: int, end: int, ctx: responsibility.ClauseContext,
                              blanked: list[tuple[int, int]]) -> tuple[int, int, dict[str, list[str]]] | None:
    R = responsibility
    region = norm[start:end]
    if blanked:
        view = list(region)
        for a, b in blanked:
            for i in range(max(a, start), min(b, end)):
                view[i - start] = " "
        region = "".join(view)
    clause = R._labels(region, ctx) or _at_end_as_it_was(region, ctx, last=True)
    if clause is None:
        read = {len(region.rstrip(R._TRIM))}
        for para_end in R._last_paragraph_ends(region, R._shapes().paragraphs_back):
            head = region[:para_end]
            tail = len(head.rstrip(R._TRIM))
            if tail in read:
                continue
            clause = _at_end_as_it_was(head, ctx, last=False)
            if clause is not None:
                break
            read.add(tail)
    clause = clause or R._sentence(region, ctx) or R._duty_sentences(region, ctx)
    if clause is None:
        return None
    units = _names_as_it_was(clause, text, start, ctx)  # type: ignore[arg-type]
    if not any(units.values()):
        return None
    return start + clause.start, start + clause.end, units


def _names_as_it_was(clause: responsibility._Clause, text: str, start: int, ctx: responsibility.ClauseContext
                     ) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {"lead": [], "support": [], "joint": []}
    for role in roles:
        for p in getattr(clause, role):
            name = p.canonical or text[start + p.start : start + p.end]
            span = (start + p.start, start + p.end)
            if p.kind in ("shaped", "junk"):
                message = f"unit not in the registry, kept as written: {name}"
                ctx.warn("unknown-unit", message, span)
            elif p.kind == "repaired":
                message = f"damaged unit name {p.written!r} read as {name}" + (f" ({p.repaired})" if p.repaired else "")
                ctx.warn("repaired-unit", message, span)
            if name not in roles[role]:
                roles[role].append(name)
    return roles


def _read_node(text: str, reader: object, issuer: str) -> tuple[object, list[tuple[object, ...]]]:
    registry = UnitRegistry.for_issuer(issuer)
    norm = normalize(text)
    stated = stated_conventions(norm, 0, len(norm), [(0, len(norm))], registry)
    ctx = responsibility.ClauseContext(registry, stated=stated, part="p", path=["1"])
    duties = []
    with registry.remembering():
        # each line a node, as the outline gives them (the conventions hold from their statement on)
        at = 0
        for line in text.split("\n"):
            end = at + len(line) + 1 if at + len(line) < len(text) else len(text)
            duties.append(reader(text, norm, at, end, ctx))  # type: ignore[operator]
            at = end
    return duties, [(w.code, w.message, w.span) for w in ctx.warnings]


@settings(max_examples=500, deadline=None)
@given(_NODES, st.sampled_from(["邵东市人民政府办公室", "新邵县人民政府办公室"]))
def test_find_responsibility_as_it_was(text: str, issuer: str) -> None:
    """One clause taken as it is (no sort, no merge), the duty built as a tuple, the conventions
    looked up only in a part that states some: the duty and warnings the general code gives."""
    assert Duty._fields == ("lead", "support", "joint", "raw", "span")
    assert _read_node(text, responsibility.find_responsibility, issuer) == _read_node(
        text, _find_responsibility_as_it_was, issuer)


def _at_end_as_it_was(region: str, ctx: responsibility.ClauseContext, *, last: bool) -> object:
    R = responsibility
    stop = len(region.rstrip(R._shapes().trim_and_closers))
    tail = len(region.rstrip(R._TRIM))
    if not region[:tail].strip():
        return None
    clause = R._bracketed(region, stop, tail, ctx)
    if clause is not None:
        return clause
    begin = R._sentence_start(region, stop)
    return R._bare_sentence(region, begin, stop, ctx) or (R._trailing_list(region, begin, stop, ctx) if last else None)


def _clause_fields(clause: object) -> object:
    if clause is None:
        return None
    return tuple(getattr(clause, f) for f in ("start", "end", "lead", "support", "joint"))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_NODE_WORDS, " ", "\u3000", "\xa0", "\u2003", "\t", "。", ";", "、"]), max_size=6)
       .map("".join), st.booleans())
def test_at_end_as_it_was(region: str, last: bool) -> None:
    """A region blank up to its last character outside _TRIM is told without a copy of it; the pieces
    read unpacked: the clause the general code reads."""
    ctx = responsibility.ClauseContext(UnitRegistry.for_issuer("邵东市人民政府办公室"))
    region = normalize(region)
    for text in (region, region.replace(" ", "\xa0")):
        assert _clause_fields(responsibility._at_end(text, ctx, last=last)) == _clause_fields(
            _at_end_as_it_was(text, ctx, last=last))


def _clause_at_as_it_was(region: str, begin: int, stop: int, ctx: responsibility.ClauseContext, *, bracketed: bool
                         ) -> responsibility._Clause | None:
    R = responsibility
    shapes = R._shapes()
    content = region[begin:stop].lstrip(R._TRIM)
    begin = stop - len(content)
    if not content:
        return None
    clause = R._Clause(begin, stop)
    m = shapes.lead_marker.search(content)
    if m:
        lead = R._units(content[: m.start()], begin, ctx, strict=not bracketed, glued=not bracketed)
        if not lead:
            return None
        rest = content[m.end():].lstrip(R._TRIM)
        rest_at = len(content) - len(rest)
        duty = shapes.duty_end.search(rest)
        if duty:
            rest = rest[: duty.start()]
        elif rest and not bracketed:
            return None  # unbracketed text after 牵头 that is not a duty phrase: a sentence
        clause.lead = lead
        if rest.strip(R._TRIM):
            support = R._units(rest, begin + rest_at, ctx, strict=not bracketed)
            if support is None:
                return None
            clause.support = support
        return clause
    duty = shapes.duty_end.search(content)
    if duty is None:
        if not bracketed:
            return None
        pieces = R._units(content, begin, ctx, strict=True)
        if not pieces or not any(p.kind == "known" for p in pieces):
            return None
        getattr(clause, ctx.bare_list_role).extend(pieces)
        return clause
    pieces = R._units(content[: duty.start()], begin, ctx, strict=not bracketed, glued=not bracketed)
    # With a duty phrase a group name or an unknown but unit-shaped name is evidence enough
    # (各县市区人民政府负责落实); a bare list (above) needs a name the registry knows.
    if not pieces or not any(p.kind in ("known", "repaired", "group", "shaped") for p in pieces):
        return None
    clause.joint = pieces
    return clause


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*_NODE_WORDS, *_CLAUSE_WORDS, "提出意见供参考并", "市文旅", "县"]), max_size=6).map("".join),
       st.integers(0, 80), st.integers(0, 80), st.booleans(), st.sampled_from(["joint", "lead"]))
def test_clause_at_as_it_was(region: str, begin: int, stop: int, bracketed: bool, role: str) -> None:
    """No _Clause built before the text reads as one, the role tests by loops: the clause as read before."""
    ctx = responsibility.ClauseContext(UnitRegistry.for_issuer("邵东市人民政府办公室"))
    ctx.bare_list_role = role  # type: ignore[assignment]
    region = normalize(region)
    begin, stop = min(begin, len(region)), min(max(begin, stop), len(region))
    assert _clause_fields(responsibility._clause_at(region, begin, stop, ctx, bracketed=bracketed)) == _clause_fields(
        _clause_at_as_it_was(region, begin, stop, ctx, bracketed=bracketed))


def _in_force_as_it_was(stated: list[clauses.Stated], pos: int, effect: str) -> list[clauses.Stated]:
    def holds(s: clauses.Stated) -> bool:
        scope = s.convention.scope
        return scope == "part" or (s.start <= pos and (scope != "section" or pos < s.section_end))

    return [s for s in stated if s.convention.effect == effect and holds(s)]


_STATED = st.builds(
    lambda effect, scope, start, length, section: clauses.Stated(
        clauses.Convention("c", grammar().cue, effect, scope, True), start, start + length, start + section),
    st.sampled_from(["first_listed_leads", "bare_list_lead", "support_everywhere"]),
    st.sampled_from(["part", "section", "rest_of_part"]), st.integers(0, 50), st.integers(0, 10), st.integers(0, 60))


@settings(max_examples=500, deadline=None)
@given(st.lists(_STATED, max_size=5), st.integers(0, 120),
       st.sampled_from(["first_listed_leads", "bare_list_lead", "support_everywhere"]))
def test_in_force_as_it_was(stated: list[clauses.Stated], pos: int, effect: str) -> None:
    assert in_force(stated, pos, effect) == _in_force_as_it_was(stated, pos, effect)


@settings(max_examples=500, deadline=None)
@given(_LISTS, st.sampled_from(["邵东市人民政府办公室", "新邵县人民政府办公室"]))
def test_form_names_as_unit_names(written: str, issuer: str) -> None:
    """A piece that is a written form read before is named from `_form_names` (no _unit_names): the
    names and unread pieces the general code gives, with the kept names empty and filled alike."""
    registry = UnitRegistry.for_issuer(issuer)
    source = written.replace("(", "(").replace(")", ")")
    clauses._form_names(registry).clear()
    cold = clauses.split_units(written, registry, source, 0)
    warm = clauses.split_units(written, registry, source, 0)  # the forms now kept
    assert cold == warm == _split_units_as_it_was(written, registry, source, 0)
    for form, name in clauses._form_names(registry).items():
        assert registry.is_written_form(form)  # the tables' forms only, never a document's text
        assert clauses._unit_names(form, 0, len(form), registry, grammar(), None, 0) == [name]


def test_form_names_are_taken_for_forms_read_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut is taken: a list of forms read before calls no _unit_names."""
    registry = UnitRegistry.for_issuer("邵东市人民政府办公室")
    written = "市发改局、市财政局"
    expected = clauses.split_units(written, registry)
    assert {"市发改局", "市财政局"} <= clauses._form_names(registry).keys()

    def fail(*args: object) -> None:
        raise AssertionError("_unit_names called for a form read before")

    monkeypatch.setattr(clauses, "_unit_names", fail)
    assert clauses.split_units(written, registry) == expected
