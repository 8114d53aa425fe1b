"""Read published marts from Python (notebooks): `marts.load("pm_roles")`, `marts.list()`."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines import paths
from pipelines.build.export import MART_PREFIX
from pipelines.refresh.series import read_series


def _mart_file(name: str) -> str:
    stem = name.removesuffix(".parquet")
    return (stem if stem.startswith(MART_PREFIX) else MART_PREFIX + stem) + ".parquet"


def snapshots() -> list[str]:
    """Snapshots with exported marts, oldest first."""
    root = paths.marts_dir()
    if not root.is_dir():
        return []
    found = [d.name for d in root.iterdir() if d.is_dir() and not d.name.startswith(".")
             and any(d.glob(f"{MART_PREFIX}*.parquet"))]
    return sorted(found, key=paths.snapshot_sort_key)


def path(name: str, snapshot: str | None = None) -> Path:
    """Parquet file of mart `name` ("pm_roles" or "mart_pm_roles") for `snapshot` (latest if None)."""
    available = snapshots()
    if not available:
        raise FileNotFoundError(f"no marts under {paths.marts_dir()}: run `servir-pm build` first")
    chosen = snapshot or available[-1]
    file = paths.marts_dir(chosen) / _mart_file(name)
    if not file.is_file():
        names = ", ".join(p.stem for p in sorted(paths.marts_dir(chosen).glob(f"{MART_PREFIX}*.parquet")))
        raise FileNotFoundError(f"no mart {name!r} for snapshot {chosen!r} (have: {names or 'none'})")
    return file


def load(name: str, snapshot: str | None = None) -> pl.DataFrame:
    """Mart `name` for `snapshot` (the latest snapshot if None) as a polars DataFrame."""
    return pl.read_parquet(path(name, snapshot))


def series_of(snapshot: str) -> str:
    """The series a published snapshot belongs to (its staged series.json; pipelines.refresh.series)."""
    return read_series(paths.staging_dir(snapshot)).series


def load_history(name: str, upto: str | None = None, series: str | None = None) -> pl.DataFrame:
    """Mart `name` from every snapshot of one series up to `upto` (inclusive; all if None), oldest first.

    Each snapshot folder holds its own rows of a history mart (changes *into* that snapshot), so
    a trend is the concatenation of the folders. A report for an older snapshot passes `upto`
    so it does not change when later snapshots arrive. Only snapshots of one series are joined
    (`series`, default: the series of `upto`, or of the latest snapshot): a real extract and the
    synthetic sample never share a trend.
    """
    chosen = snapshots()
    if upto is not None and upto not in chosen:
        raise FileNotFoundError(f"no marts for snapshot {upto!r} under {paths.marts_dir()}")
    if chosen:
        wanted = series or series_of(upto or chosen[-1])
        chosen = [s for s in chosen if series_of(s) == wanted]
    if upto is not None:
        if upto not in chosen:
            raise FileNotFoundError(f"snapshot {upto!r} is not of series {series!r}")
        chosen = chosen[: chosen.index(upto) + 1]
    frames = [pl.read_parquet(path(name, s)) for s in chosen]
    if not frames:
        raise FileNotFoundError(f"no marts under {paths.marts_dir()}: run `servir-pm build` first")
    return pl.concat(frames, how="diagonal_relaxed")


def list() -> pl.DataFrame:  # the documented API name; shadows the builtin only here
    """One row per snapshot x mart: snapshot, mart, rows, path."""
    rows = []
    for snapshot in snapshots():
        for file in sorted(paths.marts_dir(snapshot).glob(f"{MART_PREFIX}*.parquet")):
            rows.append({"snapshot": snapshot, "mart": file.stem,
                         "rows": pl.scan_parquet(file).select(pl.len()).collect().item(), "path": str(file)})
    schema = {"snapshot": pl.String, "mart": pl.String, "rows": pl.Int64, "path": pl.String}
    return pl.DataFrame(rows, schema=schema)
