"""A dataset run: sources → works (read and hashed here) → an engine → the writer, with progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .engines import Outcome, Work
from .sources import DEFAULT_MAX_BYTES, read_source, sha256

if TYPE_CHECKING:
    from .store import Existing, Writer


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
    from .store import CHUNK_DOCUMENTS, Writer, drop_errors, open_dataset

    existing = open_dataset(root)
    report = Report(total=len(sources), removed=existing.removed)
    started = time.monotonic()
    picked = _Works(existing, report, progress, max_bytes, retry_errors)
    writer = Writer(root, existing.next_chunk, chunk_documents=chunk_documents or CHUNK_DOCUMENTS)
    first_chunk = existing.next_chunk
    _run(picked.works(sources), writer, report, progress, engine, jobs, scheduler)
    report.retried = len(picked.retried_shas) + len(picked.retried_sources)
    if report.retried:
        report.errors_dropped = drop_errors(root, picked.retried_shas, picked.retried_sources, first_chunk)
    report.seconds = time.monotonic() - started
    return report


@dataclass
class _Works:
    """The sources to parse, read and hashed one at a time; those the dataset holds are skipped."""

    existing: Existing
    report: Report
    progress: Progress | None
    max_bytes: int
    retry_errors: bool
    retried_shas: list[str] = field(default_factory=list)
    retried_sources: list[str] = field(default_factory=list)

    def works(self, sources: Sequence[str]) -> Iterator[Work]:
        from ..errors import QigongError

        existing = self.existing
        for source in sources:
            if source in existing.error_sources and not self.retry_errors:
                self._skip(Work(source))
                continue
            try:
                data = read_source(source, self.max_bytes)
            except QigongError as exc:
                if source in existing.error_sources:
                    self.retried_sources.append(source)
                yield Work(source, error=exc.message)
                continue
            digest = sha256(data)
            if digest in existing.error_shas and self.retry_errors:
                existing.error_shas.discard(digest)  # retried once, even if two sources share it
                self.retried_shas.append(digest)
            elif digest in existing.shas:
                self._skip(Work(source, digest))
                continue
            if source in existing.error_sources:
                self.retried_sources.append(source)
            existing.shas.add(digest)  # a second source with the same bytes in this run is skipped
            yield Work(source, digest, data)

    def _skip(self, work: Work) -> None:
        self.report.skipped += 1
        if self.progress is not None:
            self.progress(work, None, self.report)


def _run(works: Iterator[Work], writer: Writer, report: Report, progress: Progress | None, engine: str,
         jobs: int, scheduler: str | None) -> None:
    """Parse `works` on the engine and write every outcome; commit, or drop the chunk in progress."""
    from .engines import dask_client, run_dask, run_local

    client = cluster = None
    try:
        if engine == "dask":
            client, cluster = dask_client(scheduler, jobs)
            outcomes = run_dask(works, client)
        else:
            outcomes = run_local(works, jobs)
        for work, outcome in outcomes:
            _write(writer, report, work, outcome)
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


def _write(writer: Writer, report: Report, work: Work, outcome: Outcome) -> None:
    """One outcome into the writer: its tables, or the errors row of a source that failed."""
    from .flatten import error_rows, to_arrow

    if outcome.tables is not None:
        report.parsed += 1
        writer.add(outcome.tables)
    else:
        report.failed += 1
        nbytes = len(work.data) if work.data is not None else None
        writer.add(to_arrow(error_rows(work.source, work.sha256, nbytes, outcome.kind or "refused",
                                       outcome.error or "failed")))
