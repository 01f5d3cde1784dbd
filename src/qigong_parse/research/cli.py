"""The research commands: `qigong diff`, `qigong export`, `qigong units`.

Only typer is imported here at module level, to keep `qigong --help` fast; everything else
is imported inside the commands.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

REPORT_FORMATS = ("table", "json", "yaml", "markdown")


def _fail(command: str, message: str, status: int) -> typer.Exit:
    typer.echo(f"qigong {command}: error: {message}", err=True)
    return typer.Exit(status)


def _check_format(command: str, fmt: str | None, choices: tuple[str, ...]) -> str:
    if fmt is None:
        return "table" if sys.stdout.isatty() else "markdown"
    if fmt not in choices:
        raise _fail(command, f"unknown format {fmt!r} (choose {', '.join(choices)})", 2)
    return fmt


def _dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    import yaml

    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000))


def diff(
    old: str = typer.Argument(..., help="older notice: parsed .yaml, or a notice file parsed now"),
    new: str = typer.Argument(..., help="newer notice: parsed .yaml, or a notice file parsed now"),
    fmt: str | None = typer.Option(None, "--format", "-f",
                                   help="table | json | yaml | markdown (default: table on a terminal, "
                                        "markdown otherwise)"),
    all_matches: bool = typer.Option(False, "--all", help="also list matched items that did not change"),
    part_threshold: float = typer.Option(0.5, min=0.0, max=1.0, help="min. title similarity for annexes"),
    metric_threshold: float = typer.Option(0.6, min=0.0, max=1.0, help="min. metric similarity"),
    task_threshold: float = typer.Option(0.6, min=0.0, max=1.0, help="min. task title similarity"),
) -> None:
    """Compare two notices (years or places): targets, tasks and units. Exit 0 equal, 1 different, 2 error."""
    from ..errors import QigongError

    fmt = _check_format("diff", fmt, REPORT_FORMATS)
    try:
        from .diff import Thresholds, diff_documents, render_markdown
        from .load import load_input

        report = diff_documents(load_input(old), load_input(new),
                                Thresholds(part=part_threshold, metric=metric_threshold, task=task_threshold))
    except QigongError as exc:
        raise _fail("diff", exc.message, 2) from None
    if fmt in ("json", "yaml"):
        typer.echo(_dump(report.model_dump(mode="json"), fmt), nl=False)
    elif fmt == "markdown":
        typer.echo(render_markdown(report, all_matches=all_matches), nl=False)
    else:
        _print_diff_table(report, all_matches)
    raise typer.Exit(0 if report.equal else 1)


def _print_diff_table(report: Any, all_matches: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from .diff import report_rows

    console = Console()
    for p in report.parts:
        console.print(f"{p.old} {p.old_title} ↔ {p.new} {p.new_title}  (similarity {p.similarity:.2f})",
                      markup=False, highlight=False)
    rows = report_rows(report, all_matches=all_matches)
    if not rows:
        console.print("No differences.")
        return
    table = Table(title=f"{report.old_file} → {report.new_file}", show_lines=False)
    for name in ("kind", "what", "old", "new"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(r.kind, r.what, r.old, r.new)
    console.print(table)


def export(
    file: str = typer.Argument(..., help="a parsed .yaml (or a notice file, parsed now)"),
    to: str = typer.Option(..., "--to", help="csv | xlsx | json"),
    out: str | None = typer.Option(None, "--output", "-o",
                                   help="csv: a directory or a file prefix; xlsx/json: the file "
                                        "(json: - for stdout). Default: next to FILE"),
    force: bool = typer.Option(False, "--force", help="overwrite existing files"),
) -> None:
    """Export the task, target and task-force tables as CSV (UTF-8 with BOM), XLSX or JSON."""
    from pathlib import Path

    from ..errors import QigongError

    try:
        from .export import FORMATS, default_output, json_text, tables
        from .export import export as write_tables
        from .load import load_input

        if to not in FORMATS:
            raise _fail("export", f"unknown export format {to!r} (choose {', '.join(FORMATS)})", 2)
        doc = load_input(file)
        if to == "json" and out == "-":
            typer.echo(json_text(tables(doc)), nl=False)
            return
        target = Path(out) if out else default_output(Path(file), to)  # type: ignore[arg-type]
        for path in write_tables(doc, to, target, force=force):
            typer.echo(str(path), err=True)
    except QigongError as exc:
        raise _fail("export", exc.message, exc.exit_code) from None


def units(
    file: str = typer.Argument(..., help="a parsed .yaml (or a notice file, parsed now)"),
    unit: str | None = typer.Option(None, "--unit", "-u", help="list one unit's tasks (aliases accepted)"),
    fmt: str | None = typer.Option(None, "--format", "-f",
                                   help="table | json | yaml | markdown (default: table on a terminal, "
                                        "markdown otherwise)"),
) -> None:
    """The responsibility matrix: tasks each unit leads, supports or shares, per part."""
    from ..errors import QigongError

    fmt = _check_format("units", fmt, REPORT_FORMATS)
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
    except QigongError as exc:
        raise _fail("units", exc.message, exc.exit_code) from None
    _print_matrix(matrix, [p.id for p in doc.parts], fmt)


def _print_unit(row: Any, fmt: str) -> None:
    if fmt in ("json", "yaml"):
        typer.echo(_dump(row.model_dump(mode="json"), fmt), nl=False)
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
        typer.echo(_dump(data, fmt), nl=False)
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
        typer.echo("\n".join(lines))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for name in header:
        numeric = name in ("lead", "support", "joint", "total") or name.startswith(("general", "annex-"))
        table.add_column(name, overflow="fold", justify="right" if numeric else "left")
    for row in cells:
        table.add_row(*row)
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add `diff`, `export` and `units` to the `qigong` app."""
    app.command("diff")(diff)
    app.command("export")(export)
    app.command("units")(units)
