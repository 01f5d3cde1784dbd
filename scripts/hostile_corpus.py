"""Hostile inputs of issue 16, generated (nothing large is kept on disk), and a runner for them.

Each case writes its input files into a directory and names the `qigong` command to run on them;
`run_case` runs it in a subprocess under a memory limit (RLIMIT_AS) and a timeout and reports the
exit status, stderr, peak memory and time. tests/test_robustness.py asserts on the status and
the message (limits, never timings); this script prints the table of the issue's closing note:

    python scripts/hostile_corpus.py [--only ID ...] [--limit-mib 2048] [--python PYTHON]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
MEMORY_LIMIT = 2 << 30  # RLIMIT_AS of every case: generous (a parse of the sample peaks at ~0.1 GiB)
TIMEOUT = 300.0  # seconds; a backstop against hangs, not a measure


# --- Building blocks ---------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/numbering.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/theme/theme1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _doc_rels(numbering: bool, theme: bool) -> str:
    rels = []
    if numbering:
        rels.append(f'<Relationship Id="rId2" Type="{_REL}/numbering" Target="numbering.xml"/>')
    if theme:
        rels.append(f'<Relationship Id="rId3" Type="{_REL}/theme" Target="theme/theme1.xml"/>')
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{"".join(rels)}</Relationships>')


def paragraph(text: str, num: tuple[int, int] | None = None) -> str:
    ppr = f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>' if num else ""
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _document_xml(body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W_NS}"><w:body>{body}'
            "</w:body></w:document>")


def numbering_xml(fmt: str = "decimal", text: str = "%1.", start: str = "1", ilvl: str = "0") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{_W_NS}">'
            f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
            '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')


def docx_bytes(body: str, numbering: str | None = None,
               extra: Callable[[zipfile.ZipFile], None] | None = None, body_stream: bool = False) -> bytes:
    """A minimal .docx; `extra` may add parts (written streaming, so a bomb never sits in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("word/_rels/document.xml.rels", _doc_rels(numbering is not None, extra is not None))
        if not body_stream:
            z.writestr("word/document.xml", _document_xml(body))
        if numbering is not None:
            z.writestr("word/numbering.xml", numbering)
        if extra is not None:
            extra(z)
    return out.getvalue()


def zip_with_bomb(entries: list[tuple[str, bytes]], bomb_name: str, chunk: bytes, count: int) -> bytes:
    """A ZIP of `entries` (deflated) plus `bomb_name`: `chunk` repeated `count` times, built in O(chunk).

    Deflate restarts at each full flush, so one compressed chunk repeated is the compressed
    repetition: a 1 GiB part costs ~1 MB and no gigabyte is ever built in memory.
    """
    import struct
    import zlib

    def deflated(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()

    records: list[tuple[str, int, int, int, bytes | list[bytes]]] = []  # name, crc, usize, csize, data
    for name, data in entries:
        blob = deflated(data)
        records.append((name, zlib.crc32(data), len(data), len(blob), blob))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    end = comp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    records.append((bomb_name, crc, len(chunk) * count, len(one) * count + len(end), [one] * count + [end]))
    out = io.BytesIO()
    central = []
    for name, crc, usize, csize, data in records:
        offset = out.tell()
        raw = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, csize, usize, len(raw), 0) + raw)
        for piece in data if isinstance(data, list) else [data]:
            out.write(piece)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, csize, usize,
                                   len(raw), 0, 0, 0, 0, 0, offset) + raw)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _stream_part(z: zipfile.ZipFile, name: str, head: bytes, chunk: bytes, count: int, tail: bytes) -> None:
    with z.open(name, "w", force_zip64=True) as part:
        part.write(head)
        for _ in range(count):
            part.write(chunk)
        part.write(tail)


def sample_docx_body(lines: int = 60) -> str:
    text = SAMPLE.read_text(encoding="utf-8").splitlines()[:lines]
    return "".join(paragraph(line.replace("&", "&amp;").replace("<", "&lt;")) for line in text)


def alias_bomb(levels: int = 9, fan: int = 10) -> str:
    """A qigong-looking YAML whose outline tree expands to fan**levels nodes through aliases."""
    node = 'path: ["1"], marker: "", title: "", span: [0, 0], title_span: [0, 0]'
    lines = ['schema_version: "1.0"',
             "source: {file: x.txt, sha256: x, encoding: utf-8, chars: 0, format: text}",
             f"bomb0: &a0 {{{node}}}"]
    for i in range(1, levels + 1):
        lines.append(f"bomb{i}: &a{i} {{{node}, children: [{', '.join([f'*a{i - 1}'] * fan)}]}}")
    lines.append(f"parts: [{{id: general, kind: general_plan, span: [0, 0], nodes: [*a{levels}]}}]")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth + "\n"


