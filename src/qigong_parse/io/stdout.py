"""Writing to stdout and stderr: one-line errors for a full or closed stdout, rich text escaped."""

from __future__ import annotations

import os
import sys

from ..errors import OutputError


def write_stdout(text: str | bytes) -> None:
    """Write to stdout and flush; `OutputError` (one line) when it is full, closed or a broken pipe."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    stream = sys.stdout
    if stream is None:
        raise OutputError("cannot write to stdout: it is closed")
    try:
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode("utf-8"))
            stream.flush()
    except (OSError, ValueError) as exc:  # ValueError: the stream was closed
        silence_stdout()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutputError(f"cannot write to stdout: {reason}") from None


def silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush cannot fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def plain(text: object) -> object:
    """A rich `Text` of `text` as is: file names, titles and units never parsed as markup."""
    from rich.text import Text

    return Text("" if text is None else str(text))
