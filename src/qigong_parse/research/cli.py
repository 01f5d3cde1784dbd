"""The research commands: `qigong diff`, `qigong export`, `qigong units`.

Only typer is imported here at module level, to keep `qigong --help` fast; everything else
is imported inside the commands. Options mean the same everywhere: `--to` is the output format.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

DEBUG_HELP = "Show tracebacks of errors."


class ReportFormat(StrEnum):
    """What `diff --to` and `units --to` print."""

    table = "table"
    json = "json"
    yaml = "yaml"
    markdown = "markdown"


class ExportFormat(StrEnum):
    """What `export --to` writes."""

    csv = "csv"
    xlsx = "xlsx"
    json = "json"


def _fail(command: str, message: str, status: int) -> typer.Exit:
    typer.echo(f"qigong {command}: error: {message}", err=True)
    return typer.Exit(status)


def _report_format(fmt: ReportFormat | None) -> str:
    if fmt is None:
        return "table" if sys.stdout.isatty() else "markdown"
    return ReportFormat(fmt).value


def _dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        from ..io.yaml_out import json_text

        return json_text(data)
    import yaml

    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000))


def _out(text: str) -> None:
    from ..io.stdout import write_stdout

    write_stdout(text)


def _print_rich(*items: Any) -> None:
    """Render rich items, then write them as one piece (so a full stdout is one clean error)."""
    from rich.console import Console

    console = Console(highlight=False)
    with console.capture() as capture:
        for item in items:
            console.print(item)
    _out(capture.get())


def diff(
    old: Annotated[str, typer.Argument(help="Older notice: parsed .yaml, or a notice file parsed now.")],
    new: Annotated[str, typer.Argument(help="Newer notice: parsed .yaml, or a notice file parsed now.")],
    to: Annotated[ReportFormat | None, typer.Option(
        "--to", "-t", show_default=False,
        help="Output format (default: table on a terminal, markdown otherwise).")] = None,
    all_matches: Annotated[bool, typer.Option("--all", help="Also list matched items that did not change.")] = False,
    part_threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Min. title similarity for annexes.")
                              ] = 0.5,
    metric_threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Min. metric similarity.")] = 0.6,
    task_threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Min. task title similarity.")] = 0.6,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Compare two notices (years or places): targets, tasks and units.

    Examples:

    qigong diff shaodong-2024.yaml shaodong-2025.yaml

    qigong diff old.txt new.html --to json > changes.json

    Exit status: 0 equal; 1 different; 2 any error (bad usage, unreadable input, output failed).
    """
    from ..errors import QigongError

    fmt = _report_format(to)
    try:
        from .diff import Thresholds, diff_documents, render_markdown
        from .load import load_input

        report = diff_documents(load_input(old), load_input(new),
                                Thresholds(part=part_threshold, metric=metric_threshold, task=task_threshold))
        if fmt in ("json", "yaml"):
            _out(_dump(report.model_dump(mode="json"), fmt))
        elif fmt == "markdown":
            _out(render_markdown(report, all_matches=all_matches))
        else:
            _print_diff_table(report, all_matches)
    except QigongError as exc:
        raise _fail("diff", exc.message, 2) from None
    raise typer.Exit(0 if report.equal else 1)


