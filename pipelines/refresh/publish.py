"""Publish a refresh's outputs all together, or not at all.

A refresh builds everything under data/.work/refresh-<run>/. Publishing then:
1. writes the journal data/.work/publish.json (the moves to make, and the new published state)
   with an atomic rename: this is the commit point;
2. moves each built folder or file into place (the old one aside to `.<name>.old` first; a move
   within one file system is a rename, so each target switches whole; outputs on another file
   system are first copied next to their target, before the commit point);
3. writes data/published.json, then deletes the journal and the old versions.
A withdrawn snapshot's folders (`removals`) leave in the same step: after the commit point each is
renamed aside like a replaced folder, and deleted with the old versions.
Killed before step 1: nothing published changed, the next run starts over. Killed after it: the
next run finds the journal and finishes the moves (`recover`), so outputs never stay mixed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
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


def commit(moves: list[tuple[Path, Path]], state: dict[str, Any], removals: Sequence[Path] = ()) -> None:
    """Make `moves` (built -> published), the removal of `removals` (published folders that
    leave) and `state` the published outputs, as one step."""
    moves = [(_beside(src, dst), dst) for src, dst in moves if src.exists()]
    journal = {"moves": [[str(src), str(dst)] for src, dst in moves], "state": state,
               "removals": [str(path) for path in removals]}
    _write_atomic(paths.work_dir() / JOURNAL, json.dumps(journal, indent=1, ensure_ascii=False))
    _roll_forward(journal)


def _beside(src: Path, dst: Path) -> Path:
    """`src`, or a copy of it next to `dst` when they are on different file systems (e.g. reports
    on a shared drive): a rename only switches a folder whole within one file system. Copied
    before the commit point, so a kill during the copy publishes nothing."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.stat().st_dev == dst.parent.stat().st_dev:
        return src
    incoming = dst.with_name(f".{dst.name}.incoming")
    if incoming.is_dir():
        shutil.rmtree(incoming)
    if src.is_dir():
        shutil.copytree(src, incoming)
    else:
        shutil.copy2(src, incoming)
    return incoming


def _old(dst: Path) -> Path:
    """Where the previous version of `dst` waits until the publish is complete (same file system)."""
    return dst.with_name(f".{dst.name}.old")


def recover() -> bool:
    """Finish a publish that was interrupted after its commit point; True if there was one."""
    path = paths.work_dir() / JOURNAL
    if not path.exists():
        return False
    _roll_forward(json.loads(path.read_text(encoding="utf-8")))
    return True


def _roll_forward(journal: dict[str, Any]) -> None:
    """Idempotent: a move whose source is gone was already made."""
    for src_name, dst_name in journal["moves"]:
        src, dst = Path(src_name), Path(dst_name)
        if not src.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.is_dir() and not dst.is_symlink():
            old = _old(dst)
            shutil.rmtree(old, ignore_errors=True)
            os.replace(dst, old)
        os.replace(src, dst)  # a file (the warehouse) replaces its old version in one rename
    removals = [Path(name) for name in journal.get("removals", [])]
    for gone in removals:
        if gone.exists() or gone.is_symlink():
            shutil.rmtree(_old(gone), ignore_errors=True)
            os.replace(gone, _old(gone))
    _write_atomic(paths.published_state_path(), json.dumps(journal["state"], indent=1, ensure_ascii=False))
    (paths.work_dir() / JOURNAL).unlink(missing_ok=True)
    for dst in [Path(dst_name) for _, dst_name in journal["moves"]] + removals:
        shutil.rmtree(_old(dst), ignore_errors=True)
