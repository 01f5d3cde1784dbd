"""Robustness on the real documents of ../shared/corpus (never copied here; skipped, with the reason,
when the corpus is not beside the repository).

Every file parses or is refused with a one-line error; the pieces tile the decoded text; a file
with numbered headings never comes out with no node; the HTML and text renderings of each gov.cn
document give the same parts and node paths.
"""

from __future__ import annotations

import itertools
import re
import warnings
from functools import cache
from pathlib import Path

import pytest

from qigong_parse.errors import QigongError
from qigong_parse.model.output import READING, Document, plain
from qigong_parse.pipeline import parse_path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FOLDERS = ("govcn/txt", "govcn/html", "web", "bulk", "binary")
FILES = sorted(str(p.relative_to(CORPUS)) for f in FOLDERS for p in (CORPUS / f).glob("*")
               if p.suffix != ".tsv") if CORPUS.is_dir() else []
HEADINGS = re.compile(r"^[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])", re.M)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-document corpus is not at {CORPUS}")


@cache
def outcome(name: str) -> Document | str:
    try:
        return parse_path(CORPUS / name)
    except QigongError as exc:
        return exc.message


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 140


@pytest.mark.parametrize("name", FILES)
def test_parses_or_is_refused_in_one_line(name: str) -> None:
    got = outcome(name)
    if isinstance(got, str):
        assert "\n" not in got and got.strip(), got
        assert Path(name).suffix in (".doc", ".pdf"), f"only old .doc files and the scan are refused: {got}"
        return
    spans = [p.span for p in got.parts] + [u.span for u in got.unassigned]
    if got.notice is not None:
        spans += [s for s in (got.notice.span, got.notice.attachments_span, got.notice.signature_span) if s]
    spans.sort()
    assert spans and spans[0][0] == 0 and spans[-1][1] == got.source.chars
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans)), "pieces must tile the text"


@pytest.mark.parametrize("name", FILES)
def test_the_output_is_what_validation_and_model_dump_give(name: str) -> None:
    # The parser builds its models with `made` (not validated again) and writes them with `plain`
    # (not pydantic's serializer): over every real document, both agree with pydantic's own.
    got = outcome(name)
    if isinstance(got, str):
        pytest.skip("refused")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a serializer warning means a value of the wrong type
        dumped = got.model_dump(mode="json")
    assert plain(got) == dumped
    assert Document.model_validate(dumped, context=READING) == got


@pytest.mark.parametrize("name", [n for n in FILES if Path(n).suffix in (".txt", ".md", ".html")])
def test_numbered_headings_never_vanish(name: str) -> None:
    got = outcome(name)
    assert not isinstance(got, str), got
    if len(HEADINGS.findall(got_text(name))) >= 3:
        assert any(p.walk() for p in got.parts), f"{name}: numbered headings but no node"


def got_text(name: str) -> str:
    from qigong_parse.read import decode

    return decode((CORPUS / name).read_bytes()).text


@pytest.mark.parametrize("stem", sorted(Path(n).stem for n in FILES if n.startswith("govcn/txt/")))
def test_html_and_text_give_the_same_structure(stem: str) -> None:
    txt, html = outcome(f"govcn/txt/{stem}.txt"), outcome(f"govcn/html/{stem}.html")
    assert isinstance(txt, Document) and isinstance(html, Document)

    def paths(doc: Document) -> list[tuple[str, tuple[str, ...]]]:
        return [(p.id, tuple(n.path)) for p in doc.parts for n in p.walk()]

    assert paths(txt) == paths(html)
