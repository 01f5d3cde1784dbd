"""The read stage: bytes → `DecodedText` (format sniffing, encoding detection; HTML, DOCX, PDF, OFD readers).

Text keeps exactly what the codec returns (no stripping, no newline conversion): every later
offset refers to it. A leading byte-order mark is consumed by the codec, never left in the text.
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..model.ir import DecodedText
from ..model.kinds import FORMATS
from ..run_cache import compiled_re
from .sniff import OLD_WORD, is_zip, magic_kind, sniff_format

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_SAMPLE = 1 << 16  # bytes looked at for byte statistics; the codecs themselves see everything
_BOMS: tuple[tuple[bytes, str], ...] = (  # longest first: the UTF-32 LE BOM starts like UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls a text file has no business with (TAB, LF, VT, FF, CR are fine; ESC, SUB, NUL … are not)
_CONTROLS = compiled_re(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.05


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB ({n} bytes)" if n >= 1 << 20 else f"{n} bytes"


def read_file(path: Path, max_bytes: int | None = None) -> bytes:
    """Return the bytes of `path`; InputError (one line) when it cannot be a notice file."""
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if limit <= 0:
        raise UsageError(f"--max-bytes must be a positive number of bytes, not {limit}")
    too_big = "{path}: {size} is larger than the limit of {limit}; raise it with --max-bytes"
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path}: is a directory, not a notice file")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise InputError(too_big.format(path=path, size=_size(info.st_size), limit=_size(limit)))
        with path.open("rb") as stream:
            data = stream.read(limit + 1)  # a pipe or device has no size: read one byte past the limit
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a notice file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise InputError(too_big.format(path=path, size=f"more than {_size(limit)}", limit=_size(limit)))
    if not data:
        raise InputError(f"{path}: empty file")
    return data


def lookup_codec(encoding: str) -> str:
    """The canonical name of codec `encoding`; UsageError when Python knows no such text codec."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r} (try utf-8, gb18030, utf-16)") from None
    if not getattr(info, "_is_text_encoding", True):
        raise UsageError(f"{encoding!r} is not a text encoding")
    return info.name


def decode(data: bytes, encoding: str | None = None, fmt: str | None = None,
           errors: str = "strict") -> DecodedText:
    """Decode raw bytes into the text every offset refers to, sniffing format and encoding unless given.

    `errors="replace"` reads a text file that has a few bad bytes, each becoming U+FFFD (reported)."""
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if encoding is not None:
        lookup_codec(encoding)
    if not data:
        raise InputError("empty input")
    kind = fmt or sniff_format(data)
    if kind == "doc":
        raise InputError(OLD_WORD)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data)
    if kind == "ofd":
        from .ofd import read_ofd

        return read_ofd(data)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data)
    if kind == "html":
        from .html import read_html

        return read_html(data, encoding)
    notes: list[tuple[str, str]] = []
    try:
        text, used = decode_text(data, encoding)
    except InputError:
        if errors != "replace" or magic_kind(data) or is_zip(data):
            raise
        used = lookup_codec(encoding) if encoding else "utf-8"
        text = data.decode(used, errors="replace")
        notes.append(("repaired-encoding", f"{text.count(chr(0xFFFD))} byte sequence(s) that do not decode as "
                                           f"{used} read as U+FFFD (--encoding-errors replace)"))
    lossy = _LOSSY_INDENT.findall(text)
    if len(lossy) >= int(_encoding_rules()["lossy_indent_min_lines"]):
        notes.append(("lossy-indentation", f"{len(lossy)} lines start with '?' runs, the indentation of a copy "
                                           "saved in a narrow code page: read as indentation"))
    return DecodedText(text=text, encoding=used, format="text", notes=notes)


_LOSSY_INDENT = compiled_re(r"(?m)^[?？]{2,}(?=\S)")


def _encoding_rules() -> dict[str, Any]:
    from ..rules import load_table

    return dict(load_table("encodings.yaml"))


def common_share(text: str) -> tuple[float, int]:
    """(share of common characters among the Han characters, number of non-ASCII characters)."""
    common = frozenset(_encoding_rules()["common"])
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return (sum(c in common for c in han) / len(han) if han else 0.0), non_ascii


