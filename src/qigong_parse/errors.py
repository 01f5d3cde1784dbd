"""The project's own errors: each carries a one-line message and an exit status."""

from __future__ import annotations

import re

# What must not reach a terminal or a log line raw: C0/C1 controls (newline, ESC of escape codes),
# DEL, line and paragraph separators, bidirectional overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` safe for one line of a terminal or a log: control characters written as escapes."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", text)


class QigongError(Exception):
    """Base error; `exit_code` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        message = printable(message)  # file names and document text may hold newlines or ESC
        super().__init__(message)
        self.message = message


class InputError(QigongError):
    """The input cannot be read as a notice (missing, empty, binary, undecodable, too large)."""

    exit_code = 1


class UsageError(QigongError):
    """The command line asks for something impossible."""

    exit_code = 2


class OutputError(QigongError):
    """The output cannot be written safely (would overwrite a foreign file, escape the directory …)."""

    exit_code = 1


class MissingDependency(QigongError):
    """An optional dependency the input needs is not installed (the message names the install line)."""

    exit_code = 1
