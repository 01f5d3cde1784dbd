"""The one line index of the pipeline: every line of the normalized text, with its content bounds.

`normalize` turns every line end the genre's files use (LF, CRLF, a lone CR, U+2028, U+2029, NEL)
into LF in the normalized view, so this is the only place that splits lines, and it splits on LF.
"""

from __future__ import annotations

from typing import NamedTuple

BLANK = " \t\r\f\v"  # what a line's content is stripped of
_BLANK = BLANK


class Line(NamedTuple):
    """One line: [start, end) including its break; [cstart, cend) its content without indentation
    or trailing blanks; `stop` where the line ends before its break (a CR of CRLF excluded).

    A named tuple: every stage indexes lines, and a tuple is built three times faster than a
    frozen dataclass."""

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
    if start == 0 and end is None:
        return _split_all(norm)
    stop_at = len(norm) if end is None else end
    out: list[Line] = []
    new = tuple.__new__  # the tuple Line(...) makes, without the named tuple's Python-level __new__
    pos = start
    while pos < stop_at:
        nl = norm.find("\n", pos, stop_at)
        line_end = stop_at if nl < 0 else nl + 1
        stop = nl if nl >= 0 else stop_at
        if stop > pos and norm[stop - 1] == "\r":
            stop -= 1
        raw = norm[pos:stop]
        content = raw.strip(_BLANK)
        cstart = pos + len(raw) - len(raw.lstrip(_BLANK)) if content else stop
        out.append(new(Line, (pos, line_end, stop, cstart, cstart + len(content), content)))
        pos = line_end
    return out


def _split_all(norm: str) -> list[Line]:
    """`split_lines(norm)`: the same lines, from one `str.split` (no search and no slice per line).

    A piece of the split is a line without its break; a CR it ends with is blank, so stripping the
    piece strips what stripping it without the CR strips, and its leading blanks are the same."""
    out: list[Line] = []
    new = tuple.__new__
    pos = 0
    pieces = norm.split("\n")
    last = pieces.pop()  # what follows the last break: no line when empty
    for raw in pieces:
        line_end = pos + len(raw) + 1
        stop = line_end - 2 if raw.endswith("\r") else line_end - 1
        content = raw.strip(_BLANK)
        if content:
            cstart = line_end - 1 - len(raw.lstrip(_BLANK))
            out.append(new(Line, (pos, line_end, stop, cstart, cstart + len(content), content)))
        else:
            out.append(new(Line, (pos, line_end, stop, stop, stop, content)))
        pos = line_end
    if last:
        end = pos + len(last)
        stop = end - 1 if last.endswith("\r") else end
        content = last.strip(_BLANK)
        cstart = end - len(last.lstrip(_BLANK)) if content else stop
        out.append(new(Line, (pos, end, stop, cstart, cstart + len(content), content)))
    return out


def content_lines(norm: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """(cstart, content) of every non-blank line of norm[start:end], as `split_lines` gives them,
    without building a `Line` per line (coverage and the outline look at the contents only)."""
    stop_at = len(norm) if end is None else end
    out: list[tuple[int, str]] = []
    pos = start
    if start >= 0 and stop_at <= len(norm):
        # the pieces of one split of the slice are its lines without their breaks (an empty
        # last piece is no line: it is blank)
        for raw in norm[start:stop_at].split("\n"):
            content = raw.strip(_BLANK)
            if content:
                out.append((pos + len(raw) - len(raw.lstrip(_BLANK)), content))
            pos += len(raw) + 1
        return out
    return _content_lines_searched(norm, start, stop_at)


def _content_lines_searched(norm: str, start: int, stop_at: int) -> list[tuple[int, str]]:
    """`content_lines` line by line: a search for each break and a slice for each line."""
    out: list[tuple[int, str]] = []
    pos = start
    while pos < stop_at:
        nl = norm.find("\n", pos, stop_at)
        stop = stop_at if nl < 0 else nl
        raw = norm[pos:stop]  # a CR before the break is blank: stripped with the rest
        content = raw.strip(_BLANK)
        if content:
            out.append((stop - len(raw.lstrip(_BLANK)), content))
        pos = stop + 1
    return out