def reads_as_chinese(text: str) -> bool:
    """False when the text is mojibake: many non-ASCII characters, few of them common Han."""
    rules = _encoding_rules()
    share, non_ascii = common_share(text[:_SAMPLE])
    return non_ascii < int(rules["min_non_ascii"]) or share >= float(rules["min_common_share"])


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode text bytes; return (text, encoding used). InputError for binary or undecodable bytes."""
    kind = magic_kind(data) or ("a ZIP archive" if is_zip(data) else None)
    if kind:
        raise InputError(f"input looks like binary ({kind}), not a notice")
    if encoding is not None:
        text, used = _decode_given(data, encoding)
        if not reads_as_chinese(text):
            # an error only with evidence: another reading of the same bytes is Chinese text
            guess = _guess(data)
            if guess is not None and codecs.lookup(guess).name != codecs.lookup(used).name:
                raise InputError(f"decoding as {encoding} gives text that does not read as Chinese (mojibake); "
                                 f"it reads as {guess}")
    else:
        text, used = _detect_and_decode(data)
    _check_text(text)
    return text, used


def _guess(data: bytes) -> str | None:
    try:
        text, used = _detect_and_decode(data)
    except InputError:
        return None
    return used if reads_as_chinese(text) else None


def _decode_given(data: bytes, encoding: str) -> tuple[str, str]:
    name = lookup_codec(encoding)
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"  # the BOM is not text: let the codec consume it
    try:
        return data.decode(name), name
    except UnicodeDecodeError as exc:
        raise InputError(
            f"bytes at offset {exc.start} ({data[exc.start:exc.start + 4].hex(' ')}) do not decode as "
            f"{encoding}: {exc.reason}"
        ) from None
    except UnicodeError as exc:  # codecs such as "undefined" or "punycode" raise the base class
        raise InputError(f"the input does not decode as {encoding}: {exc}") from None


def _detect_and_decode(data: bytes) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise InputError(f"input starts with a {name} byte-order mark but byte {exc.start} "
                                 f"does not decode as {name}: {exc.reason}") from None
    sample = data[:_SAMPLE]
    nuls = sample.count(0)
    if nuls:
        utf16 = _utf16_by_nuls(sample, nuls)
        if utf16 is None:
            raise InputError("input looks like binary (it contains NUL bytes), not a notice")
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            raise InputError("input looks like binary (NUL bytes, yet not UTF-16), not a notice") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if utf8_error.reason == "unexpected end of data" and utf8_error.start >= len(data) - 3:
        # a page cut off inside its last character: keep every offset, mark the lost character
        return data.decode("utf-8", errors="replace"), "utf-8"
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        big5 = _try(data, "big5hkscs")
        if big5 is not None and reads_as_chinese(big5):
            return big5, "big5hkscs"
        raise InputError(
            f"cannot decode the input: not UTF-8 (byte {utf8_error.start}) nor GB18030 "
            f"(byte {exc.start}); give its encoding with --encoding"
        ) from None
    big5 = _try(data, "big5hkscs")
    if big5 is not None and common_share(big5[:_SAMPLE])[0] > common_share(gb[:_SAMPLE])[0] + 0.05:
        return big5, "big5hkscs"  # Big5 bytes also decode as GB18030, into rare characters
    return gb, "gb18030"


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _utf16_by_nuls(sample: bytes, nuls: int) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL bytes sit mostly on one parity, as ASCII in UTF-16 does.

    Not all: CJK characters such as 一 (U+4E00) put a NUL on the other parity.
    """
    if nuls < 8:  # too few to show a pattern
        return None
    odd = sample[1::2].count(0)
    if odd >= nuls * 0.75:
        return "utf-16-le"
    if nuls - odd >= nuls * 0.75:
        return "utf-16-be"
    return None


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise InputError("input looks like binary (it decodes to NUL characters), not a notice")
    sample = text[:_SAMPLE]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(2, len(sample) * _MAX_CONTROL_SHARE):
        raise InputError(f"input looks like binary ({controls} control characters in its first "
                         f"{len(sample)}), not a notice")
