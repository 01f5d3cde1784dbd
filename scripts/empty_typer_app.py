"""The floor of a cold `qigong parse`: an empty typer app with the same `parse` signature.

Same imports as the floor (typer, pydantic, yaml, regex, rich), the same parameters and
annotations as `qigong_parse.cli.parse` (an argument list, ten options, one of them an Enum),
a callback with --version like the real app, and a command that returns at once. Built with the
typer the project pins (the one in the venv that runs it). scripts/bench.py times it beside
`qigong parse` and `qigong validate`.

    python scripts/empty_typer_app.py parse notice.txt -o x.yaml --force
"""

from __future__ import annotations

import enum
from typing import Annotated

import pydantic  # noqa: F401
import regex  # noqa: F401
import rich  # noqa: F401
import typer
import yaml  # noqa: F401


class Format(enum.StrEnum):
    text = "text"
    html = "html"
    docx = "docx"


app = typer.Typer(name="qigong", add_completion=False, no_args_is_help=False, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]})


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """An empty app."""


@app.command()
def parse(
    notices: Annotated[list[str], typer.Argument(metavar="NOTICE", show_default=False, help="Notices.")],
    output: Annotated[str | None, typer.Option("-o", "--output", metavar="OUT", show_default=False)] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", metavar="ENC", show_default=False)] = None,
    fmt: Annotated[Format | None, typer.Option("--format", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict")] = False,
    force: Annotated[bool, typer.Option("--force")] = False,
    max_bytes: Annotated[int | None, typer.Option("--max-bytes", metavar="N", show_default=False)] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", metavar="N")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    summary: Annotated[bool, typer.Option("--summary")] = False,
    debug: Annotated[bool, typer.Option("--debug")] = False,
) -> None:
    """Return at once."""


@app.command()
def validate(files: Annotated[list[str], typer.Argument(metavar="FILE")]) -> None:
    """Return at once."""


if __name__ == "__main__":
    app()
