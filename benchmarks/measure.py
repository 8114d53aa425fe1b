"""Run a command and measure it as a whole: wall time and the peak resident memory of its process
tree (the command and every process it starts, summed, sampled every 0.1 s), which is what a
machine running the refresh has to hold. ru_maxrss alone would miss a stage run in a child.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.1


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants now (0 for any that just ended)."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def run_measured(command: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> dict:
    """{seconds, peak_mb, code, stdout, stderr} of one run of `command` (output kept in files, so a
    talkative command never blocks on a full pipe)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(command), env=env, cwd=cwd, stdout=out, stderr=err, text=True)
        watched = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            peak = max(peak, tree_rss(watched))
            time.sleep(SAMPLE_SECONDS)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return {"seconds": round(seconds, 2), "peak_mb": round(peak / 2**20), "code": child.returncode,
                "stdout": out.read(), "stderr": err.read()}
