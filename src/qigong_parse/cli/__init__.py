"""The `qigong` command line: parse, validate, schema (+ research commands registered from their module).

Only typer is imported at module level: everything else loads inside the command that needs it,
so that `qigong --help` and a cold `qigong parse` start fast.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from .. import __version__
from ..errors import InputError, OutputError, QigongError, UsageError, printable

if TYPE_CHECKING:
    from rich.console import Console

    from ..model.records import Document
    from .batch import Job, Result

EXIT_HELP = "Exit status: 0 success; 1 bad input or refused output; 2 bad usage."
MAX_PROBLEMS_SHOWN = 50


class Format(StrEnum):
    """Input formats `--format` accepts (sniffed when not given)."""

    text = "text"
    html = "html"
    docx = "docx"
    pdf = "pdf"
    ofd = "ofd"


class EncodingErrors(StrEnum):
    """What to do with bytes that do not decode (`--encoding-errors`)."""

    STRICT = "strict"
    REPLACE = "replace"


class OutputFormat(StrEnum):
    """What `parse --to` writes: YAML (the contract), indented JSON, or one JSON line per document."""

    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"


DEBUG_HELP = "Show tracebacks of errors."

app = typer.Typer(
    name="qigong",
    help="Turn Chinese government policy notices (通知 + 总体方案 + 实施方案) into validated YAML.\n\n"
    "Example: qigong parse notice.txt -o notice.yaml\n\n" + EXIT_HELP + "\n\n"
    "Cache: compiled patterns and rule tables are kept in $XDG_CACHE_HOME/qigong-parse "
    "(else ~/.cache/qigong-parse); QIGONG_CACHE_DIR=DIR moves it, QIGONG_NO_CACHE=1 turns it off.",
    add_completion=True,
    no_args_is_help=True,
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
        metavar="NOTICE...", show_default=False,
        help="Notice files (.txt, .html, .htm, .docx, .pdf, .ofd), directories of them, or glob patterns; "
             "'-' reads one notice from stdin.")],
    output: Annotated[str | None, typer.Option(
        "-o", "--output", metavar="OUT", show_default=False,
        help="Output file, '-' for stdout, or a directory (required to be one for several inputs). "
             "Default: <stem>.yaml beside each input (stdout for stdin).")] = None,
    to: Annotated[OutputFormat, typer.Option(
        "--to", "-t", help="Output format: yaml (the contract), json, or jsonl (one line per document).")
    ] = OutputFormat.yaml,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", metavar="ENC", show_default=False,
        help="Decode with this encoding instead of detecting it (utf-8, gb18030, big5 …).")] = None,
    encoding_errors: Annotated[EncodingErrors, typer.Option(
        "--encoding-errors", help="replace: read a text file with a few bad bytes, each as U+FFFD "
        "(reported as repaired-encoding).")] = EncodingErrors.STRICT,
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
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Parse notices into YAML: one <stem>.yaml per input.

    Examples:

    qigong parse notice.txt                  (writes notice.yaml beside it)

    qigong parse notice.html -o - | less

    qigong parse raw/ -o structured/ --jobs 4

    curl -s https://example.gov.cn/notice.html | qigong parse - --to json

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
                         summary, OutputFormat(to).value, EncodingErrors(encoding_errors).value)
    if "-" in notices:
        if len(notices) > 1:
            raise UsageError("'-' (stdin) is one notice: give it alone")
        code = _parse_stdin(output, opts)
        if code:
            raise typer.Exit(code)
        return
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


class _ParseOptions(NamedTuple):
    encoding: str | None
    fmt: str | None
    strict: bool
    force: bool
    max_bytes: int | None
    jobs: int
    quiet: bool
    debug: bool
    summary: bool = False
    to: str = "yaml"
    encoding_errors: str = "strict"


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


def _destination(source: Path | None, output: str | None, to: str) -> Path | None:
    """Where one document goes: None for stdout, else a file (a directory gets <stem>.<to> inside)."""
    from .batch import output_name

    if output == "-" or (output is None and source is None):
        return None
    if output is None:
        assert source is not None
        return source.with_name(output_name(source.name, to))
    dest = Path(output)
    if output.endswith(("/", os.sep)):
        _make_dir(dest)
    if dest.is_dir():
        dest = dest / output_name(source.name if source is not None else "stdin", to)
    return dest


def _parse_one(source: Path, output: str | None, opts: _ParseOptions) -> int:
    from ..pipeline import parse_path_records
    from .batch import with_file

    dest = _destination(source, output, opts.to)
    if dest is not None:
        _check_destination(dest, source, explicit=output is not None, force=opts.force)
    try:
        doc = parse_path_records(source, encoding=opts.encoding, fmt=opts.fmt, max_bytes=opts.max_bytes,
                         encoding_errors=opts.encoding_errors)
    except QigongError as exc:
        exc.message = with_file(exc.message, str(source))
        raise
    return _emit(doc, dest, source, opts)


def _check_destination(dest: Path, source: Path | None, *, explicit: bool, force: bool) -> None:
    from ..io.yaml_out import check_writable

    if source is not None and _same_file(dest, source):
        message = f"refusing to write {dest}: it is the input file"
        raise UsageError(message) if explicit else OutputError(message)
    check_writable(dest, force=force)  # fail before the work, not after it


def _parse_stdin(output: str | None, opts: _ParseOptions) -> int:
    """`qigong parse -`: one notice read from stdin; output to stdout unless -o says otherwise."""
    from ..pipeline import parse_bytes_records
    from ..read import DEFAULT_MAX_BYTES

    dest = _destination(None, output, opts.to)
    if dest is not None:
        _check_destination(dest, None, explicit=True, force=opts.force)
    limit = opts.max_bytes or DEFAULT_MAX_BYTES
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("stdin: not available")
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError(f"stdin: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise InputError(f"stdin: more than the limit of {limit} bytes; raise it with --max-bytes")
    if not data:
        raise InputError("stdin: empty input")
    try:
        doc = parse_bytes_records(data, file="<stdin>", encoding=opts.encoding, fmt=opts.fmt,
                          encoding_errors=opts.encoding_errors)
    except QigongError as exc:
        exc.message = f"stdin: {exc.message}"
        raise
    return _emit(doc, dest, Path("<stdin>"), opts)


def _emit(doc: Document, dest: Path | None, source: Path, opts: _ParseOptions) -> int:
    """Write the document (to `dest`, or stdout when None), print the summary, apply --strict."""
    from ..io.stdout import write_stdout
    from ..io.yaml_out import dump_document, write_yaml

    if dest is None:
        write_stdout(dump_document(doc, opts.to))
    else:
        write_yaml(doc, dest, force=opts.force, to=opts.to)
    if not opts.quiet and (opts.summary or sys.stderr.isatty()):  # rich costs start-up: load it for a person
        _stderr().print(render_summary(doc, "stdout" if dest is None else str(dest)))
    if opts.strict and doc.warnings:
        _say(f"qigong parse: {len(doc.warnings)} parser warning(s) in {source} (--strict)")
        return 1
    return 0


def warning_counts(codes: Sequence[str]) -> str:
    """`32 warning(s)`, and which kinds: `32 warning(s): 20 unit-unknown, 12 marker-gap`."""
    from collections import Counter

    if not codes:
        return "0 warning(s)"
    kinds = ", ".join(f"{n} {code}" for code, n in sorted(Counter(codes).items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{len(codes)} warning(s): {kinds}"


def render_summary(doc: Document, written: str) -> object:
    """A short rich summary of one parsed document: head, parts with counts, warnings."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text()  # Text.append never parses markup: a `[/]` in a title or a file name stays text
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
        table.add_row(Text(part.id), Text(part.title or ""), str(len(nodes)),
                      str(len(part.targets) + sum(len(n.targets) for n in nodes)),
                      str(sum(n.responsibility is not None for n in nodes)))
    style = "yellow" if doc.warnings else "green"
    tail = Text(warning_counts([w.code for w in doc.warnings]), style=style)
    cov = doc.coverage
    if cov is not None:
        share = cov.chars_in_parts / doc.source.chars if doc.source.chars else 1.0
        tail.append(f"\ncoverage    {share:.0%} of the text in parts; {cov.heading_lines} heading-like line(s) "
                    f"left in text, {cov.unattributed_clauses} clause(s) unattributed, "
                    f"{cov.figures_without_target} figure(s) without a target", style="default")
    body = table if doc.parts else Text("no parts found", style="yellow")
    return Group(head, body, tail)


