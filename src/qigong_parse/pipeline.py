"""The pipeline: read → normalize → segment → outline → extract → coverage → assemble → check.

Each stage is a pure function on typed data; this module only wires them together. A parse
builds records (`model.records`, plain classes); `parse_text`, `parse_bytes` and `parse_path`
return the validated output models (`model.output`, pydantic) built from them once, at the end,
and the `*_records` calls the records themselves, which the command line writes as they are:
pydantic's model machinery is then never imported (a fifth of a cold `qigong parse`).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .model import records
from .model.ir import DecodedText
from .model.records import ParseWarning, Source, Unassigned
from .run_cache import compiled_re

if TYPE_CHECKING:
    from .model.output import Document

_SURROGATE = compiled_re("[\ud800-\udfff]")


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
    return _models(parse_text_records(text, file=file, sha256=sha256, encoding=encoding, fmt=fmt, outside=outside))


def parse_text_records(text: str, *, file: str = "<text>", sha256: str | None = None,
                       encoding: str = "utf-8", fmt: str = "text", outside: list[tuple[int, int]] | None = None,
                       ) -> records.Document:
    """`parse_text`'s records: the same document, as plain classes (`model.records`)."""
    decoded = DecodedText(text=text, encoding=encoding, format=fmt,  # type: ignore[arg-type]
                          outside=list(outside or []))
    return _parse_decoded(decoded, file=file, sha256=sha256)


def _models(doc: records.Document) -> Document:
    from .model.output import from_record

    # Paused as the parse is: with the collector on, building a long notice's models ran a pass of
    # the middle generation, which held every record of the parse after the first young pass,
    # every ten young passes (100x the sample: 13,857 -> 13,690 M instructions, 1.021 -> 1.008 a
    # character against the sample's parse)
    with _gc_paused():
        return from_record(doc)


def _parse_decoded(decoded: DecodedText, *, file: str, sha256: str | None) -> records.Document:
    text = decoded.text
    # UTF-8 encoding fails exactly where the text holds a surrogate code point: one C pass that
    # gives the source's hash as well (the search finds the offset only for the message)
    try:
        encoded: bytes | None = text.encode("utf-8")
    except UnicodeEncodeError:
        encoded = None
    if encoded is None:
        bad = _SURROGATE.search(text)
        assert bad is not None
        raise InputError(f"text holds a lone surrogate (U+{ord(bad.group()):04X}) at offset {bad.start()}; "
                         "it is not valid Unicode text")
    sha256 = sha256 or hashlib.sha256(encoded).hexdigest()
    del encoded
    with _gc_paused():
        return _parse(decoded, file=file, sha256=sha256)


def _parse(decoded: DecodedText, *, file: str, sha256: str) -> records.Document:
    """read → normalize → segment → outline → extract → coverage → assemble → check."""
    from .check.invariants import check_document
    from .model.warnings import check_code
    from .parse.assemble import assemble
    from .parse.coverage import coverage_of
    from .parse.extract import extract
    from .parse.outline import build_outline
    from .parse.segment import segment
    from .parse.state import ParseState

    text = decoded.text
    state = ParseState(text, outside=list(decoded.outside))
    seg = segment(state)
    warnings = [ParseWarning(code=code, message=message) for code, message in decoded.notes]
    warnings += state.warnings
    # the line index (Line objects and their contents, ~5 B per character) served segmentation only
    vars(state).pop("lines", None)
    outlines = [build_outline(state, sl) for sl in seg.parts]
    parts = [outline.part for outline in outlines]
    warnings.extend(w for outline in outlines for w in outline.warnings)
    del outlines
    facts = extract(state, parts, seg.notice)
    warnings.extend(facts.warnings)
    unassigned = _with_page_chrome(seg.unassigned, decoded) if decoded.labelled else list(seg.unassigned)
    coverage = coverage_of(state, parts, facts, seg.notice, unassigned)
    warnings.extend(coverage.warnings)
    del state  # the normalized view and the overlays
    source = Source(
        file=file,
        sha256=sha256,  # the source's hash, or the text's (`_parse_decoded`)
        encoding=decoded.encoding,
        chars=len(text),
        format=decoded.format,
    )
    # Assembly takes the tree and the facts part by part and frees each once its models exist.
    pieces = list(zip(parts, facts.parts, coverage.parts, strict=True))
    del parts, facts
    doc = assemble(source, seg.notice, pieces, coverage.document, unassigned, warnings, decoded.page_starts)
    for warning in doc.warnings:  # a code of ours that is not registered is a bug of ours (model/warnings.py)
        check_code(warning.code)
    problems = check_document(doc)
    if problems:  # the guarantee every output keeps; a breach is a bug of ours, reported, never hidden
        doc.warnings.append(ParseWarning(code="invariant", message="; ".join(map(str, problems[:5]))))
    return doc