def diff_notice(n: int, seed: int) -> str:
    """A plan of `n` look-alike tasks (each with a target and a responsibility clause), sections of 500.

    Look-alike, as in plans that repeat one pattern: every pair of tasks shares most bigrams,
    so an all-pairs matcher keeps n·m candidate pairs.
    """
    rng = random.Random(seed)
    cn = "一二三四五六七八九十"
    out = ["某市某某攻坚实施方案\n", "一、总体要求\n", "到2027年，地区生产总值增长6%以上。\n", "二、重点任务\n"]
    for i in range(n):
        if i % 500 == 0:
            out.append(f"（{cn[i // 500 % 10]}）第{i // 500 + 1}类任务\n")
        out.append(f"{i % 500 + 1}.推进第{i + 1}项重点工作建设。到2027年，第{i + 1}类产业规模达到"
                   f"{rng.randint(1, 999)}亿元。（责任单位：市发改局、市工信局）\n")
    return "".join(out)


def broken_validate_docs() -> dict[str, str]:
    """Hand-broken outputs `validate` used to pass (issue 16 item 14), one per file."""
    head = 'schema_version: "1.0"\nsource: {file: x.txt, sha256: x, encoding: utf-8, chars: %s, format: text}\n'
    part = "{id: %s, kind: %s, %sspan: %s, nodes: []}"
    return {
        "overlapping-parts.yaml": head % 10 + "parts:\n  - " + part % ("general", "general_plan", "", "[0, 6]")
        + "\n  - " + part % ("annex-1", "annex", "annex_no: 1, ", "[4, 10]") + "\n",
        "uncovered-text.yaml": head % 10 + "parts:\n  - " + part % ("general", "general_plan", "head_span: [0, 4], ",
                                                                "[0, 4]") + "\n",
        "huge-chars.yaml": head % (10**30) + "unassigned: [{span: [0, 10], text: '0123456789'}]\n",
        "string-span.yaml": head % 10 + "unassigned: [{span: ['0', '10'], text: '0123456789'}]\n",
        "float-span.yaml": head % 10 + "unassigned: [{span: [0.0, 10.0], text: '0123456789'}]\n",
        "bool-span.yaml": head % 2 + "unassigned: [{span: [false, true], text: 'x'}, {span: [1, 2], text: 'y'}]\n",
        "nan-value.yaml": head % 10 + "parts:\n  - {id: general, kind: general_plan, span: [0, 10], "
        "preamble_span: [0, 10], preamble: '0123456789', targets: [{quote: '0123', span: [0, 4], metric: m, "
        "change: increase, value: .nan, unit: '%', bound: '>='}]}\n",
    }


# --- The cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile input: `build(dir)` writes the files and returns the qigong arguments."""

    item: int
    name: str
    build: Callable[[Path], list[str]]
    what: str
    owner: str = "hostile"  # "lead" / "cli": the fix is someone else's; the case is run for the table
    env: tuple[tuple[str, str], ...] = ()


