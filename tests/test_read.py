"""The read stage: files → bytes → DecodedText (encodings, binary refusal, limits)."""

from __future__ import annotations

import codecs
import os
import random
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from qigong_parse.errors import InputError, UsageError
from qigong_parse.read import DEFAULT_MAX_BYTES, decode, read_file
from qigong_parse.read.sniff import magic_kind
from tests.corpus import sample_text

SAMPLE = sample_text()
HEAD = SAMPLE[:2000]  # the page chrome, the notice head and the first goals
# GBK has no no-break space (the saved page has some): a GBK file would hold plain spaces
SAMPLE_GBK = SAMPLE.translate({0xA0: " ", 0x2002: " "})
HEAD_GBK = SAMPLE_GBK[:2000]

# (how the bytes were made, expected reported encoding)
ENCODINGS = [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("gb18030", "gb18030"),
    ("gbk", "gb18030"),  # GBK bytes are GB18030 bytes: decoded with the superset
    ("utf-16", "utf-16"),  # with BOM
    ("utf-16-le", "utf-16-le"),  # no BOM: found by the NUL pattern of its ASCII
    ("utf-16-be", "utf-16-be"),
    ("utf-32", "utf-32"),
]


@pytest.mark.parametrize(("codec", "reported"), ENCODINGS)
def test_detects_encoding_and_keeps_text_exact(codec: str, reported: str) -> None:
    text = SAMPLE_GBK if codec == "gbk" else SAMPLE
    decoded = decode(text.encode(codec))
    assert decoded.encoding == reported
    assert decoded.format == "text"
    assert decoded.text == text  # BOM consumed, nothing stripped, offsets intact


def test_crlf_is_kept() -> None:
    text = HEAD.replace("\n", "\r\n")
    assert decode(text.encode("gb18030")).text == text


# (bytes, encoding given, expected text, expected reported encoding)
GIVEN = [
    (HEAD.encode("gb18030"), "gb18030", HEAD, "gb18030"),
    (HEAD_GBK.encode("gbk"), "GBK", HEAD_GBK, "gbk"),
    (HEAD.encode("utf-8"), "UTF8", HEAD, "utf-8"),
    (codecs.BOM_UTF8 + HEAD.encode("utf-8"), "utf-8", HEAD, "utf-8-sig"),
    ("發布時間：2025年3月6日".encode("big5"), "big5", "發布時間：2025年3月6日", "big5"),
]


@pytest.mark.parametrize(("data", "given", "text", "reported"), GIVEN)
def test_given_encoding_overrides_detection(data: bytes, given: str, text: str, reported: str) -> None:
    decoded = decode(data, encoding=given)
    assert (decoded.text, decoded.encoding) == (text, reported)


def test_unknown_codec_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown encoding 'gb-9999'"):
        decode(HEAD.encode(), encoding="gb-9999")


def test_bytes_that_do_not_decode_with_the_given_codec_name_the_offset() -> None:
    data = "发布时间:2025-03-06 ".encode() + "邵东市".encode("gb18030")
    offset = len("发布时间:2025-03-06 ".encode())
    with pytest.raises(InputError, match=f"offset {offset} .* do not decode as utf-8"):
        decode(data, encoding="utf-8")


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format 'rtf'"):
        decode(HEAD.encode(), fmt="rtf")


def test_format_override_reads_markup_as_text() -> None:
    page = b"<html><body><p>\xe4\xb8\x80\xe3\x80\x81</p></body></html>"
    assert decode(page, fmt="text").text == page.decode()
    assert decode(page).text == "一、"


def test_truncated_last_utf8_character_keeps_offsets() -> None:
    data = HEAD.encode()[:-1]  # the page cut inside its last character
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text[:-1] == HEAD[:-1]
    assert decoded.text[-1] == "\ufffd"


def _zip(name: str) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "x")
    return out.getvalue()


_rng = random.Random(20250306)
RANDOM_WITH_NULS = bytes(_rng.randrange(256) for _ in range(4096)) + b"\x00" * 8

# (bytes, what the error names)
BINARY = [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "PNG"),
    (_zip("xl/workbook.xml"), "ZIP"),
    (RANDOM_WITH_NULS, "NUL"),
    (bytes(range(1, 32)) * 64, "control characters"),
    (HEAD.encode() + b"\x00" + HEAD.encode(), "NUL"),
]


@pytest.mark.parametrize(("data", "named"), BINARY)
def test_binary_input_is_refused(data: bytes, named: str) -> None:
    with pytest.raises(InputError, match=f"looks like binary .*{named}.*not a notice"):
        decode(data)


# Formats the reader knows but cannot read: sniffed and refused with what to do
KNOWN = [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", r"not a readable PDF file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), r"old Word \.doc or WPS file .*save it as \.docx"),
]


@pytest.mark.parametrize(("data", "message"), KNOWN)
def test_damaged_pdf_and_old_word_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode(data)
    with pytest.raises(InputError, match="looks like binary"):
        decode(data, fmt="text")  # forced as text: still binary


def test_binary_is_refused_even_with_a_given_encoding() -> None:
    with pytest.raises(InputError, match="looks like binary"):
        decode(b"\x89PNG\r\n\x1a\n" + bytes(64), encoding="latin-1")
    with pytest.raises(InputError, match="NUL"):
        decode(b"abc\x00\x00\x00def", encoding="latin-1")


def test_undecodable_input_says_so_and_suggests_encoding() -> None:
    data = "café au lait, 咖啡".encode("cp1252", errors="ignore") + b"\xff\xfe\xfd"
    with pytest.raises(InputError, match=r"not UTF-8 .* nor GB18030 .*--encoding"):
        decode(data)


def test_empty_bytes_are_refused() -> None:
    with pytest.raises(InputError, match="empty"):
        decode(b"")


