"""Where every stage reads and writes. One place, so a stage can be re-run alone."""

from __future__ import annotations

import os
import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The embedded sample's snapshot (synthetic positions on real entities, see README).
SAMPLE_SNAPSHOT = "2016-05-31"

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


def reports_dir(snapshot: str | None = None) -> Path:
    base = Path(os.environ.get("SERVIR_PM_REPORTS", PROJECT_ROOT / "reports")).resolve()
    return base / snapshot if snapshot else base


def snapshot_name(snapshot_dir: Path) -> str:
    return snapshot_dir.resolve().name


def snapshot_date(snapshot: str) -> str | None:
    """The ISO date a snapshot folder is named after (`2016-05-31`, `servir_2025-03-31`), if any."""
    match = _DATE_RE.search(snapshot)
    return "-".join(match.groups()) if match else None
