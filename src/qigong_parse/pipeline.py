"""The pipeline: read → normalize → segment → outline → extract → validate.

Each stage is a pure function on typed data; this module only wires them together.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError
from .model.output import DecodedText, Document, ParseWarning, Part, Source, Unassigned

_SURROGATE = re.compile("[\ud800-\udfff]")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is built.

    Parsing allocates many small objects that form no cycles; with the collector running, its
    full passes over a growing heap make a long notice cost more than its length (100× the
    sample took 150× the time). Reference counting still frees everything; the collector is
    restored afterwards, as it was.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_text(text: str, *, file: str = "<text>", sha256: str | None = None,
               encoding: str = "utf-8", fmt: str = "text", outside: list[tuple[int, int]] | None = None,
               ) -> Document:
    """Parse decoded notice text into a validated `Document`.

    `outside` lists spans a reader already knows are not the document (HTML site chrome).
    """
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise InputError(f"text holds a lone surrogate (U+{ord(bad.group()):04X}) at offset {bad.start()}; "
                         "it is not valid Unicode text")
    with _gc_paused():
        return _parse(text, file=file, sha256=sha256, encoding=encoding, fmt=fmt, outside=outside)


def _parse(text: str, *, file: str, sha256: str | None, encoding: str, fmt: str,
           outside: list[tuple[int, int]] | None) -> Document:
    from .parse.extract import extract
    from .parse.outline import build_outline
    from .parse.segment import segment
    from .parse.state import ParseState

    state = ParseState(text, outside=list(outside or []))
    seg = segment(state)
    norm = state.norm
    warnings = state.warnings
    parts: list[Part] = []
    for sl in seg.parts:
        outline = build_outline(text, norm, sl)
        warnings.extend(outline.warnings)
        parts.append(outline.part)
    source = Source(
        file=file,
        sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        encoding=encoding,
        chars=len(text),
        format=fmt,
    )
    doc = Document(source=source, notice=seg.notice, parts=parts, unassigned=seg.unassigned,
                   warnings=warnings)
    # Every piece was built by a validating constructor; the extract stage's model_copy updates
    # are covered by the tests' round trips (Document.model_validate(doc.model_dump())).
    from .check.invariants import check_document
    from .parse.coverage import coverage_of

    doc = coverage_of(extract(doc, text, norm), norm)
    problems = check_document(doc)
    if problems:  # the guarantee every output keeps; a breach is a bug of ours, reported, never hidden
        doc.warnings.append(ParseWarning(code="invariant", message="; ".join(map(str, problems[:5]))))
    return doc


def parse_bytes(data: bytes, *, file: str = "<bytes>", encoding: str | None = None,
                fmt: str | None = None, encoding_errors: str = "strict") -> Document:
    """Decode raw bytes (sniffing format and encoding unless given) and parse them."""
    from .read import decode

    decoded = decode(data, encoding=encoding, fmt=fmt, errors=encoding_errors)
    doc = parse_text(decoded.text, file=file, sha256=hashlib.sha256(data).hexdigest(),
                     encoding=decoded.encoding, fmt=decoded.format, outside=list(decoded.outside))
    doc.warnings[:0] = [ParseWarning(code=code, message=message) for code, message in decoded.notes]
    return _stamp_pages(doc, decoded) if decoded.page_starts or decoded.labelled else doc


def _stamp_pages(doc: Document, decoded: DecodedText) -> Document:
    """Give each node the page it starts on; split page chrome out of the unassigned spans, each
    piece with the reason the reader gave it (page number, page header …)."""
    starts = decoded.page_starts
    for part in doc.parts:
        for node in part.walk():
            node.page = max(1, bisect.bisect_right(starts, node.span[0])) if starts else None
    text = decoded.text
    unassigned: list[Unassigned] = []
    for item in doc.unassigned:
        pos, end = item.span
        for start, stop, reason in decoded.labelled:
            if stop <= pos or start >= end:
                continue
            if text[pos:start].strip():
                unassigned.append(Unassigned(span=(pos, start), text=text[pos:start], reason=item.reason))
                pos = start
            stop = min(stop, end)
            unassigned.append(Unassigned(span=(pos, stop), text=text[pos:stop], reason=reason))
            pos = stop
        if pos < end:
            unassigned.append(item if pos == item.span[0] else
                              Unassigned(span=(pos, end), text=text[pos:end], reason=item.reason))
    doc.unassigned = unassigned
    return doc


def parse_path(path: str | Path, *, encoding: str | None = None, fmt: str | None = None,
               max_bytes: int | None = None, encoding_errors: str = "strict") -> Document:
    """Read a file and parse it; `source.file` is the name as given, never made absolute."""
    from .read import read_file

    data = read_file(Path(path), max_bytes=max_bytes)
    return parse_bytes(data, file=Path(path).name if Path(path).is_absolute() else str(path),
                       encoding=encoding, fmt=fmt, encoding_errors=encoding_errors)


def preload() -> None:
    """Import every stage now (the forked workers of a process pool then inherit them)."""
    from .parse import coverage, extract, outline, segment  # noqa: F401
