"""Schemas of the rule tables: one pydantic model per table (the unit tables share one), so that a
broken table is named with the place of the damage, e.g.
``rules/clauses.yaml: grammar.forms[3].pattern: not a valid regex: …``.

The parser loads its tables without this module (validation would cost a cold start several
milliseconds); the tests, ``make lint`` and ``python -m qigong_parse.rules.schema`` validate every
shipped table, and ``load_rules`` validates one on demand.
"""

from __future__ import annotations

import sys
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Annotated, Any, Literal

import regex
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..model.kinds import UnitRole
from . import TABLE_NAMES, TableError, load_table, schema_key, table_names


def _compiles(pattern: str) -> str:
    try:
        regex.compile(pattern)
    except regex.error as exc:
        raise ValueError(f"not a valid regex: {exc}") from None
    return pattern


# A regular expression in the `regex` module's syntax (the consumers compile with it).
Regex = Annotated[str, AfterValidator(_compiles)]
Words = list[str]
Aliases = dict[str, list[str] | None]
Bound = Literal[">=", "<=", ">", "~"]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _named_groups(pattern: str) -> set[str]:
    return set(regex.compile(pattern).groupindex)


# --- markers.yaml ------------------------------------------------------------------------------


class MarkerStyle(_Table):
    name: str
    pattern: Regex
    token: str
    decimal: int = 0
    chinese: bool = False
    bracketed: bool = False
    inline: bool = False
    may_skip: bool = True
    titled: bool = True

    @field_validator("pattern")
    @classmethod
    def _has_num(cls, v: str) -> str:
        if "num" not in _named_groups(v):
            raise ValueError("a marker style needs the named group (?P<num>…)")
        return v


class DamagedMarker(_Table):
    name: str
    pattern: Regex
    styles: Words = Field(min_length=1)
    heading_only: bool = False


class MarkerPrefix(_Table):
    """A pattern built from styles for another stage (rules/markers.py marker_prefix)."""

    styles: Words = Field(min_length=1)
    also: list[Regex] = Field(default_factory=list)
    repeat: bool = False
    then: Regex = ""


class MarkersTable(_Table):
    numerals: str
    styles: list[MarkerStyle] = Field(min_length=1)
    damaged: list[DamagedMarker]
    quantity_chars: str
    cn_word_chars: str
    prefixes: dict[Literal["plan_title_guard", "heading_like", "quote_lead"], MarkerPrefix]

    @field_validator("prefixes")
    @classmethod
    def _prefix_styles(cls, v: dict[str, MarkerPrefix], info: Any) -> dict[str, MarkerPrefix]:
        names = {s.name for s in info.data.get("styles") or ()}
        for use, p in v.items():
            unknown = [s for s in p.styles if s not in names]
            if names and unknown:
                raise ValueError(f"prefix {use!r} names unknown styles {unknown}")
        return v

    @field_validator("damaged")
    @classmethod
    def _known_styles(cls, v: list[DamagedMarker], info: Any) -> list[DamagedMarker]:
        names = {s.name for s in info.data.get("styles") or ()}
        for d in v:
            unknown = [s for s in d.styles if s not in names]
            if names and unknown:
                raise ValueError(f"damaged shape {d.name!r} names unknown styles {unknown}")
        return v


# --- clauses.yaml, conventions.yaml ------------------------------------------------------------


class ClauseForm(_Table):
    name: str
    pattern: Regex
    needs: Words = Field(default_factory=list)  # words of which the pattern cannot match without one

    @field_validator("pattern")
    @classmethod
    def _unit_groups(cls, v: str) -> str:
        groups = _named_groups(v)
        if not groups or not groups <= {"lead", "support", "joint"}:
            raise ValueError(f"a clause form's named groups must be lead/support/joint, not {sorted(groups)}")
        return v


class ClauseLabel(_Table):
    label: Regex
    role: UnitRole | None


class ClauseGrammar(_Table):
    cue: Regex
    forms: list[ClauseForm] = Field(min_length=1)
    labels: list[ClauseLabel]
    trailing_group: Regex
    separators: Regex
    and_words: Words
    levels: Words
    unit_suffixes: Words
    not_units: Regex


