"""The project's own errors: each carries a one-line message and an exit status."""

from __future__ import annotations


class QigongError(Exception):
    """Base error; `exit_code` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str) -> None:
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
