"""Real snapshots shipped with the project (`embedded/<snapshot>/`), installed into data/raw.

Each embedded folder holds the input files of one real snapshot, its `series.json`
(pipelines.refresh.series) and a README with provenance and license. `make run` on a fresh checkout
installs them next to the synthetic sample; `ingest`, `refresh` and `run DIR` never do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.paths import PROJECT_ROOT

EMBEDDED_ROOT = PROJECT_ROOT / "embedded"


def embedded_snapshots() -> list[Path]:
    """Every embedded real snapshot folder (one per snapshot, named by its date)."""
    if not EMBEDDED_ROOT.is_dir():
        return []
    return sorted(p for p in EMBEDDED_ROOT.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def install_embedded(raw_root: Path) -> list[Path]:
    """Copy each embedded snapshot into `raw_root/<snapshot>/` unless that folder already exists
    (an analyst's copy, or one they deleted on purpose and marked withdrawn, is never overwritten).
    Returns the folders written."""
    written: list[Path] = []
    for source in embedded_snapshots():
        target = Path(raw_root) / source.name
        if target.exists():
            continue
        shutil.copytree(source, target)
        written.append(target)
    return written