def _parse_many(files: list[Path], problems: list[tuple[str, str]], output: str | None, opts: _ParseOptions) -> int:
    from .batch import Job, Result

    _collect_from_here()  # a batch makes garbage document after document
    jobs = _batch_jobs(files, output, opts)
    order = {job.source: i for i, job in enumerate(jobs)}
    results: list[Result] = [Result(Job(item, ""), error=message) for item, message in problems]
    console = _stderr()
    for result in results:
        _report(console, result, opts)
    interrupted = _run_batch(console, jobs, results, opts)
    results.sort(key=lambda r: order.get(r.job.source, -1))
    if not opts.quiet and console.is_terminal:  # off a terminal the per-file lines above are the record
        console.print(render_batch_table(results))
    return _batch_summary(console, results, interrupted, opts)


def _batch_jobs(files: list[Path], output: str | None, opts: _ParseOptions) -> list[Job]:
    """One job per input file, with its output path (in `-o DIR`, or beside the input)."""
    from .batch import Job, plan_outputs

    if output == "-":
        raise UsageError("-o - writes a single document: give one NOTICE, or -o DIR")
    out_dir: Path | None = None
    if output is not None:
        out_dir = Path(output)
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"-o {output}: must be a directory when parsing several files")
        _make_dir(out_dir)
    return [Job(str(src), str(dest), opts.encoding, opts.fmt, opts.max_bytes, opts.force, opts.debug, opts.to,
                opts.encoding_errors)
            for src, dest in zip(files, plan_outputs(files, out_dir, opts.to), strict=True)]


