"""Mutation fuzzer: damaged variants of the sample notice, as text, HTML, DOCX and YAML inputs.

Each case applies a few random mutations to the sample (punctuation dropped or swapped between
full and half width, lines deleted/duplicated/swapped, the file cut, random Unicode inserted:
combining marks, RTL, astral characters, NULs, CRs, lone brackets, digits, stray markers), then
encodes it (UTF-8 mostly, sometimes GB18030/UTF-16/BOM, sometimes with the bytes cut or flipped)
and parses it. Some cases wrap the mutated text in an HTML page (random nesting, tables, declared
charsets true, false or unknown) or a DOCX (random numbering definitions, spans, levels); others
mutate the sample's YAML output (lines cut, values swapped for huge, negative, float, NaN, string
ones, anchors and aliases) and run `validate` on it. A `QigongError` is an accepted answer; any
other exception is a crash; a Document whose pieces do not tile the decoded text is a tiling
failure, one that breaks another `check_document` invariant an invariant failure; a YAML that
`validate` passes must load and keep every invariant. Each failing input is saved under
``fuzz-crashes/`` with its traceback. Exit status 1 on any failure. `--hypothesis N` adds N
examples drawn by Hypothesis (which shrinks a failure to a small input).

    python scripts/fuzz.py --cases 10000 [--seed S] [--crash-dir DIR] [--kinds text html docx yaml]
        [--hypothesis N]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"

if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from qigong_parse.check.invariants import check_document, tiling_errors  # noqa: E402
from qigong_parse.errors import QigongError  # noqa: E402
from qigong_parse.model.output import READING, Document  # noqa: E402
from qigong_parse.pipeline import parse_bytes  # noqa: E402
from qigong_parse.read import decode  # noqa: E402

# --- Mutations ---------------------------------------------------------------------------------

_FULL_HALF = {"，": ",", "（": "(", "）": ")", "：": ":", "；": ";", "．": ".", "！": "!", "？": "?",
              "１": "1", "２": "2", "３": "3"}
_HALF_FULL = {v: k for k, v in _FULL_HALF.items()}
_PUNCT = "，。、；：（）《》“”〔〕,.;:()"
_POOLS: dict[str, str] = {
    "combining": "".join(chr(c) for c in range(0x0300, 0x0370)) + "\u20dd\u3099\u309a",
    "rtl": "\u202e\u202b\u200f\u061c" + "".join(chr(c) for c in range(0x05d0, 0x05eb))
           + "".join(chr(c) for c in range(0x0627, 0x064b)),
    "astral": "\U0001f600\U0001f4a9\U00020000\U0002a6d6\U0001d400\U0001d7d8\U00010348\U0010fffd",
    "control": "\x00\r\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\t",
    "zero_width": "\u200b\u200c\u200d\u2060\ufeff\u00ad",
    "brackets": "（）()《》【】〔〕[]{}“”‘’「」『』",
    "digits": "0123456789０１２３４５６７８９①②③⑩⑳㉑一二三十百零〇两²³¼٣۴߁",
    "markers": "一、|（一）|(二)|1.|2、|（1）|(3)|①|第一章|第二条|附件|附件1|附件：|三)|(四|12|(",
    "cjk": "".join(chr(c) for c in range(0x4E00, 0x9FA6, 7)),  # a spread of Han characters
}


@dataclass
class Case:
    """One fuzz input and how it was made."""

    data: bytes
    ops: list[str] = field(default_factory=list)
    kind: str = "text"  # text | html | docx | yaml


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _insert(rng: random.Random, text: str, pool: str) -> str:
    items = pool.split("|") if "|" in pool else list(pool)
    out = text
    for _ in range(rng.randint(1, 12)):
        pos = rng.randint(0, len(out))
        if rng.random() < 0.3:  # at a line start, where markers are looked for
            nl = out.rfind("\n", 0, pos)
            pos = nl + 1
        out = out[:pos] + "".join(rng.choice(items) for _ in range(rng.randint(1, 4))) + out[pos:]
    return out


def _mut_drop_punct(rng: random.Random, text: str) -> str:
    victim = rng.choice(_PUNCT)
    share = rng.random()
    return "".join(c for c in text if c != victim or rng.random() > share)


def _mut_width(rng: random.Random, text: str) -> str:
    table = _FULL_HALF if rng.random() < 0.5 else _HALF_FULL
    share = rng.choice((1.0, rng.random()))
    return "".join(table[c] if c in table and rng.random() < share else c for c in text)


def _mut_delete_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    share = rng.choice((0.01, 0.1, 0.5))
    return "".join(ln for ln in lines if rng.random() > share)


def _mut_duplicate_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    if not lines:
        return text
    for _ in range(rng.randint(1, 20)):
        i = rng.randrange(len(lines))
        lines.insert(rng.randrange(len(lines) + 1), lines[i])
    return "".join(lines)


def _mut_swap_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    if len(lines) < 2:
        return text
    if rng.random() < 0.1:
        rng.shuffle(lines)
    else:
        for _ in range(rng.randint(1, 20)):
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def _mut_cut(rng: random.Random, text: str) -> str:
    a = rng.randint(0, len(text))
    b = rng.randint(0, len(text))
    if rng.random() < 0.5:
        return text[:max(a, b)]  # cut the end off anywhere
    return text[min(a, b):max(a, b)]  # a window starting anywhere, even mid-line


def _mut_join_lines(rng: random.Random, text: str) -> str:
    share = rng.choice((0.05, 0.5, 1.0))
    return "".join("" if c == "\n" and rng.random() < share else c for c in text)


def _mut_newlines(rng: random.Random, text: str) -> str:
    return text.replace("\n", rng.choice(("\r\n", "\r", "\n\n", "\u2028", "\n \u3000")))


def _mut_strip_indent(rng: random.Random, text: str) -> str:
    return "".join(ln.lstrip(" \t\u3000") for ln in _lines(text))


def _pool_mutation(name: str) -> Callable[[random.Random, str], str]:
    def mutate(rng: random.Random, text: str) -> str:
        return _insert(rng, text, _POOLS[name])

    mutate.__name__ = f"insert_{name}"
    return mutate


MUTATIONS: list[tuple[str, Callable[[random.Random, str], str], float]] = [
    ("drop_punct", _mut_drop_punct, 3),
    ("width", _mut_width, 3),
    ("delete_lines", _mut_delete_lines, 2),
    ("duplicate_lines", _mut_duplicate_lines, 2),
    ("swap_lines", _mut_swap_lines, 2),
    ("cut", _mut_cut, 2),
    ("join_lines", _mut_join_lines, 1),
    ("newlines", _mut_newlines, 1),
    ("strip_indent", _mut_strip_indent, 1),
    *[(f"insert_{name}", _pool_mutation(name), 0.3 if name == "control" else 1.5) for name in _POOLS],
]


def _encode(rng: random.Random, text: str, ops: list[str]) -> bytes:
    r = rng.random()
    if r < 0.8:
        data, how = text.encode("utf-8", "surrogatepass"), "utf-8"
    elif r < 0.87:
        data, how = text.encode("gb18030", "replace"), "gb18030"
    elif r < 0.92:
        data, how = text.encode("utf-8-sig", "surrogatepass"), "utf-8-sig"
    else:
        data, how = text.encode(rng.choice(("utf-16", "utf-16-le", "utf-16-be")), "surrogatepass"), "utf-16"
    ops.append(f"encode:{how}")
    if data and rng.random() < 0.05:
        cut = rng.randint(0, len(data))
        data = data[:cut]
        ops.append(f"byte_cut:{cut}")
    if data and rng.random() < 0.03:
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        data = bytes(buf)
        ops.append("byte_flip")
    return data


KINDS = ("text", "html", "docx", "yaml")
_KIND_WEIGHTS = {"text": 6, "html": 2, "docx": 1, "yaml": 1}


def _mutate_text(rng: random.Random, sample: str, ops: list[str]) -> str:
    names = [m[0] for m in MUTATIONS]
    weights = [m[2] for m in MUTATIONS]
    funcs = {m[0]: m[1] for m in MUTATIONS}
    text = sample
    for name in rng.choices(names, weights, k=rng.choice((1, 1, 2, 3, 4))):
        text = funcs[name](rng, text)
        ops.append(name)
    return text


def make_case(rng: random.Random, sample: str, kinds: tuple[str, ...] = KINDS) -> Case:
    """One mutated variant of `sample`, as one of `kinds` of input, encoded."""
    kind = kinds[0] if len(kinds) == 1 else rng.choices(kinds, [_KIND_WEIGHTS[k] for k in kinds])[0]
    ops: list[str] = [kind]
    if kind == "yaml":
        return Case(_yaml_case(rng, ops), ops, kind)
    text = _mutate_text(rng, sample, ops)
    if kind == "html":
        return Case(_html_case(rng, text, ops), ops, kind)
    if kind == "docx":
        return Case(_docx_case(rng, text, ops), ops, kind)
    return Case(_encode(rng, text, ops), ops, kind)


# --- HTML, DOCX and YAML inputs ------------------------------------------------------------------

_CHARSETS = ("utf-8", "gb2312", "gbk", "gb18030", "big5", "utf-16", "iso-8859-1", "undefined", "punycode",
             "rot13", "x-user-defined", "", "utf-8\"><script>")
_BLOCKS = ("p", "div", "span", "font", "section", "td", "li", "center", "pre", "h2", "blockquote")


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _html_case(rng: random.Random, text: str, ops: list[str]) -> bytes:
    declared = rng.choice(_CHARSETS)
    out = [f'<!DOCTYPE html><html><head><meta charset="{declared}"><title>t</title></head><body>']
    depth = 0
    for line in text.splitlines():
        r = rng.random()
        if r < 0.05 and depth < 60:  # open a wrapper (some are never closed)
            tag = rng.choice(_BLOCKS)
            out.append(f'<{tag} class="{rng.choice(("content", "article", "nav", "TRS_Editor"))}">')
            depth += 1
        elif r < 0.08 and depth:
            out.append(f"</{rng.choice(_BLOCKS)}>")
            depth -= 1
        if "\t" in line or rng.random() < 0.05:
            span = rng.choice(("", ' colspan="3"', ' rowspan="1000000"', ' colspan="-5"', ' colspan="x"'))
            cells = "".join(f"<td{span}>{_escape_html(c)}</td>" for c in line.split("\t"))
            out.append(f"<table><tr>{cells}</tr></table>")
        elif rng.random() < 0.5:
            out.append(f"<p>{_escape_html(line)}</p>")
        else:
            out.append(f"{_escape_html(line)}<br>")
        if rng.random() < 0.02:
            out.append(rng.choice(("<script>var a='<div>';</script>", "<!-- <div> -->", "<style>p{}</style>",
                                   '<div style="display:none">隐藏</div>', "<svg><p>x</p></svg>", "<![CDATA[",
                                   "</body></html><p>尾</p>")))
    page = "".join(out) + "</body></html>"
    codec = rng.choice(("utf-8", "utf-8", "gb18030", declared if declared in ("gbk", "big5") else "utf-8"))
    ops.append(f"html:{declared!r}/{codec}")
    return page.encode(codec, "replace")


def _corpus() -> Any:
    from importlib import util

    name = "qigong_hostile_corpus_script"
    if name not in sys.modules:
        spec = util.spec_from_file_location(name, ROOT / "scripts" / "hostile_corpus.py")
        assert spec is not None and spec.loader is not None
        module = util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_NUM_FORMATS = ("decimal", "chineseCounting", "lowerLetter", "upperRoman", "decimalEnclosedCircle",
                "ideographTraditional", "bullet", "none", "decimalZero", "japaneseLegal", "bogus")


def _docx_case(rng: random.Random, text: str, ops: list[str]) -> bytes:
    corpus = _corpus()
    numbered = rng.random() < 0.7
    body: list[str] = []
    for line in text.splitlines()[:400]:
        line = "".join(ch for ch in line if ch.isprintable())  # XML 1.0 has no controls
        if "\t" in line and rng.random() < 0.7:
            span = rng.choice(("1", "3", "100000000", "-2", "x"))
            cells = "".join(f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>{corpus.paragraph(_escape_html(c))}'
                            "</w:tc>" for c in line.split("\t"))
            body.append(f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>")
        else:
            num = None
            if numbered and rng.random() < 0.3:
                num = (rng.choice((1, 1, 2)), rng.choice((0, 0, 1, 8, 9, 12, -1)))
            body.append(corpus.paragraph(_escape_html(line), num))
    numbering = None
    if numbered:
        fmt = rng.choice(_NUM_FORMATS)
        start = rng.choice(("1", "0", "-3", "32767", "1000000000", "9" * 5000, "x"))
        level_text = rng.choice(("%1.", "（%1）", "%1" * rng.randint(1, 300), "%2.%1", "%10", ""))
        numbering = corpus.numbering_xml(fmt, level_text, start=start, ilvl=rng.choice(("0", "1", "9", "-1")))
        ops.append(f"docx:{fmt}/{start[:12]}/{level_text[:12]}")
    return bytes(corpus.docx_bytes("".join(body), numbering))


_SAMPLE_YAML: list[str] = []


def _sample_yaml() -> str:
    if not _SAMPLE_YAML:
        from qigong_parse.io.yaml_out import dump_yaml

        _SAMPLE_YAML.append(dump_yaml(parse_bytes(SAMPLE.read_bytes(), file=SAMPLE.name)))
    return _SAMPLE_YAML[0]


_NUMBER = re.compile(r"(?<=[\[ ])\d+(?=[,\]\n])")
_ODD_VALUES = ("-1", "1.5", "1e309", ".nan", ".inf", "'7'", "true", "null", "[]", "{}", str(10**30), "0x10",
               "2025-13-45", "~", '"\u0000"')


def _yaml_case(rng: random.Random, ops: list[str]) -> bytes:
    lines = _sample_yaml().splitlines(keepends=True)
    if rng.random() < 0.2:  # edits validate must accept: free-text values changed, nothing else
        ops.append("yaml:free-text")
        for _ in range(rng.randint(0, 5)):
            k = rng.randrange(len(lines))
            lines[k] = re.sub(r"^(\s*(?:- )?(?:message|metric|unit|code): ).*",
                              lambda m: m.group(1) + rng.choice(('"改"', "x", '"\\u2028"', "'#'", "改 # 注")),
                              lines[k])
        return "".join(lines).encode("utf-8")
    for _ in range(rng.randint(1, 6)):
        op = rng.choice(("delete", "duplicate", "swap", "number", "alias", "cut", "indent"))
        ops.append(f"yaml:{op}")
        i = rng.randrange(len(lines))
        if op == "delete":
            del lines[i:i + rng.randint(1, 20)]
        elif op == "duplicate":
            lines[i:i] = lines[i:i + rng.randint(1, 20)]
        elif op == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "number":
            for _ in range(rng.randint(1, 30)):
                k = rng.randrange(len(lines))
                lines[k] = _NUMBER.sub(lambda _m: rng.choice(_ODD_VALUES), lines[k], count=1)
        elif op == "alias":
            k = rng.randrange(len(lines))
            lines[i] = lines[i].replace(": ", ": &a ", 1)
            lines[k] = re.sub(r": .*", ": *a", lines[k], count=1)
        elif op == "cut":
            lines = lines[:i]
        else:
            lines[i] = " " * rng.randint(1, 9) + lines[i]
        if not lines:
            lines = ["{}\n"]
    return "".join(lines).encode("utf-8")


# --- Running -----------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a fuzz run found."""

    cases: int = 0
    rejected: int = 0  # QigongError: an accepted answer for damaged bytes
    crashes: int = 0
    tiling: int = 0
    invariant: int = 0  # check_document problems other than the known ones
    slow: int = 0  # cases over the slow threshold: reported and saved, not failures
    slowest: float = 0.0
    seconds: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    saved: list[Path] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return self.crashes + self.tiling + self.invariant

    def line(self) -> str:
        known = ", ".join(f"{n} {k!r}" for k, n in sorted(known_seen.items())) or "none"
        return (f"fuzz: {self.cases} cases, {self.crashes} unexpected exceptions, {self.tiling} tiling "
                f"failures, {self.invariant} invariant failures (known, issue 16 item 9: {known}), "
                f"{self.rejected} rejected as QigongError, {self.slow} slow (slowest "
                f"{self.slowest:.2f} s), {self.seconds:.1f} s")