def parse_bytes(data: bytes, *, file: str = "<bytes>", encoding: str | None = None,
                fmt: str | None = None, encoding_errors: str = "strict") -> Document:
    """Decode raw bytes (sniffing format and encoding unless given) and parse them."""
    return _models(parse_bytes_records(data, file=file, encoding=encoding, fmt=fmt, encoding_errors=encoding_errors))


def parse_bytes_records(data: bytes, *, file: str = "<bytes>", encoding: str | None = None,
                        fmt: str | None = None, encoding_errors: str = "strict") -> records.Document:
    """`parse_bytes`'s records (`model.records`)."""
    from .read import decode

    decoded = decode(data, encoding=encoding, fmt=fmt, errors=encoding_errors)
    return _parse_decoded(decoded, file=file, sha256=hashlib.sha256(data).hexdigest())


def _with_page_chrome(unassigned: list[Unassigned], decoded: DecodedText) -> list[Unassigned]:
    """Split page chrome out of the unassigned spans, each piece with the reason the reader gave
    it (page number, page header …)."""
    text = decoded.text
    out: list[Unassigned] = []
    for item in unassigned:
        pos, end = item.span
        for start, stop, reason in decoded.labelled:
            if stop <= pos or start >= end:
                continue
            if text[pos:start].strip():
                out.append(Unassigned(span=(pos, start), text=text[pos:start], reason=item.reason))
                pos = start
            stop = min(stop, end)
            out.append(Unassigned(span=(pos, stop), text=text[pos:stop], reason=reason))
            pos = stop
        if pos < end:
            out.append(item if pos == item.span[0] else
                       Unassigned(span=(pos, end), text=text[pos:end], reason=item.reason))
    return out


def parse_path(path: str | Path, *, encoding: str | None = None, fmt: str | None = None,
               max_bytes: int | None = None, encoding_errors: str = "strict") -> Document:
    """Read a file and parse it; `source.file` is the name as given, never made absolute."""
    return _models(parse_path_records(path, encoding=encoding, fmt=fmt, max_bytes=max_bytes,
                                      encoding_errors=encoding_errors))


def parse_path_records(path: str | Path, *, encoding: str | None = None, fmt: str | None = None,
                       max_bytes: int | None = None, encoding_errors: str = "strict") -> records.Document:
    """`parse_path`'s records (`model.records`)."""
    from .read import read_file

    data = read_file(Path(path), max_bytes=max_bytes)
    return parse_bytes_records(data, file=Path(path).name if Path(path).is_absolute() else str(path),
                       encoding=encoding, fmt=fmt, encoding_errors=encoding_errors)


# A notice of a few lines whose parse reaches every stage: what `preload` builds before a fork.
_WARM_UP = ("某市人民政府办公室\n关于印发《某市工作方案》的通知\n各有关单位：\n现将方案印发给你们，请认真贯彻执行。\n"
            "附件：某市工作方案\n某市人民政府办公室\n2025年1月1日\n附件\n某市工作方案\n一、工作目标\n"
            "全年增长6.5%以上。\n二、重点任务\n（一）推进项目建设。（市发改局牵头，市财政局配合）\n"
            "三、保障措施\n成立工作专班，召集人：市长。\n")


def preload() -> None:
    """Import every stage and build what each builds on first use (compiled patterns, rule
    tables), by parsing a short notice: the forked workers of a process pool inherit it all, and
    the parent's cache (run_cache) keeps the patterns for the next run."""
    parse_text_records(_WARM_UP, file="warm-up.txt")
