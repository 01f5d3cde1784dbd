"""The parse state: the text every offset refers to, its normalized view, one line index, and the
warnings the stages report, each with its location. Stages read it and add warnings; they return
their results as values."""

from __future__ import annotations

from functools import cached_property

from ..model.kinds import Span
from ..model.records import ParseWarning
from ..rules.units import overlays_named_in
from ..text.lines import Line, split_lines
from ..text.normalize import normalize

# How much of the text's start is read for the names that choose overlays (page head, red header).
_HEAD_CHARS = 2000


# A plain class, not a dataclass (~2 M instructions to create at start-up); no __slots__: the
# cached properties keep their values in the instance's __dict__.
class ParseState:
    """One document being parsed."""

    text: str
    norm: str
    outside: list[Span]  # spans a reader knows are not the document
    warnings: list[ParseWarning]

    def __init__(self, text: str, norm: str = "", outside: list[Span] | None = None,
                 warnings: list[ParseWarning] | None = None) -> None:
        self.text = text
        self.norm = norm or normalize(text)
        self.outside = [] if outside is None else outside
        self.warnings = [] if warnings is None else warnings

    @cached_property
    def overlays(self) -> tuple[str, ...]:
        """The jurisdiction overlays the text's head names (a page's site name, an issuer): their
        chrome and conventions are in force beside the general ones."""
        return overlays_named_in(self.norm[:_HEAD_CHARS])

    @cached_property
    def lines(self) -> list[Line]:
        """Every line of the text, blank ones too."""
        return split_lines(self.norm)

    def warn(self, code: str, message: str, *, part: str | None = None, path: list[str] | None = None,
             span: Span | None = None) -> None:
        """Report a repair or a doubt, where it happened."""
        self.warnings.append(ParseWarning(code=code, part=part, path=path, message=message, span=span))
