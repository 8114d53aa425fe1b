"""One writer at a time: an exclusive, non-blocking lock on data/.locks/pipeline.lock.

flock is released by the kernel when the holder exits, however it exits (kill -9 included), so
a crashed run never leaves a stale lock behind. The file records who holds it, for the message.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from pipelines import paths
from pipelines.errors import PipelineError

LOCK_NAME = "pipeline.lock"


class LockedError(PipelineError):
    """Another refresh (or build) holds the lock. Not a failure of the data: try later."""

    exit_code = 5


def holder() -> dict:
    """Who holds (or last held) the lock: pid, command, since. Empty if unknown."""
    try:
        return json.loads((paths.locks_dir() / LOCK_NAME).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def is_held() -> bool:
    path = paths.locks_dir() / LOCK_NAME
    if not path.exists():
        return False
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@contextmanager
def exclusive(command: str) -> Iterator[None]:
    """Hold the pipeline lock for `command`, or raise LockedError at once if someone else does."""
    folder = paths.locks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = holder()
            since = other.get("since", "an unknown time")
            raise LockedError(
                problem=f"another run is in progress ({other.get('command', 'unknown command')}, "
                        f"pid {other.get('pid', '?')}, since {since}); this one did nothing",
                fix="wait for it to finish (servir-pm status shows it); a scheduler can simply try again "
                    "at its next slot",
                file=path) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "command": command,
                                 "since": datetime.now(UTC).isoformat(timespec="seconds")}))
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the flock
