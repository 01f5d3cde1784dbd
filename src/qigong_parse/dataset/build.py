"""A dataset run: sources → works (read and hashed here) → an engine → the writer, with progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .engines import Outcome, Work
from .sources import DEFAULT_MAX_BYTES, read_source, sha256


@dataclass
class Report:
    """What a run did."""

    total: int = 0
    parsed: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    errors_dropped: int = 0
    files: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


Progress = Callable[[Work, Outcome | None, Report], None]  # outcome None: skipped


def build(sources: Sequence[str], root: Path, *, engine: str = "local", jobs: int = 1,
          scheduler: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, retry_errors: bool = False,
          progress: Progress | None = None, chunk_documents: int | None = None) -> Report:
    """Parse `sources` into the dataset at `root`, skipping those whose sha256 it already holds."""
    from ..errors import QigongError
    from .engines import dask_client, run_dask, run_local
    from .flatten import error_rows, to_arrow
    from .store import CHUNK_DOCUMENTS, Writer, drop_errors, open_dataset

    existing = open_dataset(root)
    report = Report(total=len(sources), removed=existing.removed)
    retried_shas: list[str] = []
    retried_sources: list[str] = []
    started = time.monotonic()

    def works() -> Iterator[Work]:
        for source in sources:
            if source in existing.error_sources and not retry_errors:
                _skip(Work(source))
                continue
            try:
                data = read_source(source, max_bytes)
            except QigongError as exc:
                if source in existing.error_sources:
                    retried_sources.append(source)
                yield Work(source, error=exc.message)
                continue
            digest = sha256(data)
            if digest in existing.error_shas and retry_errors:
                existing.error_shas.discard(digest)  # retried once, even if two sources share it
                retried_shas.append(digest)
            elif digest in existing.shas:
                _skip(Work(source, digest))
                continue
            if source in existing.error_sources:
                retried_sources.append(source)
            existing.shas.add(digest)  # a second source with the same bytes in this run is skipped
            yield Work(source, digest, data)

    def _skip(work: Work) -> None:
        report.skipped += 1
        if progress is not None:
            progress(work, None, report)

    writer = Writer(root, existing.next_chunk, chunk_documents=chunk_documents or CHUNK_DOCUMENTS)
    first_chunk = existing.next_chunk
    client = cluster = None
    try:
        if engine == "dask":
            client, cluster = dask_client(scheduler, jobs)
            outcomes = run_dask(works(), client)
        else:
            outcomes = run_local(works(), jobs)
        for work, outcome in outcomes:
            if outcome.tables is not None:
                report.parsed += 1
                writer.add(outcome.tables)
            else:
                report.failed += 1
                nbytes = len(work.data) if work.data is not None else None
                writer.add(to_arrow(error_rows(work.source, work.sha256, nbytes, outcome.kind or "refused",
                                               outcome.error or "failed")))
            if progress is not None:
                progress(work, outcome, report)
        writer.commit()
    except BaseException:
        writer.abort()  # what was committed stays; the chunk in progress is dropped
        raise
    finally:
        report.files = writer.files
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    report.retried = len(retried_shas) + len(retried_sources)
    if report.retried:
        report.errors_dropped = drop_errors(root, retried_shas, retried_sources, first_chunk)
    report.seconds = time.monotonic() - started
    return report
