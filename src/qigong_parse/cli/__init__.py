"""The `qigong` command line: parse, validate, schema (+ research commands registered from their module).

Only typer is imported at module level: everything else loads inside the command that needs it,
so that `qigong --help` and a cold `qigong parse` start fast.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import __version__
from ..errors import InputError, OutputError, QigongError, UsageError, printable

if TYPE_CHECKING:
    from rich.console import Console

    from ..model.output import Document
    from .batch import Result

EXIT_HELP = "Exit status: 0 success; 1 bad input or refused output; 2 bad usage."
MAX_PROBLEMS_SHOWN = 50


class Format(StrEnum):
    """Input formats `--format` accepts (sniffed when not given)."""

    text = "text"
    html = "html"
    docx = "docx"
    pdf = "pdf"
    ofd = "ofd"


app = typer.Typer(
    name="qigong",
    help="Turn Chinese government policy notices (通知 + 总体方案 + 实施方案) into validated YAML.\n\n"
    "Example: qigong parse notice.txt -o notice.yaml\n\n" + EXIT_HELP,
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        print(f"qigong {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Turn Chinese government policy notices into validated YAML."""


def _stderr() -> Console:
    from rich.console import Console

    # Logs have no width to fit: don't fold paths in the summary table at rich's default of 80.
    width = None if sys.stderr.isatty() else 200
    return Console(file=sys.stderr, highlight=False, soft_wrap=True, width=width)


# --- parse ---------------------------------------------------------------------------------------


