"""A data folder made once per test session, even when pytest-xdist runs the session in several
worker processes: the first worker that asks makes it under the session's shared temporary folder,
the others wait for it and read the same folder (the `tmp_path_factory` + file lock pattern of
pytest-xdist's documentation; fcntl, so no extra dependency). Without xdist it is a plain
`mktemp` folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """`make(folder)` run once for the whole session; returns the folder it filled.

    A make that fails leaves no "done" mark: the next worker tries again (and fails the same way,
    with its own message), rather than reading a half-made folder.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent  # <basetemp>/ above every worker's popen-gwN/
    folder, done = shared / name, shared / f"{name}.done"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed make left
            folder.mkdir()
            make(folder)
            done.touch()
    return folder