def check_yaml(data: bytes) -> tuple[str, str] | None:
    """None when `validate` reports problems or a QigongError, or passes a document that keeps
    every invariant; else (kind, details)."""
    import yaml

    from qigong_parse.check.validate import validate_data
    from qigong_parse.io.yaml_in import parse_yaml

    try:
        loaded = parse_yaml(data)
    except (QigongError, yaml.YAMLError, ValueError):
        return ("rejected", "")
    except Exception as exc:
        return (f"crash {type(exc).__name__} loading YAML", traceback.format_exc())
    try:
        problems = validate_data(loaded)
    except Exception as exc:
        tb = traceback.extract_tb(exc.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
        return (f"crash {type(exc).__name__} in validate at {where}", traceback.format_exc())
    if problems:
        return ("rejected", "")
    try:
        doc = Document.model_validate(loaded, context=READING)  # as validate reads it: any warning code
        broken = [str(p) for p in check_document(doc)]
    except Exception:
        return ("invariant: validate passed a document that does not load", traceback.format_exc())
    if broken:
        return (f"invariant: validate passed {_kind(broken[0])}", "\n".join(broken))
    return None


def check(data: bytes, kind: str = "text") -> tuple[str, str] | None:
    """None when `data` parses to a tiled Document or raises QigongError; else (kind, details)."""
    if kind == "yaml":
        return check_yaml(data)
    try:
        doc = parse_bytes(data, file=f"fuzz.{kind}")
    except QigongError:
        return ("rejected", "")
    except Exception as exc:  # the point of fuzzing: anything else is a bug
        tb = traceback.extract_tb(exc.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
        return (f"crash {type(exc).__name__} at {where}", traceback.format_exc())
    try:
        Document.model_validate(doc.model_dump())
        errors = tiling_errors(doc, decode(data, fmt=doc.source.format).text)
        problems = [str(p) for p in check_document(doc) if not _known(str(p))]
    except Exception:
        return ("crash while checking the Document", traceback.format_exc())
    if errors:
        return (f"tiling {_kind(errors[0])}", "\n".join(errors))
    if problems:
        return (f"invariant {_kind(problems[0])}", "\n".join(problems))
    return None


# Invariant failures already filed, reported apart instead of failing the run: issue 16 item 9
# (the parser writes title spans outside their node; duplicate part ids are fixed). Empty once fixed.
KNOWN_PROBLEMS: tuple[str, ...] = ()  # title spans past an inline heading: fixed (clamped)
known_seen: Counter[str] = Counter()


def _known(message: str) -> bool:
    for known in KNOWN_PROBLEMS:
        if known in message:
            known_seen[known] += 1
            return True
    return False


def _kind(error: str) -> str:
    """A failure's kind for counting: its message without locations and numbers."""
    return re.sub(r"\[[^\]]*\]|\d+|'[^']*'", "_", error)[:70]


def _save(crash_dir: Path, data: bytes, kind: str, details: str, ops: list[str], seed: int,
          index: int) -> Path:
    crash_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:16]
    path = crash_dir / f"{digest}.bin"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(
        f"{kind}\nseed {seed} case {index}\nmutations: {' '.join(ops)}\n"
        f"reproduce: python -c \"from qigong_parse.pipeline import parse_bytes; "
        f"parse_bytes(open('{path}', 'rb').read())\"\n\n{details}\n",
        encoding="utf-8",
    )
    return path


def run(cases: int, seed: int = 0, crash_dir: Path | None = None, sample: str | None = None,
        progress: bool = False, slow: float = 2.0, kinds: tuple[str, ...] = KINDS) -> Summary:
    """Run `cases` mutated inputs; save failing ones under `crash_dir` (None: do not save).

    A case taking over `slow` seconds is counted and saved as a hint of super-linear code.
    """
    text = sample if sample is not None else SAMPLE.read_text(encoding="utf-8")
    rng = random.Random(seed)
    summary = Summary()
    started = time.perf_counter()
    for index in range(cases):
        case = make_case(rng, text, kinds)
        case_started = time.perf_counter()
        verdict = check(case.data, case.kind)
        took = time.perf_counter() - case_started
        summary.slowest = max(summary.slowest, took)
        if took > slow:
            summary.slow += 1
            if crash_dir is not None and summary.slow <= 5:
                summary.saved.append(_save(crash_dir, case.data, f"slow: {took:.2f} s", "", case.ops,
                                           seed, index))
        summary.cases += 1
        if verdict is not None:
            kind, details = verdict
            if kind == "rejected":
                summary.rejected += 1
            else:
                if kind.startswith("tiling"):
                    summary.tiling += 1
                elif kind.startswith("invariant"):
                    summary.invariant += 1
                else:
                    summary.crashes += 1
                summary.kinds[kind] += 1
                if crash_dir is not None and summary.kinds[kind] <= 5:  # a few examples per kind
                    summary.saved.append(_save(crash_dir, case.data, kind, details, case.ops, seed, index))
        if progress and (index + 1) % 500 == 0:
            print(f"  {index + 1}/{cases} … {summary.failures} failures, "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    summary.seconds = time.perf_counter() - started
    return summary


def hypothesis_run(examples: int, sample: str | None = None, kinds: tuple[str, ...] = KINDS) -> list[str]:
    """`examples` cases drawn by Hypothesis (a seed for each kind's generator, plus raw bytes spliced
    in); returns the failures, each shrunk by Hypothesis to a minimal example. Empty: none."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    text = sample if sample is not None else SAMPLE.read_text(encoding="utf-8")
    failures: list[str] = []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(kinds), st.integers(0, 2**32 - 1), st.binary(max_size=64), st.integers(0, 1 << 20))
    def one(kind: str, seed: int, noise: bytes, at: int) -> None:
        case = make_case(random.Random(seed), text, (kind,))
        cut = at % (len(case.data) + 1)
        data = case.data
        if noise and kind != "docx":  # a spliced ZIP is only a broken ZIP; the seed varies the document
            data = data[:cut] + noise + data[cut:]
        verdict = check(data, kind)
        assert verdict is None or verdict[0] == "rejected", f"{kind} seed {seed}: {verdict[0]}\n{verdict[1][:2000]}"

    try:
        one()
    except AssertionError as exc:
        failures.append(str(exc))
    return failures


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: run the fuzzer, print the summary, exit 1 on any failure."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    ap.add_argument("--crash-dir", type=Path, default=ROOT / "fuzz-crashes")
    ap.add_argument("--sample", type=Path, default=SAMPLE)
    ap.add_argument("--slow", type=float, default=2.0, help="report cases slower than this (s)")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="input kinds to generate")
    ap.add_argument("--hypothesis", type=int, default=0, metavar="N", help="also N Hypothesis examples")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"fuzz: seed {seed}, sample {args.sample.name}", flush=True)
    summary = run(args.cases, seed, args.crash_dir, args.sample.read_text(encoding="utf-8"),
                  progress=not args.quiet, slow=args.slow, kinds=tuple(args.kinds))
    for kind, count in summary.kinds.most_common():
        print(f"  {count:6d}  {kind}")
    if summary.saved:
        print(f"  saved {len(summary.saved)} failing inputs under {args.crash_dir}/")
    print(summary.line(), flush=True)
    failures = hypothesis_run(args.hypothesis, kinds=tuple(args.kinds)) if args.hypothesis else []
    if args.hypothesis:
        print(f"fuzz: {args.hypothesis} Hypothesis examples, {len(failures)} failure(s)", flush=True)
        for failure in failures:
            print(failure)
    return 1 if summary.failures or failures else 0


if __name__ == "__main__":
    sys.exit(main())
