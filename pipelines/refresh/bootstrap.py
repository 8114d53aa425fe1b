"""What `make run` puts in data/raw on a fresh checkout, and nowhere else.

A fresh checkout is one with nothing published yet (no data/published.json) and no snapshot
folder under data/raw. Only then does `servir-pm run` (no folder; what `make run` calls) generate
the two snapshots of the synthetic sample and install the real snapshots shipped under
`embedded/`. Every other command (`ingest`, `refresh`, `run DIR`) works only on what is in
data/raw, so a sample an analyst deleted stays deleted; `servir-pm sample` makes it again on request.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipelines import paths
from pipelines.embedded.snapshots import install_embedded
from pipelines.ingest.discovery import discover_files

Announce = Callable[[str], None]


def has_snapshots(raw_root: Path) -> bool:
    """True if any non-hidden folder of `raw_root` holds an input file."""
    if not raw_root.is_dir():
        return False
    return any(any(discover_files(folder).values()) for folder in raw_root.iterdir()
               if folder.is_dir() and not folder.name.startswith("."))


def _has_positions(folder: Path) -> bool:
    return folder.is_dir() and bool(discover_files(folder)["positions"])


def is_fresh_checkout() -> bool:
    return not paths.published_state_path().exists() and not has_snapshots(paths.raw_dir())


def generate_sample_snapshots(raw_root: Path, announce: Announce | None = None) -> list[Path]:
    """Both sample snapshots (the 2016-05-31 one and its six-month evolution) under `raw_root`;
    a folder that already holds a positions file is kept. Returns the folders written."""
    from pipelines.sample import evolve_snapshot, generate_sample

    say = announce or (lambda _message: None)
    first, later = raw_root / paths.SAMPLE_SNAPSHOT, raw_root / paths.SAMPLE_NEXT_SNAPSHOT
    written = []
    if not _has_positions(first):
        say(f"Generating the synthetic sample in {first}")
        generate_sample(first, snapshot_date=paths.SAMPLE_SNAPSHOT)
        written.append(first)
    if not _has_positions(later):
        say(f"Evolving it into a later snapshot in {later}")
        evolve_snapshot(first, later, snapshot_date=paths.SAMPLE_NEXT_SNAPSHOT)
        written.append(later)
    return written


def prepare_fresh_checkout(announce: Announce | None = None) -> list[Path]:
    """On a fresh checkout: the sample and the embedded real snapshots into data/raw. Otherwise
    nothing (returns []): what the analyst keeps in data/raw is what gets refreshed."""
    if not is_fresh_checkout():
        return []
    raw_root = paths.raw_dir()
    raw_root.mkdir(parents=True, exist_ok=True)
    written = generate_sample_snapshots(raw_root, announce)
    embedded = install_embedded(raw_root)
    for folder in embedded:
        if announce:
            announce(f"Installed the embedded real snapshot {folder}")
    return written + embedded