class DutySentence(_Table):
    pattern: Regex
    needs: Words = Field(min_length=1)
    beside_clauses: bool = False  # an explicit sentence form, read in a node that holds a clause too

    @field_validator("pattern")
    @classmethod
    def _names_its_roles(cls, v: str) -> str:
        # the groups parse/extract/responsibility.py reads (`_SENTENCE_GROUPS`): any other is never read
        groups = set(_named_groups(v))
        if "lead_group" not in groups or not groups <= {"lead_group", "support"}:
            raise ValueError("a duty sentence names its lead (?P<lead_group>…) and at most its support "
                             f"(?P<support>…), not {sorted(groups)}")
        return v


class ClauseLimits(_Table):
    paragraphs_back: int = Field(ge=0)
    trailing_list_chars: int = Field(ge=0)
    junk_max_chars: int = Field(ge=0)


class ClausesTable(_Table):
    brackets: dict[str, str]
    lead_marker: Regex
    duty_marker: Regex
    lead_flag: Regex
    labels: dict[UnitRole, Regex]
    sentence: Regex
    sentence_end: Regex
    duty_sentences: list[DutySentence]
    limits: ClauseLimits
    label_line_words: Words
    grammar: ClauseGrammar


class Convention(_Table):
    name: str
    pattern: Regex
    effect: Literal["first_listed_leads", "bare_list_lead", "support_everywhere"]
    scope: Literal["rest_of_part", "section", "part"]
    blank: bool = True
    needs: Words = Field(default_factory=list)  # words of which the pattern cannot match without one


class ConventionsTable(_Table):
    conventions: list[Convention]


# --- segment.yaml, roles.yaml, titles.yaml -----------------------------------------------------


class SegmentTable(_Table):
    chrome: list[Regex]
    notice_title: Regex
    notice_title_start: Regex
    notice_title_end: Regex
    issuer_apart_before: Words
    head_lines: dict[Literal["window", "recipients", "doc_number"], int]
    covering_title: Regex
    forwarding_title: Regex
    doc_number: Regex
    issuer: Regex
    red_header: Regex
    recipients: Regex
    recipient_ends: Words
    admin_levels: Words
    office_words: Words
    date: Regex
    date_run_together: Regex
    chrome_date: Regex
    chrome_doc_number: Regex
    chrome_issuer: Regex
    imprint_date: Regex
    first_heading: Regex
    after_signature: Regex
    md_note: Regex
    md_heading: Regex
    front_matter_fields: dict[Literal["doc_number", "issuer", "date"], Words]
    plan_title_end: Regex
    annex_heading: Regex
    attachment_list_start: Regex
    attachment_item: Regex
    attachment_list_numbered: Regex
    clause_aside: Regex


class RolesTable(_Table):
    roles: dict[Literal["other", "mechanism", "goals", "tasks"], Words]


class TitlesTable(_Table):
    strong_openers: Words
    weak_openers: Words
    not_openers: Words
    heading_max_len: int
    min_title_len: int
    min_body_len: int
    heading_nouns: Words


# --- targets.yaml ------------------------------------------------------------------------------


class ChangeWords(_Table):
    increase: Words
    decrease: Words
    increase_in_phrase: Words


class CommitmentWords(_Table):
    hard: Words
    soft: Words


class NonTarget(_Table):
    ordinal_prefixes: Words
    lookback_prefixes: Words
    name_prefixes: Words
    name_marks: list[tuple[str, str]]
    name_max_len: int
    incentive_words: Words
    past_words: Regex
    year_opener: Regex
    condition_ends: Words
    status_openers: Words
    status_until: Regex
    list_count_units: Words
    baseline_before: Words
    baseline_after: Regex

    @field_validator("name_marks", mode="before")
    @classmethod
    def _pairs(cls, v: Any) -> Any:  # YAML writes a pair as a list
        return [tuple(p) if isinstance(p, list) else p for p in v] if isinstance(v, list) else v