def _run_batch(console: Console, jobs: list[Job], results: list[Result], opts: _ParseOptions) -> bool:
    """Run the jobs, appending each result to `results` as it comes; True when Ctrl-C cut the batch."""
    from .batch import Result, run_jobs

    finished: list[Result] = []
    try:  # Ctrl-C is caught here, before typer would turn it into "Aborted": the summary still prints
        with closing(run_jobs(jobs, opts.jobs, finished=finished)) as running:
            if console.is_terminal and not opts.quiet:
                _with_progress(console, running, len(jobs), results, opts)
            else:
                for result in running:
                    results.append(result)
                    _report(console, result, opts)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the summary short
        results.extend(finished)
        done = {r.job.source for r in results}
        results.extend(Result(job, error=f"{job.source}: interrupted before its result came back",
                              interrupted=True) for job in jobs if job.source not in done)
        return True
    return False


def _with_progress(console: Console, running: Iterator[Result], total: int, results: list[Result],
                   opts: _ParseOptions) -> None:
    """Collect the results under a progress bar (on a terminal); failures are printed above it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=True) as progress:
        task = progress.add_task("", total=total)
        for result in running:
            results.append(result)
            progress.update(task, advance=1, description=Path(result.job.source).name)
            if not result.ok:
                _report(progress.console, result, opts)


def _batch_summary(console: Console, results: list[Result], interrupted: bool, opts: _ParseOptions) -> int:
    """The closing line of a batch (written, failed, warned, interrupted); the exit status."""
    cut = sum(r.interrupted for r in results)
    failed = sum(not r.ok for r in results) - cut
    warned = sum(1 for r in results if r.stats and r.stats.warnings)
    written = len(results) - failed - cut
    line = f"{written} written, {failed} failed"
    if warned:
        codes = [code for r in results if r.stats for code in r.stats.warning_codes]
        line += (f", {warned} with parser warnings" + (" (--strict)" if opts.strict else "")
                 + f" ({warning_counts(codes)})")
    if interrupted:
        line += f"; interrupted: {cut} not parsed or not reported"
    if not opts.quiet or failed:
        console.print(line, markup=False, highlight=False)
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
    from rich.text import Text

    table = Table(title="qigong parse", header_style="bold", title_justify="left")
    for name in ("input", "output", "parts", "nodes", "targets", "warnings", "status"):
        numeric = name in ("parts", "nodes", "targets", "warnings")
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for r in results:  # file names are Text, never markup: a `[/]` in a name must not break the table
        if r.stats is None:
            status = Text("interrupted", style="yellow") if r.interrupted else Text("failed", style="red")
            table.add_row(Text(r.job.source), "", "", "", "", "", status)
            continue
        s = r.stats
        status = Text("warnings", style="yellow") if s.warnings else Text("ok", style="green")
        table.add_row(Text(r.job.source), Text(r.job.output), str(s.parts), str(s.nodes), str(s.targets),
                      str(s.warnings), status)
    return table


# --- validate, schema ----------------------------------------------------------------------------


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE", show_default=False, help="qigong YAML outputs to check.")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print problems only.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Check qigong YAML files: the schema, then the offsets, paths and ids it cannot check.

    Example: qigong validate structured/*.yaml

    Prints one line per problem on stdout: FILE: YAML.path: message. Every 1.x schema_version is read;
    a file of another major gets one line saying so.

    Exit status: 0 all valid; 1 a file is unreadable or invalid; 2 bad usage.
    """
    from ..check.validate import validate_file
    from ..io.stdout import write_stdout

    if len(files) > 1:
        _collect_from_here()
    bad = 0
    for path in files:
        problems = validate_file(path)
        version = [p for p in problems if getattr(p, "where", "") == "schema_version"]
        if version:  # another major: the rest would be noise about a format this qigong does not know
            problems = version
        lines: list[str] = []
        if problems:
            bad += 1
            lines += [printable(f"{path}: {problem}") for problem in problems[:MAX_PROBLEMS_SHOWN]]
            if len(problems) > MAX_PROBLEMS_SHOWN:
                lines.append(printable(f"{path}: … and {len(problems) - MAX_PROBLEMS_SHOWN} more problems"))
        elif not quiet:
            lines.append(printable(f"{path}: ok"))
        if lines:
            write_stdout("".join(line + "\n" for line in lines))
    if bad:
        print(f"qigong validate: {bad} of {len(files)} file(s) invalid", file=sys.stderr)
        raise typer.Exit(1)


