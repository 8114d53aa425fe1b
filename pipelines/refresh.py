"""`servir-pm refresh`: bring the published outputs up to date with data/raw/, unattended.

1. Plan (cheap, no polars/duckdb/dbt): hash each snapshot's input files and compare them, and the
   fingerprint of the code and rules, with what the last refresh published (data/published.json).
   Nothing changed: log it and stop.
2. Build aside, under data/.work/refresh-<run>/: ingest the changed snapshots, link the unchanged
   ones' staging and marts, build the warehouse from all of them (dbt, every data test), export
   the marts and render the reports of every snapshot the change affects.
3. Publish it all at once (pipelines.publish), only if every step succeeded.
The whole run holds the pipeline lock, so two refreshes never overlap.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import lock, paths, publish, runlog
from pipelines.discovery import discover_files, sha256_of
from pipelines.errors import PipelineError
from pipelines.salt import salt_fingerprint

StepCallback = Callable[[str], None]

# What the outputs are computed by: a change here rebuilds every snapshot. (pipelines/sample only
# writes raw inputs, which are hashed themselves.)
CODE_GLOBS = ("pipelines/*.py", "models/**/*", "macros/**/*", "seeds/**/*.csv", "tests/generic/*.sql",
              "notebooks/*.py", "notebooks/_template/**/*", "dbt_project.yml")
STEP_FILE = "STEP"  # inside the run's work folder: what it is doing now (for status and tests)


class NoSnapshotsError(PipelineError):
    """data/raw holds no snapshot folder with input files."""


@dataclass
class Plan:
    snapshots: list[str]  # every snapshot that will be published after this run, oldest first
    changed: dict[str, str]  # snapshot -> why it is rebuilt
    waiting: dict[str, str] = field(default_factory=dict)  # snapshot -> why it is left for later
    inputs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # snapshot -> file -> facts
    code_fingerprint: str = ""
    # Rebuilt from their published staging, not re-ingested: raw folder gone, or still being copied.
    from_staging: set[str] = field(default_factory=set)

    @property
    def affected(self) -> list[str]:
        """Changed snapshots and every later one (their history marts compare with the one before)."""
        if not self.changed:
            return []
        first = min(self.changed, key=paths.snapshot_sort_key)
        return [s for s in self.snapshots if paths.snapshot_sort_key(s) >= paths.snapshot_sort_key(first)]


@dataclass
class RefreshResult:
    run_id: str
    outcome: str  # runlog.OUTCOMES
    plan: Plan
    seconds: float
    counts: dict[str, Any] = field(default_factory=dict)


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
    for table, files in discover_files(folder).items():
        for path in files:
            stat = path.stat()
            before = known.get(path.name, {})
            same_stat = before.get("size") == stat.st_size and before.get("mtime_ns") == stat.st_mtime_ns
            digest = before["sha256"] if same_stat and "sha256" in before else sha256_of(path)
            facts[path.name] = {"table": table, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                "sha256": digest}
    return facts


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
    now = time.time()
    for folder in _raw_folders():
        name = folder.name
        known = published.get(name, {}).get("inputs", {})
        facts = input_facts(folder, known)
        if not facts:
            continue  # not a snapshot (no entities/positions file): ignored, as ingestion would
        young = [f for f in facts if now - facts[f]["mtime_ns"] / 1e9 < min_age_seconds]
        if young:
            # Probably still being copied in: wait for the next run rather than ingest half a file.
            waiting[name] = f"modified less than {min_age_seconds:g} s ago: {', '.join(young)}"
            continue
        inputs[name] = facts
        if name not in published:
            changed[name] = "new snapshot"
        elif force:
            changed[name] = "forced (--force)"
        elif code_changed:
            changed[name] = "code, rules or pseudonym salt changed since it was published"
        elif _hashes(facts) != _hashes(known):
            changed[name] = "inputs changed: " + ", ".join(_differences(known, facts))
    from_staging: set[str] = set()
    for name, entry in published.items():
        if name not in inputs:
            # Raw folder gone (archived) or waiting: keep what is published, built from its old inputs.
            inputs[name] = entry.get("inputs", {})
            if code_changed or force:
                from_staging.add(name)
                changed.setdefault(name, "rebuilt from its published staging (raw inputs "
                                         + ("still being copied)" if name in waiting else "not found)"))
    if not inputs and not waiting:
        raise NoSnapshotsError(
            problem="no snapshot folder with input files in data/raw",
            fix="put each extract in data/raw/<snapshot date>/ (entities.* and positions.*), "
                "e.g. data/raw/2025-03-31/, or run `servir-pm sample` for the embedded sample",
            file=paths.raw_dir())
    ordered = sorted(inputs, key=paths.snapshot_sort_key)
    return Plan(ordered, changed, waiting, inputs, fingerprint, from_staging)


def _hashes(facts: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: f.get("sha256", "") for name, f in facts.items()}


def _differences(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[str]:
    notes = [f"{n} added" for n in sorted(set(after) - set(before))]
    notes += [f"{n} removed" for n in sorted(set(before) - set(after))]
    notes += [f"{n} modified" for n in sorted(set(after) & set(before))
              if after[n].get("sha256") != before[n].get("sha256")]
    return notes


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link a published folder into the work area (instant, no extra space); copy if not possible."""
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


