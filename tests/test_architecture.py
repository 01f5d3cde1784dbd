"""Architecture rules checked on the source itself (issue 11 acceptance).

No function in src/ has a body over MAX_BODY_LINES lines. The body is counted from its first
statement after the docstring to the last line of its last statement; the signature is not part
of it, so a typer command whose extra length is its parameter declarations (each option an
`Annotated[..., typer.Option(...)]` in the signature) passes by the same rule as any other
function. The docstring is not counted either: on a CLI command it is the `--help` text. Nested
functions count in the body of the function that holds them, and on their own.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "qigong_parse"
MAX_BODY_LINES = 60



def _body_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = fn.body
    if (len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        body = body[1:]  # the docstring
    end = body[-1].end_lineno
    assert end is not None
    return end - body[0].lineno + 1


def long_functions(limit: int = MAX_BODY_LINES) -> dict[str, int]:
    """`path::qualified.name` → body lines, for every function in src/ whose body is over `limit`."""
    found: dict[str, int] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(SRC).as_posix()

        def visit(node: ast.AST, prefix: str, rel: str = rel) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    name = prefix + child.name
                    n = _body_lines(child)
                    if n > limit:
                        found[f"{rel}::{name}"] = n
                    visit(child, name + ".")
                elif isinstance(child, ast.ClassDef):
                    visit(child, prefix + child.name + ".")
                else:
                    visit(child, prefix)

        visit(tree, "")
    return found


def test_no_function_body_over_60_lines() -> None:
    too_long = long_functions()
    assert not too_long, "functions whose body is over 60 lines (split them at their phases): " + ", ".join(
        f"{k} ({n} lines)" for k, n in sorted(too_long.items()))


def test_the_counter_counts_the_body_not_the_signature() -> None:
    params = ",\n".join(f"    p{i}: int = {i}" for i in range(80))
    body = "\n".join(f"    x{i} = {i}" for i in range(60))
    fn = ast.parse(f"def f(\n{params},\n) -> None:\n    '''Doc.\n\n    More.\n    '''\n{body}\n").body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert _body_lines(fn) == 60
