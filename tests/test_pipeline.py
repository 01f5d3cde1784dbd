"""The pipeline's wiring: library entry points and their side effects."""

from __future__ import annotations

import gc

import pytest

from qigong_parse.errors import InputError
from qigong_parse.pipeline import parse_text


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_restored_as_it_was(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    try:
        parse_text("一、目标\n增长6%。\n")
        assert gc.isenabled() is enabled
        with pytest.raises(InputError):
            parse_text("一、总体\ud800要求\n")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_the_models_are_built_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only the records: with the collector on, building a long notice's models ran a pass of
    the middle generation (every record of the parse) every ten young passes."""
    from qigong_parse.model import output

    seen: list[bool] = []
    real = output.from_record
    monkeypatch.setattr(output, "from_record", lambda doc: seen.append(gc.isenabled()) or real(doc))
    gc.enable()
    parse_text("一、目标\n增长6%。\n")
    assert seen == [False] and gc.isenabled()


def test_a_lone_surrogate_is_an_input_error_naming_its_offset() -> None:
    with pytest.raises(InputError, match="offset 4"):
        parse_text("一、总体\ud800要求\n")


def test_source_names_the_input_and_counts_its_characters() -> None:
    doc = parse_text("一、目标\n增长6%。\n", file="notice.txt")
    assert (doc.source.file, doc.source.chars, doc.source.encoding) == ("notice.txt", len("一、目标\n增长6%。\n"), "utf-8")