class _Steps:
    """Remembers the current step (for the run log) and shows it in the work folder and on screen."""

    def __init__(self, work: Path | None, on_step: StepCallback | None) -> None:
        self.work, self.on_step, self.current = work, on_step, "start"

    def __call__(self, name: str) -> None:
        self.current = name
        if self.work is not None:
            (self.work / STEP_FILE).write_text(name, encoding="utf-8")
        if self.on_step and self.work is not None:  # recover and plan take milliseconds: not shown
            self.on_step(name)


def refresh(force: bool = False, lang: str = "es", min_age_seconds: float = 0.0,
            on_step: StepCallback | None = None) -> RefreshResult:
    """Refresh what changed and publish it atomically. Raises PipelineError on failure (logged)."""
    started = time.time()
    run_id = runlog.new_run_id()
    try:
        with lock.exclusive("refresh"):
            return _refresh_locked(run_id, started, force, lang, min_age_seconds, on_step)
    except lock.LockedError as error:
        runlog.append({"event": "end", "run_id": run_id, "started_at": runlog.now(), "finished_at": runlog.now(),
                       "outcome": "locked", "exit_code": error.exit_code, "error": error.problem})
        raise


def _refresh_locked(run_id: str, started: float, force: bool, lang: str, min_age_seconds: float,
                    on_step: StepCallback | None) -> RefreshResult:
    base: dict[str, Any] = {"run_id": run_id, "started_at": runlog.now(), "pid": os.getpid()}
    steps = _Steps(None, on_step)
    the_plan: Plan | None = None
    try:
        steps("recover")
        if publish.recover():
            base["recovered_interrupted_publish"] = True
        _remove_abandoned_work()
        steps("plan")
        state = publish.read_state()
        the_plan = plan(state, force=force, min_age_seconds=min_age_seconds)
        if not the_plan.changed:
            seconds = time.time() - started
            runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "no_change",
                           "seconds": round(seconds, 3), "snapshots": [], "waiting": the_plan.waiting})
            return RefreshResult(run_id, "no_change", the_plan, seconds)
        runlog.append({**base, "event": "start", "snapshots": sorted(the_plan.changed),
                       "reasons": the_plan.changed, "affected": the_plan.affected, "waiting": the_plan.waiting})
        steps.work = paths.work_dir() / f"refresh-{run_id}"
        steps.work.mkdir(parents=True)
        counts = _build_aside(the_plan, steps.work, lang, steps)
        steps("publish")
        publish.commit(_moves(the_plan, steps.work), _new_state(state, the_plan, run_id, counts))
    except Exception as error:
        # Every failure, early ones included, ends the run's log entry (what --on-failure reports).
        exit_code = error.exit_code if isinstance(error, PipelineError) else 1
        message = error.problem if isinstance(error, PipelineError) else f"{type(error).__name__}: {error}"
        runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "failed",
                       "seconds": round(time.time() - started, 3),
                       "snapshots": sorted(the_plan.changed) if the_plan else [],
                       "failed_step": steps.current, "exit_code": exit_code, "error": message,
                       "file": getattr(error, "file", None)})
        if steps.work is not None:
            shutil.rmtree(steps.work, ignore_errors=True)  # never published; the run log says what failed
        raise
    shutil.rmtree(steps.work, ignore_errors=True)
    seconds = time.time() - started
    runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "success",
                   "seconds": round(seconds, 3), "snapshots": sorted(the_plan.changed),
                   "published": the_plan.affected, "counts": counts})
    return RefreshResult(run_id, "success", the_plan, seconds, counts)


