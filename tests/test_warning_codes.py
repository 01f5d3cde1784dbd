"""Warning codes are a registry (model/warnings.py): every code the package emits is registered, a
parser warning with another code is refused, and the README's table is the registry's."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from qigong_parse.check.validate import validate_data
from qigong_parse.model.output import READING, Document, ParseWarning
from qigong_parse.model.warnings import WARNING_CODES, markdown_table

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "qigong_parse"

# Where a code reaches ParseWarning through a variable; each is fed by (code, message) tuples or
# calls that the scan below reads as constants (a new pass-through must be looked at and added).
PASS_THROUGH = {
    ("parse/state.py", "warn"),  # ParseState.warn(code, …): its callers pass constants
    ("parse/outline.py", "_nodes"),  # _Heading.warnings tuples: heading.warnings.append(("code", …))
    ("parse/extract/responsibility.py", "warn"),  # ClauseContext.warn(code, …): its callers pass constants
    ("pipeline.py", "_parse"),  # DecodedText.notes tuples: notes.append(("code", …))
}


def _is_code(node: ast.AST, *, kebab: bool = False) -> bool:
    """A string constant that may be a code (in a bare tuple: only a kebab-case one, such as no-date)."""
    return (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.islower()
            and " " not in node.value and (not kebab or "-" in node.value))


def _scan(src: Path = SRC) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    """(constant code → where it is emitted, (file, function) of every ParseWarning fed by a variable)."""
    emitted: dict[str, list[str]] = {}
    variable: set[tuple[str, str]] = set()
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.Call):
                    continue
                where = f"{rel}:{node.lineno}"
                name = node.func.id if isinstance(node.func, ast.Name) else (
                    node.func.attr if isinstance(node.func, ast.Attribute) else "")
                if name == "ParseWarning":
                    code = next((k.value for k in node.keywords if k.arg == "code"), None)
                    if code is not None and _is_code(code):
                        emitted.setdefault(code.value, []).append(where)  # type: ignore[attr-defined]
                    elif code is not None:
                        variable.add((rel, func.name))
                elif name == "warn" and node.args and _is_code(node.args[0]):
                    emitted.setdefault(node.args[0].value, []).append(where)  # type: ignore[attr-defined]
                elif (name == "append" and node.args and isinstance(node.args[0], ast.Tuple)
                      and len(node.args[0].elts) == 2 and _is_code(node.args[0].elts[0], kebab=True)):
                    emitted.setdefault(node.args[0].elts[0].value, []).append(where)  # type: ignore[attr-defined]
    return emitted, variable


def test_every_code_the_package_emits_is_registered_and_every_registered_code_is_emitted() -> None:
    emitted, _ = _scan()
    unregistered = {c: w for c, w in emitted.items() if c not in WARNING_CODES}
    assert not unregistered, f"add these codes to model/warnings.py: {unregistered}"
    assert set(WARNING_CODES) - set(emitted) == set(), "registered codes nothing emits"


def test_codes_passed_through_variables_come_from_known_places() -> None:
    _, variable = _scan()
    assert variable == PASS_THROUGH


def test_the_scan_sees_a_new_code(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text('def f(state, w):\n    state.warn("brand-new", "m")\n'
                              '    w.append(ParseWarning(code="other-new", message="m"))\n'
                              '    w.append(("tuple-new", "m"))\n', encoding="utf-8")
    emitted, variable = _scan(tmp_path)
    assert set(emitted) == {"brand-new", "other-new", "tuple-new"} and not variable


def test_a_parser_warning_with_an_unregistered_code_is_refused() -> None:
    assert ParseWarning(code="no-date", message="m").code == "no-date"
    with pytest.raises(ValidationError, match="unregistered warning code 'made-up'"):
        ParseWarning(code="made-up", message="m")


def test_a_file_read_back_may_hold_a_code_of_a_later_version(sample_doc: Document) -> None:
    data = sample_doc.model_dump(mode="json")
    data["warnings"].append({"code": "from-a-later-version", "message": "m"})
    doc = Document.model_validate(data, context=READING)
    assert doc.warnings[-1].code == "from-a-later-version"
    assert validate_data(data) == []  # qigong validate accepts it
    with pytest.raises(ValidationError):
        Document.model_validate(data)


def test_every_code_has_a_stage_and_a_meaning() -> None:
    for code, record in WARNING_CODES.items():
        assert record.code == code and code == code.lower() and " " not in code
        assert record.meaning and not record.meaning.endswith(".")


def test_the_readme_table_is_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Warning codes\n", 1)[1].split("\n## ", 1)[0]
    assert markdown_table() in section, "regenerate: python -m qigong_parse.model.warnings"
