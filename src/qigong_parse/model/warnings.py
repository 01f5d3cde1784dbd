"""The registry of warning codes: every code a parse can report, the stage that reports it and what
it means. One place: ``ParseWarning`` refuses a code that is not here, a test proves every code the
package emits is here, and the README's "Warning codes" table is generated from it
(``python -m qigong_parse.model.warnings`` prints the table).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Stage = Literal["read", "segment", "outline", "extract", "coverage", "check"]


class WarningCode(NamedTuple):
    code: str
    stage: Stage
    meaning: str


_CODES = (
    WarningCode("repaired-encoding", "read",
                "byte sequences that do not decode in the reading used were read as U+FFFD "
                "(`--encoding-errors replace`)"),
    WarningCode("lossy-indentation", "read",
                "`?` runs at the start of many lines (a copy saved in a narrow code page) were read as indentation"),
    WarningCode("title-from-page", "segment", "the text has no title line; the title is the page heading"),
    WarningCode("damaged-doc-number", "segment", "the 文号 was damaged (brackets or 号 lost) and is read as restored"),
    WarningCode("damaged-date", "segment",
                "the signature date lost 年/月/日 (digits run together) and is read as given"),
    WarningCode("no-date", "segment", "no signature date was found"),
    WarningCode("head-from-front-matter", "segment",
                "a head field missing from the text (文号, issuer, date) is taken from repository front matter"),
    WarningCode("head-from-page", "segment", "a head field missing from the text (the 文号; with no head at all, the "
                "issuer, title and date) is taken from the page's metadata and heading"),
    WarningCode("no-title", "segment", "no plan title line was found; the part has no title"),
    WarningCode("duplicate-annex", "segment", "an annex number appears twice; the second is read as the next free one"),
    WarningCode("attachment-missing", "segment", "an annex announced in the 附件 list is not found in the text"),
    WarningCode("attachment-title-mismatch", "segment",
                "an annex's title differs from the one the 附件 list announces"),
    WarningCode("attachment-unannounced", "segment", "an annex of the text is not in the notice's 附件 list"),
    WarningCode("no-structure", "outline", "a part has no numbered headings and is kept as one block of text"),
    WarningCode("damaged-marker", "outline",
                "an outline marker lost a bracket, separator or number and is read as the style shown"),
    WarningCode("skipped-number", "outline", "the numbering of a level jumps (一、二、四、)"),
    WarningCode("inconsistent-marker", "outline", "a marker's separator differs from its siblings' (1. among 1、)"),
    WarningCode("lost-line-break", "outline", "a heading runs on after the end of the line before it"),
    WarningCode("title-cut", "outline",
                "a heading ran into its body (。 lost); the title is cut where the body starts"),
    WarningCode("damaged-title", "outline", "a section title looks truncated; its role is inferred"),
    WarningCode("unknown-unit", "extract", "a unit name the registry does not know is kept as written"),
    WarningCode("repaired-unit", "extract",
                "a damaged or truncated unit name is read as the one full name it can be (the message says which)"),
    WarningCode("no-outline", "coverage", "lines start like numbered headings, yet no part has a node"),
    WarningCode("head-heavy", "coverage",
                "most of a long text landed in the notice head: the body was probably not found"),
    WarningCode("invariant", "check", "a tiling or span invariant of the output is breached (a parser bug)"),
)

WARNING_CODES: dict[str, WarningCode] = {c.code: c for c in _CODES}


def check_code(code: str) -> str:
    """`code` when registered; ValueError otherwise."""
    if code not in WARNING_CODES:
        raise ValueError(f"unregistered warning code {code!r}: add it to model/warnings.py")
    return code


def markdown_table() -> str:
    """The README's table of warning codes."""
    rows = [f"| `{c.code}` | {c.stage} | {c.meaning} |" for c in _CODES]
    return "\n".join(["| code | stage | meaning |", "|---|---|---|", *rows]) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