def _remove_abandoned_work() -> None:
    """Work folders of killed runs: never published (or recover() finished them), so just debris."""
    for leftover in paths.work_dir().glob("refresh-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _build_aside(the_plan: Plan, work: Path, lang: str, step: _Steps) -> dict[str, Any]:
    from pipelines.build import build
    from pipelines.ingest import ingest_snapshot
    from pipelines.report import render

    # Resolved before the redirect: inside it, paths.* point at the work folder.
    raw = {s: paths.raw_dir(s) for s in the_plan.changed}
    published_staging = {s: paths.staging_dir(s) for s in the_plan.snapshots}
    published_marts = {s: paths.marts_dir(s) for s in the_plan.snapshots}
    counts: dict[str, Any] = {}
    with paths.outputs_redirected(work):
        for snapshot in the_plan.snapshots:
            if snapshot in the_plan.changed and snapshot not in the_plan.from_staging:
                step(f"ingest {snapshot}")
                result = ingest_snapshot(raw[snapshot])
                counts[snapshot] = {table: {"rows_read": sum(f.rows_read for f in result.files if f.table == table),
                                            "rows_valid": sum(f.rows_valid for f in result.files if f.table == table),
                                            "rows_quarantined": sum(f.rows_quarantined for f in result.files
                                                                    if f.table == table)}
                                    for table in ("entities", "positions")}
            else:
                _link_tree(published_staging[snapshot], paths.staging_dir(snapshot))
            if snapshot not in the_plan.affected and published_marts[snapshot].is_dir():
                _link_tree(published_marts[snapshot], paths.marts_dir(snapshot))
        step("build")
        built = build(exports=the_plan.affected)
        counts["dbt_tests_passed"] = built.tests_passed
        counts["mart_files"] = len(built.files)
        for snapshot in the_plan.affected:
            step(f"report {snapshot}")
            counts.setdefault("report_pages", 0)
            counts["report_pages"] += len(render(snapshot, lang))
    return counts


def _moves(the_plan: Plan, work: Path) -> list[tuple[Path, Path]]:
    """Built -> published, in the order readers care least about: inputs first, reports last."""
    moves: list[tuple[Path, Path]] = []
    for snapshot in set(the_plan.changed) - the_plan.from_staging:
        for kind in ("staging", "quarantine"):
            built = work / kind / snapshot
            if built.exists():
                moves.append((built, paths.data_dir() / kind / snapshot))
    for snapshot in the_plan.affected:
        moves.append((work / "marts" / snapshot, paths.marts_dir(snapshot)))
    moves.append((work / "warehouse.duckdb", paths.warehouse_path()))
    for snapshot in the_plan.affected:
        moves.append((work / "reports" / snapshot, paths.reports_dir(snapshot)))
    return moves


def _new_state(state: dict[str, Any], the_plan: Plan, run_id: str, counts: dict[str, Any]) -> dict[str, Any]:
    snapshots = dict(state.get("snapshots", {}))
    now = runlog.now()
    for snapshot in the_plan.affected:
        entry = dict(snapshots.get(snapshot, {}))
        if snapshot in the_plan.changed and snapshot not in the_plan.from_staging:
            entry.update({"inputs": the_plan.inputs[snapshot], "ingested_by": run_id, "ingested_at": now,
                          "source_dir": str(paths.raw_dir(snapshot)), "reason": the_plan.changed[snapshot]})
            if snapshot in counts:
                entry["rows"] = counts[snapshot]
        entry.update({"published_by": run_id, "published_at": now})
        snapshots[snapshot] = entry
    return {"run_id": run_id, "published_at": now, "code_fingerprint": the_plan.code_fingerprint,
            "snapshots": snapshots}
