"""Publish a refresh's outputs all together, or not at all.

A refresh builds everything under data/.work/refresh-<run>/. Publishing then:
1. writes the journal data/.work/publish.json (the moves to make, and the new published state)
   with an atomic rename: this is the commit point;
2. moves each built folder or file into place (old one to a trash folder first; a move within
   one file system is a rename, so each target switches whole);
3. writes data/published.json, then deletes the journal and the trash.
Killed before step 1: nothing published changed, the next run starts over. Killed after it: the
next run finds the journal and finishes the moves (`recover`), so outputs never stay mixed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from pipelines import paths

JOURNAL = "publish.json"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_state() -> dict[str, Any]:
    """The published state (empty before the first refresh)."""
    path = paths.published_state_path()
    if not path.exists():
        return {"snapshots": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def commit(moves: list[tuple[Path, Path]], state: dict[str, Any]) -> None:
    """Make `moves` (built -> published) and `state` the published outputs, as one step."""
    journal = {"moves": [[str(src), str(dst)] for src, dst in moves], "state": state}
    _write_atomic(paths.work_dir() / JOURNAL, json.dumps(journal, indent=1, ensure_ascii=False))
    _roll_forward(journal)


def recover() -> bool:
    """Finish a publish that was interrupted after its commit point; True if there was one."""
    path = paths.work_dir() / JOURNAL
    if not path.exists():
        return False
    _roll_forward(json.loads(path.read_text(encoding="utf-8")))
    return True


def _roll_forward(journal: dict[str, Any]) -> None:
    """Idempotent: a move whose source is gone was already made."""
    trash = paths.work_dir() / "trash"
    trash.mkdir(parents=True, exist_ok=True)
    for i, (src_name, dst_name) in enumerate(journal["moves"]):
        src, dst = Path(src_name), Path(dst_name)
        if not src.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.is_dir() and not dst.is_symlink():
            old = trash / f"{i}-{dst.name}"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(dst, old)
        os.replace(src, dst)  # a file (the warehouse) replaces its old version in one rename
    _write_atomic(paths.published_state_path(), json.dumps(journal["state"], indent=1, ensure_ascii=False))
    (paths.work_dir() / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(trash, ignore_errors=True)
