"""Where every stage reads and writes. One place, so a stage can be re-run alone."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The embedded sample's snapshot (synthetic positions on real entities, see README).
SAMPLE_SNAPSHOT = "2016-05-31"
# The sample's second snapshot: the first one evolved six months (pipelines.sample.evolve).
SAMPLE_NEXT_SNAPSHOT = "2016-11-30"

_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def data_dir() -> Path:
    """Root of all data; overridable so tests and benchmarks never touch the real one."""
    return Path(os.environ.get("SERVIR_PM_DATA", PROJECT_ROOT / "data")).resolve()


def raw_dir(snapshot: str | None = None) -> Path:
    base = data_dir() / "raw"
    return base / snapshot if snapshot else base


def staging_dir(snapshot: str | None = None) -> Path:
    base = data_dir() / "staging"
    return base / snapshot if snapshot else base


def quarantine_dir(snapshot: str | None = None) -> Path:
    base = data_dir() / "quarantine"
    return base / snapshot if snapshot else base


def marts_dir(snapshot: str | None = None) -> Path:
    base = data_dir() / "marts"
    return base / snapshot if snapshot else base


def manifests_dir() -> Path:
    return data_dir() / "manifests"


def warehouse_path() -> Path:
    return Path(os.environ.get("SERVIR_PM_WAREHOUSE", data_dir() / "warehouse.duckdb")).resolve()


def dbt_target_dir(project: Path | None = None) -> Path:
    """dbt's target folder (partial parsing, run_results.json, compiled SQL): <project>/target, or
    the folder SERVIR_PM_DBT_TARGET names inside the project. The tests set it per pytest-xdist
    worker, so two dbt runs at once never write the same files."""
    return (project or PROJECT_ROOT) / os.environ.get("SERVIR_PM_DBT_TARGET", "target")


def reports_dir(snapshot: str | None = None) -> Path:
    base = Path(os.environ.get("SERVIR_PM_REPORTS", PROJECT_ROOT / "reports")).resolve()
    return base / snapshot if snapshot else base


def work_dir() -> Path:
    """Scratch space for outputs being built; never read by anyone but the stage writing it."""
    return data_dir() / ".work"


def locks_dir() -> Path:
    return data_dir() / ".locks"


def runs_log_path() -> Path:
    return data_dir() / "runs.jsonl"


def published_state_path() -> Path:
    """What `servir-pm refresh` last published: per snapshot, the input hashes it was built from."""
    return data_dir() / "published.json"


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block, then restore them as they were."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@contextmanager
def outputs_redirected(root: Path) -> Iterator[Path]:
    """Send staging, quarantine, marts, warehouse and reports under `root` for the duration.

    A refresh builds its new outputs aside this way and publishes them only when every step
    succeeded. Raw inputs must be resolved before entering (data_dir() points at `root` inside).
    """
    root = root.resolve()
    with environment({"SERVIR_PM_DATA": str(root), "SERVIR_PM_WAREHOUSE": str(root / "warehouse.duckdb"),
                      "SERVIR_PM_REPORTS": str(root / "reports")}):
        yield root


def snapshot_name(snapshot_dir: Path) -> str:
    """The folder's own name: `data/raw/2025-03-31` linked to a shared drive is still `2025-03-31`
    (resolving the link would name it after the target, which the refresh does not know)."""
    return Path(os.path.abspath(snapshot_dir)).name


def snapshot_sort_key(snapshot: str) -> tuple[str, str]:
    """Chronological order: by the date in the name; undated names first, by name (as dbt orders them)."""
    return (snapshot_date(snapshot) or "", snapshot)


def snapshot_date(snapshot: str) -> str | None:
    """The ISO date a snapshot folder is named after (`2016-05-31`, `servir_2025-03-31`), if any."""
    match = _DATE_RE.search(snapshot)
    return "-".join(match.groups()) if match else None
