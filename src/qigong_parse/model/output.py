"""The typed data of the pipeline and of the YAML output: the single source of truth.

The output contract (keys and their meaning) is described in the README; `qigong schema`
prints the JSON Schema generated from these models. Offsets are character offsets into the
decoded text (`Source.chars` long), half-open: ``[start, end)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, get_args

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

from .kinds import (  # noqa: F401  (re-exported: imported from here)
    FORMATS,
    SCHEMA_VERSION,
    UNIT_ROLES,
    Bound,
    Change,
    Commitment,
    Format,
    NoticeForm,
    Origin,
    PartKind,
    Role,
    UnitRole,
)
from .plain import plain  # noqa: F401  (re-exported)
from .warnings import check_code

if TYPE_CHECKING:
    from . import records

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


def _new_list() -> list[Any]:
    """A field's empty list. `list` itself would do, but pydantic reads a factory's signature when
    it builds a schema, and a builtin's costs a parse of its text signature (`tokenize`, `ast`):
    ~8 ms of a cold `qigong validate` over the fields that have one."""
    return []


class Model(BaseModel):
    """Base: forbid unknown keys so `qigong validate` catches typos in hand-edited files.

    The schemas are built when first needed (`defer_build`): building all of them costs ~70 ms,
    which a parse does not need, since the parser builds records (`model.records`, generated from
    these classes), `from_record` turns them into models without validating them again, and
    `plain` writes either. Validation (`model_validate`, `qigong validate`, reading a file back)
    and `model_dump` build the schemas on first use.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=False, defer_build=True)
    if _SHARE_FIELDS_SETS:
        __pydantic_fields_set__ = _FieldsSet()
    # Fields left out of the output when None (Node.page: text, HTML and DOCX have no pages).
    _omit_if_none: ClassVar[frozenset[str]] = frozenset()


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
    form: NoticeForm | None = Field(
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


# --- The output models of a parse's records ---------------------------------------------------

# record class → (its model, the fields that hold records, the fields set of every model made)
_CONVERSIONS: dict[type, tuple[type[Model], tuple[str, ...], frozenset[str]]] = {}


def from_record(record: records.Document) -> Document:
    """The output models of a parse's records (`model.records`), built once, at the end.

    Not validated again, as `made` is not (the check stage checked the records). Each model takes
    its record's field dict as its own (a parse's records serve that parse alone), with the nested
    records replaced by their models; every field counts as set, as in a document read back.
    """
    return _model_of(record, {})  # type: ignore[return-value]


def _model_of(record: Any, seen: dict[int, Model]) -> Model:
    done = seen.get(id(record))
    if done is not None:  # one model for a record the tree holds twice
        return done
    kind = type(record)
    model_class, nested, fields_set = _CONVERSIONS.get(kind) or _conversion(kind)
    values = record.__dict__
    for name in nested:
        value = values[name]
        if type(value) is list:
            values[name] = [_model_of(item, seen) for item in value]
        elif value is not None:
            values[name] = _model_of(value, seen)
    model = model_class.__new__(model_class)
    _set_dict(model, values)
    if _SHARE_FIELDS_SETS:
        _set_fields_set(model, fields_set)
    else:
        object.__setattr__(model, "__pydantic_fields_set__", set(fields_set))
    _set_extra(model, None)
    _set_private(model, None)
    seen[id(record)] = model
    return model


def _conversion(kind: type) -> tuple[type[Model], tuple[str, ...], frozenset[str]]:
    """How a record class becomes its model: the model of the same name (gen_records wrote the
    record from it) and the fields whose type names another model."""
    model_class = globals().get(kind.__name__)
    if not (isinstance(model_class, type) and issubclass(model_class, Model)) or \
            tuple(model_class.__pydantic_fields__) != getattr(kind, "_record_fields", None):
        raise TypeError(f"from_record: {kind.__qualname__} is not the record of an output model")
    nested = tuple(name for name, info in model_class.__pydantic_fields__.items() if _names_a_model(info.annotation))
    key = frozenset(model_class.__pydantic_fields__)
    plan = (model_class, nested, _SHARED_FIELDS_SETS.setdefault(key, key))
    _CONVERSIONS[kind] = plan
    return plan


def _names_a_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return True
    return any(_names_a_model(arg) for arg in get_args(annotation))
