"""The typed data of the pipeline and of the YAML output: the single source of truth.

The output contract (keys and their meaning) is described in the README; `qigong schema`
prints the JSON Schema generated from these models. Offsets are character offsets into the
decoded text (`Source.chars` long), half-open: ``[start, end)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from .warnings import check_code

SCHEMA_VERSION = "1.1"  # 1.1: the additive `coverage` blocks and Notice.signature_span/form
# Additive changes bump the minor; a reader of 1.x accepts every 1.x file and refuses another major.
SCHEMA_MAJOR = 1
SCHEMA_ID = "urn:qigong-parse:schema:document:1"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _check_schema_version(value: str) -> str:
    major, _, minor = value.partition(".")
    if major != str(SCHEMA_MAJOR) or not minor.isdigit():
        raise ValueError(f"schema_version {value!r} is not supported: this qigong reads {SCHEMA_MAJOR}.x files")
    return value


def _check_span(span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    if start < 0 or end < start:
        raise ValueError(f"span [{start}, {end}] is not a valid [start, end) range")
    return span


Span = Annotated[
    tuple[int, int],
    AfterValidator(_check_span),
    Field(description="[start, end) offsets into the decoded text"),
]

Role = Literal["goals", "tasks", "mechanism", "other"]
# The input formats and the roles a unit takes in a responsibility: defined here once.
Format = Literal["text", "html", "docx", "pdf", "ofd"]
FORMATS: tuple[Format, ...] = get_args(Format)
UnitRole = Literal["lead", "support", "joint"]
UNIT_ROLES: tuple[UnitRole, ...] = get_args(UnitRole)
Change = Literal["increase", "decrease", "level"]
Bound = Literal[">=", "<=", "~", ">", "="]
Commitment = Literal["hard", "soft", "plain"]
PartKind = Literal["general_plan", "annex"]
Origin = Literal["outline", "table"]  # where a node came from: the outline, or a task table's row


# The slot BaseModel keeps the set in (pydantic 2.x); without it (another pydantic) nothing is changed.
_FIELDS_SET_SLOT: Any = BaseModel.__dict__.get("__pydantic_fields_set__")
_SHARED_FIELDS_SETS: dict[frozenset[str], frozenset[str]] = {}
_SHARE_FIELDS_SETS = hasattr(_FIELDS_SET_SLOT, "__set__")  # the models keep the set through `_FieldsSet`


class _FieldsSet:
    """`__pydantic_fields_set__` kept as a frozenset shared by every instance that set the same
    fields, until something reads it: then that instance gets its own `set`, as pydantic made it.

    A parse builds thousands of models and never reads the set, which cost ~730 B each (more than
    the model's `__dict__`); `model_fields_set`, `model_copy`, `exclude_unset`, assignment and
    pickling read it through this descriptor and see a private mutable set, as before.
    """

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = _FIELDS_SET_SLOT.__get__(obj, owner)
        if type(value) is frozenset:
            value = set(value)
            _FIELDS_SET_SLOT.__set__(obj, value)
        return value

    def __set__(self, obj: object, value: Any) -> None:
        if type(value) is set:
            key = frozenset(value)
            value = _SHARED_FIELDS_SETS.setdefault(key, key)
        _FIELDS_SET_SLOT.__set__(obj, value)


_REQUIRED = object()


def _new_list() -> list[Any]:
    """A field's empty list. `list` itself would do, but pydantic reads a factory's signature when
    it builds a schema, and a builtin's costs a parse of its text signature (`tokenize`, `ast`):
    ~8 ms of a cold `qigong validate` over the fields that have one. `made` calls `list` itself."""
    return []


class _Plan(NamedTuple):
    """How `made` fills a model's `__dict__`: every field in order with its default (`_REQUIRED`
    for a required field; a factory's field holds pydantic's undefined until its factory runs),
    the factories, the required fields; the shapes of the calls seen, by their keywords in order."""

    names: frozenset[str]
    defaults: dict[str, Any]
    factories: tuple[tuple[str, Callable[..., Any]], ...]
    required: tuple[str, ...]
    shapes: dict[tuple[str, ...], _Shape]


class _Shape(NamedTuple):
    """What `made` does for one sequence of keywords, all of them fields and every required one
    among them: whether they are every field in model order (then the keywords' dict is the
    model's `__dict__` as it is), the factories of the fields left out, the fields set."""

    whole: bool
    factories: tuple[tuple[str, Callable[..., Any]], ...]
    fields_set: frozenset[str]


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type[BaseModel]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        items = cls.__pydantic_fields__.items()
        plan = _Plan(
            names=frozenset(cls.__pydantic_fields__),
            defaults={name: _REQUIRED if info.default_factory is None and info.is_required() else info.default
                      for name, info in items},
            factories=tuple((name, list if info.default_factory is _new_list else info.default_factory)
                            for name, info in items if info.default_factory is not None),
            required=tuple(name for name, info in items if info.default_factory is None and info.is_required()),
            shapes={},
        )
        _PLANS[cls] = plan
    return plan


class Model(BaseModel):
    """Base: forbid unknown keys so `qigong validate` catches typos in hand-edited files.

    The schemas are built when first needed (`defer_build`): building all of them costs ~70 ms,
    which a parse does not need, since the parser builds its output with `made` and writes it with
    `plain`. Validation (`model_validate`, `qigong validate`, reading a file back) and
    `model_dump` build them on first use.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=False, defer_build=True)
    if _SHARE_FIELDS_SETS:
        __pydantic_fields_set__ = _FieldsSet()
    # Fields left out of the output when None (Node.page: text, HTML and DOCX have no pages).
    _omit_if_none: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def made(cls, **fields: Any) -> Self:
        """The model of values the parser built itself, already typed: not validated again.

        What `model_construct` does, without its alias handling (no field has one) and at a
        third of its cost. The check stage checks what the schema would (spans inside the text,
        registered warning codes); the tests validate every output they parse. An unknown field
        is a programming error and raises TypeError.
        """
        plan = _PLANS.get(cls) or _plan(cls)
        shape = plan.shapes.get(tuple(fields)) or _shape(cls, plan, fields)
        if shape.whole:  # a fresh dict (a call's keywords always are), in model order
            values = fields
        else:
            values = plan.defaults.copy()  # every field in order; the given values keep that order
            values.update(fields)
            for name, factory in shape.factories:
                values[name] = factory()
        model = cls.__new__(cls)
        _set_dict(model, values)
        if _SHARE_FIELDS_SETS:  # what the `_FieldsSet` descriptor would keep, without its call
            _set_fields_set(model, shape.fields_set)
        else:
            object.__setattr__(model, "__pydantic_fields_set__", set(fields))
        _set_extra(model, None)
        _set_private(model, None)
        return model


def _setter(name: str) -> Callable[[Any, Any], None]:
    """What `object.__setattr__(model, name, value)` does for a model: BaseModel's slot (or
    `__dict__`) descriptor called directly, or that call itself for a pydantic without one."""
    slot = BaseModel.__dict__.get(name)
    if hasattr(slot, "__set__"):
        return slot.__set__  # type: ignore[union-attr]
    return lambda model, value: object.__setattr__(model, name, value)


_set_dict = _setter("__dict__")
_set_fields_set = _setter("__pydantic_fields_set__")
_set_extra = _setter("__pydantic_extra__")
_set_private = _setter("__pydantic_private__")


def _shape(cls: type[BaseModel], plan: _Plan, fields: dict[str, Any]) -> _Shape:
    """The shape of a `made` call with these keywords, kept in `plan`; TypeError (nothing kept)
    for an unknown or a missing field."""
    if not fields.keys() <= plan.names:
        unknown = sorted(fields.keys() - cls.__pydantic_fields__.keys())
        raise TypeError(f"{cls.__name__}.made: unknown fields {unknown}")
    for name in plan.required:
        if name not in fields:
            raise TypeError(f"{cls.__name__}.made: missing field {name!r}")
    key = frozenset(fields)
    shape = _Shape(
        whole=tuple(fields) == tuple(plan.defaults),
        factories=tuple((name, factory) for name, factory in plan.factories if name not in fields),
        fields_set=_SHARED_FIELDS_SETS.setdefault(key, key),
    )
    plan.shapes[tuple(fields)] = shape
    return shape


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """JSON-like data of a model, as `model_dump(mode="json")` gives it, without building the
    serializer (~70 ms of schema building on a cold start): fields in model order, tuples as lists,
    dates as ISO strings. The tests hold the two equal over every output they parse.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALARS else plain(v) for v in value]
    if isinstance(value, Model):
        omit = value._omit_if_none
        fields = value.__dict__
        out: dict[str, Any] = {}
        for name in _plan(kind).defaults:  # the fields in model order
            item = fields[name]
            if type(item) in _SCALARS:
                if item is None and name in omit:
                    continue
                out[name] = item
            else:
                out[name] = plain(item)
        return out
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Source(Model):
    """What was read."""

    file: str = Field(description="the input's name as given (no absolute path)")
    sha256: str = Field(description="SHA-256 of the raw bytes")
    encoding: str = Field(description="detected or given encoding")
    chars: int = Field(ge=0, description="length of the decoded text that offsets refer to")
    format: Format = "text"