class TargetsTable(_Table):
    units: Words = Field(min_length=1)
    rate_units: Words
    money_units: Words
    money_class_nouns: Words
    money_class_phrase: Regex
    unit_blockers: dict[str, Words]
    per_units: Words
    bundle_nouns: Words
    chinese_digits: dict[str, int]
    chinese_multipliers: dict[str, int]
    percent_prefix: str
    range_separators: Words
    bounds_after: dict[str, Bound]
    bounds_after_closing: dict[str, Bound]
    time_units: Words
    bounds_before: dict[str, Bound]
    bound_verbs: Words
    bounds_over_clause: Words
    bounds_approx: dict[str, Bound]
    change: ChangeWords
    fillers: Words
    distributors: Words
    list_tail: Regex
    enumeration: Words
    commitment: CommitmentWords
    commitment_false: Regex
    metric_lead: Words
    clause_openers: Words
    run_in_year: Regex
    examples_end: Regex
    scope_prefixes: Words
    lead_year: Regex
    non_target: NonTarget
    sentence_ends: Words
    commitment_scope_breaks: Words
    clause_ends: Words
    object_ends: Words
    max_phrase_chars: int
    chinese_figure_cues: Words

    @model_validator(mode="after")
    def _comparators_have_bounds(self) -> TargetsTable:
        missing = [w for w in self.bounds_over_clause if w not in self.bounds_before]
        if missing:
            raise ValueError(f"bounds_over_clause words with no bound in bounds_before: {', '.join(missing)}")
        return self


# --- taskforce.yaml, task_columns.yaml ---------------------------------------------------------


def _has_v(pattern: str) -> str:
    if "v" not in _named_groups(pattern):
        raise ValueError("a task-force pattern needs the named group (?P<v>…)")
    return pattern


ValuePattern = Annotated[Regex, AfterValidator(_has_v)]


class TaskforceTable(_Table):
    name: ValuePattern
    convener: list[ValuePattern]
    executive_deputy: list[ValuePattern]
    deputies: list[ValuePattern]
    label_lines: Regex
    holder_tail: Regex
    members: list[ValuePattern]
    office: ValuePattern


class TaskColumnsTable(_Table):
    columns: dict[Literal["number", "task", "content", "lead", "support", "responsible", "deadline"], Words]
    max_header_chars: int


# --- html_body.yaml, encodings.yaml, metric_synonyms.yaml --------------------------------------


class HtmlBodyTable(_Table):
    body_selectors: Words
    min_share_of_largest: float
    block_containers: Words


class EncodingsTable(_Table):
    common: str
    min_common_share: float
    min_non_ascii: int
    lossy_indent_min_lines: int


class MetricSynonymsTable(_Table):
    place_levels: Words
    place_qualifiers: Words
    leading_words: Words
    particles: Words = Field(default_factory=list)
    synonyms: dict[str, str] = Field(default_factory=dict)
    share_markers: Words = Field(default_factory=list)
    share_suffixes: Words = Field(default_factory=list)
    distinct_groups: list[Words] = Field(default_factory=list)
    title_genre_words: Words = Field(default_factory=list)


# --- repairs.yaml ------------------------------------------------------------------------------


class LostHead(_Table):
    name: str
    kind: Literal["lost_head"]


class LostMiddle(_Table):
    name: str
    kind: Literal["lost_middle"]
    min_lost: int = Field(ge=1)
    max_lost: int = Field(ge=1)
    keep_head: int = Field(ge=2)
    names: Literal["all", "overlays"] = "all"


class RepairsTable(_Table):
    units: list[Annotated[LostHead | LostMiddle, Field(discriminator="kind")]]


# --- units/*.yaml ------------------------------------------------------------------------------


class SectorDepartment(_Table):
    """A sector's department written generically: [prefix] sector ending (县级教育行政部门)."""

    prefixes: Words
    endings: Words = Field(min_length=1)
    sectors: Words = Field(default_factory=list)