@app.command()
def schema(
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of the YAML output (the `Document` model) on stdout.

    Example: qigong schema > qigong.schema.json

    Exit status: 0; 1 stdout cannot be written; 2 bad usage.
    """
    import json

    from ..io.stdout import write_stdout
    from ..model.output import Document

    write_stdout(json.dumps(Document.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


def _register_research() -> None:
    try:
        from ..research.cli import register
    except ModuleNotFoundError as exc:  # not written yet, or not installed: a broken module must still fail
        if exc.name not in ("qigong_parse.research", "qigong_parse.research.cli"):
            raise
        return
    register(app)


_register_research()


def _register_dataset() -> None:
    from ..dataset.cli import register

    register(app)


_register_dataset()


# --- entry point ---------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(printable(message), file=sys.stderr)  # file names may hold newlines or escape codes


def _command(args: list[str]) -> str | None:
    return args[0] if args and not args[0].startswith("-") else None


def run(argv: Sequence[str]) -> int:
    """Run the CLI on `argv`; return the exit status. Errors become one line on stderr.

    `diff` exits 1 for "different", so every error of `diff` exits 2.
    """
    args = list(argv) or ["--help"]  # bare `qigong` shows the help, exit 0
    name = _command(args)
    code, failed = _run(args, name)
    return 2 if failed and name == "diff" else code


def _app_for(name: str | None) -> typer.Typer:
    """The app to run `name` with: a copy of `app` holding that one command when `name` is one.

    Before it runs a command, typer turns every registered command into a click command (each
    parameter's type, default and help); building only the one asked for spares the start-up that
    work for the others. `qigong --help`, shell completion and unknown names get the whole app.
    """
    if name is None or "_QIGONG_COMPLETE" in os.environ or any(g.name == name for g in app.registered_groups):
        return app
    from copy import copy

    from typer.main import get_command_name

    chosen = [info for info in app.registered_commands
              if (info.name or (get_command_name(info.callback.__name__) if info.callback else None)) == name]
    if len(chosen) != 1:
        return app
    one = copy(app)
    one.registered_commands = chosen
    return one


def _run(args: list[str], name: str | None) -> tuple[int, bool]:
    import click

    debug = "--debug" in args
    command = "qigong" + (f" {name}" if name else "")
    if name not in ("parse", "validate", "schema"):
        _collect_from_here()  # research and dataset commands: the collector on from the start
    try:
        rv = _app_for(name)(args=args, prog_name="qigong", standalone_mode=False)
    except QigongError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        _say(f"{command}: error: {exc.message}")
        return exc.exit_code, True
    except click.exceptions.Exit as exc:
        return exc.exit_code, False
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            _say("qigong: interrupted")
            return 130, True
        _say("qigong: aborted")
        return 1, True
    except click.ClickException as exc:  # usage errors: bad option, missing argument …
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "qigong"
        if where == "qigong" and name:  # an option error raised before the command's context exists
            where = f"qigong {name}"
        _say(f"{where}: error: {' '.join(exc.format_message().split())} (see '{where} --help')")
        return exc.exit_code, True
    except KeyboardInterrupt:
        _say("qigong: interrupted")
        return 130, True
    except ModuleNotFoundError as exc:
        if debug:
            raise
        hint = _EXTRA_HINTS.get((exc.name or "").split(".")[0])
        if hint is None:
            _say(f"{command}: internal error: {exc} (rerun with --debug for details)")
        else:
            _say(f"{command}: error: {hint}")
        return 1, True
    except Exception as exc:
        if debug:
            raise
        detail = " ".join(str(exc).split())[:300]
        _say(f"{command}: internal error: {type(exc).__name__}: {detail} (rerun with --debug for details)")
        return 1, True
    return (rv if isinstance(rv, int) else 0), False


# A missing optional dependency is a hint, not an internal error.
_EXTRA_HINTS = {
    "openpyxl": "writing XLSX needs openpyxl: pip install 'qigong-parse[xlsx]'",
    "docx": "reading DOCX needs python-docx: pip install 'qigong-parse[docx]'",
    "pypdfium2": "reading PDF needs pypdfium2: pip install 'qigong-parse[pdf]'",
}


_startup_gc = False  # main() holds the collector off while the process starts


_NO_PLUGINS = ("__all__", "1", "true")  # the values with which pydantic loads no plugin


def _skip_plugin_loader() -> None:
    """With plugins disabled, pydantic's plugin loader only returns (); importing it still costs
    importlib.metadata (~8 ms of a cold `qigong validate`). Its one function, as pydantic
    defines it for this case, stands in for the module (unless something imported it already)."""
    name = "pydantic.plugin._loader"
    if name not in sys.modules:
        import types

        loader = types.ModuleType(name, "pydantic's plugin loader with plugins disabled (see qigong_parse.cli)")
        loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
        sys.modules[name] = loader


def _startup() -> bool:
    """Start-up of the console script: no collections while it imports and builds its classes.

    Start-up creates objects that live until exit (modules, model classes, rule tables, compiled
    patterns) and almost no garbage, yet the collector runs every 700 allocations over a growing
    heap. A command that makes garbage at scale calls `_collect_from_here`; a single parse needs no
    collection (the parse pauses the collector itself). Pydantic's plugin discovery (an
    entry-point scan of every installed distribution) is skipped unless the environment sets
    PYDANTIC_DISABLE_PLUGINS itself (and then its loader module is not imported either). True when
    the collector was on (and is now off).
    """
    global _startup_gc
    if os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__") in _NO_PLUGINS:
        _skip_plugin_loader()
    if not gc.isenabled():
        return False
    gc.disable()
    _startup_gc = True
    return True


def _collect_from_here() -> None:
    """The collector back on for work that makes garbage at scale; what start-up built is frozen."""
    global _startup_gc
    if _startup_gc:
        _startup_gc = False
        gc.freeze()  # start-up objects move to a generation no collection scans
        gc.enable()


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    args = sys.argv[1:] if argv is None else list(argv)
    collector_was_on = _startup()
    from .. import run_cache

    run_cache.enable()  # compiled patterns and rule tables kept in the user's cache directory (QIGONG_NO_CACHE=1: off)
    try:
        code = run(args)
    finally:
        run_cache.save()
        if collector_was_on:
            _collect_from_here()
            # The process exits next: freezing the heap spares the interpreter's shutdown
            # collection a scan of every object for cycles it would free with the process anyway.
            gc.freeze()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as exc:
        from ..io.stdout import silence_stdout

        silence_stdout()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        name = _command(args)
        _say(f"qigong{' ' + name if name else ''}: error: cannot write to stdout: {reason}")
        code = 2 if name == "diff" else (code or 1)
    sys.exit(code)