class Attachment(Model):
    """One entry of the notice's announced 附件 list."""

    index: int = Field(ge=1)
    title: str


class Notice(Model):
    """The covering notice (通知) head."""

    issuer: str | None = None
    title: str | None = None
    doc_number: str | None = None
    date: dt.date | None = None
    recipients: list[str] = Field(default_factory=_new_list)
    attachments: list[Attachment] = Field(default_factory=_new_list)
    span: Span = Field(description="the head: from its first line to the signature date")
    attachments_span: Span | None = Field(
        default=None, description="the 附件 list when it stands apart from the head"
    )
    signature_span: Span | None = Field(
        default=None, description="a directly issued document's signature and date, after its body"
    )
    form: Literal["covering", "forwarding", "direct"] | None = Field(
        default=None, description="covering (印发…的通知), forwarding (转发/批转…) or direct (意见, 决定, 批复 …)"
    )


class Responsibility(Model):
    """Who is responsible for a node: canonical unit names plus the clause as written."""

    lead: list[str] = Field(default_factory=_new_list)
    support: list[str] = Field(default_factory=_new_list)
    joint: list[str] = Field(default_factory=_new_list, description="units named with no lead")
    raw: str = Field(description="the clause as written")
    span: Span | None = None


class Target(Model):
    """One quantified commitment found in a node's own title or text."""

    quote: str = Field(description="exact substring of the decoded text")
    span: Span
    metric: str = Field(description="the measured thing, as worded")
    change: Change
    value: float
    value_max: float | None = Field(default=None, description="upper end of a range")
    unit: str = Field(description="as written: %, 个百分点, 家, 万亩, 亿元 …")
    bound: Bound
    aspirational: bool = Field(default=False, description="力争 / 争取 / 努力")
    commitment: Commitment = Field(
        default="plain", description="hard (确保/必须), soft (力争/争取), plain; soft exactly when aspirational"
    )
    commitment_span: Span | None = Field(
        default=None, description="the commitment word (力争, 确保 …) when it stands outside the quote"
    )
    commitment_word: str | None = Field(
        default=None, description="that word as written, so a reader of the YAML alone sees why"
    )

    @model_validator(mode="before")
    @classmethod
    def _derive_commitment(cls, data: object) -> object:
        # One place ties the two: `aspirational` is the stored truth for soft; `commitment` follows it.
        if isinstance(data, dict):
            if "commitment" not in data and "aspirational" in data:
                data = {**data, "commitment": "soft" if data["aspirational"] is True else "plain"}
            elif "aspirational" not in data and "commitment" in data:
                data = {**data, "aspirational": data["commitment"] == "soft"}
        return data

    @model_validator(mode="after")
    def _commitment_agrees(self) -> Target:
        if self.aspirational != (self.commitment == "soft"):
            raise ValueError(f"commitment {self.commitment!r} contradicts aspirational {self.aspirational}: "
                             "a target is soft exactly when it is aspirational")
        return self


