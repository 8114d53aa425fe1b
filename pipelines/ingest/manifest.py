"""The run manifest: what went in (names, SHA-256), what came out (counts), with what code."""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pipelines import __version__, paths
from pipelines.privacy.redact import redact_any
from pipelines.privacy.salt import key

# Our own names and hashes, never read from a file's content (a snapshot may be named 20250331).
_NOT_REDACTED = frozenset({"sha256", "snapshot", "snapshot_date", "source_dir", "file", "code_version",
                           "packages", "started_at", "finished_at"})
_PACKAGES = ("polars", "duckdb", "great-expectations", "dbt-core", "dbt-duckdb", "plotly", "pyarrow")


def code_version() -> str:
    try:
        out = subprocess.run(["git", "-C", str(paths.PROJECT_ROOT), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=5, check=False)
        commit = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{__version__}+{commit}" if commit else __version__


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_manifest(snapshot: str, snapshot_dir: Path, files: list[dict], timings: dict[str, float],
                   started: float) -> dict:
    tables: dict[str, dict[str, int]] = {}
    for f in files:
        t = tables.setdefault(f["table"], {"rows_read": 0, "rows_valid": 0, "rows_quarantined": 0})
        for k in t:
            t[k] += f[k]
    return redact_any({
        "snapshot": snapshot,
        "snapshot_date": paths.snapshot_date(snapshot),
        "source_dir": str(snapshot_dir),
        "started_at": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "packages": package_versions(),
        "salt_source": key()[1],  # where the pseudonym key came from; the key itself is never written
        "tables": tables,
        "files": files,
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
    }, keep=_NOT_REDACTED)