def _print_diff_table(report: Any, all_matches: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from .diff import report_rows

    items: list[Any] = [Text(f"{p.old} {p.old_title} ↔ {p.new} {p.new_title}  (similarity {p.similarity:.2f})")
                        for p in report.parts]
    rows = report_rows(report, all_matches=all_matches)
    if not rows:
        items.append(Text("No differences."))
    else:
        table = Table(title=Text(f"{report.old_file} → {report.new_file}"), show_lines=False)
        for name in ("kind", "what", "old", "new"):
            table.add_column(name, overflow="fold")
        for r in rows:  # Text cells: a `[/]` in a title or a unit is text, not markup
            table.add_row(Text(r.kind), Text(r.what), Text(r.old), Text(r.new))
        items.append(table)
    _print_rich(*items)


def export(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...", show_default=False,
        help="Parsed .yaml files or notices (parsed now), directories of them, or glob patterns.")],
    to: Annotated[ExportFormat, typer.Option("--to", "-t", help="Output format.")] = ExportFormat.csv,
    out: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="OUT", show_default=False,
        help="csv: a directory or a file prefix; xlsx/json: the file ('-' for stdout with json). "
             "Default for one FILE: next to it; required for several.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing output files (never an input).")
                     ] = False,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Export tasks, responsibilities (one row per task and unit), targets and task forces as tables.

    Each row names its notice (source, issuer, doc_number, date, year), so several notices stack into
    one set of tables. CSV is UTF-8 with a BOM (one file per table); XLSX one sheet per table; JSON one
    object with an array per table (lists as arrays, targets as objects).

    Examples:

    qigong export structured/*.yaml --to xlsx -o notices.xlsx

    qigong export structured/ --to csv -o tables/

    qigong export notice.yaml --to json -o - | jq '.targets[].metric'

    Exit status: 0 written; 1 an input cannot be read or an output cannot be written; 2 bad usage.
    """
    from ..errors import QigongError

    fmt = ExportFormat(to).value
    try:
        from .export import default_output, json_text, tables
        from .export import export as write_tables
        from .load import expand_documents, load_input

        sources = expand_documents(files)
        if out == "-" and fmt != "json":
            raise _fail("export", f"-o - writes JSON only: add --to json, or give -o OUT for {fmt}", 2)
        if out is None and len(sources) > 1:
            raise _fail("export", f"{len(sources)} inputs make one set of tables: give -o OUT", 2)
        docs = [load_input(path) for path in sources]
        if out == "-":
            _out(json_text(tables(docs)))
            return
        target = Path(out) if out else default_output(sources[0], fmt)  # type: ignore[arg-type]
        for path in write_tables(docs, fmt, target, force=force, inputs=sources):
            typer.echo(str(path), err=True)
    except QigongError as exc:
        raise _fail("export", exc.message, exc.exit_code) from None


def units(
    file: Annotated[str, typer.Argument(help="A parsed .yaml (or a notice file, parsed now).")],
    unit: Annotated[str | None, typer.Option(
        "--unit", "-u", show_default=False, help="List one unit's tasks (aliases accepted).")] = None,
    to: Annotated[ReportFormat | None, typer.Option(
        "--to", "-t", show_default=False,
        help="Output format (default: table on a terminal, markdown otherwise).")] = None,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """The responsibility matrix: tasks each unit leads, supports or shares, per part.

    Examples:

    qigong units notice.yaml

    qigong units notice.yaml --unit 市发改局 --to json

    Exit status: 0 printed; 1 the input cannot be read or the unit is not named; 2 bad usage.
    """
    from ..errors import QigongError

    fmt = _report_format(to)
    try:
        from .load import load_input
        from .matrix import find_unit, responsibility_matrix

        doc = load_input(file)
        matrix = responsibility_matrix(doc)
        if unit is not None:
            row = find_unit(doc, unit, matrix)
            if row is None:
                raise _fail("units", f"no unit {unit!r} in {file}", 1)
            _print_unit(row, fmt)
            return
        _print_matrix(matrix, [p.id for p in doc.parts], fmt)
    except QigongError as exc:
        raise _fail("units", exc.message, exc.exit_code) from None


def _print_unit(row: Any, fmt: str) -> None:
    if fmt in ("json", "yaml"):
        _out(_dump(row.model_dump(mode="json"), fmt))
        return
    header = ["part", "path", "role", "title"]
    cells = [[t.part, "/".join(t.path), t.role, t.title] for t in row.tasks]
    title = f"{row.unit}: lead {row.lead}, support {row.support}, joint {row.joint}"
    if row.task_forces:
        title += f"; task forces: {', '.join(row.task_forces)}"
    _print_grid(title, header, cells, fmt)


def _print_matrix(matrix: list[Any], part_ids: list[str], fmt: str) -> None:
    if fmt in ("json", "yaml"):
        data = [r.model_dump(mode="json", exclude={"tasks"}) | {"total": r.total} for r in matrix]
        _out(_dump(data, fmt))
        return
    shown = [p for p in part_ids if any(p in r.per_part for r in matrix)]
    header = ["unit", "lead", "support", "joint", "total", *shown, "task forces"]
    cells = [[r.unit, str(r.lead), str(r.support), str(r.joint), str(r.total),
              *[str(r.per_part.get(p, "")) for p in shown], ", ".join(r.task_forces)] for r in matrix]
    _print_grid(f"{len(matrix)} units", header, cells, fmt)


def _print_grid(title: str, header: list[str], cells: list[list[str]], fmt: str) -> None:
    if fmt == "markdown":
        lines = [f"**{title}**", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        _out("\n".join(lines) + "\n")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title))
    for name in header:
        numeric = name in ("lead", "support", "joint", "total") or name.startswith(("general", "annex-"))
        table.add_column(name, overflow="fold", justify="right" if numeric else "left")
    for row in cells:  # Text cells: unit names and titles are never markup
        table.add_row(*(Text(c) for c in row))
    _print_rich(table)


def register(app: typer.Typer) -> None:
    """Add `diff`, `export` and `units` to the `qigong` app."""
    app.command("diff")(diff)
    app.command("export")(export)
    app.command("units")(units)