@app.command()
def parse(
    notices: Annotated[list[str], typer.Argument(
        metavar="NOTICE", show_default=False,
        help="Notice files (.txt, .html, .htm, .docx), directories of them, or glob patterns.")],
    output: Annotated[str | None, typer.Option(
        "-o", "--output", metavar="OUT", show_default=False,
        help="Output file, '-' for stdout, or a directory (required to be one for several inputs). "
             "Default: <stem>.yaml beside each input.")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", metavar="ENC", show_default=False,
        help="Decode with this encoding instead of detecting it (utf-8, gb18030 …).")] = None,
    fmt: Annotated[Format | None, typer.Option(
        "--format", show_default=False, help="Input format; sniffed when not given.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 if the parser reported any warning (the YAML is still written).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite an existing file even if it is not a qigong output.")] = False,
    max_bytes: Annotated[int | None, typer.Option(
        "--max-bytes", metavar="N", show_default=False,
        help="Refuse inputs larger than N bytes (default 64 MiB).")] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", metavar="N", help="Parse N files at a time, in separate processes.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    summary: Annotated[bool, typer.Option(
        "--summary", help="Print the summary even when stderr is not a terminal (as `make run` does).")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Parse notices into YAML: one <stem>.yaml per input.

    Examples:

    qigong parse notice.txt                  (writes notice.yaml beside it)

    qigong parse notice.html -o - | less

    qigong parse raw/ -o structured/ --jobs 4

    Overwrites only earlier qigong outputs (or any file with --force), never the input; writes atomically.

    Exit status: 0 all written; 1 an input or output failed (with --strict: or warned); 2 bad usage.
    """
    from .batch import expand_inputs

    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    if max_bytes is not None and max_bytes < 1:
        raise UsageError(f"--max-bytes must be a positive number of bytes, not {max_bytes}")
    if encoding is not None:
        from ..read import lookup_codec

        lookup_codec(encoding)
    opts = _ParseOptions(encoding, fmt.value if fmt else None, strict, force, max_bytes, jobs, quiet, debug,
                         summary)
    inputs = expand_inputs(notices)
    if not inputs.files:
        more = f" (and {len(inputs.problems) - 1} more)" if len(inputs.problems) > 1 else ""
        raise InputError(inputs.problems[0][1] + more)
    if not inputs.batch:
        code = _parse_one(inputs.files[0], output, opts)
    else:
        code = _parse_many(inputs.files, inputs.problems, output, opts)
    if code:
        raise typer.Exit(code)


@dataclass(frozen=True)
class _ParseOptions:
    encoding: str | None
    fmt: str | None
    strict: bool
    force: bool
    max_bytes: int | None
    jobs: int
    quiet: bool
    debug: bool
    summary: bool = False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create directory {path}: {exc.strerror or exc}") from None


def _parse_one(source: Path, output: str | None, opts: _ParseOptions) -> int:
    from ..io.yaml_out import check_writable, dump_yaml, write_yaml
    from ..pipeline import parse_path
    from .batch import safe_stem, with_file

    dest: Path | None = None
    if output is None:
        dest = source.with_name(f"{source.stem}.yaml")
    elif output != "-":
        dest = Path(output)
        if output.endswith(("/", os.sep)):
            _make_dir(dest)
        if dest.is_dir():
            dest = dest / f"{safe_stem(source.name)}.yaml"
    if dest is not None:
        if _same_file(dest, source):
            message = f"refusing to write {dest}: it is the input file"
            raise UsageError(message) if output is not None else OutputError(message)
        check_writable(dest, force=opts.force)  # fail before the work, not after it
    try:
        doc = parse_path(source, encoding=opts.encoding, fmt=opts.fmt, max_bytes=opts.max_bytes)
    except QigongError as exc:
        exc.message = with_file(exc.message, str(source))
        raise
    if dest is None:
        if sys.stdout is None:
            raise OutputError("cannot write to stdout: it is closed")
        data = dump_yaml(doc).encode("utf-8")
        sys.stdout.flush()
        stream = getattr(sys.stdout, "buffer", None)
        if stream is not None:
            stream.write(data)
            stream.flush()
        else:
            sys.stdout.write(data.decode("utf-8"))
    else:
        write_yaml(doc, dest, force=opts.force)
    if not opts.quiet and (opts.summary or sys.stderr.isatty()):  # rich costs start-up: load it for a person
        _stderr().print(render_summary(doc, "stdout" if dest is None else str(dest)))
    if opts.strict and doc.warnings:
        _say(f"qigong parse: {len(doc.warnings)} parser warning(s) in {source} (--strict)")
        return 1
    return 0


def render_summary(doc: Document, written: str) -> object:
    """A short rich summary of one parsed document: head, parts with counts, warnings."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text()
    head.append("wrote ", style="green").append(written)
    notice = doc.notice
    head.append(f"\nissuer      {notice.issuer if notice and notice.issuer else '—'}")
    head.append(f"\ndoc number  {notice.doc_number if notice and notice.doc_number else '—'}")
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name, justify in (("part", "left"), ("title", "left"), ("nodes", "right"),
                          ("targets", "right"), ("responsibility", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for part in doc.parts:
        nodes = part.walk()
        table.add_row(part.id, part.title or "", str(len(nodes)),
                      str(len(part.targets) + sum(len(n.targets) for n in nodes)),
                      str(sum(n.responsibility is not None for n in nodes)))
    style = "yellow" if doc.warnings else "green"
    tail = Text(f"{len(doc.warnings)} warning(s)", style=style)
    body = table if doc.parts else Text("no parts found", style="yellow")
    return Group(head, body, tail)


def _parse_many(files: list[Path], problems: list[tuple[str, str]], output: str | None, opts: _ParseOptions) -> int:
    from .batch import Job, Result, plan_outputs, run_jobs

    if output == "-":
        raise UsageError("-o - writes a single document: give one NOTICE, or -o DIR")
    out_dir: Path | None = None
    if output is not None:
        out_dir = Path(output)
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"-o {output}: must be a directory when parsing several files")
        _make_dir(out_dir)
    jobs = [Job(str(src), str(dest), opts.encoding, opts.fmt, opts.max_bytes, opts.force, opts.debug)
            for src, dest in zip(files, plan_outputs(files, out_dir), strict=True)]
    order = {job.source: i for i, job in enumerate(jobs)}
    results: list[Result] = [Result(Job(item, ""), error=message) for item, message in problems]
    console = _stderr()
    for result in results:
        _report(console, result, opts)
    interrupted = False
    finished: list[Result] = []
    try:  # Ctrl-C is caught here, before typer would turn it into "Aborted": the summary still prints
        with closing(run_jobs(jobs, opts.jobs, finished=finished)) as running:
            if console.is_terminal and not opts.quiet:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                with Progress(TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                              TextColumn("{task.description}"), console=console, transient=True) as progress:
                    task = progress.add_task("", total=len(jobs))
                    for result in running:
                        results.append(result)
                        progress.update(task, advance=1, description=Path(result.job.source).name)
                        if not result.ok:
                            _report(progress.console, result, opts)
            else:
                for result in running:
                    results.append(result)
                    _report(console, result, opts)
    except KeyboardInterrupt:
        interrupted = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the summary short
        results.extend(finished)
        done = {r.job.source for r in results}
        results.extend(Result(job, error=f"{job.source}: interrupted before its result came back",
                              interrupted=True) for job in jobs if job.source not in done)
    results.sort(key=lambda r: order.get(r.job.source, -1))
    if not opts.quiet:
        console.print(render_batch_table(results))
    cut = sum(r.interrupted for r in results)
    failed = sum(not r.ok for r in results) - cut
    warned = sum(1 for r in results if r.stats and r.stats.warnings)
    written = len(results) - failed - cut
    line = f"{written} written, {failed} failed"
    if warned:
        line += f", {warned} with parser warnings" + (" (--strict)" if opts.strict else "")
    if interrupted:
        line += f"; interrupted: {cut} not parsed or not reported"
    if not opts.quiet or failed:
        console.print(line, markup=False)
    if interrupted:
        return 130
    return 1 if failed or (opts.strict and warned) else 0


def _report(console: Console, result: Result, opts: _ParseOptions) -> None:
    """One plain line per file as it finishes (failures always, successes unless quiet or on a TTY)."""
    if not result.ok:
        console.print(f"FAIL  {printable(result.error or '')}", markup=False)
        if opts.debug and result.detail:
            console.print(result.detail, markup=False)
    elif not opts.quiet and not console.is_terminal and result.stats is not None:
        s = result.stats
        console.print(f"ok    {printable(result.job.source)} -> {printable(result.job.output)} "
                      f"({s.parts} parts, {s.nodes} nodes, {s.warnings} warnings)", markup=False)


def render_batch_table(results: Sequence[Result]) -> object:
    """The end-of-batch table: one row per input with its output, counts and status."""
    from rich.table import Table

    table = Table(title="qigong parse", header_style="bold", title_justify="left")
    for name in ("input", "output", "parts", "nodes", "targets", "warnings", "status"):
        numeric = name in ("parts", "nodes", "targets", "warnings")
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for r in results:
        if r.stats is None:
            status = "[yellow]interrupted[/yellow]" if r.interrupted else "[red]failed[/red]"
            table.add_row(r.job.source, "", "", "", "", "", status)
            continue
        s = r.stats
        status = "[yellow]warnings[/yellow]" if s.warnings else "[green]ok[/green]"
        table.add_row(r.job.source, r.job.output, str(s.parts), str(s.nodes), str(s.targets),
                      str(s.warnings), status)
    return table


# --- validate, schema ----------------------------------------------------------------------------


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE", show_default=False, help="qigong YAML outputs to check.")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print problems only.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Check qigong YAML files: the schema, then the offsets, paths and ids it cannot check.

    Example: qigong validate structured/*.yaml

    Prints one line per problem on stdout: FILE: YAML.path: message.

    Exit status: 0 all valid; 1 a file is unreadable or invalid; 2 bad usage.
    """
    from ..check.validate import validate_file

    bad = 0
    for path in files:
        problems = validate_file(path)
        if problems:
            bad += 1
            for problem in problems[:MAX_PROBLEMS_SHOWN]:
                print(printable(f"{path}: {problem}"))
            if len(problems) > MAX_PROBLEMS_SHOWN:
                print(printable(f"{path}: … and {len(problems) - MAX_PROBLEMS_SHOWN} more problems"))
        elif not quiet:
            print(printable(f"{path}: ok"))
    if bad:
        print(f"qigong validate: {bad} of {len(files)} file(s) invalid", file=sys.stderr)
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the YAML output (the `Document` model) on stdout.

    Example: qigong schema > qigong.schema.json

    Exit status: 0; 2 bad usage.
    """
    import json

    from ..model.output import Document

    print(json.dumps(Document.model_json_schema(), ensure_ascii=False, indent=2))


def _register_research() -> None:
    try:
        from ..research.cli import register
    except ModuleNotFoundError as exc:  # not written yet, or not installed: a broken module must still fail
        if exc.name not in ("qigong_parse.research", "qigong_parse.research.cli"):
            raise
        return
    register(app)


_register_research()


# --- entry point ---------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(printable(message), file=sys.stderr)  # file names may hold newlines or escape codes


def run(argv: Sequence[str]) -> int:
    """Run the CLI on `argv`; return the exit status. Errors become one line on stderr."""
    args = list(argv)
    debug = "--debug" in args
    try:
        rv = app(args=args, prog_name="qigong", standalone_mode=False)
    except QigongError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        command = "qigong" + (f" {args[0]}" if args and not args[0].startswith("-") else "")
        _say(f"{command}: error: {exc.message}")
        return exc.exit_code
    except typer.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            _say("qigong: interrupted")
            return 130
        _say("qigong: aborted")
        return 1
    except typer.TyperException as exc:  # click's usage errors: bad option, missing argument …
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx is not None else "qigong"
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        _say(f"{command}: error: {' '.join(message.split())} (see '{command} --help')")
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        _say("qigong: interrupted")
        return 130
    except Exception as exc:
        if debug:
            raise
        detail = " ".join(str(exc).split())[:300]
        _say(f"qigong: internal error: {type(exc).__name__}: {detail} (rerun with --debug for details)")
        return 1
    return rv if isinstance(rv, int) else 0


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:] if argv is None else argv))
