"""Parsed notices as flat tables (tasks, responsibilities, targets, task forces) in CSV, XLSX or JSON.

Every row carries its document (`source`, `issuer`, `doc_number`, `date`, `year`), so that the tables
of several notices can be stacked. CSV is UTF-8 with a BOM so Excel (and WPS) open the Chinese
correctly; XLSX has one sheet per table with a frozen header and column widths that count CJK
characters as two. Lists of units are arrays in JSON and joined with `LIST_SEP` in CSV/XLSX; text
cells that a spreadsheet would run as a formula are defused (OWASP CSV injection guidance).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import OutputError, QigongError, UsageError
from ..model.output import Document, Part, Target
from .diff import is_task, part_targets

ExportFormat = Literal["csv", "xlsx", "json"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "json")
# How a list reads in one spreadsheet cell: 、 and ， occur inside unit names (各县（市、区）人民政府),
# an ASCII bar does not (a test checks every name of the unit registry).
LIST_SEP = " | "
MAX_WIDTH = 60
MIN_WIDTH = 6
# A cell starting with one of these is run as a formula by Excel, LibreOffice or WPS (fullwidth forms
# too: WPS and Excel's CJK input turn them into their ASCII forms).
FORMULA_FIRST = frozenset("=+-@\t\r＝＋－＠")
DOC_COLUMNS = ["source", "issuer", "doc_number", "date", "year"]


class MissingExtra(QigongError):
    """An optional dependency is not installed: the message is the install hint."""

    exit_code = 1


@dataclass
class Table:
    """One exported table: a name (file stem / sheet name), column names, rows of cells."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def _path(path: list[str]) -> str:
    return "/".join(path)


def doc_columns(doc: Document) -> dict[str, Any]:
    """The columns that say which notice a row comes from."""
    notice = doc.notice
    date = notice.date if notice else None
    return {
        "source": doc.source.file,
        "issuer": notice.issuer if notice else None,
        "doc_number": notice.doc_number if notice else None,
        "date": date.isoformat() if date else None,
        "year": date.year if date else None,
    }


def target_record(t: Target) -> dict[str, Any]:
    """A target as a JSON object (the tasks table's `targets` cell in JSON)."""
    return {"metric": t.metric, "change": t.change, "value": t.value, "value_max": t.value_max,
            "unit": t.unit, "bound": t.bound, "commitment": t.commitment, "quote": t.quote}


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
            "targets": [target_record(t) for t in node.targets],
        })
    return rows


def responsibility_rows(part: Part) -> list[dict[str, Any]]:
    """The long (tidy) form of responsibility: one row per (task, unit, role)."""
    rows = []
    for node in part.walk():
        r = node.responsibility
        if r is None or not is_task(node):
            continue
        for role in ("lead", "support", "joint"):
            for unit in dict.fromkeys(getattr(r, role)):
                rows.append({"part": part.id, "path": _path(node.path), "task": node.title,
                             "unit": unit, "role": role})
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


def tables(docs: Document | Sequence[Document]) -> list[Table]:
    """The four tables of one or several documents, documents in the order given, parts in reading order."""
    out = [
        Table("tasks", [*DOC_COLUMNS, "part", "path", "title", "lead", "support", "joint", "targets"]),
        Table("responsibilities", [*DOC_COLUMNS, "part", "path", "task", "unit", "role"]),
        Table("targets", [*DOC_COLUMNS, "part", "path", "metric", "change", "value", "value_max", "unit",
                          "bound", "commitment", "aspirational", "quote"]),
        Table("task_forces", [*DOC_COLUMNS, "part", "name", "convener", "executive_deputy", "deputies",
                              "members", "office"]),
    ]
    for doc in [docs] if isinstance(docs, Document) else docs:
        head = doc_columns(doc)
        for part in doc.parts:
            for table, rows in zip(out, (task_rows(part), responsibility_rows(part), target_rows(part),
                                         task_force_rows(part)), strict=True):
                table.rows.extend(head | row for row in rows)
    return out


def defuse(text: str) -> str:
    """A text cell a spreadsheet will not run: a leading = + - @ TAB CR gets a `'` (OWASP)."""
    return "'" + text if text and text[0] in FORMULA_FIRST else text


def _cell(value: Any) -> Any:
    """A cell for CSV/XLSX: lists joined (targets by their quotes), whole floats as ints, None and
    non-finite numbers empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEP.join(v["quote"] if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return int(value)
    return value


def _csv_cell(value: Any) -> Any:
    cell = _cell(value)
    return defuse(cell) if isinstance(cell, str) else cell


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


def _same_file(a: Path, b: Path) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _check(paths: list[Path], force: bool, inputs: Sequence[Path] = ()) -> None:
    for path in paths:
        for source in inputs:  # --force or not: an input is never an output
            if _same_file(path, source):
                raise OutputError(f"refusing to write {path}: it is an input file")
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
        writer.writerow([_csv_cell(row[c]) for c in table.columns])
    return buf.getvalue().encode("utf-8-sig")


def json_text(doc_tables: list[Table]) -> str:
    """One object with an array of row objects per table (strict JSON: no NaN or Infinity)."""
    from ..io.yaml_out import json_text as strict_json

    return strict_json({t.name: t.rows for t in doc_tables})


def _xlsx_bytes(doc_tables: list[Table]) -> bytes:
    try:
        from openpyxl import Workbook
    except ModuleNotFoundError:
        raise MissingExtra("writing XLSX needs openpyxl: pip install 'qigong-parse[xlsx]'") from None
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for table in doc_tables:
        ws = wb.create_sheet(table.name)
        ws.append(table.columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(table.rows, start=2):
            for c, name in enumerate(table.columns, start=1):
                value = _cell(row[name])
                cell = ws.cell(r, c, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula, whatever its first character
        ws.freeze_panes = "A2"
        for i, width in enumerate(column_widths(table), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export(docs: Document | Sequence[Document], fmt: str, out: Path, *, force: bool = False,
           inputs: Sequence[Path] = ()) -> list[Path]:
    """Write the tables of `docs` in `fmt` to `out`; return the files written. Never writes over one
    of `inputs`, even with `force`."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (choose {', '.join(FORMATS)})")
    from ..io.yaml_out import atomic_write

    doc_tables = tables(docs)
    paths = output_paths(fmt, out, [t.name for t in doc_tables])  # type: ignore[arg-type]
    _check(paths, force, inputs)
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