class TaskForce(Model):
    """The standing group (工作专班) a part sets up in its mechanism section."""

    name: str | None = None
    convener: str | None = Field(default=None, description="召集人")
    executive_deputy: str | None = Field(default=None, description="常务副召集人")
    deputies: list[str] = Field(default_factory=_new_list, description="副召集人")
    members: list[str] = Field(default_factory=_new_list, description="canonical unit names")
    office: str | None = Field(default=None, description="办公室设在")
    raw: str = ""
    span: Span | None = None


class Node(Model):
    """One numbered heading or item of the outline."""

    path: list[str] = Field(description='intended numbering from the root, e.g. ["二", "(一)", "1"]')
    marker: str = Field(description='the marker exactly as the source has it ("" when lost)')
    damaged: bool = False
    role: Role = "other"
    title: str = Field(
        description="heading words after the marker, punctuation normalized (fullwidth → ASCII); "
        "title_span gives the exact source"
    )
    text: str = Field(default="", description="own text after the title, children excluded, as written")
    span: Span = Field(description="the node's own extent: marker, title and text, children excluded")
    title_span: Span
    origin: Origin = Field(
        default="outline", description="a numbered heading, or a row of a task table (任务分解表)"
    )
    responsibility: Responsibility | None = None
    targets: list[Target] = Field(default_factory=_new_list)
    children: list[Node] = Field(default_factory=_new_list)
    page: int | None = Field(default=None, ge=1, description="the page the node starts on (PDF, OFD)")

    _omit_if_none: ClassVar[frozenset[str]] = frozenset({"page"})

    @model_serializer(mode="wrap")
    def _omit_unknown_page(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Text, HTML and DOCX have no pages: their output carries no page key at all.
        data: dict[str, Any] = handler(self)
        for name in self._omit_if_none:
            if data.get(name, 0) is None:
                del data[name]
        return data

    def walk(self) -> list[Node]:
        """This node and all its descendants, in reading order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


class Coverage(Model):
    """What the parse did not understand, measured from the parse itself (schema 1.1, additive).

    `heading_lines`: lines that start like an outline heading (一、 （一） 1. （1） …) but stayed inside
    a node's text or a preamble; `unattributed_clauses`: brackets holding a duty word (负责, 牵头,
    责任单位 …) that no responsibility of their node accounts for; `figures_without_target`: a number
    with a unit in a node's text that became no target. Each list gives the spans (at most 50).
    """

    heading_lines: int = 0
    unattributed_clauses: int = 0
    figures_without_target: int = 0
    heading_line_spans: list[Span] = Field(default_factory=_new_list)
    unattributed_clause_spans: list[Span] = Field(default_factory=_new_list)


class DocumentCoverage(Coverage):
    """The document's coverage: the part counts summed, and where its characters went."""

    chars_in_parts: int = 0
    chars_in_head: int = Field(default=0, description="the notice head, its 附件 list and signature")
    chars_unassigned: int = Field(default=0, description="page chrome, front matter, colophon")


