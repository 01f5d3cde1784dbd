"""Task tables (任务清单, 重点任务分解表): TAB-separated rows under a header naming the columns.

Tables reach the text as one row a line with TAB between cells (from HTML and DOCX readers, or a
text file copied from either). A header is a row whose short cells are column names of the genre
(data/task_columns.yaml); the rows run on while lines keep their TABs. An empty cell under a
vertically merged one takes the value above (``carried``); a row with one cell in the first
column (一、产业发展) is a group heading for the rows after it.

Turning rows into outline nodes is a loop::

    for table in find_task_tables(text, norm, start, end):
        for row in table.rows:
            ...  # row.number, row.task/row.task_span, row.lead, row.support, row.deadline
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from ..rules import load_table
from ..run_cache import compiled_re
from ..text.lines import split_lines

KINDS = ("number", "task", "content", "lead", "support", "responsible", "deadline")
_CARRIED_KINDS = ("task", "content", "lead", "support", "joint", "deadline")
_HEADER_NOISE = compiled_re(r"[\s()\[\]<>:*、/]+")
_PLAIN_NUMBER = compiled_re(r"\d+[.、]?")


class TaskRow(NamedTuple):
    """One row of a task table; text fields are sliced from the decoded text, stripped."""

    span: tuple[int, int]  # the row's line
    task: str  # the task column, or the content column when there is no task column
    task_span: tuple[int, int]
    number: str = ""
    content: str | None = None
    content_span: tuple[int, int] | None = None
    lead: str | None = None
    lead_span: tuple[int, int] | None = None
    support: str | None = None
    support_span: tuple[int, int] | None = None
    joint: str | None = None  # a 责任单位 column with no 牵头 column beside it: units named with no lead
    joint_span: tuple[int, int] | None = None
    deadline: str | None = None
    deadline_span: tuple[int, int] | None = None
    group: str | None = None  # the group heading row above, if any
    carried: tuple[str, ...] = ()  # fields taken from the row above


class TaskTable(NamedTuple):
    """A task table: its header (possibly two lines), the kind of each column, its rows."""

    span: tuple[int, int]
    header_span: tuple[int, int]
    columns: list[str]  # kind of each column: number, task, content, lead, support, deadline, or ''
    headers: list[str]  # the header cells as written
    rows: list[TaskRow]


class _Names(NamedTuple):
    exact: dict[str, str]
    by_length: tuple[tuple[str, str], ...]  # (name, kind), longest first
    max_chars: int


@cache
def _names() -> _Names:
    table = load_table("task_columns.yaml")
    exact: dict[str, str] = {}
    for kind, names in table["columns"].items():
        if kind not in KINDS:
            raise ValueError(f"task_columns.yaml: unknown column kind {kind!r}")
        for name in names:
            exact.setdefault(_HEADER_NOISE.sub("", name), kind)
    ordered = tuple(sorted(exact.items(), key=lambda item: -len(item[0])))
    return _Names(exact, ordered, int(table["max_header_chars"]))


def classify_header(cell: str) -> tuple[str, bool] | None:
    """The column kind a (normalized) header cell names and whether it is an exact name, or None."""
    names = _names()
    key = _HEADER_NOISE.sub("", cell)
    if not key or len(key) > names.max_chars:
        return None
    if key in names.exact:
        return names.exact[key], True
    for name, kind in names.by_length:
        if name in key:
            return kind, False
    return None


def _cells(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) of each TAB-separated cell of the line norm[start:end]."""
    spans, pos = [], start
    while True:
        tab = norm.find("\t", pos, end)
        if tab < 0:
            spans.append((pos, end))
            return spans
        spans.append((pos, tab))
        pos = tab + 1


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _header_kinds(norm: str, cells: list[tuple[int, int]], *, need_exact: int) -> list[str] | None:
    """Column kinds if the line's cells read as a header, else None."""
    kinds: list[str] = []
    exact = fuzzy = filled = 0
    for s, e in cells:
        cell = norm[s:e].strip()
        if not cell:
            kinds.append("")
            continue
        filled += 1
        found = classify_header(cell)
        if found is None:
            if len(_HEADER_NOISE.sub("", cell)) > _names().max_chars:
                return None  # a long cell is data
            kinds.append("")
            continue
        kinds.append(found[0])
        exact += found[1]
        fuzzy += not found[1]
    if exact < need_exact or (fuzzy and exact < 2) or (exact + fuzzy) * 2 < filled:
        return None
    return kinds


