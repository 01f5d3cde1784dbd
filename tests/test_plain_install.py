"""Smoke test of a plain `pip install .` (no extras, no dev tools), as a user installs it.

One venv per session, built from this checkout; every command's --help and a basic run. Skipped with
the reason when pip cannot install (no network and no cache), or with QIGONG_SKIP_PLAIN_INSTALL=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "shaodong-2025-qidagongjian.txt"
HTML = ("<html><head><meta charset='utf-8'><title>t</title></head><body><div class='article'>"
        "<p>关于做好测试工作的通知</p><p>一、总体要求</p><p>全年新增就业1000人以上。</p></div></body></html>")


@pytest.fixture(scope="session")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a venv holding `pip install <checkout>` and nothing else."""
    if os.environ.get("QIGONG_SKIP_PLAIN_INSTALL"):
        pytest.skip("QIGONG_SKIP_PLAIN_INSTALL is set")
    root = tmp_path_factory.mktemp("plain")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True, clear=True)
    bin_dir = env_dir / "bin"
    # pip builds a wheel straight from the tree (hatchling takes src/qigong_parse only)
    done = subprocess.run([str(bin_dir / "pip"), "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        tail = " ".join((done.stderr or done.stdout).split()[-30:])
        pytest.skip(f"pip could not install the package into a plain venv (offline?): {tail}")
    return bin_dir


def _run(bin_dir: Path, *args: str, cwd: Path | None = None, stdin: bytes | None = None
         ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(bin_dir / "qigong"), *args], cwd=cwd, input=stdin, capture_output=True,
                          timeout=120, env={**os.environ, "COLUMNS": "200"})


def test_plain_install_has_no_extras(plain: Path) -> None:
    done = subprocess.run([str(plain / "python"), "-c",
                           "import importlib.util as u, pathlib, qigong_parse as q;"
                           "print(u.find_spec('openpyxl') is None, u.find_spec('docx') is None,"
                           " u.find_spec('selectolax') is not None, u.find_spec('pytest') is None,"
                           " (pathlib.Path(q.__file__).parent / 'py.typed').is_file())"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True"] * 5, done.stderr


COMMANDS = ("parse", "validate", "schema", "diff", "export", "units")


def _check(runs: list[tuple[tuple[str, ...], int]], bin_dir: Path, cwd: Path) -> dict[tuple[str, ...], str]:
    """Run the commands two at a time (they are independent); check each status; return stderr by args."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(lambda args: _run(bin_dir, *args, cwd=cwd), [args for args, _ in runs]))
    errors = {}
    for (args, status), result in zip(runs, done, strict=True):
        err = result.stderr.decode()
        assert result.returncode == status, (args, err)
        assert "Traceback" not in err and "internal error" not in err, (args, err)
        if args and args[-1] == "--help":
            out = result.stdout.decode()
            assert "Example" in out and "<bool>" not in out, args
        errors[args] = err
    return errors


def test_every_command_helps_and_runs(plain: Path, tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "s.txt")
    (tmp_path / "p.html").write_text(HTML, encoding="utf-8")
    _check([
        *(((command, "--help"), 0) for command in COMMANDS),
        (("--version",), 0),
        ((), 0),  # bare qigong: the help
        (("parse", "s.txt", "-q"), 0),
        (("parse", "p.html", "-q"), 0),  # HTML needs no extra
        (("parse", "s.txt", "--to", "json", "-q"), 0),
        (("schema",), 0),
    ], plain, tmp_path)
    errors = _check([
        (("validate", "s.yaml", "p.yaml"), 0),
        (("units", "s.yaml", "--to", "markdown"), 0),
        (("diff", "s.yaml", "s.yaml", "--to", "json"), 0),
        (("export", "s.yaml", "p.yaml", "--to", "csv", "-o", "t"), 0),
        (("export", "s.yaml", "--to", "json", "-o", "-"), 0),
        (("export", "s.yaml", "--to", "xlsx", "-o", "t.xlsx"), 1),  # the install hint, not a traceback
    ], plain, tmp_path)
    assert "pip install 'qigong-parse[xlsx]'" in errors[("export", "s.yaml", "--to", "xlsx", "-o", "t.xlsx")]
    assert (tmp_path / "t-responsibilities.csv").is_file() and (tmp_path / "s.json").is_file()
    piped = _run(plain, "parse", "-", "--to", "jsonl", stdin=SAMPLE.read_bytes())
    assert piped.returncode == 0 and piped.stdout.count(b"\n") == 1
    module = subprocess.run([str(plain / "python"), "-m", "qigong_parse", "--version"], capture_output=True,
                            timeout=60)
    assert module.returncode == 0 and module.stdout.startswith(b"qigong ")
