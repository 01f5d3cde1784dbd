"""text/stdre.py: a table pattern moved to stdlib `re` matches what its `regex` original matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from qigong_parse.text.normalize import normalize
from qigong_parse.text.stdre import WHITE_SPACE, stdlib_pattern, stdlib_source

ROOT = Path(__file__).resolve().parent.parent


def test_white_space_is_regex_s() -> None:
    assert [c for c in map(chr, range(0x110000)) if regex.match(r"\s", c)] == sorted(WHITE_SPACE)
    translated = stdlib_pattern(r"\s")
    assert translated is not None
    assert not translated.match("\x1c")  # str.isspace, stdlib's \s, says yes; regex's \s no


@pytest.mark.parametrize("pattern", [
    r"\d", r"\w+", r"\bx", r"\p{Han}", r"\S", r"(?>ab)", r"(?|a|b)", r"(?V1)a", r"a++", r"a*+", r"[[a]b]",
    r"[[:alpha:]]", r"(?i)a", r"(?P=n)", r"\K", r"[]a]", r"\1", "\\",
])
def test_regex_only_patterns_stay_in_regex(pattern: str) -> None:
    assert stdlib_source(pattern) is None


def test_flags_stay_in_regex() -> None:
    assert stdlib_pattern("a", regex.IGNORECASE) is None


def _table_patterns() -> list[regex.Pattern[str]]:
    from qigong_parse.parse.extract import targets

    t = targets._tables()
    found = [getattr(t, k) for k in t.__slots__ if isinstance(getattr(t, k), re.Pattern | regex.Pattern)]
    return [regex.compile(p.pattern) for p in found]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "raw").glob("*.txt"))]
    return [normalize(t) for t in texts]


def _same(original: regex.Pattern[str], moved: re.Pattern[str], s: str) -> None:
    assert [(m.span(), m.groupdict()) for m in original.finditer(s)] == \
        [(m.span(), m.groupdict()) for m in moved.finditer(s)]
    for i in range(0, len(s), max(1, len(s) // 400)):  # matches at starts that finditer skips
        a, b = original.match(s, i), moved.match(s, i)
        assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))
    assert original.sub("", s) == moved.sub("", s)


def test_the_target_tables_move_and_match_the_same_on_the_sample_texts() -> None:
    texts = _texts()
    moved = 0
    for original in _table_patterns():
        std = stdlib_pattern(original.pattern)
        if std is None:
            continue
        moved += 1
        for s in texts:
            _same(original, std, s)
    assert moved >= 10  # the figure pattern and the word lists


_ALPHABET = sorted(set("一二两三十百千零〇0123456789.%‰-—~至到余多以上下内左右个家项万亿元吨亩人次年底前"
                       "等级指标和及与、或力争确保努力积极争取达到增长新增超过不低于约近第届“”《》()、,;:。 \t\n\r"
                       "\u3000\x1c\x85\u2009\u202f"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=50))
def test_the_target_tables_match_the_same_on_any_text(s: str) -> None:
    for original in _table_patterns():
        std = stdlib_pattern(original.pattern)
        if std is not None:
            _same(original, std, s)
            _same(original, std, normalize(s))


def test_a_moved_pattern_is_built_through_the_run_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # Stdlib patterns are stored by `run_cache.compiled_re`; `re.compile` directly would compile the
    # target tables again on every command-line run (+31 M instructions a cold parse).
    import qigong_parse.text.stdre as stdre

    seen: list[str] = []

    def spy(pattern: str, flags: int = 0) -> re.Pattern[str]:
        seen.append(pattern)
        return re.compile(pattern, flags)

    monkeypatch.setattr(stdre, "compiled_re", spy)
    assert stdre.stdlib_pattern(r"增长\s?(?:以上|左右)") is not None
    assert seen == [stdre.stdlib_source(r"增长\s?(?:以上|左右)")]


# --- the clause, duty-sentence and task-force tables (read there through `stdlib_or_regex`) -----

def _clause_table_sources() -> dict[str, list[str]]:
    from qigong_parse.parse.extract.clauses import field_cut_source
    from qigong_parse.rules import load_table

    clauses_t = load_table("clauses.yaml")
    taskforce_t = load_table("taskforce.yaml")
    g = clauses_t["grammar"]
    return {
        "grammar": [g["cue"], g["separators"], field_cut_source(g["labels"])],
        "forms": [f["pattern"] for f in g["forms"]],
        "duty_sentences": [d["pattern"] for d in clauses_t["duty_sentences"]] + [clauses_t["sentence"]],
        "taskforce": [p for v in taskforce_t.values() for p in (v if isinstance(v, list) else [v])],
    }


def _fields_of(s: str) -> list[str]:
    """The stretches a clause form is matched whole against: text between clause punctuation."""
    return [f for f in regex.split(r"[,;。:()\n]", s) if f] + [ln for ln in s.split("\n") if ln]


def _same_whole(original: regex.Pattern[str], moved: re.Pattern[str], s: str, *, searched: bool = True) -> None:
    if searched:  # a clause form is only ever matched whole
        _same(original, moved, s)
    for f in _fields_of(s):
        a, b = original.fullmatch(f), moved.fullmatch(f)
        assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), (original.pattern, f)


def _heldout_texts() -> list[str]:
    from qigong_parse.read import decode  # a held-out file may be GB18030

    return [normalize(decode(p.read_bytes()).text) for p in sorted((ROOT / "tests" / "data" / "heldout").glob("*.txt"))]


@pytest.mark.parametrize("table", ["grammar", "forms", "duty_sentences", "taskforce"])
def test_the_clause_tables_move_and_match_the_same_on_the_sample_texts(table: str) -> None:
    texts = _texts() + _heldout_texts()
    moved = 0
    for source in _clause_table_sources()[table]:
        std = stdlib_pattern(source)
        if std is None:
            continue
        moved += 1
        for s in texts:
            _same_whole(regex.compile(source), std, s, searched=table != "forms")
    # most of each table: plain classes, groups, lookarounds (the duty sentences: the two 会同 forms)
    assert moved >= {"grammar": 3, "duty_sentences": 2}.get(table, 5)


_CLAUSE_ALPHABET = ["市发改局", "县财政局", "各乡镇", "有关部门", "牵头", "负责", "配合", "参与", "会同", "由", "应当",
                    "在", "后", "是", "主管部门", "按职责分工", "分别", "共同", "成员单位", "成员", "组员", "担任", "任",
                    "为", "召集人", "副召集人", "常务副", "工作专班", "成立", "办公室设在", "主要负责人", "等", "包括",
                    "、", ",", ";", "。", ":", "\n", " ", "\u3000", "(", ")"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CLAUSE_ALPHABET), max_size=14).map("".join))
def test_the_clause_tables_match_the_same_on_any_text(s: str) -> None:
    for table, sources in _clause_table_sources().items():
        for source in sources:
            std = stdlib_pattern(source)
            if std is not None:
                _same_whole(regex.compile(source), std, s, searched=table != "forms")


def test_the_clause_readers_use_the_moved_patterns() -> None:
    from qigong_parse.parse.extract import clauses, responsibility, taskforce

    g = clauses.grammar()
    assert sum(isinstance(f.pattern, re.Pattern) for f in g.forms) >= 5
    assert all(isinstance(p, re.Pattern) for p in (g.cue, g.field_cut, g.separators))
    assert sum(isinstance(p, re.Pattern) for p, _ in responsibility._shapes().duty_sentences) >= 2
    assert isinstance(responsibility._shapes().sentence, re.Pattern)
    fields = taskforce._fields()
    assert isinstance(fields.name, re.Pattern) and all(isinstance(p, re.Pattern) for p in fields.members)
    assert all(isinstance(p, re.Pattern) for p in (*fields.convener, *fields.executive_deputy, *fields.deputies))
