"""The one line index of the pipeline: every line of the normalized text, with its content bounds.

`normalize` turns every line end the genre's files use (LF, CRLF, a lone CR, U+2028, U+2029, NEL)
into LF in the normalized view, so this is the only place that splits lines, and it splits on LF.
"""

from __future__ import annotations

from dataclasses import dataclass

_BLANK = " \t\r\f\v"


@dataclass(frozen=True, slots=True)
class Line:
    """One line: [start, end) including its break; [cstart, cend) its content without indentation
    or trailing blanks; `stop` where the line ends before its break (a CR of CRLF excluded)."""

    start: int
    end: int
    stop: int
    cstart: int
    cend: int
    content: str  # normalized, stripped

    @property
    def blank(self) -> bool:
        """True when the line holds nothing but blanks."""
        return not self.content


def split_lines(norm: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Every line of norm[start:end] (blank ones too), in order."""
    stop_at = len(norm) if end is None else end
    out: list[Line] = []
    pos = start
    while pos < stop_at:
        nl = norm.find("\n", pos, stop_at)
        line_end = stop_at if nl < 0 else nl + 1
        stop = nl if nl >= 0 else stop_at
        if stop > pos and norm[stop - 1] == "\r":
            stop -= 1
        cstart, cend = pos, stop
        while cstart < cend and norm[cstart] in _BLANK + " ":
            cstart += 1
        while cend > cstart and norm[cend - 1] in _BLANK + " ":
            cend -= 1
        out.append(Line(pos, line_end, stop, cstart, cend, norm[cstart:cend]))
        pos = line_end
    return out
