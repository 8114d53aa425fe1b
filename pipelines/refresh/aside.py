"""Build a refresh's outputs aside, under data/.work/refresh-<run>/: ingest the changed snapshots
(one that fails on a file-level input problem, or whose files changed while it was read, is left
out and the others go on), link the unchanged ones' staging and marts, build the warehouse (dbt, every
data test): from all of them, or, when pipelines.refresh.kind allows, from a copy of the published
warehouse and the affected snapshots alone; then export the marts and render the reports of every
snapshot the change affects.

Each ingest, the build and the reports (every affected snapshot's, in one process) run in a
process of their own (pipelines.refresh.stages): what one stage holds in memory is returned before
the next one starts.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines import paths
from pipelines.errors import PipelineError
from pipelines.refresh import stages
from pipelines.refresh.kind import decide as decide_kind
from pipelines.refresh.plan import Plan, input_stats
from pipelines.refresh.series import SeriesInfo

StepCallback = Callable[[str], None]
STEP_FILE = "STEP"  # inside the run's work folder: what it is doing now (for status and tests)


@dataclass
class SnapshotFailure:
    """A snapshot left out of a run because of its own input (exit code 2): the others go on."""
    snapshot: str
    step: str
    error: PipelineError

    def as_record(self) -> dict[str, Any]:
        return {"step": self.step, "exit_code": self.error.exit_code, "error": self.error.problem,
                "file": self.error.file}


def link_tree(source: Path, target: Path) -> None:
    """Hard-link a published folder into the work area (instant, no extra space); copy if not possible."""
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


class Steps:
    """Remembers the current step (for the run log) and shows it in the work folder and on screen;
    `seconds` is how long each step took (the run log's `step_seconds`, what `make bench` splits)."""

    def __init__(self, work: Path | None, on_step: StepCallback | None) -> None:
        self.work, self.on_step, self.current = work, on_step, "start"
        self.seconds: dict[str, float] = {}
        self._started = time.perf_counter()

    def __call__(self, name: str) -> None:
        self.finish()
        self.current = name
        if self.work is not None:
            (self.work / STEP_FILE).write_text(name, encoding="utf-8")
        if self.on_step and self.work is not None:  # recover and plan take milliseconds: not shown
            self.on_step(name)

    def finish(self) -> None:
        """Close the current step's clock."""
        now = time.perf_counter()
        self.seconds[self.current] = round(self.seconds.get(self.current, 0.0) + now - self._started, 3)
        self._started = now


def ingest_changed(the_plan: Plan, state: dict[str, Any], work: Path, step: Steps,
                   failures: list[SnapshotFailure]) -> dict[str, Any]:
    """Ingest each changed snapshot into the work folder. One whose input fails (exit code 2), or
    whose files changed while they were read, is left out of this run (`_leave_out`): the others
    go on. Returns the row counts per ingested snapshot."""
    counts: dict[str, Any] = {}
    for snapshot in [s for s in the_plan.snapshots if s in the_plan.changed and s not in the_plan.from_staging]:
        raw = paths.raw_dir(snapshot)  # resolved before the redirect
        step(f"ingest {snapshot}")
        try:
            with paths.outputs_redirected(work):
                rows = stages.run_stage("ingest", {"raw": str(raw)})
        except PipelineError as error:
            if error.exit_code != 2:
                raise
            failures.append(SnapshotFailure(snapshot, f"ingest {snapshot}", error))
            _leave_out(the_plan, state, snapshot, work)
            continue
        known = the_plan.inputs[snapshot]
        now = input_stats(raw)
        moved = sorted(name for name, (size, mtime) in now.items()
                       if (known.get(name, {}).get("size"), known.get(name, {}).get("mtime_ns")) != (size, mtime))
        moved += sorted(set(known) - set(now))
        if moved:
            _leave_out(the_plan, state, snapshot, work)
            the_plan.waiting[snapshot] = f"changed while this run read it: {', '.join(moved)}"
            continue
        counts[snapshot] = rows
    return counts


def _leave_out(the_plan: Plan, state: dict[str, Any], snapshot: str, work: Path) -> None:
    """Take a changed snapshot out of this run: what is published for it stays as it is (rebuilt
    from its published staging if the code changed); a new one is simply not published yet."""
    for kind in ("staging", "quarantine"):
        shutil.rmtree(work / kind / snapshot, ignore_errors=True)
    del the_plan.changed[snapshot]
    entry = state.get("snapshots", {}).get(snapshot)
    if entry is None:
        the_plan.snapshots.remove(snapshot)
        the_plan.inputs.pop(snapshot, None)
        the_plan.series.pop(snapshot, None)
        return
    the_plan.inputs[snapshot] = entry.get("inputs", {})
    the_plan.series[snapshot] = entry.get("series") or SeriesInfo().as_dict()
    if the_plan.rebuild_all:
        the_plan.from_staging.add(snapshot)
        the_plan.changed[snapshot] = "rebuilt from its published staging (its new inputs were left out)"


def copy_warehouse(source: Path, target: Path) -> None:
    """The published warehouse, as an incremental build's starting point: a real copy (the build
    writes into it), by reflink where the file system shares blocks (btrfs, XFS), else byte by byte."""
    import subprocess

    done = subprocess.run(["cp", "--reflink=auto", str(source), str(target)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:  # no GNU cp (another system): the standard library's copy
        shutil.copyfile(source, target)


def build_aside(the_plan: Plan, state: dict[str, Any], work: Path, lang: str, step: Steps) -> dict[str, Any]:
    # Resolved before the redirect: inside it, paths.* point at the work folder.
    published_staging = {s: paths.staging_dir(s) for s in the_plan.snapshots}
    published_marts = {s: paths.marts_dir(s) for s in the_plan.snapshots}
    published_warehouse = paths.warehouse_path()
    ingested = set(the_plan.changed) - the_plan.from_staging
    affected = the_plan.affected
    how = decide_kind(the_plan, state, published_warehouse)
    # A full build reads every snapshot; an incremental one only the batch (macros/batch.sql).
    staged = affected if how.incremental else the_plan.snapshots
    with paths.outputs_redirected(work):
        for snapshot in the_plan.snapshots:
            if snapshot not in ingested and snapshot in staged:
                link_tree(published_staging[snapshot], paths.staging_dir(snapshot))
            if snapshot not in affected and published_marts[snapshot].is_dir():
                link_tree(published_marts[snapshot], paths.marts_dir(snapshot))
        if how.incremental:
            step("copy warehouse")
            copy_warehouse(published_warehouse, paths.warehouse_path())
        step("build")
        counts = stages.run_stage("build", {"exports": affected, "incremental": how.incremental})
        counts["build"] = how.as_record()
        if affected:  # every affected snapshot's reports in one process (pipelines.report.render.render_all)
            step(f"report {', '.join(affected)}")
            counts.update(stages.run_stage("report", {"snapshots": affected, "lang": lang}))
    return counts
