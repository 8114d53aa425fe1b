"""`servir-pm refresh`: bring the published outputs up to date with data/raw/, unattended.

1. Plan (cheap, no polars/duckdb/dbt; pipelines.refresh.plan): what changed since the last publish.
   Nothing changed: log it and stop.
2. Build aside, under data/.work/refresh-<run>/ (pipelines.refresh.aside): ingest the changed
   snapshots, build the warehouse, export the marts and render the reports of every snapshot the
   change affects, each stage in a process of its own.
3. Publish it all at once (pipelines.refresh.publish), withdrawn snapshots' outputs removed in the same step.
The whole run holds the pipeline lock, so two refreshes never overlap. Whatever happens (a failing
step, a panic in a reader, Ctrl-C), the run's end line is written and its work folder removed.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import paths
from pipelines.errors import PipelineError
from pipelines.refresh import lock, publish, runlog
from pipelines.refresh.aside import STEP_FILE, SnapshotFailure, StepCallback, Steps, build_aside, ingest_changed
from pipelines.refresh.plan import DEFAULT_MIN_AGE_SECONDS, NoSnapshotsError, Plan, code_fingerprint, plan

__all__ = ["DEFAULT_MIN_AGE_SECONDS", "STEP_FILE", "NoSnapshotsError", "Plan", "RefreshResult", "code_fingerprint",
           "plan", "refresh"]


@dataclass
class RefreshResult:
    run_id: str
    outcome: str  # runlog.OUTCOMES
    plan: Plan
    seconds: float
    counts: dict[str, Any] = field(default_factory=dict)
    failures: list[SnapshotFailure] = field(default_factory=list)


def refresh(force: bool = False, lang: str = "es", min_age_seconds: float = DEFAULT_MIN_AGE_SECONDS,
            on_step: StepCallback | None = None) -> RefreshResult:
    """Refresh what changed and publish it atomically. Raises PipelineError on failure (logged).

    A snapshot whose own input fails (exit code 2) is left out and the others are published:
    the result's outcome is then `partial` and `failures` says which (the CLI exits with 2). If no
    other change was left to publish, the first failure is raised instead.
    """
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
    steps = Steps(None, on_step)
    the_plan: Plan | None = None
    failures: list[SnapshotFailure] = []
    counts: dict[str, Any] = {}
    tried: list[str] = []  # the snapshots this run set out to rebuild (some may be left out)
    try:
        steps("recover")
        if publish.recover():
            base["recovered_interrupted_publish"] = True
        _remove_abandoned_work()
        steps("plan")
        state = publish.read_state()
        the_plan = plan(state, force=force, min_age_seconds=min_age_seconds)
        if not the_plan.changed and not the_plan.withdrawn:
            seconds = time.time() - started
            runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "no_change",
                           "seconds": round(seconds, 3), "snapshots": [], "waiting": the_plan.waiting})
            return RefreshResult(run_id, "no_change", the_plan, seconds)
        runlog.append({**base, "event": "start", "snapshots": sorted(the_plan.changed),
                       "reasons": the_plan.changed, "affected": the_plan.affected, "waiting": the_plan.waiting,
                       "withdrawn": the_plan.withdrawn})
        steps.work = paths.work_dir() / f"refresh-{run_id}"
        steps.work.mkdir(parents=True)
        tried = sorted(the_plan.changed)
        counts = ingest_changed(the_plan, state, steps.work, steps, failures)
        if not the_plan.changed and not the_plan.withdrawn:
            # Every change was left out (failed, or still being written): nothing to publish.
            shutil.rmtree(steps.work, ignore_errors=True)
            if failures:
                raise failures[0].error
            seconds = time.time() - started
            runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "no_change",
                           "seconds": round(seconds, 3), "snapshots": tried, "waiting": the_plan.waiting})
            return RefreshResult(run_id, "no_change", the_plan, seconds)
        counts.update(build_aside(the_plan, state, steps.work, lang, steps))
        steps("publish")
        publish.commit(_moves(the_plan, steps.work), _new_state(state, the_plan, run_id, counts),
                       removals=_removals(the_plan))
    except BaseException as error:
        # Every failure, early ones and panics included, ends the run's log entry (what
        # --on-failure reports) and clears the work folder. Ctrl-C too, then it goes on up.
        exit_code = error.exit_code if isinstance(error, PipelineError) else 1
        message = error.problem if isinstance(error, PipelineError) else f"{type(error).__name__}: {error}"
        failed_step = steps.current
        if failures and error is failures[0].error:
            failed_step = failures[0].step
        runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "failed",
                       "seconds": round(time.time() - started, 3),
                       "snapshots": sorted({*tried, *(the_plan.changed if the_plan else [])}),
                       "failed_step": failed_step, "exit_code": exit_code, "error": message,
                       "file": getattr(error, "file", None),
                       "failures": {f.snapshot: f.as_record() for f in failures}})
        if steps.work is not None:
            shutil.rmtree(steps.work, ignore_errors=True)  # never published; the run log says what failed
        raise
    steps.finish()  # the publish step's time
    shutil.rmtree(steps.work, ignore_errors=True)
    seconds = time.time() - started
    outcome = "partial" if failures else "success"
    record: dict[str, Any] = {**base, "event": "end", "finished_at": runlog.now(), "outcome": outcome,
                              "seconds": round(seconds, 3), "snapshots": sorted({*the_plan.changed,
                                                                                 *(f.snapshot for f in failures)}),
                              "published": the_plan.affected, "withdrawn": the_plan.withdrawn,
                              "build": counts.pop("build", None), "counts": counts,
                              "step_seconds": steps.seconds,
                              "waiting": the_plan.waiting}
    if failures:
        first = failures[0]
        record.update({"failures": {f.snapshot: f.as_record() for f in failures}, "failed_step": first.step,
                       "exit_code": first.error.exit_code, "error": first.error.problem,
                       "file": first.error.file})
    runlog.append(record)
    return RefreshResult(run_id, outcome, the_plan, seconds, counts, failures)


def _remove_abandoned_work() -> None:
    """Work folders of killed runs: never published (or recover() finished them), so just debris."""
    for leftover in paths.work_dir().glob("refresh-*"):
        shutil.rmtree(leftover, ignore_errors=True)


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


def _removals(the_plan: Plan) -> list[Path]:
    """Everything published for a withdrawn snapshot (its warehouse rows go with the new warehouse,
    built without it)."""
    return [folder for snapshot in sorted(the_plan.withdrawn)
            for folder in (paths.staging_dir(snapshot), paths.quarantine_dir(snapshot), paths.marts_dir(snapshot),
                           paths.reports_dir(snapshot))]


def _new_state(state: dict[str, Any], the_plan: Plan, run_id: str, counts: dict[str, Any]) -> dict[str, Any]:
    snapshots = dict(state.get("snapshots", {}))
    withdrawn = dict(state.get("withdrawn", {}))
    now = runlog.now()
    for snapshot, why in the_plan.withdrawn.items():
        entry = snapshots.pop(snapshot)
        withdrawn[snapshot] = {"withdrawn_by": run_id, "withdrawn_at": now, "reason": why,
                               "series": entry.get("series"), "last_published_at": entry.get("published_at"),
                               "inputs": entry.get("inputs", {})}
    for snapshot in the_plan.affected:
        entry = dict(snapshots.get(snapshot, {}))
        if snapshot in the_plan.changed and snapshot not in the_plan.from_staging:
            entry.update({"inputs": the_plan.inputs[snapshot], "ingested_by": run_id, "ingested_at": now,
                          "source_dir": str(paths.raw_dir(snapshot)), "reason": the_plan.changed[snapshot],
                          "series": the_plan.series.get(snapshot)})
            if snapshot in counts:
                entry["rows"] = counts[snapshot]
        entry.update({"published_by": run_id, "published_at": now})
        snapshots[snapshot] = entry
        withdrawn.pop(snapshot, None)  # its raw folder came back
    return {"run_id": run_id, "published_at": now, "code_fingerprint": the_plan.code_fingerprint,
            "snapshots": snapshots, "withdrawn": withdrawn}
