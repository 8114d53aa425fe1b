"""Write aside, then swap: a folder built next to its final place replaces the old one in two
renames, so readers see the old version or the new one, never a half-written mix. Shared by
ingestion (staging), the export (marts) and the reports."""

from __future__ import annotations

import shutil
from pathlib import Path


def swap_in(built: Path, final: Path) -> None:
    """Replace folder `final` with `built` (same file system: a sibling) with the shortest window of absence."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = built.with_name(f"old-{built.name}")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    built.rename(final)
    if old.exists():
        shutil.rmtree(old)


def copy_in(source: Path, final: Path) -> None:
    """Publish folder `source` (e.g. in a temporary directory on another file system) as `final`:
    copied beside `final` first, then swapped in."""
    building = final.with_name(f".{final.name}.new")
    shutil.rmtree(building, ignore_errors=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, building)
    swap_in(building, final)