# --- read_file ---------------------------------------------------------------------------


def test_read_file_returns_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(HEAD.encode("gb18030"))
    assert read_file(path) == HEAD.encode("gb18030")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.txt", "missing.txt: no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: (p / "empty.txt", (p / "empty.txt").write_bytes(b""))[0], "empty.txt: empty file"),
    ],
    ids=["missing", "directory", "empty"],
)
def test_read_file_errors_are_one_line(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message) as caught:
        read_file(make(tmp_path))
    assert "\n" not in caught.value.message


def test_read_file_over_the_limit_names_size_limit_and_flag(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(HEAD.encode())
    size = path.stat().st_size
    with pytest.raises(InputError, match=f"{size} bytes is larger than the limit of 1000 bytes.*--max-bytes"):
        read_file(path, max_bytes=1000)
    assert read_file(path, max_bytes=size) == HEAD.encode()
    assert DEFAULT_MAX_BYTES == 64 * 1024 * 1024


def test_read_file_rejects_a_nonpositive_limit(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--max-bytes"):
        read_file(tmp_path / "x", max_bytes=0)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_read_file_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(b"x")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            read_file(path)
    finally:
        path.chmod(0o600)


# --- properties --------------------------------------------------------------------------

# Any text a notice could hold: no surrogates, no control characters besides TAB/LF/CR.
texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r"), min_size=1
)


@given(texts, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_detected_decoding_round_trips(text: str, codec: str) -> None:
    assume(not text.startswith("\ufeff"))  # a leading BOM character is read as a BOM
    data = text.encode(codec)
    assume(magic_kind(data) is None)
    assert decode(data).text == text


@given(texts, st.sampled_from(["utf-8", "gb18030", "utf-16-le", "utf-16-be", "utf-16"]))
def test_given_encoding_round_trips(text: str, codec: str) -> None:
    assume(not text.startswith("\ufeff") or codec in ("utf-16-le", "utf-16-be"))
    data = text.encode(codec)
    assume(magic_kind(data) is None)
    assert decode(data, encoding=codec).text == text


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.sampled_from(
    "，。、；：“”（）《》0123456789%\n"), min_size=200))
def test_gb18030_notice_text_is_detected(text: str) -> None:
    # Real notice text: CJK with punctuation, long enough that its GB bytes cannot pass for UTF-8
    assume(sum("\u4e00" <= ch <= "\u9fa5" for ch in text) >= 100)
    assume(len(set(text)) >= 20)
    decoded = decode(text.encode("gb18030"))
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


# --- performance -------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "utf-16"])
def test_twenty_megabytes_decode_whole(codec: str) -> None:
    # Speed is measured by `make bench`; here: a 20 MB input decodes completely and exactly.
    text = SAMPLE * (20_000_000 // len(SAMPLE.encode()) + 1)
    decoded = decode(text.encode(codec))
    assert decoded.text == text


def test_a_missing_optional_reader_is_an_install_hint_with_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from qigong_parse.errors import MissingDependency
    from qigong_parse.read.docx import read_docx

    monkeypatch.setitem(sys.modules, "docx", None)  # as if python-docx were not installed
    with pytest.raises(MissingDependency, match=r"pip install 'qigong-parse\[docx\]'") as caught:
        read_docx(b"PK\x03\x04")
    assert caught.value.exit_code == 1


# --- encodings honest (issue 13 item 2) --------------------------------------------------------

NOTICE = ("某某市人民政府办公室关于印发发展方案的通知\n各县市区人民政府，市直各单位：\n现将方案印发给你们，请认真贯彻执行。"
          "一、总体要求\n坚持发展第一要务，推动经济社会高质量发展，提高人民生活水平。\n二、主要任务\n") * 3


def test_a_wrong_encoding_given_is_a_one_line_error_naming_the_right_one() -> None:
    from qigong_parse.errors import InputError
    from qigong_parse.read import decode

    data = NOTICE.encode("utf-8")
    for wrong in ("latin-1", "utf-16"):
        with pytest.raises(InputError, match=r"does not read as Chinese.*reads as utf-8"):
            decode(data + b" " * (len(data) % 2), encoding=wrong)


def test_big5_is_detected_when_it_reads_better_than_gb18030() -> None:
    from qigong_parse.read import decode

    traditional = ("某某市人民政府辦公室關於印發發展方案的通知\n各縣市區人民政府：\n一、總體要求\n"
                   "堅持發展第一要務，推動經濟社會高質量發展，提高人民生活水平，做好各項工作。\n") * 3
    got = decode(traditional.encode("big5"))
    assert got.encoding == "big5hkscs" and got.text == traditional


def test_a_few_bad_bytes_are_repaired_only_when_asked() -> None:
    from qigong_parse.errors import InputError
    from qigong_parse.pipeline import parse_bytes

    data = NOTICE.encode("utf-8") + b"\xff\xfe" + "三、保障措施\n".encode()
    with pytest.raises(InputError):
        parse_bytes(data)
    doc = parse_bytes(data, encoding_errors="replace")
    assert "repaired-encoding" in {w.code for w in doc.warnings}
    from qigong_parse.read import decode

    assert decode(data, errors="replace").text.count("\ufffd") == 2


def test_question_mark_runs_of_a_lossy_copy_are_read_as_indentation() -> None:
    from qigong_parse.pipeline import parse_bytes

    text = "某某方案\n??一、总体要求\n??坚持发展。\n??二、主要任务\n??三、保障措施\n"
    doc = parse_bytes(text.encode("utf-8"))
    assert [n.path for n in doc.parts[0].walk()] == [["一"], ["二"], ["三"]]
    assert "lossy-indentation" in {w.code for w in doc.warnings}
