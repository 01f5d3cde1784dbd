"""The dataset on disk: one folder per table of Parquet files, written in numbered chunks.

    DIR/dataset.json                 what this folder is (so a foreign folder is never written into)
    DIR/<table>/part-000000.parquet  one file per table per chunk, written in row groups

A chunk is written to hidden `.part-N.parquet.tmp` files, then renamed: the child tables first, the
documents file last, so a documents file marks its chunk complete. Files of a chunk with no
documents file (a run killed between two renames) and `.tmp` files are removed when the next
run opens the dataset; everything committed before stays.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OutputError, UsageError
from .schema import CHILD_TABLES, DATASET_FORMAT, DATASET_VERSION, TABLES, schema

MARKER = "dataset.json"
_PART = re.compile(r"^part-(\d{6,})\.parquet$")
ROW_GROUP_ROWS = 64_000  # rows buffered per table before a row group is written
CHUNK_DOCUMENTS = 2_000  # documents (and errors) per file before the chunk is committed
COMPACT_TABLES = 64  # small tables buffered per table before they are merged into one


@dataclass
class Existing:
    """What a dataset already holds: the keys a new run skips."""

    shas: set[str] = field(default_factory=set)  # in documents or errors
    error_shas: set[str] = field(default_factory=set)
    error_sources: set[str] = field(default_factory=set)  # errors with no sha256 (unreadable sources)
    next_chunk: int = 0
    removed: list[str] = field(default_factory=list)  # leftovers of an interrupted run


def _chunks(folder: Path) -> dict[int, Path]:
    out: dict[int, Path] = {}
    if folder.is_dir():
        for path in folder.iterdir():
            m = _PART.match(path.name)
            if m:
                out[int(m.group(1))] = path
    return out


def open_dataset(root: Path) -> Existing:
    """Create `root` as a dataset, or open the one there; refuse a folder that is something else."""
    marker = root / MARKER
    if root.exists() and not root.is_dir():
        raise UsageError(f"-o {root}: exists and is not a directory")
    if root.is_dir() and not marker.exists() and any(root.iterdir()):
        raise OutputError(f"{root}: is a non-empty directory that is not a qigong dataset "
                          f"(no {MARKER}); give a new or empty directory")
    try:
        root.mkdir(parents=True, exist_ok=True)
        if not marker.exists():
            info = {"format": DATASET_FORMAT, "version": DATASET_VERSION, "tables": list(TABLES)}
            _atomic_write(marker, json.dumps(info, indent=2) + "\n")
        for table in TABLES:
            (root / table).mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the dataset {root}: {exc.strerror or exc}") from None
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"{marker}: unreadable ({exc})") from None
    if info.get("format") != DATASET_FORMAT or info.get("version") != DATASET_VERSION:
        raise OutputError(f"{marker}: not a {DATASET_FORMAT} version {DATASET_VERSION} dataset")
    return _scan(root)


def _scan(root: Path) -> Existing:
    import pyarrow.parquet as pq

    existing = Existing()
    committed = _chunks(root / "documents")
    for table in TABLES:
        folder = root / table
        for path in sorted(folder.glob(".*.tmp")):
            path.unlink()
            existing.removed.append(str(path))
        for number, path in sorted(_chunks(folder).items()):
            if number not in committed:
                path.unlink()
                existing.removed.append(str(path))
    for path in committed.values():
        existing.shas.update(pq.read_table(path, columns=["sha256"]).column(0).to_pylist())
    for path in _chunks(root / "errors").values():
        errors = pq.read_table(path, columns=["sha256", "source"]).to_pydict()
        for sha, source in zip(errors["sha256"], errors["source"], strict=True):
            if sha is None:
                existing.error_sources.add(source)
            else:
                existing.error_shas.add(sha)
    existing.shas.update(existing.error_shas)
    existing.next_chunk = max(committed, default=-1) + 1
    return existing


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Writer:
    """Buffers Arrow tables per table; writes row groups; commits a chunk every `chunk_documents`."""

    def __init__(self, root: Path, first_chunk: int, *, row_group_rows: int = ROW_GROUP_ROWS,
                 chunk_documents: int = CHUNK_DOCUMENTS) -> None:
        self.root = root
        self.chunk = first_chunk
        self.row_group_rows = row_group_rows
        self.chunk_documents = chunk_documents
        self.files: list[str] = []  # committed
        self._writers: dict[str, Any] = {}
        self._buffers: dict[str, list[Any]] = {t: [] for t in TABLES}
        self._buffered: dict[str, int] = dict.fromkeys(TABLES, 0)
        self._in_chunk = 0

    def _path(self, table: str, tmp: bool = False) -> Path:
        name = f"part-{self.chunk:06d}.parquet"
        # hidden while written: DuckDB's *.parquet and pyarrow's directory reads both skip it
        return self.root / table / (f".{name}.tmp" if tmp else name)

    def add(self, tables: dict[str, Any]) -> None:
        """Add one document's (or one error's) tables."""
        for table, data in tables.items():
            buffer = self._buffers[table]
            buffer.append(data)
            self._buffered[table] += data.num_rows
            if self._buffered[table] >= self.row_group_rows:
                self._flush(table)
            elif len(buffer) >= COMPACT_TABLES:
                # thousands of one-document tables cost far more than their rows: merge them
                self._buffers[table] = [_concat(buffer)]
        self._in_chunk += 1
        if self._in_chunk >= self.chunk_documents:
            self.commit()

    def _flush(self, table: str) -> None:
        import pyarrow.parquet as pq

        writer = self._writers.get(table)
        if writer is None:
            writer = pq.ParquetWriter(self._path(table, tmp=True), schema(table), compression="zstd")
            self._writers[table] = writer
        if self._buffers[table]:
            data = _concat(self._buffers[table])
            writer.write_table(data, row_group_size=max(self.row_group_rows, data.num_rows))
        self._buffers[table] = []
        self._buffered[table] = 0

    def commit(self) -> None:
        """Write what is buffered and make the chunk visible (documents last); no-op when empty."""
        if not self._in_chunk:
            return
        for table in TABLES:
            self._flush(table)  # every table gets a file, possibly with no rows: queries find them all
        for table in (*CHILD_TABLES, "documents"):
            self._writers.pop(table).close()
            final = self._path(table)
            os.replace(self._path(table, tmp=True), final)
            self.files.append(str(final))
        self.chunk += 1
        self._in_chunk = 0

    def abort(self) -> None:
        """Drop the chunk being written (its `.tmp` files)."""
        for table, writer in list(self._writers.items()):
            writer.close()
            self._path(table, tmp=True).unlink(missing_ok=True)
        self._writers.clear()


def _concat(tables: list[Any]) -> Any:
    import pyarrow as pa

    return pa.concat_tables(tables).combine_chunks()


def drop_errors(root: Path, shas: Iterable[str], sources: Iterable[str], before_chunk: int) -> int:
    """Remove errors rows of sources retried in this run from chunks older than `before_chunk`."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sha_set, source_set = list(set(shas)), list(set(sources))
    dropped = 0
    for number, path in sorted(_chunks(root / "errors").items()):
        if number >= before_chunk:
            continue
        data = pq.read_table(path)
        retried = pc.or_(pc.fill_null(pc.is_in(data["sha256"], value_set=_strings(sha_set)), False),
                         pc.and_(pc.is_null(data["sha256"]),
                                 pc.is_in(data["source"], value_set=_strings(source_set))))
        n = pc.sum(retried).as_py() or 0
        if n:
            tmp = path.with_name(f".{path.name}.tmp")
            pq.write_table(data.filter(pc.invert(retried)), tmp, compression="zstd")
            os.replace(tmp, path)
            dropped += n
    return dropped


def _strings(values: list[str]) -> Any:
    import pyarrow as pa

    return pa.array(values, type=pa.string())


def read_table(root: Path, table: str) -> Any:
    """All rows of `table` in the dataset at `root`, as one Arrow table ordered by its key."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .schema import KEYS

    parts = [pq.read_table(path) for _, path in sorted(_chunks(root / table).items())]
    data = pa.concat_tables(parts) if parts else schema(table).empty_table()
    return data.sort_by([(key, "ascending") for key in KEYS[table]])
