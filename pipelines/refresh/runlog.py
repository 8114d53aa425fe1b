"""The run log, data/runs.jsonl: one JSON object per line, appended, never rewritten.

A run that does work writes a `start` line, then an `end` line with its outcome; a run that
finds nothing to do, or is refused by the lock, writes only an `end` line. A `start` with no
`end` is a run that was killed (or is still going: `servir-pm status` checks the lock).
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from typing import Any

from pipelines import paths
from pipelines.privacy.redact import redact_fields

# partial: published, but some snapshots were left out because their input failed (see `failures`).
OUTCOMES = ("success", "partial", "no_change", "failed", "locked")
# Fields that carry free text (an error may quote a value of a file): redacted before writing.
_FREE_TEXT = frozenset({"error", "message", "detail", "reason", "waiting", "changed", "failures"})


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id() -> str:
    """Sortable and unique: UTC time to the second plus random hex."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def append(record: dict[str, Any]) -> None:
    """Append one line. O_APPEND keeps concurrent writers' lines whole (each is one write())."""
    path = paths.runs_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    record = redact_fields(record, _FREE_TEXT)  # no ID ever reaches the log
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read() -> list[dict[str, Any]]:
    """Every record, oldest first; a torn last line (power loss mid-write) is skipped."""
    path = paths.runs_log_path()
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def runs() -> list[dict[str, Any]]:
    """One dict per run (start and end merged), in the order they last wrote (so by end time for
    ended runs: a run refused while another was going comes before that one's end);
    `outcome` 'interrupted' if no end."""
    merged: dict[str, dict[str, Any]] = {}
    for record in read():
        run = merged.pop(record.get("run_id", ""), {})
        merged[record.get("run_id", "")] = run  # re-inserted: moves to the end
        run.update(record)
        if record.get("event") == "start":
            run.setdefault("outcome", "interrupted")
    return list(merged.values())
