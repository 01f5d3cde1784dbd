"""Coverage: what a parse did not understand, computed from the parse itself.

Run after extraction, on the finished parts: heading-like lines left inside node texts and
preambles, bracketed duty clauses no responsibility accounts for, figures with a unit that became
no target, and where the characters went (parts, head, unassigned). The document-level warnings
`no-outline` and `head-heavy` say when a document was visibly not understood.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import regex

from ..model.ir import CoverageFacts, Extraction, NodeTree, PartFacts, PartTree
from ..model.kinds import Span
from ..model.records import Coverage, DocumentCoverage, Notice, ParseWarning, Unassigned
from ..rules import load_table
from ..rules.markers import marker_prefix
from ..run_cache import HOLD_GIL, compiled
from ..text.lines import BLANK, content_lines, split_lines
from .extract.clauses import bracket_spans, grammar
from .state import ParseState

MAX_SPANS = 50
_DIGIT = compiled(r"\d")
_BLANK_OR_BREAK = BLANK + "\n"


@cache
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    t = load_table("segment.yaml")
    figure = load_table("targets.yaml")["units"]
    units = "|".join(regex.escape(u) for u in sorted(figure, key=len, reverse=True))
    return (compiled(marker_prefix("heading_like")), compiled(t["clause_aside"]),
            compiled(rf"(?<![\d.])\d+(?:\.\d+)?\s?(?:{units})"))


def coverage_of(state: ParseState, parts: Sequence[PartTree], facts: Extraction, notice: Notice | None,
                unassigned: Sequence[Unassigned]) -> CoverageFacts:
    """The coverage block of each part and of the document, and the coverage warnings."""
    norm = state.norm
    covs = tuple(_part_coverage(p, f, norm) for p, f in zip(parts, facts.parts, strict=True))
    head = 0
    if notice is not None:
        head = sum(s[1] - s[0] for s in (notice.span, notice.attachments_span, notice.signature_span)
                   if s is not None)
    total = DocumentCoverage(
        heading_lines=sum(c.heading_lines for c in covs),
        unattributed_clauses=sum(c.unattributed_clauses for c in covs),
        figures_without_target=sum(c.figures_without_target for c in covs),
        heading_line_spans=[s for c in covs for s in c.heading_line_spans][:MAX_SPANS],
        unattributed_clause_spans=[s for c in covs for s in c.unattributed_clause_spans][:MAX_SPANS],
        chars_in_parts=sum(p.span[1] - p.span[0] for p in parts),
        chars_in_head=head,
        chars_unassigned=sum(u.span[1] - u.span[0] for u in unassigned),
    )
    return CoverageFacts(parts=covs, document=total, warnings=tuple(_document_warnings(parts, total, norm)))


def _part_coverage(part: PartTree, facts: PartFacts, norm: str) -> Coverage:
    heading, aside, figure = _patterns()
    cue = grammar().cue
    heading_spans: list[Span] = []
    clause_spans: list[Span] = []
    figures = 0
    nodes = list(part.walk())
    regions: list[tuple[Span, int | None]] = [(n.span, i) for i, n in enumerate(nodes)]
    if part.preamble_span is not None:
        regions.append((part.preamble_span, None))
    for (start, end), i in regions:
        node: NodeTree | None = nodes[i] if i is not None else None
        own_start = node.title_span[1] if node is not None else start
        for cstart, content in _lines_after(norm, own_start, end):
            if heading.match(content, None, None, HOLD_GIL):
                heading_spans.append((cstart, cstart + len(content)))
        if node is None or i is None or node.origin == "table":
            continue
        a0, b0 = node.own_region
        r = facts.duties[i]
        for a, b in facts.brackets[i] if facts.brackets else bracket_spans(norm, a0, b0):
            content = norm[a:b]
            if not cue.search(content) or aside.search(content, None, None, HOLD_GIL):
                continue
            if r is None or r.span is None or not (r.span[0] <= b and a <= r.span[1]):
                clause_spans.append((a - 1, b + 1))
        # a figure starts with a digit: a text with none has no figure (one fast scan, where the
        # figure pattern's lookbehind is tried at every position)
        if _DIGIT.search(norm, a0, b0, HOLD_GIL) is not None:
            figures += _outside_spans([m.start() for m in figure.finditer(norm, a0, b0, False, HOLD_GIL)],
                                      sorted(t.span for t in facts.targets[i]))
    return Coverage(heading_lines=len(heading_spans), unattributed_clauses=len(clause_spans),
                         figures_without_target=figures, heading_line_spans=heading_spans[:MAX_SPANS],
                         unattributed_clause_spans=clause_spans[:MAX_SPANS])


def _lines_after(norm: str, start: int, end: int) -> list[tuple[int, str]]:
    """The lines of `content_lines(norm, start, end)` whose content starts after `start`.

    Most node texts are one line: their first line's content starts at `start` unless blanks
    stand there, and nothing but blanks and breaks follows its break: no line then, and no split."""
    nl = norm.find("\n", start, end)
    if (start >= end or norm[start] not in BLANK) and (nl < 0 or not norm[nl + 1:end].strip(_BLANK_OR_BREAK)):
        return []
    return [(cstart, content) for cstart, content in content_lines(norm, start, end) if cstart > start]


def _outside_spans(positions: list[int], spans: list[Span]) -> int:
    """How many of the (ascending) positions lie in none of the sorted spans; linear in both."""
    count, k, reach = 0, 0, -1
    for pos in positions:
        while k < len(spans) and spans[k][0] <= pos:
            reach = max(reach, spans[k][1])
            k += 1
        count += pos >= reach
    return count


def _document_warnings(parts: Sequence[PartTree], total: DocumentCoverage, norm: str) -> list[ParseWarning]:
    heading = _patterns()[0]
    out: list[ParseWarning] = []
    # Counted only when no part has a node: the whole text's line index is a few bytes per character.
    headings = 0 if any(p.nodes for p in parts) else sum(
        1 for ln in split_lines(norm) if ln.content and heading.match(ln.content, None, None, HOLD_GIL))
    if headings >= 3:
        out.append(ParseWarning(code="no-outline", message=f"{headings} lines start like numbered headings, "
                                     "yet no part has a node: the document's structure was not understood"))
    chars = len(norm)
    if chars >= 2000 and total.chars_in_head > chars / 2:
        out.append(ParseWarning(code="head-heavy", message=f"{total.chars_in_head} of {chars} characters landed "
                                     "in the notice head: the body was probably not found"))
    return out