def _sub_header(norm: str, cells: list[tuple[int, int]]) -> list[str] | None:
    """Column kinds of a second header line: every filled cell a column name, else None."""
    kinds = _header_kinds(norm, cells, need_exact=1)
    if kinds is None:
        return None
    named = all(kind for kind, (s, e) in zip(kinds, cells, strict=True) if norm[s:e].strip())
    return kinds if named else None


def _is_task_header(kinds: list[str]) -> bool:
    present = set(kinds)
    return bool(present & {"task", "content"}) and bool(
        present & {"number", "lead", "support", "responsible", "deadline"})


def _lines(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """The table's lines: one per text line, except that a table flattened one cell per line (a row's
    first cell alone on its line, each further cell on a line of its own that starts with a TAB, as
    a page's innerText gives it) is joined back into one line per row."""
    out: list[tuple[int, int]] = []
    flattened = False  # the last line out opened (or continues) a row written one cell per line
    for line in split_lines(norm, start, end):
        cell_line = norm.startswith("\t", line.start) and norm.find("\t", line.start + 1, line.stop) < 0
        if cell_line and flattened and out and line.cend > line.cstart:
            out[-1] = (out[-1][0], line.stop)
            continue
        if line.cend > line.cstart:
            flattened = norm.find("\t", line.start, line.stop) < 0
        out.append((line.start, line.stop))
    return out


def _resolve(kinds: list[str]) -> list[str]:
    """Give 'responsible' columns their role: support beside a lead column, else joint (the units
    named, none of them named the lead)."""
    out = list(kinds)
    for i, kind in enumerate(out):
        if kind == "responsible":
            if "lead" not in out:
                out[i] = "joint"
            elif "support" not in out:
                out[i] = "support"
            else:
                out[i] = ""
    # a kind named twice keeps its first column (the second is usually a sub-heading repeat)
    seen: set[str] = set()
    for i, kind in enumerate(out):
        if kind in seen:
            out[i] = ""
        seen.add(kind)
    return out


def find_task_tables(text: str, norm: str, start: int, end: int) -> list[TaskTable]:
    """Task tables inside [start, end) of the decoded text, in reading order."""
    if norm.find("\t", start, end) < 0:
        return []
    lines = _lines(norm, start, end)
    tables: list[TaskTable] = []
    i = 0
    while i < len(lines):
        s, e = lines[i]
        if norm.find("\t", s, e) < 0:
            i += 1
            continue
        kinds = _header_kinds(norm, _cells(norm, s, e), need_exact=1)
        if kinds is None or not _is_task_header(_resolve(kinds)):
            i += 1
            continue
        header_start, header_end, j = s, e, i + 1
        # a second header line splits a merged heading (责任单位 → 牵头单位 | 配合单位)
        if j < len(lines) and norm.find("\t", *lines[j]) >= 0:
            below = _sub_header(norm, _cells(norm, *lines[j]))
            if below is not None:
                width = max(len(kinds), len(below))
                kinds = [b or a for a, b in zip(kinds + [""] * (width - len(kinds)),
                                                below + [""] * (width - len(below)), strict=True)]
                header_end, j = lines[j][1], j + 1
        columns = _resolve(kinds)
        table, j = _read_rows(text, norm, lines, j, columns)
        # Group headings (二、转型升级) between runs of rows: the same table goes on below them.
        while True:  # also right after the header: a table may open with a group heading
            k = _continuation(norm, lines, j, columns)
            if k is None:
                break
            more, j = _read_rows(text, norm, lines, k, columns)
            if not more:
                break
            table.extend(more)
        headers = [text[a:b].strip() for a, b in _cells(norm, header_start, lines[i][1])]
        table_end = table[-1].span[1] if table else header_end
        tables.append(TaskTable(span=(header_start, table_end), header_span=(header_start, header_end),
                                columns=columns, headers=headers, rows=table))
        i = j
    return tables


def _continuation(norm: str, lines: list[tuple[int, int]], j: int, columns: list[str]) -> int | None:
    """Index of the row line that goes on with a table after one or two short heading lines at
    `j`, or None: a row with as many cells as the header and a plain number in the number column."""
    k, headings = j, 0
    while k < len(lines):
        s, e = lines[k]
        content = norm[s:e].strip()
        if not content:
            k += 1
            continue
        if "\t" in norm[s:e]:
            break
        if len(content) > 30 or headings == 2:
            return None
        headings += 1
        k += 1
    if k >= len(lines) or not headings or "number" not in columns:
        return None
    cells = _cells(norm, *lines[k])
    first = norm[slice(*_strip(norm, *cells[columns.index("number")]))] if len(cells) > columns.index("number") else ""
    return k if len(cells) == len(columns) and _PLAIN_NUMBER.fullmatch(first) else None


def _read_rows(text: str, norm: str, lines: list[tuple[int, int]], j: int,
               columns: list[str]) -> tuple[list[TaskRow], int]:
    rows: list[TaskRow] = []
    above: dict[str, tuple[str, tuple[int, int]]] = {}
    group: str | None = None
    number_col = columns.index("number") if "number" in columns else -1
    while j < len(lines):
        s, e = lines[j]
        if not norm[s:e].strip():
            j += 1
            continue
        cells = _cells(norm, s, e)
        if len(cells) < 2:
            break
        if _header_kinds(norm, cells, need_exact=2) is not None:
            break  # the next table's header
        j += 1
        values: dict[str, tuple[str, tuple[int, int]]] = {}
        filled: list[int] = []
        for col, (cs, ce) in enumerate(cells):
            a, b = _strip(text, cs, ce)
            if a == b:
                continue
            filled.append(col)
            kind = columns[col] if col < len(columns) else ""
            if kind:
                values[kind] = (text[a:b], (a, b))
        if len(filled) == 1 and filled[0] == 0 and number_col == 0 and len(columns) > 2 \
                and not _PLAIN_NUMBER.fullmatch(norm[slice(*_strip(norm, *cells[0]))]):
            group = values["number"][0]
            above.clear()  # merged cells do not run across a group heading
            continue
        carried = [k for k in _CARRIED_KINDS if k not in values and k in above and k in columns]
        if "lead" in values and "support" in carried:
            carried.remove("support")  # a new lead cell starts a new merged block: its support is its own
        if not any(k in values for k in ("task", "content", "lead", "support", "joint", "deadline")):
            continue  # nothing of its own: a spill of a merged cell
        for kind in carried:
            values[kind] = above[kind]
        above.update(values)
        row = _row((s, e), values, group, carried, has_task="task" in columns)
        if row is not None:
            rows.append(row)
    return rows, j


def _row(span: tuple[int, int], values: dict[str, tuple[str, tuple[int, int]]], group: str | None, carried: list[str],
         *, has_task: bool) -> TaskRow | None:
    task = values.get("task") if has_task else values.get("content")
    if task is None:
        return None
    content = values.get("content") if has_task else None

    def get(kind: str) -> tuple[str | None, tuple[int, int] | None]:
        found = values.get(kind)
        return (found[0], found[1]) if found else (None, None)

    lead, lead_span = get("lead")
    support, support_span = get("support")
    joint, joint_span = get("joint")
    deadline, deadline_span = get("deadline")
    return TaskRow(span=span, number=values["number"][0] if "number" in values else "",
                   task=task[0], task_span=task[1],
                   content=content[0] if content else None, content_span=content[1] if content else None,
                   lead=lead, lead_span=lead_span, support=support, support_span=support_span,
                   joint=joint, joint_span=joint_span,
                   deadline=deadline, deadline_span=deadline_span, group=group,
                   carried=tuple(k for k in carried if k != "content" or has_task))
