"""Where documents are parsed: in this process, a local process pool, or a Dask distributed cluster.

Every engine takes the same stream of `Work` and yields one `Outcome` per item **in the order
of the stream**, with a bounded number in flight: memory stays bounded however many sources
there are, and every engine hands the writer the same rows in the same order.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import QigongError, UsageError


class MissingExtra(QigongError):
    """An optional dependency is not installed: the message is the install hint (exit status 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Work:
    """One source to parse: its bytes and their hash, or why they could not be read."""

    source: str
    sha256: str | None = None
    data: bytes | None = None
    error: str | None = None


def _submit_args(work: Work) -> tuple[str, bytes]:
    assert work.data is not None  # works with an error are never submitted
    return work.source, work.data


@dataclass(frozen=True)
class Outcome:
    """The Arrow tables of one parsed document, or the one-line reason it failed."""

    tables: dict[str, Any] | None = None
    kind: str | None = None  # refused (a QigongError) | internal | worker
    error: str | None = None


def _display_name(source: str) -> str:
    # As parse_path does: the name as given, never an absolute path in the document itself.
    return os.path.basename(source) if os.path.isabs(source) else source


def parse_one(source: str, data: bytes) -> Outcome:
    """Parse one document's bytes into its tables; never raises (runs on workers)."""
    from ..pipeline import parse_bytes
    from .flatten import document_rows, to_arrow

    try:
        doc = parse_bytes(data, file=_display_name(source))
        return Outcome(tables=to_arrow(document_rows(doc, source, len(data))))
    except QigongError as exc:
        message = exc.message if exc.message.startswith(source) else f"{source}: {exc.message}"
        return Outcome(kind="refused", error=message)
    except Exception as exc:  # one bad document must not stop the run
        first = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
        return Outcome(kind="internal", error=f"{source}: {first}")


def _warm_up() -> None:
    """Load the parser's tables in this process before workers fork from it (they inherit them)."""
    import pyarrow

    from ..pipeline import parse_text

    pyarrow.array([], type=pyarrow.string())  # its first array imports pandas when installed (~1 s)

    parse_text("关于印发方案的通知\n一、总体要求\n（一）目标。到2025年，增长5%。\n")


def _windowed(works: Iterator[Work], window: int, submit: Callable[[Work], Any],
              result: Callable[[Any], Outcome]) -> Iterator[tuple[Work, Outcome]]:
    pending: deque[tuple[Work, Any]] = deque()

    def take() -> tuple[Work, Outcome]:
        work, handle = pending.popleft()
        if work.error is not None:
            return work, Outcome(kind="refused", error=work.error)
        return work, result(handle)

    for work in works:
        pending.append((work, None if work.error is not None else submit(work)))
        if len(pending) >= window:
            yield take()
    while pending:
        yield take()


def run_serial(works: Iterator[Work]) -> Iterator[tuple[Work, Outcome]]:
    """Parse in this process, one document at a time."""
    for work in works:
        if work.error is not None or work.data is None:
            yield work, Outcome(kind="refused", error=work.error)
        else:
            yield work, parse_one(work.source, work.data)


def run_local(works: Iterator[Work], jobs: int) -> Iterator[tuple[Work, Outcome]]:
    """Parse on a pool of `jobs` processes (in this process when 1)."""
    if jobs <= 1:
        yield from run_serial(works)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    _warm_up()

    def result(future: Future[Outcome]) -> Outcome:
        try:
            return future.result()
        except Exception as exc:  # the worker process itself died (killed, out of memory)
            return Outcome(kind="worker", error=f"worker failed: {type(exc).__name__}: {exc}")

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        try:
            yield from _windowed(works, 4 * jobs, lambda w: pool.submit(parse_one, *_submit_args(w)), result)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def dask_client(scheduler: str | None, jobs: int) -> tuple[Any, Any]:
    """A distributed Client on `scheduler`, or on a new LocalCluster of `jobs` worker processes."""
    try:
        from distributed import Client, LocalCluster
    except ModuleNotFoundError:
        raise MissingExtra("--engine dask needs dask distributed: pip install 'qigong-parse[dask]'") from None
    import logging

    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.CRITICAL)  # its shutdown races log heartbeat errors
    return Client(cluster), cluster


def run_dask(works: Iterator[Work], client: Any) -> Iterator[tuple[Work, Outcome]]:
    """Parse on the workers of a Dask distributed `client` (futures, a bounded window in flight)."""
    threads = max(1, sum(client.nthreads().values()))

    def result(future: Any) -> Outcome:
        try:
            value: Outcome = future.result()
            return value
        except Exception as exc:  # a worker died on it (KilledWorker), or the task was lost
            return Outcome(kind="worker", error=f"worker failed: {type(exc).__name__}: {exc}")
        finally:
            future.release()

    # in flight: enough to keep every worker busy while the oldest is awaited, yet bounded
    yield from _windowed(works, 2 * threads + 16,
                         lambda w: client.submit(parse_one, *_submit_args(w), pure=False), result)
