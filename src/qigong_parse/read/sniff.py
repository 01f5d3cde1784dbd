"""Format sniffing from content (never the file name) and binary detection."""

from __future__ import annotations

import io
import re
import zipfile

from ..run_cache import compiled_re

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLD_WORD = ("input is an old Word .doc or WPS file (OLE2), which is not read: open it in Word or WPS and "
            "save it as .docx (文件 › 另存为 › .docx), then parse that")
# Magic numbers of files people mistake for notices; ZIP is handled apart (a .docx is a ZIP).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (_OLE2, "an OLE2 file such as an old Word .doc; save it as .docx"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_HTML_HEAD = re.compile(rb"<\s*(?:!doctype\s+html|html|meta|body|head)\b", re.IGNORECASE)
_HTML_HEAD_UTF16 = compiled_re(r"<\s*(?:!doctype\s+html|html|meta|body|head)\b", re.IGNORECASE)
_PDF_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s{0,64}%PDF-")  # some writers put blank lines first
SNIFF_BYTES = 4096  # the markup that makes a page a page sits in its first few KB


def magic_kind(data: bytes) -> str | None:
    """What a known binary magic number says `data` is, or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            # "MZ" is two letters a text could start with; an executable has a PE header offset
            if magic == b"MZ" and len(data) < 64:
                continue
            return kind
    return None


def is_zip(data: bytes) -> bool:
    """True when `data` starts like a ZIP archive."""
    return data.startswith(_ZIP_MAGIC)


MAX_ZIP_ENTRIES = 10_000  # a .docx has a few dozen; a ZipFile costs ~0.5 KB per entry listed


def zip_entries(data: bytes) -> int | None:
    """The entry count the ZIP's end-of-central-directory record declares (None: not found; -1: ZIP64)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 12 > len(data):
        return None
    count = int.from_bytes(data[at + 10:at + 12], "little")
    return -1 if count == 0xFFFF else count


def zip_is_docx(data: bytes) -> bool:
    """True when the ZIP archive `data` holds a Word document (word/document.xml)."""
    entries = zip_entries(data)
    if entries is not None and not 0 <= entries <= MAX_ZIP_ENTRIES:
        return False  # listed before anything else is read: refused as a binary archive
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def zip_is_ofd(data: bytes) -> bool:
    """True when the ZIP archive `data` is an OFD package (OFD.xml at its root)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.upper() == "OFD.XML" for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def sniff_format(data: bytes) -> str:
    """'pdf', 'ofd', 'docx', 'doc' (old Word/WPS), 'html' when markup opens the first few KB, else 'text'."""
    if _PDF_START.match(data):
        return "pdf"
    if data.startswith(_OLE2):
        return "doc"
    if is_zip(data):
        if zip_is_docx(data):
            return "docx"
        if zip_is_ofd(data):
            return "ofd"
    head = data[:SNIFF_BYTES]
    if _HTML_HEAD.search(head):
        return "html"
    # A UTF-16 page: its ASCII markup has a NUL byte between letters
    if head.count(0) > len(head) // 4:
        for codec in ("utf-16-le", "utf-16-be"):
            text = head[: len(head) // 2 * 2].decode(codec, errors="replace")
            if _HTML_HEAD_UTF16.search(text):
                return "html"
    return "text"