class Part(Model):
    """The general plan or one annex."""

    id: str = Field(description="general | annex-1 … annex-N")
    kind: PartKind
    annex_no: int | None = None
    title: str | None = None
    span: Span = Field(description="the whole part")
    head_span: Span | None = Field(default=None, description="the 附件N line and the title")
    preamble: str = ""
    preamble_span: Span | None = None
    targets: list[Target] = Field(default_factory=_new_list, description="targets in the preamble")
    nodes: list[Node] = Field(default_factory=_new_list)
    task_force: TaskForce | None = None
    coverage: Coverage | None = None

    def walk(self) -> list[Node]:
        """All nodes of the part in reading order."""
        out: list[Node] = []
        for node in self.nodes:
            out.extend(node.walk())
        return out


class Unassigned(Model):
    """Text outside the document (web-page chrome, stray lines), kept and reported."""

    span: Span
    text: str
    reason: str = "outside-document"


class ParseWarning(Model):
    """A repair or a doubt the parser wants a reader to know about.

    Built by the parser, its code must be registered (model/warnings.py); a file read back with
    ``context=READING`` may hold any code, so that a 1.x reader accepts a later 1.x file.
    """

    code: str
    part: str | None = None
    path: list[str] | None = None
    message: str
    span: Span | None = None

    @classmethod
    def made(cls, **fields: Any) -> Self:
        """A warning of the parser's: its code must be registered, as validation would insist; a
        node path given as a tuple (the tree keeps them so) becomes the list the schema has."""
        check_code(fields["code"])
        if type(fields.get("path")) is tuple:
            fields["path"] = list(fields["path"])
        return super().made(**fields)

    @field_validator("code")
    @classmethod
    def _registered(cls, code: str, info: ValidationInfo) -> str:
        if info.context and info.context.get("any_warning_code"):
            return code
        return check_code(code)


