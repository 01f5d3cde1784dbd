"""Batch parsing: expand inputs, name outputs safely, parse files (optionally in parallel)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import QigongError, printable

if TYPE_CHECKING:
    from ..model.records import Document

from ..io.inputs import NOTICE_SUFFIXES, Inputs, expand_inputs, natural_key, output_name, plan_outputs, safe_stem

__all__ = ["NOTICE_SUFFIXES", "Inputs", "expand_inputs", "natural_key", "output_name", "plan_outputs",
           "safe_stem"]


class Job(NamedTuple):
    """One file to parse and where to write it (picklable: it crosses process boundaries)."""

    source: str
    output: str
    encoding: str | None = None
    fmt: str | None = None
    max_bytes: int | None = None
    force: bool = False
    debug: bool = False
    to: str = "yaml"
    encoding_errors: str = "strict"


class Stats(NamedTuple):
    """What a parsed document holds, for summaries."""

    parts: int = 0
    nodes: int = 0
    targets: int = 0
    responsibilities: int = 0
    warnings: int = 0
    warning_codes: tuple[str, ...] = ()


class Result(NamedTuple):
    """How one job went: `error` is a one-line message when it failed."""

    job: Job
    stats: Stats | None = None
    error: str | None = None
    detail: str | None = None  # a traceback, only with --debug
    interrupted: bool = False  # not parsed, or its result never came back: the batch was interrupted

    @property
    def ok(self) -> bool:
        return self.error is None


def doc_stats(doc: Document) -> Stats:
    """Counts over the whole document."""
    nodes = [n for p in doc.parts for n in p.walk()]
    return Stats(
        parts=len(doc.parts),
        nodes=len(nodes),
        targets=sum(len(p.targets) for p in doc.parts) + sum(len(n.targets) for n in nodes),
        responsibilities=sum(n.responsibility is not None for n in nodes),
        warnings=len(doc.warnings),
        warning_codes=tuple(w.code for w in doc.warnings),
    )


def with_file(message: str, name: str) -> str:
    """Prefix a message with the file it is about, unless it already names it; one printable line."""
    message, name = printable(message), printable(name)
    return message if message.startswith(name) else f"{name}: {message}"


def run_job(job: Job) -> Result:
    """Parse one file and write its YAML; never raises (failures become the result's error)."""
    from ..io.yaml_out import write_yaml
    from ..pipeline import parse_path_records

    try:
        doc = parse_path_records(job.source, encoding=job.encoding, fmt=job.fmt, max_bytes=job.max_bytes,
                         encoding_errors=job.encoding_errors)
        write_yaml(doc, job.output, force=job.force, to=job.to, sync_dir=False)  # run_jobs syncs the folders
        return Result(job, stats=doc_stats(doc))
    except QigongError as exc:
        return Result(job, error=with_file(exc.message, job.source), detail=_trace(job))
    except Exception as exc:  # one bad file must not stop the batch
        message = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
        return Result(job, error=with_file(message, job.source), detail=_trace(job))


def _trace(job: Job) -> str | None:
    if not job.debug:
        return None
    import traceback

    return traceback.format_exc()


def run_jobs(jobs: Sequence[Job], workers: int = 1, run: Callable[[Job], Result] = run_job,
             finished: list[Result] | None = None) -> Generator[Result, None, None]:
    """Run jobs, `workers` at a time in separate processes (in this one when 1); yield results as they end.

    Each output file is fsynced as it is written; the folders they were renamed into are synced
    once each when the batch ends (also when it is interrupted), not once per file. Interrupted
    (Ctrl-C, or the caller closing the generator), it cancels what has not started, terminates the
    workers (which remove their temporary files) and re-raises; it never waits for the jobs in
    flight. Results that had come back but were not yet yielded go to `finished`. Workers ignore
    SIGINT (the parent decides) and exit when the parent dies.
    """
    written: set[str] = set()
    inner = _run_jobs(jobs, workers, run, finished)
    try:
        for result in inner:
            if result.ok and result.job.output:
                written.add(os.path.dirname(os.path.abspath(result.job.output)))
            yield result
    finally:
        inner.close()  # an interrupt reaches the pool: it is stopped, not waited for
        from ..io.yaml_out import sync_directory

        for folder in sorted(written):
            sync_directory(Path(folder))


def _run_jobs(jobs: Sequence[Job], workers: int, run: Callable[[Job], Result],
              finished: list[Result] | None) -> Generator[Result, None, None]:
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield run(job)
        return
    from concurrent.futures import Future, ProcessPoolExecutor, as_completed

    # Forked workers inherit what is imported here, instead of each paying for the imports again.
    from ..pipeline import preload

    preload()

    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=worker_init,
                               initargs=(os.getpid(),))
    futures: dict[Future[Result], Job] = {}
    reported: set[Future[Result]] = set()
    try:
        futures = {pool.submit(run, job): job for job in jobs}
        for future in as_completed(futures):
            reported.add(future)
            try:
                result = future.result()
            except Exception as exc:  # the worker process itself died
                job = futures[future]
                message = f"worker failed: {type(exc).__name__}: {exc}"
                result = Result(job, error=with_file(message, job.source))
            yield result
    except BaseException:
        if finished is not None:
            finished.extend(f.result() for f in futures if f not in reported and f.done()
                            and not f.cancelled() and f.exception() is None)
        _abort(pool)
        raise
    pool.shutdown(wait=True)


def _abort(pool: Any) -> None:
    """Stop a pool now: drop pending jobs, terminate the workers, ignoring Ctrl-C meanwhile.

    Futures are cancelled by the pool's own manager thread (shutdown with cancel_futures): one
    cancelled from here could race with the manager marking it broken (CPython 3.11 then raises
    InvalidStateError in that thread).
    """
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        known = getattr(pool, "_processes", None)  # CPython's {pid: Process} of the pool
        processes = list(known.values()) if isinstance(known, dict) else []
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: the worker removes its temporary file and exits
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=10)
    finally:
        if in_main and previous is not None:
            signal.signal(signal.SIGINT, previous)


def worker_init(parent: int) -> None:
    """In each worker: ignore SIGINT, clean up and exit on SIGTERM, exit when `parent` dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_exit)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: SIGTERM when the parent goes
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above
        _worker_exit()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="qigong-parent-watch").start()


def _watch_parent(parent: int) -> None:
    # Where there is no PR_SET_PDEATHSIG: an orphan is re-parented, and would block forever on its queue.
    while os.getppid() == parent:
        threading.Event().wait(0.5)
    _worker_exit()


def _worker_exit(*_: object) -> None:
    from ..io.yaml_out import remove_own_temp_files

    remove_own_temp_files()
    os._exit(143)
