"""Ctrl-C and parent death during `qigong parse --jobs 2` (issue 16 item 5).

Every wait is on an event (an output file appearing, the process ending, the workers being
gone) with a bounded timeout; nothing sleeps for a guessed duration.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import sample_text

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process groups and /proc: Linux")

TIMEOUT = 60.0
FILES = 10


def wait_for(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)  # polling interval of the wait, not a guess at a duration


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of process group `pgid`."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def start_batch(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    inputs = tmp_path / "in"
    inputs.mkdir()
    big = sample_text() * 4  # each job takes a while, so some are in flight when the signal comes
    for i in range(FILES):
        (inputs / f"n{i:02d}.txt").write_text(big, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", "from qigong_parse.cli import main; main()", "parse",
                             str(inputs), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    wait_for(lambda: out.is_dir() and any(out.glob("*.yaml")), "the first output")
    return proc, out


def finish(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    _, err = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, err.decode("utf-8", "replace")


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_the_batch_with_a_summary_and_130(tmp_path: Path, presses: int) -> None:
    proc, out = start_batch(tmp_path)
    for _ in range(presses):  # a terminal sends SIGINT to the whole foreground group
        os.killpg(proc.pid, signal.SIGINT)
    status, err = finish(proc)
    assert status == 130, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert "interrupted:" in last and "not parsed or not reported" in last
    written = int(last.split(" written")[0])
    assert written <= len(list(out.glob("*.yaml"))) < FILES  # it stopped: did not parse the rest first
    assert not list(out.glob(".*.tmp")), "a worker left a temporary file"
    wait_for(lambda: not group_members(proc.pid), "the workers to exit")


def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    proc, out = start_batch(tmp_path)
    workers = [pid for pid in group_members(proc.pid) if pid != proc.pid]
    assert workers, "no worker processes seen"
    proc.kill()
    proc.communicate(timeout=TIMEOUT)
    wait_for(lambda: not group_members(proc.pid), "the orphaned workers to exit")
    assert not list(out.glob(".*.tmp")), "a worker left a temporary file"