# Validation context for reading a document back from a file (any warning code is accepted).
READING: dict[str, Any] = {"any_warning_code": True}


class Document(Model):
    """One parsed notice: the root of the YAML output."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=False,
        json_schema_extra={"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_ID},
    )

    schema_version: Annotated[str, AfterValidator(_check_schema_version)] = Field(
        default=SCHEMA_VERSION, json_schema_extra={"pattern": r"^1\.[0-9]+$"},
        description="major.minor; additive changes bump the minor, readers accept every 1.x")
    source: Source
    notice: Notice | None = None
    parts: list[Part] = Field(default_factory=_new_list)
    unassigned: list[Unassigned] = Field(default_factory=_new_list)
    warnings: list[ParseWarning] = Field(default_factory=_new_list)
    coverage: DocumentCoverage | None = None

    @model_validator(mode="after")
    def _spans_inside_text(self) -> Document:
        limit = self.source.chars
        for part in self.parts:
            if part.span[1] > limit:
                raise ValueError(f"part {part.id} span {list(part.span)} ends past the text ({limit} chars)")
            for node in part.walk():
                if node.span[1] > limit:
                    raise ValueError(f"node {node.path} of {part.id} ends past the text ({limit} chars)")
        return self

    def part(self, part_id: str) -> Part | None:
        """The part with this id, if any."""
        return next((p for p in self.parts if p.id == part_id), None)


# --- Intermediate results passed between stages (not part of the YAML output) ---------------
# Plain dataclasses: the stages build them from validated pieces, and building pydantic classes
# for them would cost start-up time for no check the output models do not already make.


@dataclass(frozen=True, kw_only=True, slots=True)
class DecodedText:
    """What `read.decode` returns: the text every offset refers to, and how it was obtained."""

    text: str
    encoding: str
    format: Format = "text"
    outside: list[tuple[int, int]] = field(default_factory=_new_list)  # spans known to be site chrome
    # (start, end, reason) of outside spans with a reason of their own ("page number", "page header")
    labelled: list[tuple[int, int, str]] = field(default_factory=_new_list)
    page_starts: list[int] = field(default_factory=_new_list)  # offset where each page's text starts (PDF, OFD)
    notes: list[tuple[str, str]] = field(default_factory=_new_list)  # (warning code, message) from reading


class PartSlice(NamedTuple):
    """Where segmentation found a part: its head (附件N line and title) and its body (a named
    tuple: a class is five times cheaper to create than a frozen dataclass, see model/ir.py)."""

    id: str
    kind: PartKind
    span: tuple[int, int]
    body_start: int
    annex_no: int | None = None
    title: str | None = None
    head_span: tuple[int, int] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Segmentation:
    """What `segment` returns: the notice head, the parts, the text outside the document."""

    notice: Notice | None = None
    parts: list[PartSlice] = field(default_factory=_new_list)
    unassigned: list[Unassigned] = field(default_factory=_new_list)
    warnings: list[ParseWarning] = field(default_factory=_new_list)
