"""A parsed notice as three flat tables (tasks, targets, task forces) in CSV, XLSX or JSON.

CSV is UTF-8 with a BOM so Excel (and WPS) open the Chinese correctly; XLSX has one sheet per
table with a frozen header and column widths that count CJK characters as two.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import OutputError, UsageError
from ..model.output import Document, Part, Target
from .diff import is_task, part_targets

ExportFormat = Literal["csv", "xlsx", "json"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "json")
LIST_SEP = "、"  # how lists of units read in one spreadsheet cell
MAX_WIDTH = 60
MIN_WIDTH = 6


@dataclass
class Table:
    """One exported table: a name (file stem / sheet name), column names, rows of cells."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def _path(path: list[str]) -> str:
    return "/".join(path)


def _target_words(t: Target) -> str:
    return t.quote


def task_rows(part: Part) -> list[dict[str, Any]]:
    """One row per task of the part: who leads, supports, shares it, and its targets."""
    rows = []
    for node in part.walk():
        if not is_task(node):
            continue
        r = node.responsibility
        rows.append({
            "part": part.id, "path": _path(node.path), "title": node.title,
            "lead": list(r.lead) if r else [], "support": list(r.support) if r else [],
            "joint": list(r.joint) if r else [],
            "targets": "; ".join(_target_words(t) for t in node.targets),
        })
    return rows


def target_rows(part: Part) -> list[dict[str, Any]]:
    """One row per target of the part (preamble targets have an empty path)."""
    return [{
        "part": part.id, "path": _path(path), "metric": t.metric, "change": t.change,
        "value": t.value, "value_max": t.value_max, "unit": t.unit, "bound": t.bound,
        "commitment": t.commitment, "aspirational": t.aspirational, "quote": t.quote,
    } for path, t in part_targets(part)]


def task_force_rows(part: Part) -> list[dict[str, Any]]:
    """The part's task force (工作专班), if it has one."""
    tf = part.task_force
    if tf is None:
        return []
    return [{
        "part": part.id, "name": tf.name, "convener": tf.convener,
        "executive_deputy": tf.executive_deputy, "deputies": list(tf.deputies),
        "members": list(tf.members), "office": tf.office,
    }]


def tables(doc: Document) -> list[Table]:
    """The three tables of a document, parts in reading order."""
    out = [
        Table("tasks", ["part", "path", "title", "lead", "support", "joint", "targets"]),
        Table("targets", ["part", "path", "metric", "change", "value", "value_max", "unit", "bound",
                          "commitment", "aspirational", "quote"]),
        Table("task_forces", ["part", "name", "convener", "executive_deputy", "deputies", "members",
                              "office"]),
    ]
    for part in doc.parts:
        out[0].rows.extend(task_rows(part))
        out[1].rows.extend(target_rows(part))
        out[2].rows.extend(task_force_rows(part))
    return out


def _cell(value: Any) -> Any:
    """A cell for CSV/XLSX: lists joined, whole floats as ints, None empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEP.join(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def display_width(text: str) -> int:
    """Columns a string takes in a spreadsheet: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(table: Table) -> list[int]:
    """Per column: the widest cell (header included) plus a margin, within [MIN_WIDTH, MAX_WIDTH]."""
    widths = []
    for col in table.columns:
        cells = [col] + [str(_cell(row[col])) for row in table.rows]
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, max(display_width(c) for c in cells) + 2)))
    return widths


# --- writing --------------------------------------------------------------------------------


def output_paths(fmt: ExportFormat, out: Path, names: list[str]) -> list[Path]:
    """Where each format writes: CSV one file per table (OUT a directory or a prefix), else OUT."""
    if fmt != "csv":
        return [out]
    if out.is_dir():
        return [out / f"{name}.csv" for name in names]
    return [out.with_name(f"{out.name}-{name}.csv") for name in names]


def default_output(source: Path, fmt: ExportFormat) -> Path:
    """OUT when none is given: next to the input, named after it."""
    stem = source.with_suffix("")
    return stem if fmt == "csv" else stem.with_suffix(f".{fmt}")


def _check(paths: list[Path], force: bool) -> None:
    for path in paths:
        if not path.parent.is_dir():
            raise OutputError(f"cannot write {path}: directory {path.parent} does not exist")
        if path.is_dir():
            raise OutputError(f"{path} is a directory")
        if path.exists() and not force:
            raise OutputError(f"refusing to overwrite {path} (use --force)")


def _csv_bytes(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(row[c]) for c in table.columns])
    return buf.getvalue().encode("utf-8-sig")


def json_text(doc_tables: list[Table]) -> str:
    """One object with an array of row objects per table."""
    return json.dumps({t.name: t.rows for t in doc_tables}, ensure_ascii=False, indent=2) + "\n"


def _xlsx_bytes(doc_tables: list[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for table in doc_tables:
        ws = wb.create_sheet(table.name)
        ws.append(table.columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([_cell(row[c]) for c in table.columns])
        ws.freeze_panes = "A2"
        for i, width in enumerate(column_widths(table), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export(doc: Document, fmt: str, out: Path, *, force: bool = False) -> list[Path]:
    """Write the tables of `doc` in `fmt` to `out`; return the files written."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (choose {', '.join(FORMATS)})")
    from ..io.yaml_out import atomic_write

    doc_tables = tables(doc)
    paths = output_paths(fmt, out, [t.name for t in doc_tables])  # type: ignore[arg-type]
    _check(paths, force)
    if fmt == "csv":
        payloads = [_csv_bytes(t) for t in doc_tables]
    elif fmt == "xlsx":
        payloads = [_xlsx_bytes(doc_tables)]
    else:
        payloads = [json_text(doc_tables).encode("utf-8")]
    for path, data in zip(paths, payloads, strict=True):
        try:
            atomic_write(path, data)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return paths