class UnitsTable(_Table):
    """The general layer (levels … as_written) or a jurisdiction's overlay (jurisdiction … units)."""

    levels: Words = Field(default_factory=list)
    suffixes: Words = Field(default_factory=list)
    groups: list[Regex] = Field(default_factory=list)
    group_words: Words = Field(default_factory=list)  # a group name holds one of these (none: no test)
    lead_ins: Words = Field(default_factory=list)
    zone_words: Words = Field(default_factory=list)
    name_starts: Words = Field(default_factory=list)
    min_run_chars: int | None = Field(default=None, ge=2)
    sector_department: SectorDepartment | None = None
    local: Aliases = Field(default_factory=dict)
    party: Aliases = Field(default_factory=dict)
    as_written: Aliases = Field(default_factory=dict)
    jurisdiction: str | None = None
    match: Words = Field(default_factory=list)
    level: str | None = None
    units: Aliases = Field(default_factory=dict)
    # an overlay's own conventions (records as in conventions.yaml) and page chrome (line patterns as
    # segment.yaml `chrome`), added to the general ones where the overlay applies
    conventions: list[Convention] = Field(default_factory=list)
    chrome: list[Regex] = Field(default_factory=list)

    @model_validator(mode="after")
    def _layer(self) -> UnitsTable:
        if self.jurisdiction is not None:  # an overlay: chosen by `match`, levelled by `level`
            missing = [k for k in ("match", "level", "units") if not getattr(self, k)]
        else:  # the general layer
            missing = [k for k in ("levels", "suffixes", "local") if not getattr(self, k)]
        if missing:
            raise ValueError(f"{'an overlay' if self.jurisdiction else 'the general layer'} needs {', '.join(missing)}")
        return self


# The schema of every table the package ships, by table name (the unit tables share one).
SCHEMAS: dict[str, type[_Table]] = {
    "markers.yaml": MarkersTable,
    "clauses.yaml": ClausesTable,
    "conventions.yaml": ConventionsTable,
    "segment.yaml": SegmentTable,
    "roles.yaml": RolesTable,
    "titles.yaml": TitlesTable,
    "targets.yaml": TargetsTable,
    "taskforce.yaml": TaskforceTable,
    "task_columns.yaml": TaskColumnsTable,
    "html_body.yaml": HtmlBodyTable,
    "encodings.yaml": EncodingsTable,
    "metric_synonyms.yaml": MetricSynonymsTable,
    "repairs.yaml": RepairsTable,
    "units/*.yaml": UnitsTable,
}
assert set(SCHEMAS) == set(TABLE_NAMES), "rules/__init__.TABLE_NAMES and SCHEMAS must name the same tables"


def _where(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a path into the table: ("grammar", "forms", 3) → grammar.forms[3]."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith("function-"):
            out += f".{part}" if out else str(part)
    return out or "(top)"


def _message(name: str, exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    msg = str(first["msg"]).removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"rules/{name}: {_where(tuple(first['loc']))}: {msg}{more}"


def validate_table(name: str, data: Any) -> _Table:
    """`data` (a table as YAML gives it) checked against the schema of table `name`; TableError
    with a one-line message naming the table and the place of the problem."""
    schema = SCHEMAS[schema_key(name)]
    if not isinstance(data, dict):
        raise TableError(f"rules/{name}: (top): the table is not a mapping")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise TableError(_message(name, exc)) from None


def shipped_tables() -> list[str]:
    """The name of every table file the package ships."""
    return sorted({*(n for n in TABLE_NAMES if "*" not in n), *table_names("units")})


def check_all() -> list[str]:
    """Validate every shipped table (and any table file without a schema); the problems, one a line."""
    problems: list[str] = []
    for name in shipped_tables():
        try:
            validate_table(name, load_table(name))
        except TableError as exc:
            problems.append(str(exc))
    problems.extend(f"rules/{n}: no schema for this table" for n in unschematized_tables())
    return problems


def unschematized_tables(root: Traversable | None = None) -> list[str]:
    """Table files in the package's rules folder (or `root`) that no schema covers."""
    if root is None:
        root = resources.files(__package__)
    found = [e.name for e in root.iterdir() if e.name.endswith(".yaml")]
    found += [f"{d.name}/{e.name}" for d in root.iterdir() if d.is_dir() for e in d.iterdir()
              if e.name.endswith(".yaml")]
    out = []
    for name in sorted(found):
        try:
            schema_key(name)
        except TableError:
            out.append(name)
    return out


def main() -> int:
    """``python -m qigong_parse.rules.schema``: validate every shipped table; exit 1 on a problem."""
    problems = check_all()
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"rules: {len(shipped_tables())} tables valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
