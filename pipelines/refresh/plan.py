"""What a refresh would do now (cheap, no polars/duckdb/dbt).

Hash each snapshot's input files (and its series.json) and compare them, and the fingerprint of the
code and rules, with what the last refresh published (data/published.json). A file younger than the
minimum age waits for a later run; a published snapshot whose raw folder is gone is withdrawn.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import paths
from pipelines.errors import PipelineError
from pipelines.ingest.discovery import discover_files, sha256_of
from pipelines.privacy.salt import salt_fingerprint
from pipelines.refresh.series import SERIES_FILE, SeriesInfo, read_series

# What the outputs are computed by: a change here rebuilds every snapshot. (pipelines/sample only
# writes raw inputs, which are hashed themselves.)
# Seeds' YAML and the singular tests are in: what a rule check answers depends on them
# (pipelines.build.rule_checks skips the checks a build of the same fingerprint passed).
CODE_GLOBS = ("pipelines/**/*.py", "models/**/*", "macros/**/*", "seeds/**/*.csv", "seeds/**/*.yml",
              "tests/generic/*.sql", "tests/*.sql",
              "notebooks/*.py", "notebooks/_template/**/*", "dbt_project.yml")
# A file modified less than this many seconds ago is probably still being copied in: its snapshot
# waits for a later run (`--min-age`; the scheduled units use pipelines.refresh.schedule's value).
DEFAULT_MIN_AGE_SECONDS = 120.0
SERIES_TABLE = "series"  # input_facts' table for series.json: hashed with the inputs, not ingested


class NoSnapshotsError(PipelineError):
    """data/raw holds no snapshot folder with input files."""


@dataclass
class Plan:
    snapshots: list[str]  # every snapshot that will be published after this run, oldest first
    changed: dict[str, str]  # snapshot -> why it is rebuilt
    waiting: dict[str, str] = field(default_factory=dict)  # snapshot -> why it is left for later
    inputs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # snapshot -> file -> facts
    code_fingerprint: str = ""
    # Rebuilt from their published staging, not re-ingested: still being copied, or failed this run.
    from_staging: set[str] = field(default_factory=set)
    # snapshot -> series metadata (pipelines.refresh.series) it is published with; and, for published
    # snapshots, the series they were last published in (a changed series.json moves a snapshot).
    series: dict[str, dict[str, str]] = field(default_factory=dict)
    published_series: dict[str, str] = field(default_factory=dict)
    withdrawn: dict[str, str] = field(default_factory=dict)  # published snapshot -> why it leaves
    rebuild_all: bool = False  # code, rules or salt changed, or --force

    def series_of(self, snapshot: str) -> str | None:
        info = self.series.get(snapshot)
        return info.get("series") if info else self.published_series.get(snapshot)

    @property
    def affected(self) -> list[str]:
        """Changed snapshots and every later snapshot of the same series (their history marts
        compare with the one before), also after a withdrawn snapshot of that series."""
        starts: dict[str, tuple[str, str]] = {}  # series -> earliest change in it
        for name in [*self.changed, *self.withdrawn]:
            for series in {self.series_of(name), self.published_series.get(name)} - {None}:
                key = paths.snapshot_sort_key(name)
                starts[str(series)] = min(starts.get(str(series), key), key)
        return [s for s in self.snapshots if s in self.changed
                or (self.series_of(s) in starts and paths.snapshot_sort_key(s) >= starts[str(self.series_of(s))])]


def code_fingerprint(root: Path = paths.PROJECT_ROOT) -> str:
    """Hash of the code, rules and pseudonym salt (a new salt makes every occupant key differ)."""
    digest = hashlib.sha256(salt_fingerprint().encode())
    files = sorted({p for pattern in CODE_GLOBS for p in root.glob(pattern)
                    if p.is_file() and "__pycache__" not in p.parts})
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def input_facts(folder: Path, known: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """file name -> table, size, mtime and SHA-256 for each input file of a snapshot folder.

    A file whose size and modification time match what was published keeps its recorded hash
    (rehashing a large registry every few minutes is the slow part); any other file is hashed, so
    a touched-but-identical file still counts as unchanged.
    """
    facts: dict[str, dict[str, Any]] = {}
    for table, path in _input_files(folder):
        stat = path.stat()
        before = known.get(path.name, {})
        same_stat = before.get("size") == stat.st_size and before.get("mtime_ns") == stat.st_mtime_ns
        digest = before["sha256"] if same_stat and "sha256" in before else sha256_of(path)
        facts[path.name] = {"table": table, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                            "sha256": digest}
    return facts


def _input_files(folder: Path) -> list[tuple[str, Path]]:
    """(table, path) of each input file, series.json included (a new series is a change)."""
    found = [(table, path) for table, files in discover_files(folder).items() for path in files]
    if (folder / SERIES_FILE).is_file():
        found.append((SERIES_TABLE, folder / SERIES_FILE))
    return found


def input_stats(folder: Path) -> dict[str, tuple[int, int]]:
    """file name -> (size, mtime_ns) of each input file, now: to see files change during a run."""
    found = {}
    for _, path in _input_files(folder):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        found[path.name] = (stat.st_size, stat.st_mtime_ns)
    return found


def _series_meta(folder: Path) -> dict[str, str]:
    """The folder's series metadata; an unreadable series.json is the ingestion's to report."""
    try:
        return read_series(folder).as_dict()
    except PipelineError:
        return SeriesInfo().as_dict()


def _raw_folders() -> list[Path]:
    root = paths.raw_dir()
    if not root.is_dir():
        return []
    return sorted((d for d in root.iterdir() if d.is_dir() and not d.name.startswith(".")),
                  key=lambda d: paths.snapshot_sort_key(d.name))


def plan(state: dict[str, Any], force: bool = False, min_age_seconds: float = 0.0) -> Plan:
    """What a refresh would do now. Reads file metadata and hashes; writes nothing."""
    published: dict[str, Any] = state.get("snapshots", {})
    fingerprint = code_fingerprint()
    code_changed = bool(published) and state.get("code_fingerprint") != fingerprint
    changed: dict[str, str] = {}
    waiting: dict[str, str] = {}
    inputs: dict[str, dict[str, dict[str, Any]]] = {}
    series: dict[str, dict[str, str]] = {}
    now = time.time()
    for folder in _raw_folders():
        name = folder.name
        known = published.get(name, {}).get("inputs", {})
        facts = input_facts(folder, known)
        if not any(f["table"] != SERIES_TABLE for f in facts.values()):
            continue  # not a snapshot (no entities/positions file): ignored, as ingestion would
        young = [f for f in facts if now - facts[f]["mtime_ns"] / 1e9 < min_age_seconds]
        if young:
            # Probably still being copied in: wait for the next run rather than ingest half a file.
            waiting[name] = f"modified less than {min_age_seconds:g} s ago: {', '.join(young)}"
            continue
        inputs[name] = facts
        series[name] = _series_meta(folder)
        if name not in published:
            changed[name] = "new snapshot"
        elif force:
            changed[name] = "forced (--force)"
        elif code_changed:
            changed[name] = "code, rules or pseudonym salt changed since it was published"
        elif _hashes(facts) != _hashes(known):
            changed[name] = "inputs changed: " + ", ".join(_differences(known, facts))
    from_staging: set[str] = set()
    withdrawn: dict[str, str] = {}
    for name, entry in published.items():
        if name in inputs:
            continue
        if name not in waiting:
            # Raw folder removed (or emptied): the snapshot leaves, outputs and warehouse rows with it.
            withdrawn[name] = ("raw folder removed" if not paths.raw_dir(name).is_dir()
                               else "no input file left in its raw folder")
            continue
        # Still being copied: keep what is published, built from its old inputs.
        inputs[name] = entry.get("inputs", {})
        series[name] = entry.get("series") or SeriesInfo().as_dict()
        if code_changed or force:
            from_staging.add(name)
            changed[name] = "rebuilt from its published staging (raw inputs still being copied)"
    if not inputs:
        withdrawn = {}  # never withdraw every snapshot at once (see below)
    if not inputs and not waiting:
        # Never withdraw everything at once: an empty data/raw is more often an unmounted drive.
        raise NoSnapshotsError(
            problem="no snapshot folder with input files in data/raw"
            + (" (a refresh never withdraws every published snapshot at once)" if withdrawn else ""),
            fix="put each extract in data/raw/<snapshot date>/ (entities.* and positions.*), "
                "e.g. data/raw/2025-03-31/, or run `servir-pm sample` for the synthetic sample",
            file=paths.raw_dir())
    ordered = sorted(inputs, key=paths.snapshot_sort_key)
    published_series = {n: str((e.get("series") or {}).get("series", SeriesInfo().series))
                        for n, e in published.items()}
    return Plan(ordered, changed, waiting, inputs, fingerprint, from_staging, series, published_series,
                withdrawn, rebuild_all=code_changed or force)


def _hashes(facts: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: f.get("sha256", "") for name, f in facts.items()}


def _differences(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[str]:
    notes = [f"{n} added" for n in sorted(set(after) - set(before))]
    notes += [f"{n} removed" for n in sorted(set(before) - set(after))]
    notes += [f"{n} modified" for n in sorted(set(after) & set(before))
              if after[n].get("sha256") != before[n].get("sha256")]
    return notes