def _write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _alias(command: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        bomb = _write(d / "bomb.yaml", alias_bomb())
        if command == "diff":
            return ["diff", str(bomb), str(bomb)]
        if command == "export":
            return ["export", str(bomb), "--to", "json", "-o", str(d / "out.json")]
        if command == "units":
            return ["units", str(bomb)]
        return ["validate", str(bomb)]
    return build


def _docx_theme_bomb(d: Path) -> list[str]:
    entries = [("[Content_Types].xml", _CONTENT_TYPES.encode()), ("_rels/.rels", _ROOT_RELS.encode()),
               ("word/_rels/document.xml.rels", _doc_rels(False, True).encode()),
               ("word/document.xml", _document_xml(sample_docx_body()).encode())]
    # 1 GiB of spaces in a part no reader uses
    _write(d / "theme.docx", zip_with_bomb(entries, "word/theme/theme1.xml", b" " * (1 << 20), 1024))
    return ["parse", str(d / "theme.docx"), "-o", str(d / "theme.yaml")]


def _docx_paragraph_bomb(d: Path) -> list[str]:
    entries = [("[Content_Types].xml", _CONTENT_TYPES.encode()), ("_rels/.rels", _ROOT_RELS.encode()),
               ("word/_rels/document.xml.rels", _doc_rels(False, False).encode())]
    # 200 MiB of empty paragraphs (not even well-formed XML: the size alone must refuse it)
    _write(d / "paras.docx", zip_with_bomb(entries, "word/document.xml", b"<w:p/>" * (1 << 17), 256))
    return ["parse", str(d / "paras.docx"), "-o", str(d / "paras.yaml")]


def _docx_numbers(kind: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        lines = "".join(paragraph(f"第{i}项工作", (1, 0)) for i in range(200))
        if kind == "gridspan":
            row = '<w:tr><w:trPr><w:gridBefore w:val="100000000"/></w:trPr><w:tc><w:tcPr><w:gridSpan ' \
                  'w:val="100000000"/></w:tcPr><w:p><w:r><w:t>单元格</w:t></w:r></w:p></w:tc></w:tr>'
            data = docx_bytes(sample_docx_body() + f"<w:tbl>{row * 20}</w:tbl>")
        elif kind == "start":
            data = docx_bytes(lines, numbering_xml("lowerLetter", "%1.", start="1000000000"))
        elif kind == "lvltext":
            data = docx_bytes(lines, numbering_xml("lowerLetter", "%1" * 5000, start="30000"))
        else:  # ilvl beyond Word's nine levels
            body = "".join(paragraph(f"第{i}项", (1, 12)) for i in range(5))
            data = docx_bytes(body, numbering_xml(ilvl="12"))
        _write(d / f"{kind}.docx", data)
        return ["parse", str(d / f"{kind}.docx"), "-o", str(d / f"{kind}.yaml")]
    return build


def _many_targets(d: Path) -> list[str]:
    line = "，".join(f"指标{i}增长{i % 90 + 1}%" for i in range(20_000))
    _write(d / "targets.txt", "一、主要目标\n" + line + "。\n")
    return ["parse", str(d / "targets.txt"), "-o", str(d / "targets.yaml")]


def _diff_big(n: int) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        _write(d / "old.txt", diff_notice(n, 1))
        _write(d / "new.txt", diff_notice(n, 2))
        return ["diff", str(d / "old.txt"), str(d / "new.txt"), "--to", "json"]
    return build


def _nested(kind: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        if kind == "divs":
            page = "<html><body>" + "<div>" * 100_000 + "一、总体要求" + "</div>" * 100_000 + "</body></html>"
        elif kind == "tables":
            page = "<html><body>" + "<table><tr><td>" * 20_000 + "x" + "</td></tr></table>" * 20_000
        else:  # 20,000 sibling data tables: many, not deep
            page = "<html><body>" + "<table><tr><td>任务</td><td>市发改局</td></tr></table>" * 20_000
        _write(d / f"{kind}.html", page)
        return ["parse", str(d / f"{kind}.html"), "-o", str(d / f"{kind}.yaml")]
    return build


def _charset(label: str, given: str | None = None) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        page = f'<html><head><meta charset="{label}"></head><body><p>一、总体要求</p></body></html>'
        _write(d / "page.html", page)
        extra = ["--encoding", given] if given else []
        return ["parse", str(d / "page.html"), "-o", str(d / "page.yaml"), *extra]
    return build


def _duplicate_annex(d: Path) -> list[str]:
    _write(d / "dup.txt", "附件7\n附件7\n")
    return ["parse", str(d / "dup.txt"), "-o", str(d / "dup.yaml")]


def _validate_broken(name: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        return ["validate", str(_write(d / name, broken_validate_docs()[name]))]
    return build


def _cr_only(d: Path) -> list[str]:
    _write(d / "cr.txt", SAMPLE.read_text(encoding="utf-8").replace("\n", "\r"))
    return ["parse", str(d / "cr.txt"), "-o", str(d / "cr.yaml")]


def _escape_name(d: Path) -> list[str]:
    name = d / "evil\n\x1b[31mFAKE ok\x1b[0m.txt"
    _write(name, b"\x00\x01\x02binary")
    return ["parse", str(name), "-o", str(d / "evil.yaml")]


def _read_only(d: Path) -> list[str]:
    src = _write(d / "n.txt", SAMPLE.read_bytes())
    out = d / "n.yaml"
    subprocess.run([sys.executable, "-c", "from qigong_parse.cli import main; main()", "parse", str(src), "-o",
                    str(out)], check=True, capture_output=True)
    out.chmod(0o444)
    return ["parse", str(src), "-o", str(out)]


def _deep_yaml(d: Path) -> list[str]:
    return ["validate", str(_write(d / "deep.yaml", deep_yaml()))]


CASES: list[Case] = [
    Case(1, "alias-bomb-validate", _alias("validate"), "1.5 KB of nested aliases (10 per level, 9 levels)"),
    Case(1, "alias-bomb-export", _alias("export"), "the same bomb through export"),
    Case(1, "alias-bomb-units", _alias("units"), "the same bomb through units"),
    Case(1, "alias-bomb-diff", _alias("diff"), "the same bomb through diff"),
    Case(2, "docx-theme-bomb", _docx_theme_bomb, "a .docx whose unused theme part inflates to 1 GiB"),
    Case(2, "docx-paragraph-bomb", _docx_paragraph_bomb, "a .docx with 200 MiB of <w:p/> (deflated ~0.2 MB)"),
    Case(3, "docx-gridspan", _docx_numbers("gridspan"), "gridSpan and gridBefore of 10^8"),
    Case(3, "docx-start", _docx_numbers("start"), "a lowerLetter list starting at 10^9"),
    Case(3, "docx-lvltext", _docx_numbers("lvltext"), "lvlText of 5000 %1 on a lowerLetter list at 30000"),
    Case(3, "docx-ilvl", _docx_numbers("ilvl"), "w:ilvl 12 (Word has 9 levels)"),
    Case(4, "many-targets-one-line", _many_targets, "20,000 figures on one line", owner="lead"),
    Case(6, "diff-4000-tasks", _diff_big(4000), "diff of two plans of 4,000 look-alike tasks (and targets)"),
    Case(6, "diff-1500-tasks", _diff_big(1500), "the same at 1,500 tasks (the test suite's size)"),
    Case(7, "html-nested-divs", _nested("divs"), "10^5 nested divs (1.1 MB)"),
    Case(7, "html-nested-tables", _nested("tables"), "20,000 nested tables"),
    Case(7, "html-many-tables", _nested("many"), "20,000 sibling data tables"),
    Case(8, "charset-undefined", _charset("undefined"), '<meta charset="undefined">'),
    Case(8, "charset-punycode", _charset("punycode"), '<meta charset="punycode">'),
    Case(8, "encoding-punycode", _charset("utf-8", "punycode"), "--encoding punycode"),
    Case(8, "encoding-undefined", _charset("utf-8", "undefined"), "--encoding undefined"),
    Case(9, "duplicate-annex", _duplicate_annex, "附件7 twice: duplicate part ids", owner="lead"),
    *[Case(14, f"validate-{name.removesuffix('.yaml')}", _validate_broken(name), name)
      for name in broken_validate_docs()],
    Case(15, "cr-only-line-ends", _cr_only, "the sample with CR-only line ends", owner="lead"),
    Case(17, "escape-codes-in-name", _escape_name, "a file name with a newline and ANSI escape codes"),
    Case(19, "read-only-output", _read_only, "parse onto a read-only earlier output"),
    Case(20, "deep-yaml-pure-python", _deep_yaml, "10^5 nested lists, PyYAML without libyaml",
         env=(("QIGONG_TEST_PURE_YAML", "1"),)),
]

# Run in the child: apply the memory limit, optionally hide libyaml, then the CLI.
_CHILD = """
import os, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
if os.environ.get("QIGONG_TEST_PURE_YAML"):
    import yaml
    import qigong_parse.io.yaml_in as out
    out._Loader = yaml.SafeLoader
from qigong_parse.cli import main
main(sys.argv[2:])
"""


@dataclass(frozen=True)
class Outcome:
    """How a case ended."""

    status: int
    stdout: str
    stderr: str
    peak_mib: float
    seconds: float


def run_qigong(args: list[str], *, limit: int = MEMORY_LIMIT, timeout: float = TIMEOUT,
               env: dict[str, str] | None = None, python: str = sys.executable) -> Outcome:
    """Run `qigong ARGS` in a subprocess under RLIMIT_AS `limit`; its own peak RSS from wait4.

    Killed at `timeout` (the status is then -9): a backstop against a hang, never a measure.
    """
    started = time.perf_counter()
    child_env = {**os.environ, **(env or {}), "COLUMNS": "200"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([python, "-c", _CHILD, str(limit), *args], stdout=out, stderr=err,
                                env=child_env)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return Outcome(proc.returncode, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"),
                   usage.ru_maxrss / 1024, time.perf_counter() - started)


def run_case(case: Case, directory: Path, **kwargs: object) -> Outcome:
    """Build `case` in `directory` and run it."""
    args = case.build(directory)
    return run_qigong(args, env=dict(case.env), **kwargs)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """Print the table: item, case, owner, exit status, peak memory, time, last stderr line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", help="case names (default: all)")
    ap.add_argument("--limit-mib", type=int, default=MEMORY_LIMIT >> 20)
    ap.add_argument("--python", default=sys.executable, help="the interpreter whose qigong_parse to run")
    ap.add_argument("--timeout", type=float, default=TIMEOUT, help="kill a case after this many seconds")
    args = ap.parse_args(argv)
    print("| item | case | owner | exit | peak MiB | s | message |")
    print("|---|---|---|---|---|---|---|")
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            result = run_case(case, Path(tmp), limit=args.limit_mib << 20, python=args.python,
                              timeout=args.timeout)
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()] or [result.stdout.strip()[-100:]]
        if case.build.__qualname__.startswith("_validate") or "validate" in case.name:
            lines = [ln for ln in result.stdout.splitlines() if ln.strip()][:1] or lines
        message = lines[-1][:110].replace("|", "\\|").replace(tmp, "…")
        print(f"| {case.item} | {case.name} | {case.owner} | {result.status} | {result.peak_mib:.0f} | "
              f"{result.seconds:.1f} | {message} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
