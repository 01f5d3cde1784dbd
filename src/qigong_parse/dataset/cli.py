"""The `qigong dataset` command (registered on the app by `register`)."""

from __future__ import annotations

import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError, UsageError

if TYPE_CHECKING:
    from .build import Report
    from .engines import Outcome, Work

PLAIN_EVERY_SECONDS = 10.0


class Engine(StrEnum):
    """Where the documents are parsed."""

    local = "local"
    dask = "dask"


def dataset(
    sources: Annotated[list[str] | None, typer.Argument(
        metavar="SOURCES...", show_default=False,
        help="Document files, directories (searched recursively), or glob patterns.")] = None,
    output: Annotated[str, typer.Option(
        "-o", "--output", metavar="DIR", show_default=False,
        help="The dataset directory (created; a non-empty directory must be a qigong dataset).")] = "",
    manifest: Annotated[list[str] | None, typer.Option(
        "--manifest", metavar="FILE", show_default=False,
        help="A file of paths, one a line ('-' reads standard input); may be repeated.")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", metavar="N", show_default=False,
        help="Worker processes (default: the machine's cores; with --engine dask, LocalCluster workers).")] = None,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="local: a process pool on this machine; dask: a Dask distributed cluster.")] = Engine.local,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", metavar="ADDRESS", show_default=False,
        help="The Dask scheduler (tcp://host:8786); without it --engine dask starts a LocalCluster.")] = None,
    max_bytes: Annotated[int | None, typer.Option(
        "--max-bytes", metavar="N", show_default=False,
        help="Refuse sources larger than N bytes (default 64 MiB).")] = None,
    retry_errors: Annotated[bool, typer.Option(
        "--retry-errors", help="Parse again the sources the errors table holds (e.g. after an upgrade).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print failures and the last line only.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Parse many documents into a Parquet dataset: one table per entity, keys that join.

    Examples:

    qigong dataset corpus/ -o ds                   (every document under corpus/, recursively)

    find raw -name '*.html' | qigong dataset --manifest - -o ds --jobs 8

    qigong dataset corpus/ -o ds --engine dask --scheduler tcp://10.0.0.5:8786

    One folder of Parquet files per table (documents, nodes, targets, responsibilities, errors …), joined by sha256.

    Sources already in DIR (same sha256) are skipped; a document that fails is recorded in errors, and the run goes on.

    Exit status: 0 done; 1 a source failed in this run (see errors) or DIR cannot be written; 2 bad usage.
    """
    if not output:
        raise UsageError("give the dataset directory with -o DIR")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    if max_bytes is not None and max_bytes < 1:
        raise UsageError(f"--max-bytes must be a positive number of bytes, not {max_bytes}")
    from .engines import MissingExtra

    if scheduler and engine is not Engine.dask:
        raise UsageError("--scheduler is for --engine dask")
    try:
        import pyarrow  # noqa: F401
    except ModuleNotFoundError:
        raise MissingExtra("qigong dataset needs pyarrow: pip install 'qigong-parse[dataset]'") from None
    if engine is Engine.dask:
        try:
            import distributed  # noqa: F401
        except ModuleNotFoundError:
            raise MissingExtra("--engine dask needs dask distributed: pip install 'qigong-parse[dask]'") from None
    from .build import build
    from .sources import DEFAULT_MAX_BYTES, expand, read_manifest

    items = list(sources or [])
    for name in manifest or []:
        items.extend(read_manifest(name))
    if not items:
        raise UsageError("give SOURCES or --manifest FILE")
    expanded = expand(items)
    for problem in expanded.problems:
        print(f"FAIL  {problem}", file=sys.stderr)
    if not expanded.files:
        raise InputError(expanded.problems[0] if expanded.problems else "no sources")
    n_jobs = jobs or os.cpu_count() or 1
    if engine is Engine.local:
        n_jobs = min(n_jobs, len(expanded.files))  # no pool of 8 for 2 files
    progress = _Progress(len(expanded.files), quiet)
    try:
        report = build(expanded.files, Path(output), engine=engine.value, jobs=n_jobs, scheduler=scheduler,
                       max_bytes=max_bytes or DEFAULT_MAX_BYTES, retry_errors=retry_errors,
                       progress=progress)
    finally:
        progress.close()
    for path in report.removed:
        print(f"removed {path} (left by an interrupted run)", file=sys.stderr)
    rate = report.parsed / report.seconds if report.seconds > 0 else 0.0
    line = (f"qigong dataset: {report.parsed} parsed, {report.failed} failed, {report.skipped} skipped "
            f"(already in {output}) in {report.seconds:.1f} s ({rate:.1f} documents/s); "
            f"{len(report.files)} files written")
    if report.retried:
        line += f"; {report.retried} retried, {report.errors_dropped} old errors rows dropped"
    print(line, file=sys.stderr)
    if report.failed or expanded.problems:
        raise typer.Exit(1)


class _Progress:
    """A progress bar on a terminal; otherwise a plain line per failure and one every few seconds."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total = total
        self.quiet = quiet
        self.done = 0
        self.started = self.last = time.monotonic()
        self.bar: Any = None
        self.task: Any = None
        if sys.stderr.isatty() and not quiet:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("dataset"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.description}"), console=Console(file=sys.stderr),
                                transient=True)
            self.bar.start()
            self.task = self.bar.add_task("", total=total)

    def __call__(self, work: Work, outcome: Outcome | None, report: Report) -> None:
        self.done += 1
        failed = outcome is not None and outcome.tables is None
        if failed and outcome is not None:
            line = f"FAIL  {outcome.error}"
            if self.bar is not None:
                self.bar.console.print(line, markup=False, highlight=False)
            else:
                print(line, file=sys.stderr)
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=os.path.basename(work.source))
            return
        now = time.monotonic()
        if not self.quiet and (now - self.last >= PLAIN_EVERY_SECONDS or self.done == self.total):
            self.last = now
            rate = report.parsed / (now - self.started) if now > self.started else 0.0
            print(f"dataset: {self.done}/{self.total} ({report.parsed} parsed, {report.failed} failed, "
                  f"{report.skipped} skipped), {rate:.1f} documents/s", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def register(app: typer.Typer) -> None:
    """Add `dataset` to the `qigong` app."""
    app.command("dataset")(dataset)
