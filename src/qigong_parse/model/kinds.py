"""The output's closed vocabularies and plain types, without pydantic: what the records
(`records`), the stages and the output models (`output`) share.

Defined here once; `output` builds its validated types on them.
"""

from __future__ import annotations

from typing import Literal, get_args

SCHEMA_VERSION = "1.1"  # 1.1: the additive `coverage` blocks and Notice.signature_span/form

Span = tuple[int, int]  # [start, end) offsets into the decoded text (validated in `output.Span`)

Role = Literal["goals", "tasks", "mechanism", "other"]
# The input formats and the roles a unit takes in a responsibility.
Format = Literal["text", "html", "docx", "pdf", "ofd"]
FORMATS: tuple[Format, ...] = get_args(Format)
UnitRole = Literal["lead", "support", "joint"]
UNIT_ROLES: tuple[UnitRole, ...] = get_args(UnitRole)
Change = Literal["increase", "decrease", "level"]
Bound = Literal[">=", "<=", "~", ">", "="]
Commitment = Literal["hard", "soft", "plain"]
PartKind = Literal["general_plan", "annex"]
Origin = Literal["outline", "table"]  # where a node came from: the outline, or a task table's row
NoticeForm = Literal["covering", "forwarding", "direct"]
